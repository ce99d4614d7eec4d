/* `sightread engrave MUSICXML|LMX -o OUT.png|OUT.svg|OUT.pdf`: notation drawn by the engraver (engrave-file.h). */
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "engrave-file.h"
#include "musicxml-read.h"

static gboolean
is_lmx (const char *path)
{
  return g_str_has_suffix (path, ".lmx") || g_str_has_suffix (path, ".txt");
}

int
sr_cmd_engrave (SrCliArgs *args)
{
  const char *path = sr_cli_args_positional (args, 0);
  const char *output = sr_cli_args_get (args, "output");
  if (output == NULL)
    return sr_cli_usage_error (args, _("an output file is needed: -o OUT.png, OUT.svg or OUT.pdf"));
  if (!sr_engrave_file_supported (output))
    return sr_cli_usage_error (args, _("the output's name must end in .png, .svg or .pdf"));
  SrEngraveFileOptions options = SR_ENGRAVE_FILE_OPTIONS_DEFAULT;
  int system = 0;
  if (!sr_cli_args_get_double (args, "staff-space", 10, 3, 100, &options.staff_space)
      || !sr_cli_args_get_double (args, "width", 1600, 200, 20000, &options.width)
      || !sr_cli_args_get_int (args, "system", 0, 1, G_MAXINT, &system))
    return SR_EXIT_USAGE;
  options.system = (guint) system;

  int status;
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) document = NULL;
  if (is_lmx (path))
    {
      if ((document = sr_cli_read_lmx_score (path, &status)) == NULL)
        return status;
    }
  else if ((document = sr_musicxml_read (path, &error)) == NULL)
    return sr_cli_fail (path, error->message);

  guint n_systems = 0, n_measures = 0;
  if (!sr_engrave_file_write (document, output, &options, &n_systems, &n_measures, &error))
    {
      if (options.system > n_systems && n_systems > 0)
        return sr_cli_usage_error (args, "%s", error->message);
      return sr_cli_fail (error->domain == G_IO_ERROR ? output : path, error->message);
    }
  if (options.system > 0 && n_systems > 1)
    g_printerr (_("sightread: %s: system %u of %u\n"), output, options.system, n_systems);
  else
    g_printerr (_("sightread: %s: %u measures in %u systems\n"), output, n_measures, n_systems);
  return SR_EXIT_OK;
}
