#include "videoset.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio-file.h"
#include "i18n.h"
#include "page-analysis.h"
#include "video-read.h"

/* Rows and columns darker than this (mean, 0–255) at the picture's edges are letterbox or pillarbox bars. */
enum { BAR_BRIGHTNESS = 40 };

static void
on_frame (const SrGrayImage *frame, double seconds, gpointer finder)
{
  sr_slide_finder_add (finder, frame, seconds);
}

static double
line_mean (const SrGrayImage *image, int index, gboolean row)
{
  guint64 sum = 0;
  int n = row ? image->width : image->height;
  for (int i = 0; i < n; i++)
    sum += row ? image->pixels[(gsize) index * image->width + i] : image->pixels[(gsize) i * image->width + index];
  return (double) sum / MAX (n, 1);
}

/* The picture without the dark bars around it; *LEFT and *TOP say where the rest began. */
static SrGrayImage *
without_bars (const SrGrayImage *picture, int *left, int *top)
{
  int x0 = 0, x1 = picture->width, y0 = 0, y1 = picture->height;
  while (y0 < y1 - 1 && line_mean (picture, y0, TRUE) < BAR_BRIGHTNESS)
    y0++;
  while (y1 - 1 > y0 && line_mean (picture, y1 - 1, TRUE) < BAR_BRIGHTNESS)
    y1--;
  while (x0 < x1 - 1 && line_mean (picture, x0, FALSE) < BAR_BRIGHTNESS)
    x0++;
  while (x1 - 1 > x0 && line_mean (picture, x1 - 1, FALSE) < BAR_BRIGHTNESS)
    x1--;
  SrGrayImage *inner = sr_gray_image_new (x1 - x0, y1 - y0);
  for (int y = y0; y < y1; y++)
    memcpy (inner->pixels + (gsize) (y - y0) * inner->width, picture->pixels + (gsize) y * picture->width + x0,
            (gsize) inner->width);
  *left = x0, *top = y0;
  return inner;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The median loudness of the slide's tenths of a second: a card stays silent though the music of the slide next to
 * it spills a little over the boundary, and a piece stays loud through its rests. */
static double
loudness_dbfs (const float *samples, gsize n)
{
  const gsize window = SR_VIDEO_SAMPLE_RATE / 10;
  gsize count = n / window;
  if (count == 0)
    return -200;
  g_autofree double *levels = g_new (double, count);
  for (gsize w = 0; w < count; w++)
    {
      double sum = 0;
      for (gsize i = w * window; i < (w + 1) * window; i++)
        sum += (double) samples[i] * samples[i];
      levels[w] = sum > 0 ? 10 * log10 (sum / window) : -200;
    }
  qsort (levels, count, sizeof *levels, compare_doubles);
  return levels[count / 2];
}

static gboolean
write_sound (const char *path, const float *samples, gsize n, GError **error)
{
  SrAudioWriter *writer = sr_audio_writer_open (path, SR_VIDEO_SAMPLE_RATE, 16, error);
  if (writer == NULL)
    return FALSE;
  gboolean ok = sr_audio_writer_write (writer, samples, n, error);
  return sr_audio_writer_close (writer, ok ? error : NULL) && ok;
}

static gboolean
write_png (const SrGrayImage *image, const char *path, GError **error)
{
  cairo_surface_t *surface = sr_gray_image_to_surface (image);
  cairo_status_t status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path, cairo_status_to_string (status));
  return FALSE;
}

