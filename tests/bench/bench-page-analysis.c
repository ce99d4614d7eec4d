/* Page analysis on one core (issue 10: at most 0.3 s a 300-dpi page, analysis included): the sample score's page and
 * a real scan's first page, rendered at 300 dpi, then straightened and searched for staves and systems. The median
 * of five runs of each step, in one run of this program. */
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "page-analysis.h"

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

/* Prints the timings of PATH's first page; returns the page's whole time, from the file to its systems: rendering at
 * 300 dpi and analysis (straighten + staves + systems). */
static double
measure (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = sr_score_document_new_for_file (file, NULL, &error);
  if (document == NULL)
    g_error ("%s: %s", path, error->message);
  double render[RUNS], analyse[RUNS];
  guint n_systems = 0;
  int width = 0, height = 0;
  for (int run = 0; run < RUNS; run++)
    {
      double t0 = now ();
      cairo_surface_t *surface = sr_score_document_render_page (document, 0, 300.0 / 72, &error);
      if (surface == NULL)
        g_error ("%s: %s", path, error->message);
      SrGrayImage *scanned = sr_gray_image_new_from_surface (surface);
      cairo_surface_destroy (surface);
      double t1 = now ();
      g_autoptr(SrPageAnalysis) analysis = sr_page_analyse_image (scanned);
      double t2 = now ();
      render[run] = t1 - t0, analyse[run] = t2 - t1;
      n_systems = analysis->systems->len, width = analysis->page->width, height = analysis->page->height;
    }
  double whole[RUNS];
  for (int run = 0; run < RUNS; run++)
    whole[run] = render[run] + analyse[run];
  double page = median (whole);
  g_print ("%s: %d x %d px, %u systems: %.3f s a page: render %.3f s, analysis (straighten, staves, systems) %.3f s\n",
           g_path_get_basename (path), width, height, n_systems, page, median (render), median (analyse));
  return page;
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
  g_print ("target: at most 0.300 s a 300-dpi page on one core, analysis included: %s\n", worst <= 0.3 ? "met" : "NOT met");
  return worst <= 0.3 ? 0 : 1;
}
