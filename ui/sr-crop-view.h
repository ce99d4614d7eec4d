/* A system crop as the models read it (18-px staves), shown larger, with the region the reader looked at for the
 * selected note glowing on it; a click reports where, in crop pixels. */
#pragma once

#include <gtk/gtk.h>

#include "system-image.h"

G_BEGIN_DECLS

#define SR_TYPE_CROP_VIEW (sr_crop_view_get_type ())
G_DECLARE_FINAL_TYPE (SrCropView, sr_crop_view, SR, CROP_VIEW, GtkWidget)

/* Screen pixels per crop pixel. */
#define SR_CROP_VIEW_SCALE 2.0

GtkWidget *sr_crop_view_new (void);

/* Shows IMAGE (copied), or nothing for NULL; the highlight goes. */
void sr_crop_view_set_image (SrCropView *self, const SrGrayImage *image);
/* Marks RECT (crop pixels), or nothing for NULL. */
void sr_crop_view_set_highlight (SrCropView *self, const graphene_rect_t *rect);
gboolean sr_crop_view_get_highlight (SrCropView *self, graphene_rect_t *rect);

G_END_DECLS
