/* `sightread videoset VIDEO… -o DIR`: score-following videos → aligned system crops and sound (videoset.h). A video
 * that cannot be read is named and the rest go on; the filter report is printed per video and for the batch. */
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "videoset.h"

static void
print_report (const char *name, const SrVideosetReport *r)
{
  if (r->skipped)
    {
      g_print (_("%s: done before (its manifest exists; --redo to make it again)\n"), name);
      return;
    }
  g_print (_("%s: %u slides, %u kept with %u systems; dropped: %u silent, %u without systems, %u too short, "
             "%u too long, %u of a washed-out video, %u inverted; systems dropped: %u overlapping, %u of odd height"),
           name, r->slides, r->kept, r->systems, r->silent, r->without_systems, r->too_short, r->too_long,
           r->washed_out, r->inverted, r->overlapping, r->height_outliers);
  if (r->decode_seconds > 0)
    g_print (_(" (%.0f s of video read in %.1f s)"), r->video_seconds, r->decode_seconds);
  g_print ("\n");
}

int
sr_cmd_videoset (SrCliArgs *args)
{
  const char *output = sr_cli_args_get (args, "output");
  if (output == NULL)
    return sr_cli_usage_error (args, _("an output folder is needed: -o DIR"));
  SrVideosetOptions options = SR_VIDEOSET_OPTIONS_DEFAULT;
  int stride = 0;
  if (!sr_cli_args_get_int (args, "stride", (int) options.stride, 1, 100, &stride)
      || !sr_cli_args_get_double (args, "still", options.slides.still, 0.0001, 0.5, &options.slides.still)
      || !sr_cli_args_get_double (args, "min-still", options.slides.min_seconds, 0.1, 60, &options.slides.min_seconds)
      || !sr_cli_args_get_double (args, "silence", options.silence_dbfs, -120, 0, &options.silence_dbfs)
      || !sr_cli_args_get_double (args, "min-seconds", options.min_seconds, 0, 3600, &options.min_seconds)
      || !sr_cli_args_get_double (args, "max-seconds", options.max_seconds, 1, 36000, &options.max_seconds)
      || !sr_cli_args_get_double (args, "min-paper", options.min_paper, 0, 255, &options.min_paper)
      || !sr_cli_args_get_double (args, "min-contrast", options.min_contrast, 0, 255, &options.min_contrast)
      || !sr_cli_args_get_double (args, "height-z", options.height_z, 0.5, 100, &options.height_z)
      || !sr_cli_args_get_double (args, "max-overlap", options.max_overlap, 0, 1, &options.max_overlap))
    return SR_EXIT_USAGE;
  options.stride = (guint) stride;
  options.redo = sr_cli_args_has (args, "redo");

  SrVideosetReport total = { 0 };
  guint failed = 0, n = sr_cli_args_n_positional (args);
  for (guint i = 0; i < n; i++)
    {
      const char *video = sr_cli_args_positional (args, i);
      SrVideosetReport report;
      g_autoptr(GError) error = NULL;
      if (!sr_videoset_make (video, output, &options, &report, &error))
        {
          sr_cli_fail (video, error->message);
          failed++;
          continue;
        }
      print_report (video, &report);
      total.slides += report.slides, total.kept += report.kept, total.systems += report.systems;
      total.silent += report.silent, total.without_systems += report.without_systems;
      total.too_short += report.too_short, total.too_long += report.too_long;
      total.washed_out += report.washed_out, total.inverted += report.inverted;
      total.overlapping += report.overlapping, total.height_outliers += report.height_outliers;
    }
  if (n > 1)
    {
      g_autofree char *all = g_strdup_printf (_("all %u videos"), n);
      print_report (all, &total);
    }
  return failed > 0 ? SR_EXIT_FAILURE : SR_EXIT_OK;
}
