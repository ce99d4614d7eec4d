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
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  GPtrArray *systems = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '#' || (lines[i][0] == '\0' && lines[i + 1] == NULL))
        continue;
      g_ptr_array_add (systems, sr_ser_tokens (lines[i]));
    }
  return systems;
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
      /* as app/cli/cmd-lmx.c does */
      g_autofree char *contents = NULL;
      if (!g_file_get_contents (argv[3], &contents, NULL, NULL))
        return 1;
      g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
      for (guint i = 0; lines[i] != NULL && !(lines[i][0] == '\0' && lines[i + 1] == NULL); i++)
        {
          if (lines[i][0] == '#')
            {
              printf ("%s\n", lines[i]);
              continue;
            }
          g_auto(GStrv) words = g_strsplit_set (lines[i], " \t\r", -1);
          g_autoptr(GPtrArray) kept = g_ptr_array_new ();
          for (guint w = 0; words[w] != NULL; w++)
            if (words[w][0] != '\0')
              g_ptr_array_add (kept, words[w]);
          g_ptr_array_set_size (kept, sr_lmx_reading_trim_words ((const char *const *) kept->pdata, kept->len));
          g_ptr_array_add (kept, NULL);
          g_autofree char *line = g_strjoinv (" ", (char **) kept->pdata);
          printf ("%s\n", line);
        }
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
