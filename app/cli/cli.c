/* Chooses between the window and a sub-command, and turns every outcome into an exit status; see cli.h. */
#include "cli.h"

#include <glib/gi18n.h>

#include "cli-commands.h"
#include "cli-help.h"
#include "sr-config.h"

static guint
edit_distance (const char *a, const char *b)
{
  gsize length_a = strlen (a), length_b = strlen (b);
  g_autofree guint *row = g_new (guint, length_b + 1);
  for (gsize j = 0; j <= length_b; j++)
    row[j] = (guint) j;
  for (gsize i = 1; i <= length_a; i++)
    {
      guint diagonal = row[0];
      row[0] = (guint) i;
      for (gsize j = 1; j <= length_b; j++)
        {
          guint above = row[j];
          guint substitution = diagonal + (a[i - 1] != b[j - 1]);
          row[j] = MIN (MIN (above + 1, row[j - 1] + 1), substitution);
          diagonal = above;
        }
    }
  return row[length_b];
}

/* The command a typo most likely meant, if one is close enough. */
static const char *
closest_command (const char *word)
{
  const char *best = NULL;
  guint best_distance = 3;
  for (const SrCliCommand *command = sr_cli_commands; command->name != NULL; command++)
    {
      g_autofree char *first_word = g_strdup (command->name);
      char *space = strchr (first_word, ' ');
      if (space != NULL)
        *space = '\0';
      guint distance = edit_distance (word, first_word);
      if (distance < best_distance)
        {
          best_distance = distance;
          best = command->name;
        }
    }
  return best;
}

static int
unknown_command (const char *word)
{
  const char *suggestion = closest_command (word);
  if (suggestion != NULL)
    g_printerr (_("sightread: '%s' is not a command; did you mean '%s'? (see 'sightread --help')\n"), word, suggestion);
  else
    g_printerr (_("sightread: '%s' is not a command or a file (see 'sightread --help')\n"), word);
  return SR_EXIT_USAGE;
}

/* A word opens the window when it names a file, or looks like a path; otherwise it is meant as a command. */
static gboolean
looks_like_file (const char *word)
{
  return strchr (word, '/') != NULL || strchr (word, '.') != NULL || g_file_test (word, G_FILE_TEST_EXISTS);
}

static int
run_command (const SrCliCommand *command, int n_words, char **words)
{
  int status = SR_EXIT_OK;
  g_autofree char *invocation = g_strconcat ("sightread ", command->name, NULL);
  g_autoptr(SrCliArgs) args = sr_cli_args_parse (command, invocation, n_words, words, &status);
  if (args == NULL)
    return status;

  if (args->help_requested)
    {
      sr_cli_print_command_help (command);
      return SR_EXIT_OK;
    }
  if (command->run == NULL)
    return sr_cli_fail (command->name, _("this command is not built yet"));
  return command->run (args);
}

static int
run_window (SrCliWindowRunner run_window, int n_words, char **words)
{
  int status = SR_EXIT_OK;
  g_autoptr(SrCliArgs) args = sr_cli_args_parse (&sr_cli_window_command, "sightread", n_words, words, &status);
  if (args == NULL)
    return status;
  if (args->help_requested)
    {
      sr_cli_print_main_help ();
      return SR_EXIT_OK;
    }
  return run_window (args);
}

int
sr_cli_main (int argc, char **argv, SrCliWindowRunner window_runner)
{
  if (argc < 2)
    return run_window (window_runner, 0, NULL);

  const char *first = argv[1];
  if (g_str_equal (first, "--version") || g_str_equal (first, "-V"))
    {
      g_print ("sightread %s\n", SR_VERSION);
      return SR_EXIT_OK;
    }
  if (g_str_equal (first, "help"))
    {
      if (argc < 3)
        {
          sr_cli_print_main_help ();
          return SR_EXIT_OK;
        }
      g_autofree char *name = argc > 3 ? g_strconcat (argv[2], " ", argv[3], NULL) : g_strdup (argv[2]);
      const SrCliCommand *command = sr_cli_find_command (name);
      if (command == NULL && argc > 3)
        command = sr_cli_find_command (argv[2]);
      if (command != NULL)
        sr_cli_print_command_help (command);
      else if (sr_cli_is_group (argv[2]))
        sr_cli_print_group_help (argv[2]);
      else
        return unknown_command (argv[2]);
      return SR_EXIT_OK;
    }

  if (first[0] == '-')
    return run_window (window_runner, argc - 1, argv + 1);

  if (sr_cli_is_group (first))
    {
      if (argc < 3 || g_str_equal (argv[2], "--help") || g_str_equal (argv[2], "-h"))
        {
          if (argc < 3)
            {
              g_printerr (_("sightread %s: a command is missing (see 'sightread %s --help')\n"), first, first);
              return SR_EXIT_USAGE;
            }
          sr_cli_print_group_help (first);
          return SR_EXIT_OK;
        }
      g_autofree char *name = g_strconcat (first, " ", argv[2], NULL);
      const SrCliCommand *command = sr_cli_find_command (name);
      if (command == NULL)
        {
          g_printerr (_("sightread %s: '%s' is not a command (see 'sightread %s --help')\n"), first, argv[2], first);
          return SR_EXIT_USAGE;
        }
      return run_command (command, argc - 3, argv + 3);
    }

  const SrCliCommand *command = sr_cli_find_command (first);
  if (command != NULL)
    return run_command (command, argc - 2, argv + 2);
  if (looks_like_file (first))
    return run_window (window_runner, argc - 1, argv + 1);
  return unknown_command (first);
}
