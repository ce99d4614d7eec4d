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
#include "system-filters.h"
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

/* What is known of a slide before the filters decide: its sound, its page (bars removed, analysed), its paper and
 * ink. */
typedef struct {
  const SrSlide *slide;
  gsize first, last;              /* its sound, in samples */
  double dbfs, paper, ink;        /* loudness; the picture's median and 2nd percentile (0–255) */
  int left, top;                  /* where the page lies in the frame */
  SrPageAnalysis *analysis;
  const char **system_dropped;    /* per system: the filter that dropped it, or NULL */
  const char *dropped;            /* the slide's */
} SlideWork;

static void
percentiles (const SrGrayImage *image, double *median, double *low)
{
  guint64 histogram[256] = { 0 }, n = (guint64) image->width * image->height, seen = 0;
  for (guint64 i = 0; i < n; i++)
    histogram[image->pixels[i]]++;
  *low = *median = -1;
  for (int v = 0; v < 256; v++)
    {
      seen += histogram[v];
      if (*low < 0 && seen * 50 >= n)
        *low = v;
      if (*median < 0 && seen * 2 >= n)
        *median = v;
    }
}

static void
analyse_slide (SlideWork *work, const SrSlide *slide, const GArray *sound)
{
  work->slide = slide;
  work->first = MIN ((gsize) (slide->start * SR_VIDEO_SAMPLE_RATE), sound->len);
  work->last = MIN ((gsize) (slide->end * SR_VIDEO_SAMPLE_RATE), sound->len);
  work->dbfs = loudness_dbfs ((const float *) (gpointer) sound->data + work->first, work->last - work->first);
  SrGrayImage *inner = without_bars (slide->picture, &work->left, &work->top);
  percentiles (inner, &work->paper, &work->ink);
  work->analysis = sr_page_analyse_image (inner);
  work->system_dropped = g_new0 (const char *, work->analysis->systems->len + 1);
}

static const SrDetectedSystem *
system_at (const SlideWork *work, guint i)
{
  return &g_array_index (work->analysis->systems, SrDetectedSystem, i);
}

/* The filters (Appendix C–E): the slide's length, the video's paper (washed out or grey), the slide's colours
 * (inverted), its sound, and of its systems those whose boxes overlap another's or whose height (in staff heights)
 * lies far from the video's other systems'. */
static void
decide (SlideWork *works, guint n, const SrVideosetOptions *options)
{
  double paper = 0, contrast = 0;
  for (guint i = 0; i < n; i++)
    paper += works[i].paper / n, contrast += (works[i].paper - works[i].ink) / n;
  gboolean washed_out = n > 0 && (paper < options->min_paper || contrast < options->min_contrast);
  for (guint i = 0; i < n; i++)
    {
      SlideWork *w = &works[i];
      double seconds = w->slide->end - w->slide->start;
      w->dropped = seconds < options->min_seconds ? "too-short"
                   : seconds > options->max_seconds ? "too-long"
                   : washed_out ? "washed-out-video"
                   : w->paper < 128 ? "inverted"
                   : w->dbfs < options->silence_dbfs ? "silent" : NULL;
    }
  /* the systems of the slides still kept, judged together */
  g_autoptr(GArray) found = g_array_new (FALSE, TRUE, sizeof (SrFoundSystem));
  for (guint i = 0; i < n; i++)
    for (guint s = 0; works[i].dropped == NULL && s < works[i].analysis->systems->len; s++)
      {
        SrFoundSystem system = { system_at (&works[i], s)->box, system_at (&works[i], s)->staff_height, i, NULL };
        g_array_append_val (found, system);
      }
  sr_filter_systems ((SrFoundSystem *) (gpointer) found->data, found->len, options->max_overlap, options->height_z);
  guint next = 0;
  for (guint i = 0; i < n; i++)
    {
      SlideWork *w = &works[i];
      guint left = 0;
      for (guint s = 0; w->dropped == NULL && s < w->analysis->systems->len; s++, next++)
        {
          w->system_dropped[s] = g_array_index (found, SrFoundSystem, next).dropped;
          left += w->system_dropped[s] == NULL;
        }
      if (w->dropped == NULL && left == 0)
        w->dropped = "no-systems";
    }
}

static void
count_decision (const SlideWork *w, SrVideosetReport *report)
{
  report->slides++;
  report->too_short += g_strcmp0 (w->dropped, "too-short") == 0;
  report->too_long += g_strcmp0 (w->dropped, "too-long") == 0;
  report->washed_out += g_strcmp0 (w->dropped, "washed-out-video") == 0;
  report->inverted += g_strcmp0 (w->dropped, "inverted") == 0;
  report->silent += g_strcmp0 (w->dropped, "silent") == 0;
  report->without_systems += g_strcmp0 (w->dropped, "no-systems") == 0;
  for (guint s = 0; w->dropped == NULL && s < w->analysis->systems->len; s++)
    {
      report->overlapping += g_strcmp0 (w->system_dropped[s], "overlap") == 0;
      report->height_outliers += g_strcmp0 (w->system_dropped[s], "height-outlier") == 0;
    }
}

