/* A system as the models see it (../shared/specs/model.md §1.1): cut from the page, scaled so that the staff is
 * 18 px high, every pixel brighter than the crop's median made white. Score import and the data factory both go
 * through here, so the model is trained on exactly what it will be shown. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

#define SR_SYSTEM_STAFF_HEIGHT 18.0 /* px from the top to the bottom staff line */
#define SR_SYSTEM_MAX_HEIGHT 416    /* px: 26 rows of 16-px image tokens */
#define SR_SYSTEM_MAX_WIDTH 2400    /* px: 150 columns of 16-px image tokens */

typedef struct {
  int width;
  int height;
  guint8 *pixels; /* rows of WIDTH bytes, 0 black … 255 white */
} SrGrayImage;

SrGrayImage *sr_gray_image_new (int width, int height);
void sr_gray_image_free (SrGrayImage *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrGrayImage, sr_gray_image_free)

/* The luminance of an opaque ARGB32 surface (Rec. 601 weights). */
SrGrayImage *sr_gray_image_new_from_surface (cairo_surface_t *surface);

/* An opaque ARGB32 surface of the image (grey on all three channels), for drawing on. */
cairo_surface_t *sr_gray_image_to_surface (const SrGrayImage *image);

/* Binary PGM (P5): what the data factory stores. */
gboolean sr_gray_image_write_pgm (const SrGrayImage *image, const char *path, GError **error);

typedef struct {
  double x, y, width, height; /* page pixels */
} SrPageBox;

/* Where a crop lies on its page: page = origin + crop / scale, the inverse the overlay needs. */
typedef struct {
  double origin_x, origin_y;
  double scale; /* crop pixels per page pixel */
} SrCropPlacement;

/* Cuts BOX (clamped to the page) out of PAGE and normalises it, STAFF_HEIGHT being the page's staff height in
 * pixels. A system that would be taller than SR_SYSTEM_MAX_HEIGHT or wider than SR_SYSTEM_MAX_WIDTH is scaled
 * down further to fit, and *SHRUNK says so (the staff is then under 18 px). NULL when the box misses the page. */
SrGrayImage *sr_system_image_normalize (const SrGrayImage *page, const SrPageBox *box, double staff_height,
                                        SrCropPlacement *placement, gboolean *shrunk);

/* One system to cut: a box on a page, and the staff height there (page pixels). */
typedef struct {
  guint page_index;
  SrPageBox box;
  double staff_height;
} SrSystemBox;

/* Reads boxes from JSON: an array of {page (from 1, default 1), x, y, width, height, staff_height}. Pages must lie in
 * 1…N_PAGES, sizes be positive and sane; anything else is an error naming the box. */
GArray *sr_system_boxes_from_json (const char *text, gssize length, guint n_pages, GError **error);

/* The other way: BOX and STAFF_HEIGHT as the members x, y, width, height and staff_height of the object BUILDER (a
 * json-glib JsonBuilder) is building. */
void sr_system_box_add_json (gpointer builder, const SrPageBox *box, double staff_height);

/* Every pixel brighter than the image's median becomes 255. */
void sr_gray_image_threshold_at_median (SrGrayImage *image);

G_END_DECLS
