/* See sr-crop-view.h. The "point-activated" signal (x, y in crop pixels) is emitted on a click. */
#include "sr-crop-view.h"

struct _SrCropView {
  GtkWidget parent_instance;

  GdkTexture *texture;
  int width, height;
  gboolean highlighted;
  graphene_rect_t highlight;
};

enum {
  POINT_ACTIVATED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SrCropView, sr_crop_view, GTK_TYPE_WIDGET)

void
sr_crop_view_set_image (SrCropView *self, const SrGrayImage *image)
{
  g_clear_object (&self->texture);
  self->width = self->height = 0;
  self->highlighted = FALSE;
  if (image != NULL && image->width > 0 && image->height > 0)
    {
      /* Grey to RGB: GTK 4.8 has no one-channel texture format. */
      gsize stride = (gsize) image->width * 3;
      guint8 *rgb = g_malloc (stride * (gsize) image->height);
      for (gsize i = 0; i < (gsize) image->width * (gsize) image->height; i++)
        rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = image->pixels[i];
      g_autoptr(GBytes) bytes = g_bytes_new_take (rgb, stride * (gsize) image->height);
      self->texture = gdk_memory_texture_new (image->width, image->height, GDK_MEMORY_R8G8B8, bytes, stride);
      self->width = image->width;
      self->height = image->height;
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
sr_crop_view_set_highlight (SrCropView *self, const graphene_rect_t *rect)
{
  self->highlighted = rect != NULL;
  if (rect != NULL)
    self->highlight = *rect;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
sr_crop_view_get_highlight (SrCropView *self, graphene_rect_t *rect)
{
  if (self->highlighted && rect != NULL)
    *rect = self->highlight;
  return self->highlighted;
}

static void
pressed (GtkGestureClick *gesture, int n_press, double x, double y, SrCropView *self)
{
  if (self->texture != NULL)
    g_signal_emit (self, signals[POINT_ACTIVATED], 0, x / SR_CROP_VIEW_SCALE, y / SR_CROP_VIEW_SCALE);
}

static void
sr_crop_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum, int *natural,
                      int *minimum_baseline, int *natural_baseline)
{
  SrCropView *self = SR_CROP_VIEW (widget);
  int size = orientation == GTK_ORIENTATION_HORIZONTAL ? self->width : self->height;
  *minimum = *natural = (int) (size * SR_CROP_VIEW_SCALE);
  *minimum_baseline = *natural_baseline = -1;
}

static void
sr_crop_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  SrCropView *self = SR_CROP_VIEW (widget);
  if (self->texture == NULL)
    return;
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, self->width * SR_CROP_VIEW_SCALE,
                                               self->height * SR_CROP_VIEW_SCALE);
  gtk_snapshot_append_texture (snapshot, self->texture, &bounds);
  if (self->highlighted)
    {
      graphene_rect_t glow = GRAPHENE_RECT_INIT (self->highlight.origin.x * SR_CROP_VIEW_SCALE,
                                                 self->highlight.origin.y * SR_CROP_VIEW_SCALE,
                                                 self->highlight.size.width * SR_CROP_VIEW_SCALE,
                                                 self->highlight.size.height * SR_CROP_VIEW_SCALE);
      gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 1.0, 0.47, 0.0, 0.4 }, &glow);
    }
}

static void
sr_crop_view_dispose (GObject *object)
{
  g_clear_object (&SR_CROP_VIEW (object)->texture);
  G_OBJECT_CLASS (sr_crop_view_parent_class)->dispose (object);
}

static void
sr_crop_view_class_init (SrCropViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = sr_crop_view_dispose;
  widget_class->measure = sr_crop_view_measure;
  widget_class->snapshot = sr_crop_view_snapshot;
  signals[POINT_ACTIVATED] = g_signal_new ("point-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                           NULL, NULL, G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  gtk_widget_class_set_css_name (widget_class, "cropview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sr_crop_view_init (SrCropView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
sr_crop_view_new (void)
{
  return g_object_new (SR_TYPE_CROP_VIEW, NULL);
}