/* One slide: its filter decision, and for a kept one its files; its manifest line into BUILDER. */
static gboolean
make_slide (const SrSlide *slide, guint index, const GArray *sound, const char *folder,
            const SrVideosetOptions *options, SrVideosetReport *report, JsonBuilder *builder, GError **error)
{
  gsize first = MIN ((gsize) (slide->start * SR_VIDEO_SAMPLE_RATE), sound->len);
  gsize last = MIN ((gsize) (slide->end * SR_VIDEO_SAMPLE_RATE), sound->len);
  const float *samples = (const float *) (gpointer) sound->data + first;
  double dbfs = loudness_dbfs (samples, last - first), seconds = slide->end - slide->start;
  int left = 0, top = 0;
  g_autoptr(SrGrayImage) inner = without_bars (slide->picture, &left, &top);
  g_autoptr(SrPageAnalysis) analysis = sr_page_analyse_image (g_steal_pointer (&inner));
  GArray *systems = analysis->systems;

  const char *dropped = seconds < options->min_seconds ? "too-short"
                        : seconds > options->max_seconds ? "too-long"
                        : dbfs < options->silence_dbfs ? "silent"
                        : systems->len == 0 ? "no-systems" : NULL;
  report->slides++;
  report->too_short += g_strcmp0 (dropped, "too-short") == 0;
  report->too_long += g_strcmp0 (dropped, "too-long") == 0;
  report->silent += g_strcmp0 (dropped, "silent") == 0;
  report->without_systems += g_strcmp0 (dropped, "no-systems") == 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "slide");
  json_builder_add_int_value (builder, index);
  json_builder_set_member_name (builder, "start");
  json_builder_add_double_value (builder, slide->start);
  json_builder_set_member_name (builder, "end");
  json_builder_add_double_value (builder, slide->end);
  json_builder_set_member_name (builder, "still_start");
  json_builder_add_double_value (builder, slide->still_start);
  json_builder_set_member_name (builder, "still_end");
  json_builder_add_double_value (builder, slide->still_end);
  json_builder_set_member_name (builder, "sound_dbfs");
  json_builder_add_double_value (builder, round (dbfs * 10) / 10);
  json_builder_set_member_name (builder, "kept");
  json_builder_add_boolean_value (builder, dropped == NULL);
  json_builder_set_member_name (builder, "dropped_by");
  if (dropped != NULL)
    json_builder_add_string_value (builder, dropped);
  else
    json_builder_add_null_value (builder);
  /* Where the page lies in the frame, and the boxes on it (picture pixels; turned back first when it was skewed). */
  json_builder_set_member_name (builder, "page");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "x");
  json_builder_add_int_value (builder, left);
  json_builder_set_member_name (builder, "y");
  json_builder_add_int_value (builder, top);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, analysis->page->width);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, analysis->page->height);
  json_builder_set_member_name (builder, "skew_degrees");
  json_builder_add_double_value (builder, analysis->skew_degrees);
  json_builder_end_object (builder);

  g_autofree char *stem = g_strdup_printf ("slide-%03u", index);
  gboolean ok = TRUE;
  json_builder_set_member_name (builder, "systems");
  json_builder_begin_array (builder);
  for (guint s = 0; s < systems->len; s++)
    {
      const SrDetectedSystem *system = &g_array_index (systems, SrDetectedSystem, s);
      json_builder_begin_object (builder);
      sr_system_box_add_json (builder, &system->box, system->staff_height);
      if (dropped == NULL && ok)
        {
          gboolean shrunk = FALSE;
          SrCropPlacement placement;
          g_autoptr(SrGrayImage) crop = sr_system_image_normalize (analysis->page, &system->box, system->staff_height,
                                                                   &placement, &shrunk);
          g_autofree char *name = g_strdup_printf ("%s-system-%02u.pgm", stem, s + 1);
          g_autofree char *path = g_build_filename (folder, name, NULL);
          if (crop != NULL)
            {
              ok = sr_gray_image_write_pgm (crop, path, error);
              json_builder_set_member_name (builder, "crop");
              json_builder_add_string_value (builder, name);
              report->systems++;
            }
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (dropped == NULL && ok)
    {
      g_autofree char *picture = g_strdup_printf ("%s.png", stem), *sound_name = g_strdup_printf ("%s.flac", stem);
      g_autofree char *picture_path = g_build_filename (folder, picture, NULL);
      g_autofree char *sound_path = g_build_filename (folder, sound_name, NULL);
      ok = write_png (analysis->page, picture_path, error) && write_sound (sound_path, samples, last - first, error);
      json_builder_set_member_name (builder, "picture");
      json_builder_add_string_value (builder, picture);
      json_builder_set_member_name (builder, "audio");
      json_builder_add_string_value (builder, sound_name);
      report->kept++;
    }
  json_builder_end_object (builder);
  return ok;
}

gboolean
sr_videoset_make (const char *video, const char *output, const SrVideosetOptions *options,
                  SrVideosetReport *report, GError **error)
{
  *report = (SrVideosetReport) { 0 };
  g_autofree char *base = g_path_get_basename (video);
  char *dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  g_autofree char *folder = g_build_filename (output, base, NULL);
  g_autofree char *manifest = g_build_filename (folder, "manifest.jsonl", NULL);
  if (!options->redo && g_file_test (manifest, G_FILE_TEST_EXISTS))
    {
      report->skipped = TRUE;
      return TRUE;
    }

  g_autoptr(SrSlideFinder) finder = sr_slide_finder_new (&options->slides);
  g_autoptr(GArray) sound = NULL;
  SrVideoInfo info;
  gint64 started = g_get_monotonic_time ();
  if (!sr_video_read (video, options->stride, on_frame, finder, &sound, &info, error))
    return FALSE;
  report->decode_seconds = (g_get_monotonic_time () - started) / 1e6;
  if (!info.has_audio || sound->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s: no sound to pair the slides with"), video);
      return FALSE;
    }
  double seconds = MAX (info.seconds, (double) sound->len / SR_VIDEO_SAMPLE_RATE);
  report->video_seconds = seconds;
  g_autoptr(GPtrArray) slides = sr_slide_finder_finish (finder, seconds);
  if (g_mkdir_with_parents (folder, 0777) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", folder, g_strerror (errno));
      return FALSE;
    }

  /* Written whole to the side first: a manifest that exists is a finished video. */
  g_autoptr(GString) lines = g_string_new (NULL);
  for (guint i = 0; i < slides->len; i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      if (!make_slide (slides->pdata[i], i + 1, sound, folder, options, report, builder, error))
        return FALSE;
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      JsonObject *line = json_node_get_object (root);
      json_object_set_string_member (line, "video", video);
      g_autofree char *text = json_to_string (root, FALSE);
      g_string_append_printf (lines, "%s\n", text);
    }
  g_autofree char *partial = g_strconcat (manifest, ".partial", NULL);
  if (!g_file_set_contents (partial, lines->str, (gssize) lines->len, error))
    return FALSE;
  if (g_rename (partial, manifest) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", manifest, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}
