/* Fuzz target: any bytes as a Sightread project. Reading fails with an error, or the project holds what its limits
 * allow, and saving and reading it again gives the same systems and readings. */
#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "project.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrProject) project = sr_project_load_bytes (data, size, &error);
  if (project == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_assert_cmpuint (project->systems->len, ==, project->corrected->len);
  g_assert_true (project->systems->len == 0 || project->current < project->systems->len);
  for (guint i = 0; i < project->systems->len; i++)
    {
      const SrOmrSystem *system = &g_array_index (project->systems, SrOmrSystem, i);
      g_assert_true (system->focus->len == 0 || system->focus->len == system->lmx->len);
      g_assert_true (system->crop == NULL
                     || (system->crop->width > 0 && system->crop->width <= SR_SYSTEM_MAX_WIDTH
                         && system->crop->height > 0 && system->crop->height <= SR_SYSTEM_MAX_HEIGHT));
    }
  g_autofree char *path = g_strdup_printf ("%s/fuzz-project-%d" SR_PROJECT_SUFFIX, g_get_tmp_dir (), (int) getpid ());
  g_assert_true (sr_project_save (project, path, NULL));
  g_autoptr(SrProject) again = sr_project_load (path, &error);
  g_remove (path);
  g_assert_nonnull (again);
  g_assert_cmpuint (again->systems->len, ==, project->systems->len);
  for (guint i = 0; i < project->systems->len; i++)
    {
      const GArray *a = g_array_index (project->systems, SrOmrSystem, i).lmx;
      const GArray *b = g_array_index (again->systems, SrOmrSystem, i).lmx;
      g_assert_cmpuint (a->len, ==, b->len);
      g_assert_true (memcmp (a->data, b->data, a->len * sizeof (guint16)) == 0);
    }
  return 0;
}