static void
add_string_or_null (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* The slide's manifest line into BUILDER and, for a kept one, its files. */
static gboolean
write_slide (const SlideWork *w, guint index, const GArray *sound, const char *folder, SrVideosetReport *report,
             JsonBuilder *builder, GError **error)
{
  const SrSlide *slide = w->slide;
  const SrPageAnalysis *analysis = w->analysis;
  count_decision (w, report);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "slide");
  json_builder_add_int_value (builder, index);
  const char *times[] = { "start", "end", "still_start", "still_end" };
  double values[] = { slide->start, slide->end, slide->still_start, slide->still_end };
  for (gsize t = 0; t < G_N_ELEMENTS (times); t++)
    {
      json_builder_set_member_name (builder, times[t]);
      json_builder_add_double_value (builder, values[t]);
    }
  json_builder_set_member_name (builder, "sound_dbfs");
  json_builder_add_double_value (builder, round (w->dbfs * 10) / 10);
  json_builder_set_member_name (builder, "kept");
  json_builder_add_boolean_value (builder, w->dropped == NULL);
  add_string_or_null (builder, "dropped_by", w->dropped);
  /* Where the page lies in the frame, and the boxes on it (page pixels; turned back first when it was skewed). */
  json_builder_set_member_name (builder, "page");
  json_builder_begin_object (builder);
  const char *page_names[] = { "x", "y", "width", "height" };
  int page_values[] = { w->left, w->top, analysis->page->width, analysis->page->height };
  for (gsize k = 0; k < G_N_ELEMENTS (page_names); k++)
    {
      json_builder_set_member_name (builder, page_names[k]);
      json_builder_add_int_value (builder, page_values[k]);
    }
  json_builder_set_member_name (builder, "skew_degrees");
  json_builder_add_double_value (builder, analysis->skew_degrees);
  json_builder_set_member_name (builder, "paper");
  json_builder_add_int_value (builder, (gint64) w->paper);
  json_builder_set_member_name (builder, "ink");
  json_builder_add_int_value (builder, (gint64) w->ink);
  json_builder_end_object (builder);

  g_autofree char *stem = g_strdup_printf ("slide-%03u", index);
  gboolean ok = TRUE;
  json_builder_set_member_name (builder, "systems");
  json_builder_begin_array (builder);
  for (guint s = 0; s < analysis->systems->len; s++)
    {
      const SrDetectedSystem *system = system_at (w, s);
      json_builder_begin_object (builder);
      sr_system_box_add_json (builder, &system->box, system->staff_height);
      add_string_or_null (builder, "dropped_by", w->system_dropped[s]);
      if (w->dropped == NULL && w->system_dropped[s] == NULL && ok)
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
  if (w->dropped == NULL && ok)
    {
      g_autofree char *picture = g_strdup_printf ("%s.png", stem), *sound_name = g_strdup_printf ("%s.flac", stem);
      g_autofree char *picture_path = g_build_filename (folder, picture, NULL);
      g_autofree char *sound_path = g_build_filename (folder, sound_name, NULL);
      ok = write_png (analysis->page, picture_path, error)
           && write_sound (sound_path, (const float *) (gpointer) sound->data + w->first, w->last - w->first, error);
      json_builder_set_member_name (builder, "picture");
      json_builder_add_string_value (builder, picture);
      json_builder_set_member_name (builder, "audio");
      json_builder_add_string_value (builder, sound_name);
      report->kept++;
    }
  json_builder_end_object (builder);
  return ok;
}

char *
sr_videoset_name (const char *video)
{
  char *base = g_path_get_basename (video);
  char *dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  return base;
}

gboolean
sr_videoset_make (const char *video, const char *output, const SrVideosetOptions *options,
                  SrVideosetReport *report, GError **error)
{
  *report = (SrVideosetReport) { 0 };
  g_autofree char *base = sr_videoset_name (video);
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

  g_autofree SlideWork *works = g_new0 (SlideWork, MAX (slides->len, 1));
  for (guint i = 0; i < slides->len; i++)
    analyse_slide (&works[i], slides->pdata[i], sound);
  decide (works, slides->len, options);

  /* Written whole to the side first: a manifest that exists is a finished video. */
  g_autoptr(GString) lines = g_string_new (NULL);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < slides->len; i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      ok = write_slide (&works[i], i + 1, sound, folder, report, builder, error);
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      JsonObject *line = json_node_get_object (root);
      json_object_set_string_member (line, "video", video);
      g_autofree char *text = json_to_string (root, FALSE);
      g_string_append_printf (lines, "%s\n", text);
    }
  for (guint i = 0; i < slides->len; i++)
    {
      sr_page_analysis_free (works[i].analysis);
      g_free (works[i].system_dropped);
    }
  if (!ok)
    return FALSE;
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
