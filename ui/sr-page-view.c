/* Lays out the pages of a score top to bottom and draws them at the current zoom; see sr-page-view.h. */
#include "sr-page-view-private.h"

#include <math.h>

/* Screen pixels per point at zoom 1.0: a page at its printed size on a 96-dpi screen. */
#define PIXELS_PER_POINT (96.0 / 72.0)
#define PAGE_MARGIN 24.0
#define PAGE_GAP 24.0
#define ZOOM_STEP 1.25
/* Pages this many screen heights away from the view give their textures back. */
#define KEEP_SCREENS 2.0

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_ZOOM,
  PROP_BUSY,
  N_PROPS,
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

guint sr_page_view_signals[SR_PAGE_VIEW_N_SIGNALS];

G_DEFINE_FINAL_TYPE_WITH_CODE (SrPageView, sr_page_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static void
clear_slot (gpointer data)
{
  PageSlot *slot = data;
  g_clear_object (&slot->texture);
}

static double
device_scale (SrPageView *self)
{
  return self->zoom * PIXELS_PER_POINT * gtk_widget_get_scale_factor (GTK_WIDGET (self));
}

static void
set_busy (SrPageView *self, gboolean busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Recomputes every page's place for a view WIDTH pixels wide; pages are centred when narrower than the view. */
static void
relayout (SrPageView *self, double width)
{
  double widest = 0;
  for (guint i = 0; i < self->slots->len; i++)
    {
      double width_pt = 0, height_pt = 0;
      sr_score_document_get_page_size (self->document, i, &width_pt, &height_pt);
      PageSlot *slot = &g_array_index (self->slots, PageSlot, i);
      slot->rect.size.width = round (width_pt * PIXELS_PER_POINT * self->zoom);
      slot->rect.size.height = round (height_pt * PIXELS_PER_POINT * self->zoom);
      widest = MAX (widest, slot->rect.size.width);
    }

  self->content_width = MAX (width, widest + 2 * PAGE_MARGIN);
  double y = PAGE_MARGIN;
  for (guint i = 0; i < self->slots->len; i++)
    {
      PageSlot *slot = &g_array_index (self->slots, PageSlot, i);
      slot->rect.origin.x = floor ((self->content_width - slot->rect.size.width) / 2);
      slot->rect.origin.y = y;
      y += slot->rect.size.height + PAGE_GAP;
    }
  self->content_height = self->slots->len > 0 ? y - PAGE_GAP + PAGE_MARGIN : 0;
}

static void
configure_adjustment (GtkAdjustment *adjustment, double content_size, double view_size, double value)
{
  if (adjustment == NULL)
    return;
  double upper = MAX (content_size, view_size);
  gtk_adjustment_configure (adjustment, CLAMP (value, 0, upper - view_size), 0, upper, view_size * 0.1,
                            view_size * 0.9, view_size);
}

double
sr_page_view_adjustment_value (GtkAdjustment *adjustment)
{
  return adjustment != NULL ? gtk_adjustment_get_value (adjustment) : 0;
}

static void
sr_page_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  SrPageView *self = SR_PAGE_VIEW (widget);
  relayout (self, width);
  configure_adjustment (self->hadjustment, self->content_width, width, sr_page_view_adjustment_value (self->hadjustment));
  configure_adjustment (self->vadjustment, self->content_height, height, sr_page_view_adjustment_value (self->vadjustment));
}

static void
sr_page_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum, int *natural,
                      int *minimum_baseline, int *natural_baseline)
{
  SrPageView *self = SR_PAGE_VIEW (widget);
  relayout (self, 0);
  *minimum = 0;
  *natural = (int) ceil (orientation == GTK_ORIENTATION_HORIZONTAL ? self->content_width : self->content_height);
}

typedef struct {
  SrScoreDocument *document;
  guint page_index;
  double scale;
} RenderRequest;

typedef struct {
  GBytes *pixels;
  int width;
  int height;
  int stride;
} RenderedPage;

static void
render_request_free (RenderRequest *request)
{
  g_object_unref (request->document);
  g_free (request);
}

