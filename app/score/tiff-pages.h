/* TIFF files page by page, with libtiff: scanners write a whole book into one file, one page a directory, which
 * gdk-pixbuf would read only the first of. Read from memory; a page is decoded in bands of rows and scaled down on
 * the way when it is larger than asked, so an oversized scan never needs its full size in memory. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct SrTiffPages SrTiffPages;

typedef struct {
  int width, height; /* pixels, as stored */
  double dpi;        /* its horizontal resolution, 0 when the file does not say */
} SrTiffPageInfo;

/* Opens BYTES (kept referenced) and reads every page's size; NULL with a message when it is not a TIFF libtiff can
 * read or holds no page. */
SrTiffPages *sr_tiff_pages_open (GBytes *bytes, GError **error);
void sr_tiff_pages_free (SrTiffPages *pages);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrTiffPages, sr_tiff_pages_free)

guint sr_tiff_pages_count (const SrTiffPages *pages);
const SrTiffPageInfo *sr_tiff_pages_info (const SrTiffPages *pages, guint index);

/* Page INDEX upright (its orientation tag honoured), composited on white, as an ARGB32 surface WIDTH × HEIGHT
 * (at most its own size; smaller sizes average the pixels they cover). NULL with a message when it is damaged. */
cairo_surface_t *sr_tiff_pages_decode (SrTiffPages *pages, guint index, int width, int height, GError **error);

G_END_DECLS
