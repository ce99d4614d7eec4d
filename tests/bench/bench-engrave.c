/* Benchmark: engraving a 16-measure grand-staff system — laying it out and drawing it at 10 px a staff space — over
 * the first 16 measures of each ASAP piano score (../shared/data/aligned/asap; reading the files is not timed).
 * Target: < 20 ms a system (the median; the slowest is reported too).
 * Run: meson test -C build --benchmark engrave-speed --verbose */
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>

#include "engraving.h"
#include "musicxml-read.h"
#include "test-files.h"

#define MEASURES 16
#define TARGET_MS 20.0

/* Drops every part's measures after the first MEASURES. */
static void
keep_first_measures (xmlDoc *document)
{
  g_autoptr(GPtrArray) parts = sr_musicxml_parts (document);
  for (guint p = 0; p < parts->len; p++)
    {
      int seen = 0;
      xmlNode *next;
      for (xmlNode *m = ((xmlNode *) parts->pdata[p])->children; m != NULL; m = next)
        {
          next = m->next;
          if (sr_xml_is_element (m, "measure") && ++seen > MEASURES)
            {
              xmlUnlinkNode (m);
              xmlFreeNode (m);
            }
        }
    }
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (void)
{
  const char *shared = g_getenv ("SIGHTREAD_SHARED");
  g_autofree char *root = g_build_filename (shared != NULL ? shared : "../shared", "data", "aligned", "asap", NULL);
  const char *const suffixes[] = { ".mxl", NULL };
  g_autoptr(GPtrArray) paths = sr_test_find_files (root, suffixes);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 4000, 600);
  /* The music font loads once per process, on the first engraving: not part of engraving a system. */
  GError *no_font = NULL;
  if (!sr_engraving_font_available (&no_font))
    {
      fprintf (stderr, "%s\n", no_font->message);
      return 1;
    }
  for (guint i = 0; i < paths->len && times->len < 100; i++)
    {
      g_autoptr(xmlDoc) document = sr_musicxml_read (paths->pdata[i], NULL);
      if (document == NULL)
        continue;
      keep_first_measures (document);
      SrEngravingOptions options = SR_ENGRAVING_OPTIONS_DEFAULT;
      options.width = G_MAXDOUBLE; /* the 16 measures on one system */
      gint64 started = g_get_monotonic_time ();
      g_autoptr(GError) error = NULL;
      g_autoptr(SrEngraving) engraving = sr_engraving_new (document, &options, &error);
      if (engraving == NULL)
        {
          fprintf (stderr, "%s: %s\n", (const char *) paths->pdata[i], error->message);
          return 1;
        }
      cairo_t *cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_scale (cr, 10, 10);
      sr_engraving_draw_system (engraving, 0, cr);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      double ms = (g_get_monotonic_time () - started) / 1000.0;
      if (sr_engraving_n_measures (engraving) == MEASURES)
        g_array_append_val (times, ms);
    }
  cairo_surface_destroy (surface);
  if (times->len == 0)
    {
      fprintf (stderr, "no ASAP scores under %s\n", root);
      return 77;
    }
  g_array_sort (times, compare_doubles);
  double median = g_array_index (times, double, times->len / 2);
  double p90 = g_array_index (times, double, times->len * 9 / 10);
  double slowest = g_array_index (times, double, times->len - 1);
  printf ("engrave: %u systems of %d grand-staff measures laid out and drawn: median %.2f ms, 90th percentile %.2f ms, "
          "slowest %.2f ms (target < %.0f ms)\n", times->len, MEASURES, median, p90, slowest, TARGET_MS);
  return median < TARGET_MS ? 0 : 1;
}
