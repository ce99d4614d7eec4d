/* A device-machine harness (tools/device/README.md): the three subcommands of the sightread program that training's
 * validation calls — `lmx vocabulary`, `lmx trim-loops READINGS` and `eval ser --json REF PRED` — through the same
 * library calls as app/cli/cmd-lmx.c, for a GPU machine where the whole program cannot run. Not part of the
 * product. */
#include <stdio.h>
#include <string.h>

#include "lmx-reading-loops.h"
#include "lmx-vocabulary.h"
#include "ser.h"

static GPtrArray *
systems_of (const char *path)
{
  g_autofree char *contents = NULL;
  return g_file_get_contents (path, &contents, NULL, NULL) ? sr_ser_systems (contents) : NULL;
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "lmx") == 0 && strcmp (argv[2], "vocabulary") == 0)
    {
      for (guint id = 0; id < SR_LMX_VOCABULARY_SIZE; id++)
        printf ("%s\n", sr_lmx_token_text (id));
      return 0;
    }
  if (argc == 4 && strcmp (argv[1], "lmx") == 0 && strcmp (argv[2], "trim-loops") == 0)
    {
      g_autofree char *contents = NULL;
      if (!g_file_get_contents (argv[3], &contents, NULL, NULL))
        return 1;
      g_autofree char *trimmed = sr_lmx_readings_trim_text (contents);
      fputs (trimmed, stdout);
      return 0;
    }
  if (argc == 6 && strcmp (argv[1], "eval") == 0 && strcmp (argv[2], "ser") == 0)
    {
      g_autoptr(GPtrArray) reference = systems_of (argv[4]), prediction = systems_of (argv[5]);
      if (reference == NULL || prediction == NULL || reference->len != prediction->len)
        return 1;
      SrSerCounts all = { 0 };
      for (guint i = 0; i < reference->len; i++)
        sr_ser_add (&all, reference->pdata[i], prediction->pdata[i], FALSE);
      printf ("{\"ser\": %.6f, \"systems\": %u}\n", sr_ser_percent (&all), reference->len);
      return 0;
    }
  fprintf (stderr, "usage: sr-metric lmx vocabulary | lmx trim-loops READINGS | eval ser --json REF PRED\n");
  return 2;
}
