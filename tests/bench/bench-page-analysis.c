/* Page analysis on one core (issue 10: at most 0.3 s a 300-dpi page, analysis included): the sample score's page and
 * a real scan's first page, rendered at 300 dpi, then straightened and searched for staves and systems. The median
 * of five runs of each step, in one run of this program. */
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "deskew.h"
#include "score-document.h"
#include "system-detect.h"
#include "system-image.h"

#define RUNS 5

static double
now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

static int
compare (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *values)
{
  qsort (values, RUNS, sizeof *values, compare);
  return values[RUNS / 2];
}

/* Prints the timings of PATH's first page; returns the analysis time (straighten + staves + systems). */
static double
measure (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = sr_score_document_new_for_file (file, NULL, &error);
  if (document == NULL)
    g_error ("%s: %s", path, error->message);
  double render[RUNS], straighten[RUNS], detect[RUNS];
  guint n_systems = 0;
  int width = 0, height = 0;
  for (int run = 0; run < RUNS; run++)
    {
      double t0 = now ();
      cairo_surface_t *surface = sr_score_document_render_page (document, 0, 300.0 / 72, &error);
      if (surface == NULL)
        g_error ("%s: %s", path, error->message);
      g_autoptr(SrGrayImage) scanned = sr_gray_image_new_from_surface (surface);
      cairo_surface_destroy (surface);
      double t1 = now ();
      double skew = 0;
      g_autoptr(SrGrayImage) straightened = sr_page_straightened (scanned, &skew);
      const SrGrayImage *page = straightened != NULL ? straightened : scanned;
      double t2 = now ();
      g_autoptr(GArray) staves = sr_detect_staves (page);
      g_autoptr(GArray) systems = sr_detect_systems (page, staves);
      double t3 = now ();
      render[run] = t1 - t0, straighten[run] = t2 - t1, detect[run] = t3 - t2;
      n_systems = systems->len, width = page->width, height = page->height;
    }
  double analysis = median (straighten) + median (detect);
  g_print ("%s: %d x %d px, %u systems: render %.3f s, straighten %.3f s, staves and systems %.3f s; analysis %.3f s "
           "a page\n", g_path_get_basename (path), width, height, n_systems, median (render), median (straighten),
           median (detect), analysis);
  return analysis;
}

int
main (void)
{
  const char *samples = g_getenv ("SIGHTREAD_SAMPLES"), *shared = g_getenv ("SIGHTREAD_SHARED");
  if (samples == NULL || shared == NULL)
    g_error ("SIGHTREAD_SAMPLES and SIGHTREAD_SHARED must name the samples and ../shared (meson sets them)");
  g_autofree char *sample = g_build_filename (samples, "minuet-in-g.pdf", NULL);
  g_autofree char *scan = g_build_filename (shared, "data", "scans", "reference-editions", "chopin-mazurkas",
                                            "mazurka06-1.pdf", NULL);
  double engraved = measure (sample), scanned = measure (scan), worst = MAX (engraved, scanned);
  g_print ("target: at most 0.300 s a 300-dpi page on one core: %s\n", worst <= 0.3 ? "met" : "NOT met");
  return worst <= 0.3 ? 0 : 1;
}
