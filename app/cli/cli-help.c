/* Prints the help of the program, of a command group and of one command; see cli-help.h. */
#include "cli-help.h"

#include <glib/gi18n.h>

#include "cli-commands.h"

enum { NAME_COLUMN = 26 };

static void
print_option (const SrCliOption *option)
{
  const char *long_name = option->long_name;
  char short_name = option->short_name;
  const char *value_name = option->value_name;
  const char *description = option->description;
  g_autoptr(GString) left = g_string_new ("  ");
  if (short_name != 0)
    g_string_append_printf (left, "-%c, ", short_name);
  else
    g_string_append (left, "    ");
  g_string_append_printf (left, "--%s", long_name);
  if (value_name != NULL)
    g_string_append_printf (left, " %s", value_name);

  if (g_utf8_strlen (left->str, -1) >= NAME_COLUMN)
    g_print ("%s\n%*s%s\n", left->str, NAME_COLUMN, "", _(description));
  else
    g_print ("%s%*s%s\n", left->str, NAME_COLUMN - (int) g_utf8_strlen (left->str, -1), "", _(description));
}

static void
print_command_line (const SrCliCommand *command)
{
  int padding = 16 - (int) strlen (command->name);
  g_print ("  %s%*s%s%s\n", command->name, MAX (padding, 1), "", _(command->summary),
           command->run == NULL ? _(" (not built yet)") : "");
}

void
sr_cli_print_main_help (void)
{
  g_print (_("Usage:\n"
             "  sightread [OPTIONS] [SCORE…]    open the workstation\n"
             "  sightread COMMAND [ARGUMENTS…]  work from the command line\n\n"
             "Sightread reads scanned scores, plays them, and turns recordings into draft scores.\n"
             "SCORE is a PDF, PNG, JPEG or TIFF file.\n\n"
             "Commands:\n"));
  for (const SrCliCommand *command = sr_cli_commands; command->name != NULL; command++)
    print_command_line (command);

  g_print (_("\nOptions:\n"));
  static const SrCliOption version_option = { "version", 0, NULL, N_("Show the version") };
  print_option (&sr_cli_device_option);
  print_option (&sr_cli_models_option);
  print_option (&version_option);
  print_option (&sr_cli_help_option);
  g_print (_("\nRun 'sightread COMMAND --help' for a command's arguments and options.\n"
             "Exit status: 0 success, 1 failure, 2 bad usage.\n"));
}

void
sr_cli_print_group_help (const char *group)
{
  g_print (_("Usage: sightread %s COMMAND [ARGUMENTS…]\n\nCommands:\n"), group);
  g_autofree char *prefix = g_strconcat (group, " ", NULL);
  for (const SrCliCommand *command = sr_cli_commands; command->name != NULL; command++)
    if (g_str_has_prefix (command->name, prefix))
      print_command_line (command);
}

void
sr_cli_print_command_help (const SrCliCommand *command)
{
  g_print (_("Usage: sightread %s%s%s [OPTIONS]\n\n%s.\n"), command->name, *command->arguments ? " " : "",
           command->arguments, _(command->summary));
  if (command->run == NULL && command->arrives_with != NULL)
    g_print (_("Not built yet: it arrives with %s.\n"), _(command->arrives_with));

  g_print (_("\nOptions:\n"));
  for (const SrCliOption *option = command->options; option != NULL && option->long_name != NULL; option++)
    print_option (option);
  if (command->flags & SR_CLI_USES_DEVICE)
    print_option (&sr_cli_device_option);
  if (command->flags & SR_CLI_USES_MODELS)
    print_option (&sr_cli_models_option);
  if (command->flags & SR_CLI_SHOWS_PROGRESS)
    print_option (&sr_cli_quiet_option);
  print_option (&sr_cli_help_option);
}
