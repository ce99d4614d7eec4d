#include "models-folder.h"

#include "sr-config.h"

char *
sr_models_folder_default (void)
{
  const char *chosen = g_getenv (SR_MODELS_ENV);
  if (chosen != NULL && *chosen != '\0')
    return g_strdup (chosen);
  if (g_file_test (SR_MODELS_DIR, G_FILE_TEST_IS_DIR))
    return g_strdup (SR_MODELS_DIR);
  return g_strdup (SR_SOURCE_MODELS_DIR);
}

char *
sr_model_file_fingerprint (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  if (!g_file_get_contents (path, &contents, &length, NULL))
    return NULL;
  g_autofree char *digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  return g_strndup (digest, 12);
}
