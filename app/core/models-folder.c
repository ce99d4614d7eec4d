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