static void
rendered_page_free (RenderedPage *page)
{
  g_bytes_unref (page->pixels);
  g_free (page);
}

static void
render_in_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  RenderRequest *request = task_data;
  GError *error = NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  cairo_surface_t *surface = sr_score_document_render_page (request->document, request->page_index, request->scale,
                                                            &error);
  if (surface == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  RenderedPage *page = g_new0 (RenderedPage, 1);
  page->width = cairo_image_surface_get_width (surface);
  page->height = cairo_image_surface_get_height (surface);
  page->stride = cairo_image_surface_get_stride (surface);
  page->pixels = g_bytes_new (cairo_image_surface_get_data (surface), (gsize) page->stride * page->height);
  cairo_surface_destroy (surface);
  g_task_return_pointer (task, page, (GDestroyNotify) rendered_page_free);
}

static void
render_done (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  SrPageView *self = SR_PAGE_VIEW (source_object);
  RenderRequest *request = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  RenderedPage *page = g_task_propagate_pointer (G_TASK (result), &error);

  /* A render for a document no longer shown (cancelled or not) has nothing to update. */
  if (request->document != self->document || request->page_index >= self->slots->len)
    {
      g_clear_pointer (&page, rendered_page_free);
      return;
    }

  PageSlot *slot = &g_array_index (self->slots, PageSlot, request->page_index);
  slot->pending = FALSE;
  if (page != NULL)
    {
      /* ARGB32 from cairo is premultiplied BGRA in memory on little-endian machines, ARGB on big-endian ones. */
      GdkMemoryFormat format = G_BYTE_ORDER == G_LITTLE_ENDIAN ? GDK_MEMORY_B8G8R8A8_PREMULTIPLIED
                                                               : GDK_MEMORY_A8R8G8B8_PREMULTIPLIED;
      g_clear_object (&slot->texture);
      slot->texture = gdk_memory_texture_new (page->width, page->height, format, page->pixels, page->stride);
      slot->texture_scale = request->scale;
      rendered_page_free (page);
    }
  else
    {
      /* Remember the failure at this scale so it is not retried on every frame; the page stays blank. */
      slot->texture_scale = request->scale;
      g_warning ("Page %u could not be rendered: %s", request->page_index + 1, error->message);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
request_render (SrPageView *self, guint page_index, double scale)
{
  PageSlot *slot = &g_array_index (self->slots, PageSlot, page_index);
  slot->pending = TRUE;

  RenderRequest *request = g_new0 (RenderRequest, 1);
  request->document = g_object_ref (self->document);
  request->page_index = page_index;
  request->scale = scale;

  g_autoptr(GTask) task = g_task_new (self, self->cancellable, render_done, NULL);
  g_task_set_source_tag (task, request_render);
  g_task_set_task_data (task, request, (GDestroyNotify) render_request_free);
  g_task_run_in_thread (task, render_in_thread);
}

static void
snapshot_page (GtkSnapshot *snapshot, const PageSlot *slot)
{
  GskRoundedRect outline;
  gsk_rounded_rect_init_from_rect (&outline, &slot->rect, 0);
  gtk_snapshot_append_outset_shadow (snapshot, &outline, &(GdkRGBA){ 0, 0, 0, 0.35 }, 0, 1, 0, 4);
  gtk_snapshot_append_color (snapshot, &(GdkRGBA){ 1, 1, 1, 1 }, &slot->rect);
  if (slot->texture != NULL)
    gtk_snapshot_append_texture (snapshot, slot->texture, &slot->rect);
}

static void
sr_page_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  SrPageView *self = SR_PAGE_VIEW (widget);
  double view_x = sr_page_view_adjustment_value (self->hadjustment);
  double view_y = sr_page_view_adjustment_value (self->vadjustment);
  double view_height = gtk_widget_get_height (widget);
  double scale = device_scale (self);
  gboolean waiting = FALSE;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-view_x, -view_y));
  for (guint i = 0; i < self->slots->len; i++)
    {
      PageSlot *slot = &g_array_index (self->slots, PageSlot, i);
      double top = slot->rect.origin.y - view_y;
      double bottom = top + slot->rect.size.height;

      if (bottom < 0 || top > view_height)
        {
          if (bottom < -KEEP_SCREENS * view_height || top > (1 + KEEP_SCREENS) * view_height)
            g_clear_object (&slot->texture);
          continue;
        }

      snapshot_page (snapshot, slot);
      gboolean current = slot->texture_scale == scale && (slot->texture != NULL || !slot->pending);
      if (!current)
        {
          waiting = TRUE;
          if (!slot->pending)
            request_render (self, i, scale);
        }
    }
  sr_page_view_snapshot_marks (self, snapshot);
  sr_page_view_snapshot_glow (self, snapshot);
  gtk_snapshot_restore (snapshot);
  set_busy (self, waiting);
}

