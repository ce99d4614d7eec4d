/* `sightread videoset VIDEO… -o DIR`: score-following videos → aligned system crops and sound (videoset.h). A video
 * that cannot be read is named and the rest go on; the filter report is printed per video and for the batch. A folder
 * stands for the videos in it and below it. */
#include <glib/gi18n.h>
#include <string.h>

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

/* What people publish score-following videos in; other files in a folder (pictures, notes, our own output) are not
 * videos to us. Named files are tried whatever they are called. */
static gboolean
looks_like_video (const char *name)
{
  static const char *const extensions[] = { ".mp4", ".m4v", ".mkv", ".webm", ".mov", ".avi", ".flv", ".mpg",
                                            ".mpeg", ".ts", ".wmv", ".ogv", ".3gp" };
  g_autofree char *lower = g_ascii_strdown (name, -1);
  for (gsize i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_str_has_suffix (lower, extensions[i]))
      return TRUE;
  return FALSE;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
add_videos_in (const char *folder, GPtrArray *videos)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (const char *name; dir != NULL && (name = g_dir_read_name (dir)) != NULL;)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (folder, g_ptr_array_index (names, i), NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        add_videos_in (path, videos);
      else if (looks_like_video (path))
        g_ptr_array_add (videos, g_steal_pointer (&path));
    }
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

  g_autoptr(GPtrArray) videos = g_ptr_array_new_with_free_func (g_free);
  guint failed = 0;
  for (guint i = 0; i < sr_cli_args_n_positional (args); i++)
    {
      const char *path = sr_cli_args_positional (args, i);
      guint before = videos->len;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        add_videos_in (path, videos);
      else
        g_ptr_array_add (videos, g_strdup (path));
      if (videos->len == before)
        {
          sr_cli_fail (path, _("no videos in this folder"));
          failed++;
        }
    }

  /* Two videos of one name would share an output folder, and the second would pass for done. */
  g_autoptr(GHashTable) first_of_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  SrVideosetReport total = { 0 };
  guint n = videos->len;
  for (guint i = 0; i < n; i++)
    {
      const char *video = g_ptr_array_index (videos, i);
      char *stem = sr_videoset_name (video);
      const char *first = g_hash_table_lookup (first_of_name, stem);
      if (first != NULL)
        {
          g_autofree char *why = g_strdup_printf (_("has the same name as %s, whose output folder it would share: "
                                                    "rename one, or give it another -o"), first);
          sr_cli_fail (video, why);
          failed++;
          g_free (stem);
          continue;
        }
      g_hash_table_insert (first_of_name, stem, (gpointer) video);
      SrVideosetReport report;
      g_autoptr(GError) error = NULL;
      if (!sr_videoset_make (video, output, &options, &report, &error))
        {
          g_printerr ("sightread: %s\n", error->message); /* it names the video, or the file it could not write */
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
