/* Parses one sub-command's arguments with GOptionContext; see cli-args.h. */
#include "cli-args.h"

#include "models-folder.h"
#include "sr-config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

const SrCliOption sr_cli_device_option = {
  "device", 0, "DEVICE", N_("Compute device: auto, cpu, vulkan or vulkan:N (default: $SIGHTREAD_DEVICE, else auto)")
};
const SrCliOption sr_cli_models_option = {
  "models", 0, "DIR", N_("Folder of model weights (default: the shipped models)")
};
const SrCliOption sr_cli_quiet_option = { "quiet", 'q', NULL, N_("Show no progress line") };
const SrCliOption sr_cli_help_option = { "help", 'h', NULL, N_("Show this help") };

static const SrCliOption *
find_option (const SrCliCommand *command, const char *option_name)
{
  gboolean is_long = g_str_has_prefix (option_name, "--");
  const char *name = option_name + (is_long ? 2 : 1);

  const SrCliOption *shared[] = { &sr_cli_device_option, &sr_cli_models_option, &sr_cli_quiet_option,
                                  &sr_cli_help_option };
  for (gsize i = 0; i < G_N_ELEMENTS (shared); i++)
    if (is_long ? g_str_equal (shared[i]->long_name, name) : (shared[i]->short_name == name[0] && name[0] != 0))
      return shared[i];

  for (const SrCliOption *option = command->options; option != NULL && option->long_name != NULL; option++)
    if (is_long ? g_str_equal (option->long_name, name) : (option->short_name == name[0] && name[0] != 0))
      return option;
  return NULL;
}

static gboolean
store_option (const char *option_name, const char *value, gpointer user_data, GError **error)
{
  SrCliArgs *args = user_data;
  const SrCliOption *option = find_option (args->command, option_name);
  if (option == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION, _("Unknown option %s"), option_name);
      return FALSE;
    }
  if (g_str_equal (option->long_name, "help"))
    args->help_requested = TRUE;
  g_hash_table_replace (args->values, g_strdup (option->long_name), g_strdup (value != NULL ? value : ""));
  return TRUE;
}

static void
add_entry (GArray *entries, const SrCliOption *option)
{
  GOptionEntry entry = {
    .long_name = option->long_name,
    .short_name = option->short_name,
    .flags = option->value_name == NULL ? G_OPTION_FLAG_NO_ARG : G_OPTION_FLAG_NONE,
    .arg = G_OPTION_ARG_CALLBACK,
    .arg_data = (gpointer) store_option,
    .description = option->description,
    .arg_description = option->value_name,
  };
  g_array_append_val (entries, entry);
}

static gboolean
parse_words (SrCliArgs *args, int n_words, char **words, GError **error)
{
  const SrCliCommand *command = args->command;
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  for (const SrCliOption *option = command->options; option != NULL && option->long_name != NULL; option++)
    add_entry (entries, option);
  if (command->flags & SR_CLI_USES_DEVICE)
    add_entry (entries, &sr_cli_device_option);
  if (command->flags & SR_CLI_USES_MODELS)
    add_entry (entries, &sr_cli_models_option);
  if (command->flags & SR_CLI_SHOWS_PROGRESS)
    add_entry (entries, &sr_cli_quiet_option);
  add_entry (entries, &sr_cli_help_option);

  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_option_context_set_help_enabled (context, FALSE);
  GOptionGroup *group = g_option_group_new ("command", "", "", args, NULL);
  g_option_group_add_entries (group, (const GOptionEntry *) entries->data);
  g_option_context_set_main_group (context, group);

  /* GOptionContext skips argv[0], and removes what it recognises from the copy it is given. */
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add (builder, args->invocation);
  for (int i = 0; i < n_words; i++)
    g_strv_builder_add (builder, words[i]);
  g_auto(GStrv) remaining = g_strv_builder_end (builder);

  if (!g_option_context_parse_strv (context, &remaining, error))
    return FALSE;

  gboolean after_separator = FALSE;
  for (int i = 1; remaining[i] != NULL; i++)
    {
      const char *word = remaining[i];
      if (!after_separator && g_str_equal (word, "--"))
        {
          after_separator = TRUE;
          continue;
        }
      if (!after_separator && word[0] == '-' && word[1] != '\0')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION, _("Unknown option %s"), word);
          return FALSE;
        }
      g_ptr_array_add (args->positional, g_strdup (word));
    }
  return TRUE;
}

