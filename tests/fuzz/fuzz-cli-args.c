/* Fuzz target: command-line words for any sub-command, split at NUL bytes; the first byte picks the command.
 * Only parsing runs: nothing is opened or written. */
#include <stdint.h>

#include "cli-commands.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  gsize n_commands = 0;
  while (sr_cli_commands[n_commands].name != NULL)
    n_commands++;
  const SrCliCommand *command = data[0] == 0xff ? &sr_cli_window_command : &sr_cli_commands[data[0] % n_commands];

  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  const char *text = (const char *) data + 1;
  gsize length = size - 1;
  gsize start = 0;
  for (gsize i = 0; i <= length && words->len < 64; i++)
    if (i == length || text[i] == '\0')
      {
        g_ptr_array_add (words, g_strndup (text + start, i - start));
        start = i + 1;
      }

  int status = -1;
  /* Usage errors print a hint to stderr; that is the behaviour under test, not noise to hide. */
  SrCliArgs *args = sr_cli_args_parse (command, "sightread fuzz", (int) words->len, (char **) words->pdata, &status);
  if (args != NULL)
    {
      g_assert_cmpint (status, ==, SR_EXIT_OK);
      for (guint i = 0; i < sr_cli_args_n_positional (args); i++)
        g_assert_nonnull (sr_cli_args_positional (args, i));
      int value = 0;
      sr_cli_args_get_int (args, "page", 1, 1, 100000, &value);
      sr_cli_args_free (args);
    }
  else
    g_assert_cmpint (status, ==, SR_EXIT_USAGE);
  return 0;
}
