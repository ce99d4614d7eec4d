/* Benchmark: linearize + delinearize speed in measures per second on one core, over the ASAP scores
 * (../shared/data/aligned/asap; parsing the files is not timed). Target: ≥ 5 000 measures/s.
 * Run: meson test -C build --benchmark lmx-speed --verbose */
#include <stdio.h>

#include "lmx-delinearize.h"
#include "lmx-linearize.h"
#include "musicxml-read.h"
#include "test-files.h"

int
main (int argc, char **argv)
{
  const char *shared = g_getenv ("SIGHTREAD_SHARED");
  g_autofree char *root = g_build_filename (shared != NULL ? shared : "../shared", "data", "aligned", "asap", NULL);
  const char *const suffixes[] = { ".mxl", NULL };
  g_autoptr(GPtrArray) paths = sr_test_find_files (root, suffixes);
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func ((GDestroyNotify) xmlFreeDoc);
  for (guint i = 0; i < paths->len; i++)
    {
      xmlDoc *document = sr_musicxml_read (paths->pdata[i], NULL);
      if (document != NULL)
        g_ptr_array_add (documents, document);
    }
  if (documents->len == 0)
    {
      fprintf (stderr, "no ASAP scores under %s\n", root);
      return 77;
    }

  guint64 measures = 0;
  gint64 started = g_get_monotonic_time ();
  for (guint i = 0; i < documents->len; i++)
    {
      g_autoptr(GPtrArray) parts = sr_musicxml_parts (documents->pdata[i]);
      for (guint p = 0; p < parts->len; p++)
        {
          g_autoptr(GArray) tokens = sr_lmx_linearize_part (parts->pdata[p], NULL);
          g_autoptr(xmlDoc) rebuilt = sr_lmx_delinearize (tokens, NULL, NULL);
          for (guint t = 0; t < tokens->len; t++)
            measures += g_array_index (tokens, guint16, t) == 0; /* "measure" */
        }
    }
  double seconds = (g_get_monotonic_time () - started) / 1e6;
  double rate = measures / seconds;
  printf ("lmx: %" G_GUINT64_FORMAT " measures of %u scores linearized and delinearized in %.2f s: %.0f measures/s "
          "(target 5000)\n", measures, documents->len, seconds, rate);
  return rate >= 5000 ? 0 : 1;
}
