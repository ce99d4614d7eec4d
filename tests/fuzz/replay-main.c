/* Runs a fuzz target over every file of the corpus folders given on the command line, so that the ordinary test
 * suite replays each corpus (and every crash found and added to it) without libFuzzer. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
main (int argc, char **argv)
{
  int n_inputs = 0;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) folder = g_dir_open (argv[i], 0, NULL);
      if (folder == NULL)
        {
          fprintf (stderr, "%s: cannot open the corpus folder\n", argv[i]);
          return 1;
        }
      for (const char *name; (name = g_dir_read_name (folder)) != NULL;)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);
          g_autofree char *contents = NULL;
          gsize length = 0;
          if (!g_file_get_contents (path, &contents, &length, NULL))
            continue;
          LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
          n_inputs++;
        }
    }
  printf ("replayed %d inputs\n", n_inputs);
  return n_inputs > 0 ? 0 : 1;
}
