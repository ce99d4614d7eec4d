/* See page-analysis.h. */
#include "page-analysis.h"

#include "deskew.h"

void
sr_page_analysis_free (SrPageAnalysis *analysis)
{
  if (analysis == NULL)
    return;
  sr_gray_image_free (analysis->page);
  g_clear_pointer (&analysis->staves, g_array_unref);
  g_clear_pointer (&analysis->systems, g_array_unref);
  g_free (analysis);
}

SrPageAnalysis *
sr_page_analyse_image (SrGrayImage *scanned)
{
  SrPageAnalysis *analysis = g_new0 (SrPageAnalysis, 1);
  SrGrayImage *straightened = sr_page_straightened (scanned, &analysis->skew_degrees);
  analysis->straightened = straightened != NULL;
  if (straightened != NULL)
    sr_gray_image_free (scanned);
  analysis->page = straightened != NULL ? straightened : scanned;
  analysis->staves = sr_detect_staves (analysis->page);
  analysis->systems = sr_detect_systems (analysis->page, analysis->staves);
  return analysis;
}

SrPageAnalysis *
sr_page_analyse (SrScoreDocument *document, guint page_index, GError **error)
{
  double scale = sr_score_document_get_native_scale (document, page_index);
  cairo_surface_t *surface = sr_score_document_render_page (document, page_index, scale, error);
  if (surface == NULL)
    return NULL;
  SrGrayImage *scanned = sr_gray_image_new_from_surface (surface);
  cairo_surface_destroy (surface);
  return sr_page_analyse_image (scanned);
}