static void
adjustment_changed (GtkAdjustment *adjustment, SrPageView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (SrPageView *self, GtkAdjustment **slot, GtkAdjustment *adjustment)
{
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  if (*slot == adjustment)
    return;
  if (*slot != NULL)
    g_signal_handlers_disconnect_by_func (*slot, adjustment_changed, self);
  g_set_object (slot, adjustment);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (adjustment_changed), self, 0);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* Changes the zoom while the content point under (ANCHOR_X, ANCHOR_Y), in widget coordinates, stays put. */
static void
set_zoom_at (SrPageView *self, double zoom, double anchor_x, double anchor_y)
{
  zoom = CLAMP (zoom, SR_PAGE_VIEW_MIN_ZOOM, SR_PAGE_VIEW_MAX_ZOOM);
  if (fabs (zoom - self->zoom) < 1e-9)
    return;

  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double ratio = zoom / self->zoom;
  double content_x = (sr_page_view_adjustment_value (self->hadjustment) + anchor_x - self->content_width / 2) * ratio;
  double content_y = (sr_page_view_adjustment_value (self->vadjustment) + anchor_y) * ratio;

  self->zoom = zoom;
  relayout (self, width);
  configure_adjustment (self->hadjustment, self->content_width, width,
                        content_x + self->content_width / 2 - anchor_x);
  configure_adjustment (self->vadjustment, self->content_height, height, content_y - anchor_y);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

static gboolean
scrolled (GtkEventControllerScroll *controller, double dx, double dy, SrPageView *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  if (!(state & GDK_CONTROL_MASK) || dy == 0)
    return FALSE;
  set_zoom_at (self, self->zoom * pow (ZOOM_STEP, -CLAMP (dy, -4, 4) / 2), self->pointer_x, self->pointer_y);
  return TRUE;
}

static void
pointer_moved (GtkEventControllerMotion *controller, double x, double y, SrPageView *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
}

static void
sr_page_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SrPageView *self = SR_PAGE_VIEW (object);
  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_page_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  SrPageView *self = SR_PAGE_VIEW (object);
  switch (prop_id)
    {
    case PROP_DOCUMENT:
      sr_page_view_set_document (self, g_value_get_object (value));
      break;
    case PROP_ZOOM:
      sr_page_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_page_view_dispose (GObject *object)
{
  SrPageView *self = SR_PAGE_VIEW (object);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->document);
  g_clear_pointer (&self->slots, g_array_unref);
  g_clear_pointer (&self->marks, g_array_unref);
  g_clear_pointer (&self->glow, g_array_unref);
  g_clear_pointer (&self->marks_node, gsk_render_node_unref);
  g_clear_pointer (&self->marks_node_key, g_array_unref);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  G_OBJECT_CLASS (sr_page_view_parent_class)->dispose (object);
}

static void
sr_page_view_class_init (SrPageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = sr_page_view_get_property;
  object_class->set_property = sr_page_view_set_property;
  object_class->dispose = sr_page_view_dispose;
  widget_class->measure = sr_page_view_measure;
  widget_class->size_allocate = sr_page_view_size_allocate;
  widget_class->snapshot = sr_page_view_snapshot;

  properties[PROP_DOCUMENT] = g_param_spec_object ("document", NULL, NULL, SR_TYPE_SCORE_DOCUMENT,
                                                   G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] = g_param_spec_double ("zoom", NULL, NULL, SR_PAGE_VIEW_MIN_ZOOM, SR_PAGE_VIEW_MAX_ZOOM, 1.0,
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  sr_page_view_signals[SR_PAGE_VIEW_MARKS_EDITED] = g_signal_new ("marks-edited", G_TYPE_FROM_CLASS (klass),
                                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                                  G_TYPE_NONE, 0);
  sr_page_view_signals[SR_PAGE_VIEW_MARK_ACTIVATED] = g_signal_new ("mark-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                          NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  gtk_widget_class_set_css_name (widget_class, "pageview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sr_page_view_init (SrPageView *self)
{
  self->zoom = 1.0;
  self->slots = g_array_new (FALSE, TRUE, sizeof (PageSlot));
  g_array_set_clear_func (self->slots, clear_slot);
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect_object (scroll, "scroll", G_CALLBACK (scrolled), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect_object (motion, "motion", G_CALLBACK (pointer_moved), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  self->selected_mark = -1;
  GtkGesture *click = gtk_gesture_click_new ();
  g_signal_connect_object (click, "pressed", G_CALLBACK (sr_page_view_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  sr_page_view_add_mark_editing (self);
}

GtkWidget *
sr_page_view_new (void)
{
  return g_object_new (SR_TYPE_PAGE_VIEW, NULL);
}

SrScoreDocument *
sr_page_view_get_document (SrPageView *self)
{
  g_return_val_if_fail (SR_IS_PAGE_VIEW (self), NULL);
  return self->document;
}

void
sr_page_view_set_document (SrPageView *self, SrScoreDocument *document)
{
  g_return_if_fail (SR_IS_PAGE_VIEW (self));
  g_return_if_fail (document == NULL || SR_IS_SCORE_DOCUMENT (document));
  if (self->document == document)
    return;

  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  g_set_object (&self->document, document);
  g_array_set_size (self->slots, 0);
  sr_page_view_set_marks (self, NULL, 0); /* they were on the pages of the document before */
  sr_page_view_set_glow (self, NULL, 0);
  if (document != NULL)
    g_array_set_size (self->slots, sr_score_document_get_n_pages (document));

  if (self->hadjustment != NULL)
    gtk_adjustment_set_value (self->hadjustment, 0);
  if (self->vadjustment != NULL)
    gtk_adjustment_set_value (self->vadjustment, 0);
  set_busy (self, document != NULL);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

double
sr_page_view_get_zoom (SrPageView *self)
{
  g_return_val_if_fail (SR_IS_PAGE_VIEW (self), 1.0);
  return self->zoom;
}

void
sr_page_view_set_zoom (SrPageView *self, double zoom)
{
  g_return_if_fail (SR_IS_PAGE_VIEW (self));
  set_zoom_at (self, zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
               gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
sr_page_view_zoom_in (SrPageView *self)
{
  sr_page_view_set_zoom (self, self->zoom * ZOOM_STEP);
}

void
sr_page_view_zoom_out (SrPageView *self)
{
  sr_page_view_set_zoom (self, self->zoom / ZOOM_STEP);
}

gboolean
sr_page_view_get_busy (SrPageView *self)
{
  g_return_val_if_fail (SR_IS_PAGE_VIEW (self), FALSE);
  return self->busy;
}

gboolean
sr_page_view_get_page_bounds (SrPageView *self, guint page_index, graphene_rect_t *bounds)
{
  g_return_val_if_fail (SR_IS_PAGE_VIEW (self), FALSE);
  if (page_index >= self->slots->len)
    return FALSE;
  const PageSlot *slot = &g_array_index (self->slots, PageSlot, page_index);
  *bounds = slot->rect;
  bounds->origin.x -= sr_page_view_adjustment_value (self->hadjustment);
  bounds->origin.y -= sr_page_view_adjustment_value (self->vadjustment);
  return TRUE;
}
