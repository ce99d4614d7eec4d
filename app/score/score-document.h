/* A score file opened for viewing and import: PDF pages (Poppler) or one image page (gdk-pixbuf), with page sizes
 * in points and rendering of any page at any scale. Rendering may run on a worker thread. */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "score-format.h"

G_BEGIN_DECLS

#define SR_SCORE_ERROR (sr_score_error_quark ())

typedef enum {
  SR_SCORE_ERROR_NOT_FOUND,
  SR_SCORE_ERROR_NOT_A_FILE,
  SR_SCORE_ERROR_EMPTY,
  SR_SCORE_ERROR_UNREADABLE,
  SR_SCORE_ERROR_UNKNOWN_FORMAT,
  SR_SCORE_ERROR_DAMAGED,
  SR_SCORE_ERROR_ENCRYPTED,
  SR_SCORE_ERROR_NO_PAGES,
  SR_SCORE_ERROR_TOO_LARGE,
  SR_SCORE_ERROR_RENDER,
} SrScoreError;

GQuark sr_score_error_quark (void);

/* A decoded or rendered page never holds more pixels than this (256 MiB as ARGB); larger ones are scaled down. */
#define SR_SCORE_MAX_PAGE_PIXELS (64.0 * 1024.0 * 1024.0)
/* Images declaring more pixels than this (a 1200-dpi A3 scan has 280 million) are refused before decoding:
 * gdk-pixbuf decodes some formats at full size before scaling them down (here up to 1 GiB as RGBA). */
#define SR_SCORE_MAX_IMAGE_PIXELS (300.0 * 1000.0 * 1000.0)
/* cairo's image surfaces cannot be wider or taller than this. */
#define SR_SCORE_MAX_PAGE_SIDE 32767.0
#define SR_SCORE_MAX_FILE_BYTES (G_GUINT64_CONSTANT (2) << 30)
/* Images that do not state their resolution are taken to be 300-dpi scans. */
#define SR_SCORE_ASSUMED_IMAGE_DPI 300.0

#define SR_TYPE_SCORE_DOCUMENT (sr_score_document_get_type ())
G_DECLARE_FINAL_TYPE (SrScoreDocument, sr_score_document, SR, SCORE_DOCUMENT, GObject)

SrScoreDocument *sr_score_document_new_for_file (GFile *file, GCancellable *cancellable, GError **error);
/* From bytes already in memory; FILE names the document (it is not read). */
SrScoreDocument *sr_score_document_new_for_bytes (GBytes *bytes, GFile *file, GError **error);
void sr_score_document_new_async (GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
SrScoreDocument *sr_score_document_new_finish (GAsyncResult *result, GError **error);

GFile *sr_score_document_get_file (SrScoreDocument *self);
SrScoreFormat sr_score_document_get_format (SrScoreDocument *self);
guint sr_score_document_get_n_pages (SrScoreDocument *self);
void sr_score_document_get_page_size (SrScoreDocument *self, guint page_index, double *width_pt, double *height_pt);

/* Things the user should know about that did not stop the import (an image scaled down, …), NULL-terminated. */
const char *const *sr_score_document_get_notices (SrScoreDocument *self);

/* The largest scale (pixels per point) at or below PIXELS_PER_POINT at which the page stays within the pixel limits. */
double sr_score_document_clamp_scale (SrScoreDocument *self, guint page_index, double pixels_per_point);

/* The scale at which a page shows its own pixels: an image's resolution, or 300 dpi for a PDF. */
double sr_score_document_get_native_scale (SrScoreDocument *self, guint page_index);
/* The pixel size of a page rendered at PIXELS_PER_POINT (after clamping). */
void sr_score_document_get_page_pixels (SrScoreDocument *self, guint page_index, double pixels_per_point,
                                        int *width_px, int *height_px);

/* Renders a page on white at PIXELS_PER_POINT, clamped by sr_score_document_clamp_scale(); ARGB32, opaque.
 * Safe to call from any thread. */
cairo_surface_t *sr_score_document_render_page (SrScoreDocument *self, guint page_index, double pixels_per_point,
                                                GError **error);

G_END_DECLS