SrCliArgs *
sr_cli_args_parse (const SrCliCommand *command, const char *invocation, int n_words, char **words, int *exit_status)
{
  g_autoptr(SrCliArgs) args = g_new0 (SrCliArgs, 1);
  args->command = command;
  args->invocation = g_strdup (invocation);
  args->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  args->positional = g_ptr_array_new_with_free_func (g_free);

  g_autoptr(GError) error = NULL;
  if (!parse_words (args, n_words, words, &error))
    {
      *exit_status = sr_cli_usage_error (args, "%s", error->message);
      return NULL;
    }
  *exit_status = SR_EXIT_OK;
  if (args->help_requested)
    return g_steal_pointer (&args);

  int n_positional = (int) args->positional->len;
  if (n_positional < command->min_positional)
    {
      *exit_status = sr_cli_usage_error (args, _("missing argument %s"), command->arguments);
      return NULL;
    }
  if (command->max_positional >= 0 && n_positional > command->max_positional)
    {
      *exit_status = sr_cli_usage_error (args, _("unexpected argument '%s'"),
                                         (const char *) args->positional->pdata[command->max_positional]);
      return NULL;
    }

  char reason[200];
  if ((command->flags & SR_CLI_USES_DEVICE) &&
      !sr_device_choice_resolve (sr_cli_args_get (args, "device"), &args->device, reason, sizeof reason))
    {
      *exit_status = sr_cli_usage_error (args, "%s", reason);
      return NULL;
    }

  return g_steal_pointer (&args);
}

void
sr_cli_args_free (SrCliArgs *args)
{
  if (args == NULL)
    return;
  g_free (args->invocation);
  g_clear_pointer (&args->values, g_hash_table_unref);
  g_clear_pointer (&args->positional, g_ptr_array_unref);
  g_free (args);
}

const char *
sr_cli_args_get (const SrCliArgs *args, const char *long_name)
{
  return g_hash_table_lookup (args->values, long_name);
}

gboolean
sr_cli_args_has (const SrCliArgs *args, const char *long_name)
{
  return g_hash_table_contains (args->values, long_name);
}

guint
sr_cli_args_n_positional (const SrCliArgs *args)
{
  return args->positional->len;
}

const char *
sr_cli_args_positional (const SrCliArgs *args, guint index)
{
  g_return_val_if_fail (index < args->positional->len, NULL);
  return args->positional->pdata[index];
}

gboolean
sr_cli_args_get_int (const SrCliArgs *args, const char *long_name, int default_value, int min, int max, int *value)
{
  const char *text = sr_cli_args_get (args, long_name);
  if (text == NULL)
    {
      *value = default_value;
      return TRUE;
    }

  gint64 parsed = 0;
  g_autoptr(GError) error = NULL;
  if (!g_ascii_string_to_signed (text, 10, min, max, &parsed, &error))
    {
      sr_cli_usage_error (args, _("--%s must be a whole number from %d to %d, not '%s'"), long_name, min, max, text);
      return FALSE;
    }
  *value = (int) parsed;
  return TRUE;
}

gboolean
sr_cli_args_get_double (const SrCliArgs *args, const char *long_name, double default_value, double min, double max,
                        double *value)
{
  const char *text = sr_cli_args_get (args, long_name);
  *value = default_value;
  if (text == NULL)
    return TRUE;
  char *end = NULL;
  double parsed = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(parsed >= min && parsed <= max))
    {
      sr_cli_usage_error (args, _("--%s must be a number from %g to %g, not '%s'"), long_name, min, max, text);
      return FALSE;
    }
  *value = parsed;
  return TRUE;
}

int
sr_cli_usage_error (const SrCliArgs *args, const char *format, ...)
{
  va_list arguments;
  va_start (arguments, format);
  g_autofree char *message = g_strdup_vprintf (format, arguments);
  va_end (arguments);

  g_printerr (_("%s: %s (see '%s --help')\n"), args->invocation, message, args->invocation);
  return SR_EXIT_USAGE;
}

int
sr_cli_fail (const char *subject, const char *message)
{
  g_printerr ("sightread: %s: %s\n", subject, message);
  return SR_EXIT_FAILURE;
}

void
sr_cli_print_json (gpointer builder, gboolean pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (JSON_BUILDER (builder));
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, pretty);
  g_autofree char *text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

SrProgress *
sr_cli_progress_new (const SrCliArgs *args, const char *what)
{
  return sr_progress_new (what, sr_cli_args_has (args, "quiet"));
}

void
sr_cli_progress_update (double done, const char *where, gpointer progress)
{
  sr_progress_set (progress, done, where);
}

char *
sr_cli_models_folder (const SrCliArgs *args)
{
  const char *option = sr_cli_args_get (args, "models");
  return option != NULL ? g_strdup (option) : sr_models_folder_default ();
}
