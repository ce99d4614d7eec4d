/* Regions over the pages: the systems read, outlined (the inspected one filled), clicked to inspect, and edited —
 * dragged to move, their edges dragged to resize, new ones drawn on empty page, the selected one deleted or moved in
 * reading order (numbered) — and the live overlay's glow. Marks are kept in page points, so zoom and scrolling never
 * move them on the page. */
#include "sr-page-view-private.h"

#include <math.h>
#include <string.h>

#define ORDER_LABEL_PIXELS 16 /* room around the outlines for their order badges */

/* A page point of page PAGE_INDEX in content coordinates (before scrolling). */
graphene_point_t
sr_page_view_content_point (SrPageView *self, guint page_index, const graphene_point_t *point)
{
  const PageSlot *slot = &g_array_index (self->slots, PageSlot, page_index);
  double width_pt, height_pt;
  sr_score_document_get_page_size (self->document, page_index, &width_pt, &height_pt);
  return GRAPHENE_POINT_INIT (slot->rect.origin.x + point->x * slot->rect.size.width / MAX (width_pt, 1),
                              slot->rect.origin.y + point->y * slot->rect.size.height / MAX (height_pt, 1));
}

/* The content rectangle MARKS cover, GROW pixels more all round: the outlines' cairo node is no larger. */
static graphene_rect_t
bounds_of_marks (SrPageView *self, const GArray *marks, double grow)
{
  double left = G_MAXDOUBLE, top = G_MAXDOUBLE, right = -G_MAXDOUBLE, bottom = -G_MAXDOUBLE;
  for (guint i = 0; i < marks->len; i++)
    {
      const SrPageMark *mark = &g_array_index (marks, SrPageMark, i);
      if (mark->page_index >= self->slots->len)
        continue;
      for (int k = 0; k < 4; k++)
        {
          graphene_point_t at = sr_page_view_content_point (self, mark->page_index, &mark->corners[k]);
          left = MIN (left, at.x);
          right = MAX (right, at.x);
          top = MIN (top, at.y);
          bottom = MAX (bottom, at.y);
        }
    }
  if (left > right)
    return GRAPHENE_RECT_INIT (0, 0, 0, 0);
  return GRAPHENE_RECT_INIT (left - grow, top - grow, right - left + 2 * grow, bottom - top + 2 * grow);
}

void
sr_page_view_snapshot_glow (SrPageView *self, GtkSnapshot *snapshot)
{
  if (self->glow == NULL || self->glow->len == 0 || self->document == NULL)
    return;
  /* A warm glow, stronger at its heart: a heat map of where the music heard was read, a region for each note heard.
   * Drawn as colour nodes, turned with the page's skew, never as cairo: a cairo node is a new picture for the GPU
   * renderer to upload every frame, and those uploads made one frame in ten take 30–60 ms on a software GL. */
  static const float grows[] = { 10, 5, 0 }, alphas[] = { 0.12f, 0.18f, 0.3f };
  for (guint i = 0; i < self->glow->len; i++)
    {
      const SrPageMark *mark = &g_array_index (self->glow, SrPageMark, i);
      if (mark->page_index >= self->slots->len)
        continue;
      graphene_point_t at[4];
      for (int k = 0; k < 4; k++)
        at[k] = sr_page_view_content_point (self, mark->page_index, &mark->corners[k]);
      /* corners clockwise from the top left: a rectangle turned by the page's skew */
      float width = graphene_point_distance (&at[0], &at[1], NULL, NULL);
      float height = graphene_point_distance (&at[0], &at[3], NULL, NULL);
      float degrees = (float) (atan2 (at[1].y - at[0].y, at[1].x - at[0].x) * 180 / G_PI);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((at[0].x + at[2].x) / 2, (at[0].y + at[2].y) / 2));
      gtk_snapshot_rotate (snapshot, degrees);
      for (gsize k = 0; k < G_N_ELEMENTS (grows); k++)
        {
          float grow = grows[k] * (float) self->zoom;
          gtk_snapshot_append_color (snapshot, &(GdkRGBA){ 1.0f, 0.55f, 0.0f, alphas[k] },
                                     &GRAPHENE_RECT_INIT (-width / 2 - grow, -height / 2 - grow, width + 2 * grow,
                                                          height + 2 * grow));
        }
      gtk_snapshot_restore (snapshot);
    }
}

void
sr_page_view_set_glow (SrPageView *self, const SrPageMark *marks, guint n_marks)
{
  g_return_if_fail (SR_IS_PAGE_VIEW (self));
  if ((self->glow == NULL || self->glow->len == 0) && n_marks == 0)
    return;
  g_clear_pointer (&self->glow, g_array_unref);
  if (marks != NULL && n_marks > 0)
    {
      self->glow = g_array_sized_new (FALSE, FALSE, sizeof (SrPageMark), n_marks);
      g_array_append_vals (self->glow, marks, n_marks);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const SrPageMark *
sr_page_view_get_glow (SrPageView *self, guint *n_marks)
{
  g_return_val_if_fail (SR_IS_PAGE_VIEW (self), NULL);
  *n_marks = self->glow != NULL ? self->glow->len : 0;
  return self->glow != NULL ? (const SrPageMark *) self->glow->data : NULL;
}

guint
sr_page_view_get_n_glowing (SrPageView *self)
{
  g_return_val_if_fail (SR_IS_PAGE_VIEW (self), 0);
  return self->glow != NULL ? self->glow->len : 0;
}

void
sr_page_view_follow (SrPageView *self, const SrPageMark *mark)
{
  g_return_if_fail (SR_IS_PAGE_VIEW (self));
  if (self->document == NULL || mark->page_index >= self->slots->len || self->vadjustment == NULL)
    return;
  double top = G_MAXDOUBLE, bottom = -G_MAXDOUBLE;
  for (int k = 0; k < 4; k++)
    {
      graphene_point_t at = sr_page_view_content_point (self, mark->page_index, &mark->corners[k]);
      top = MIN (top, at.y);
      bottom = MAX (bottom, at.y);
    }
  double view_top = gtk_adjustment_get_value (self->vadjustment);
  double view_height = gtk_adjustment_get_page_size (self->vadjustment);
  if (top < view_top || bottom > view_top + view_height)
    gtk_adjustment_set_value (self->vadjustment, top - view_height / 4);
}

/* The system's place in reading order, in a small badge on its top-left corner: the order in which the outlines are
 * read and played, which the user can change (Alt+Up, Alt+Down). */
static void
draw_order_number (cairo_t *cr, PangoLayout *layout, guint number, graphene_point_t corner)
{
  char text[16];
  g_snprintf (text, sizeof text, "%u", number);
  pango_layout_set_text (layout, text, -1);
  int width, height;
  pango_layout_get_pixel_size (layout, &width, &height);
  double w = MAX (width + 8, height), x = corner.x - w / 2, y = corner.y - height / 2.0;
  cairo_new_path (cr);
  cairo_arc (cr, x + height / 2.0, y + height / 2.0, height / 2.0, G_PI / 2, 3 * G_PI / 2);
  cairo_arc (cr, x + w - height / 2.0, y + height / 2.0, height / 2.0, 3 * G_PI / 2, G_PI / 2);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.9);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, x + (w - width) / 2, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_marks (SrPageView *self, GtkSnapshot *snapshot)
{
  if (self->marks == NULL || self->marks->len == 0 || self->document == NULL)
    return;
  graphene_rect_t bounds = bounds_of_marks (self, self->marks, 3);
  if (bounds.size.width <= 0)
    return;
  graphene_rect_inset (&bounds, -ORDER_LABEL_PIXELS, -ORDER_LABEL_PIXELS);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  for (guint i = 0; i < self->marks->len; i++)
    {
      const SrPageMark *mark = &g_array_index (self->marks, SrPageMark, i);
      if (mark->page_index >= self->slots->len)
        continue;
      for (int k = 0; k < 4; k++)
        {
          graphene_point_t at = sr_page_view_content_point (self, mark->page_index, &mark->corners[k]);
          k == 0 ? cairo_move_to (cr, at.x, at.y) : cairo_line_to (cr, at.x, at.y);
        }
      cairo_close_path (cr);
      /* Adwaita's accent blue: an outline for every system read, the one inspected filled. */
      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, (int) i == self->selected_mark ? 0.18 : 0.0);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.8);
      cairo_set_line_width (cr, (int) i == self->selected_mark ? 3.0 : 1.5);
      cairo_stroke (cr);
      draw_order_number (cr, layout, i + 1, sr_page_view_content_point (self, mark->page_index, &mark->corners[0]));
    }
  g_object_unref (layout);
  cairo_destroy (cr);
}

/* Where the outlines are drawn now, in content coordinates, and which is selected: while it stays the same (every
 * frame of the live overlay), the outlines are not drawn again. */
static GArray *
marks_key (SrPageView *self)
{
  GArray *key = g_array_new (FALSE, FALSE, sizeof (double));
  double selected = self->selected_mark;
  g_array_append_val (key, selected);
  for (guint i = 0; i < self->marks->len; i++)
    {
      const SrPageMark *mark = &g_array_index (self->marks, SrPageMark, i);
      for (int k = 0; k < 4 && mark->page_index < self->slots->len; k++)
        {
          graphene_point_t at = sr_page_view_content_point (self, mark->page_index, &mark->corners[k]);
          double xy[2] = { at.x, at.y };
          g_array_append_vals (key, xy, 2);
        }
    }
  return key;
}

void
sr_page_view_snapshot_marks (SrPageView *self, GtkSnapshot *snapshot)
{
  if (self->marks == NULL || self->marks->len == 0 || self->document == NULL)
    return;
  g_autoptr(GArray) key = marks_key (self);
  gboolean same = self->marks_node != NULL && self->marks_node_key != NULL && self->marks_node_key->len == key->len
                  && memcmp (self->marks_node_key->data, key->data, key->len * sizeof (double)) == 0;
  if (!same)
    {
      GtkSnapshot *drawing = gtk_snapshot_new ();
      draw_marks (self, drawing);
      g_clear_pointer (&self->marks_node, gsk_render_node_unref);
      self->marks_node = gtk_snapshot_free_to_node (drawing);
      g_clear_pointer (&self->marks_node_key, g_array_unref);
      self->marks_node_key = g_steal_pointer (&key);
    }
  if (self->marks_node != NULL)
    gtk_snapshot_append_node (snapshot, self->marks_node);
}

/* Inside the quadrilateral (convex, corners in order) of content points CORNERS. */
static gboolean
inside (const graphene_point_t corners[4], double x, double y)
{
  int sign = 0;
  for (int k = 0; k < 4; k++)
    {
      const graphene_point_t *a = &corners[k], *b = &corners[(k + 1) % 4];
      double cross = (b->x - a->x) * (y - a->y) - (b->y - a->y) * (x - a->x);
      int side = cross > 0 ? 1 : cross < 0 ? -1 : 0;
      if (side != 0 && sign != 0 && side != sign)
        return FALSE;
      if (side != 0)
        sign = side;
    }
  return TRUE;
}

void
sr_page_view_pressed (GtkGestureClick *gesture, int n_press, double x, double y, SrPageView *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (self->marks == NULL || self->document == NULL)
    return;
  double content_x = x + sr_page_view_adjustment_value (self->hadjustment), content_y = y + sr_page_view_adjustment_value (self->vadjustment);
  for (guint i = 0; i < self->marks->len; i++)
    {
      const SrPageMark *mark = &g_array_index (self->marks, SrPageMark, i);
      if (mark->page_index >= self->slots->len)
        continue;
      graphene_point_t corners[4];
      for (int k = 0; k < 4; k++)
        corners[k] = sr_page_view_content_point (self, mark->page_index, &mark->corners[k]);
      if (inside (corners, content_x, content_y))
        {
          g_signal_emit (self, sr_page_view_signals[SR_PAGE_VIEW_MARK_ACTIVATED], 0, i);
          return;
        }
    }
}

void
sr_page_view_set_marks (SrPageView *self, const SrPageMark *marks, guint n_marks)
{
  g_return_if_fail (SR_IS_PAGE_VIEW (self));
  g_clear_pointer (&self->marks, g_array_unref);
  self->selected_mark = -1;
  if (marks != NULL && n_marks > 0)
    {
      self->marks = g_array_sized_new (FALSE, FALSE, sizeof (SrPageMark), n_marks);
      g_array_append_vals (self->marks, marks, n_marks);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sr_page_view_set_selected_mark (SrPageView *self, int selected)
{
  g_return_if_fail (SR_IS_PAGE_VIEW (self));
  self->selected_mark = selected;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
sr_page_view_get_n_marks (SrPageView *self)
{
  g_return_val_if_fail (SR_IS_PAGE_VIEW (self), 0);
  return self->marks != NULL ? self->marks->len : 0;
}

int
sr_page_view_get_selected_mark (SrPageView *self)
{
  g_return_val_if_fail (SR_IS_PAGE_VIEW (self), -1);
  return self->selected_mark;
}

const SrPageMark *
sr_page_view_get_marks (SrPageView *self, guint *n_marks)
{
  g_return_val_if_fail (SR_IS_PAGE_VIEW (self), NULL);
  *n_marks = self->marks != NULL ? self->marks->len : 0;
  return self->marks != NULL ? (const SrPageMark *) self->marks->data : NULL;
}

void
sr_page_view_set_marks_editable (SrPageView *self, gboolean editable)
{
  g_return_if_fail (SR_IS_PAGE_VIEW (self));
  self->marks_editable = editable;
}

enum { EDIT_NONE, EDIT_MOVE, EDIT_RESIZE, EDIT_DRAW };
enum { EDGE_LEFT = 1, EDGE_RIGHT = 2, EDGE_TOP = 4, EDGE_BOTTOM = 8 };

#define GRAB_PIXELS 6.0    /* how near an edge a drag resizes */
#define DRAW_PIXELS 8.0    /* how far a drag on empty page goes before it draws */
#define MIN_POINTS 6.0     /* the smallest box, in page points */

/* The upright box of MARK in page points. */
static graphene_rect_t
box_of (const SrPageMark *mark)
{
  double left = G_MAXDOUBLE, top = G_MAXDOUBLE, right = -G_MAXDOUBLE, bottom = -G_MAXDOUBLE;
  for (int k = 0; k < 4; k++)
    {
      left = MIN (left, mark->corners[k].x);
      right = MAX (right, mark->corners[k].x);
      top = MIN (top, mark->corners[k].y);
      bottom = MAX (bottom, mark->corners[k].y);
    }
  return GRAPHENE_RECT_INIT (left, top, right - left, bottom - top);
}

static void
set_box (SrPageMark *mark, const graphene_rect_t *box)
{
  double l = box->origin.x, t = box->origin.y, r = l + box->size.width, b = t + box->size.height;
  mark->corners[0] = GRAPHENE_POINT_INIT (l, t);
  mark->corners[1] = GRAPHENE_POINT_INIT (r, t);
  mark->corners[2] = GRAPHENE_POINT_INIT (r, b);
  mark->corners[3] = GRAPHENE_POINT_INIT (l, b);
}

/* Content pixels per page point on page PAGE_INDEX. */
static double
pixels_per_point (SrPageView *self, guint page_index)
{
  const PageSlot *slot = &g_array_index (self->slots, PageSlot, page_index);
  double width_pt, height_pt;
  sr_score_document_get_page_size (self->document, page_index, &width_pt, &height_pt);
  return slot->rect.size.width / MAX (width_pt, 1);
}

static void
drag_begin (GtkGestureDrag *gesture, double x, double y, SrPageView *self)
{
  self->edit_mode = EDIT_NONE;
  if (!self->marks_editable || self->document == NULL)
    return;
  double cx = x + sr_page_view_adjustment_value (self->hadjustment);
  double cy = y + sr_page_view_adjustment_value (self->vadjustment);
  self->edit_start_x = cx;
  self->edit_start_y = cy;
  for (guint i = 0; self->marks != NULL && i < self->marks->len; i++)
    {
      const SrPageMark *mark = &g_array_index (self->marks, SrPageMark, i);
      if (mark->page_index >= self->slots->len)
        continue;
      graphene_rect_t box = box_of (mark);
      graphene_point_t top_left = GRAPHENE_POINT_INIT (box.origin.x, box.origin.y);
      graphene_point_t bottom_right = GRAPHENE_POINT_INIT (box.origin.x + box.size.width,
                                                           box.origin.y + box.size.height);
      graphene_point_t a = sr_page_view_content_point (self, mark->page_index, &top_left);
      graphene_point_t b = sr_page_view_content_point (self, mark->page_index, &bottom_right);
      if (cx < a.x - GRAB_PIXELS || cx > b.x + GRAB_PIXELS || cy < a.y - GRAB_PIXELS || cy > b.y + GRAB_PIXELS)
        continue;
      guint edges = (fabs (cx - a.x) <= GRAB_PIXELS ? EDGE_LEFT : 0) | (fabs (cx - b.x) <= GRAB_PIXELS ? EDGE_RIGHT : 0)
                    | (fabs (cy - a.y) <= GRAB_PIXELS ? EDGE_TOP : 0)
                    | (fabs (cy - b.y) <= GRAB_PIXELS ? EDGE_BOTTOM : 0);
      self->edit_mode = edges != 0 ? EDIT_RESIZE : EDIT_MOVE;
      self->edit_edges = edges;
      self->edit_mark = (int) i;
      self->edit_page = mark->page_index;
      self->edit_start = box;
      return;
    }
  for (guint page = 0; page < self->slots->len; page++)
    {
      const PageSlot *slot = &g_array_index (self->slots, PageSlot, page);
      if (graphene_rect_contains_point (&slot->rect, &GRAPHENE_POINT_INIT (cx, cy)))
        {
          double scale = pixels_per_point (self, page);
          self->edit_mode = EDIT_DRAW;
          self->edit_mark = -1;
          self->edit_page = page;
          self->edit_start = GRAPHENE_RECT_INIT ((cx - slot->rect.origin.x) / scale,
                                                 (cy - slot->rect.origin.y) / scale, 0, 0);
          return;
        }
    }
}

static void
drag_update (GtkGestureDrag *gesture, double dx, double dy, SrPageView *self)
{
  if (self->edit_mode == EDIT_NONE)
    return;
  double scale = pixels_per_point (self, self->edit_page);
  double px = dx / scale, py = dy / scale;
  graphene_rect_t box = self->edit_start;
  if (self->edit_mode == EDIT_DRAW)
    {
      if (self->edit_mark < 0)
        {
          if (hypot (dx, dy) < DRAW_PIXELS)
            return;
          SrPageMark mark = { .page_index = self->edit_page };
          if (self->marks == NULL)
            self->marks = g_array_new (FALSE, FALSE, sizeof (SrPageMark));
          g_array_append_val (self->marks, mark);
          self->edit_mark = (int) self->marks->len - 1;
          self->selected_mark = self->edit_mark;
        }
      box = GRAPHENE_RECT_INIT (MIN (box.origin.x, box.origin.x + px), MIN (box.origin.y, box.origin.y + py),
                                fabs (px), fabs (py));
    }
  else if (self->edit_mode == EDIT_MOVE)
    {
      box.origin.x += px;
      box.origin.y += py;
    }
  else
    {
      double l = box.origin.x, t = box.origin.y, r = l + box.size.width, b = t + box.size.height;
      if (self->edit_edges & EDGE_LEFT)
        l = MIN (l + px, r - MIN_POINTS);
      if (self->edit_edges & EDGE_RIGHT)
        r = MAX (r + px, l + MIN_POINTS);
      if (self->edit_edges & EDGE_TOP)
        t = MIN (t + py, b - MIN_POINTS);
      if (self->edit_edges & EDGE_BOTTOM)
        b = MAX (b + py, t + MIN_POINTS);
      box = GRAPHENE_RECT_INIT (l, t, r - l, b - t);
    }
  set_box (&g_array_index (self->marks, SrPageMark, self->edit_mark), &box);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Moves the newly drawn last mark to before the first mark that comes after it in reading order (a later page, or
 * lower on its page), so that a system the detector missed is read where it stands; selects it there. */
static void
place_in_reading_order (SrPageView *self)
{
  guint last = self->marks->len - 1;
  SrPageMark drawn = g_array_index (self->marks, SrPageMark, last);
  double top = box_of (&drawn).origin.y;
  guint place = last;
  for (guint i = 0; i < last && place == last; i++)
    {
      const SrPageMark *other = &g_array_index (self->marks, SrPageMark, i);
      if (other->page_index > drawn.page_index
          || (other->page_index == drawn.page_index && box_of (other).origin.y > top))
        place = i;
    }
  g_array_remove_index (self->marks, last);
  g_array_insert_val (self->marks, place, drawn);
  self->selected_mark = (int) place;
}

static void
drag_end (GtkGestureDrag *gesture, double dx, double dy, SrPageView *self)
{
  int mode = self->edit_mode;
  self->edit_mode = EDIT_NONE;
  if (mode == EDIT_NONE || self->edit_mark < 0 || (dx == 0 && dy == 0))
    return;
  SrPageMark *mark = &g_array_index (self->marks, SrPageMark, self->edit_mark);
  graphene_rect_t box = box_of (mark);
  if (box.size.width < MIN_POINTS || box.size.height < MIN_POINTS)
    {
      /* Too small to be a system: a slip of the hand. */
      if (mode == EDIT_DRAW)
        {
          g_array_remove_index (self->marks, (guint) self->edit_mark);
          self->selected_mark = -1;
        }
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  if (mode == EDIT_DRAW)
    place_in_reading_order (self);
  g_signal_emit (self, sr_page_view_signals[SR_PAGE_VIEW_MARKS_EDITED], 0);
}

gboolean
sr_page_view_delete_selected_mark (SrPageView *self)
{
  g_return_val_if_fail (SR_IS_PAGE_VIEW (self), FALSE);
  if (!self->marks_editable || self->marks == NULL || self->selected_mark < 0
      || (guint) self->selected_mark >= self->marks->len)
    return FALSE;
  g_array_remove_index (self->marks, (guint) self->selected_mark);
  self->selected_mark = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, sr_page_view_signals[SR_PAGE_VIEW_MARKS_EDITED], 0);
  return TRUE;
}

void
sr_page_view_put_mark (SrPageView *self, int index, guint page_index, const graphene_rect_t *box)
{
  g_return_if_fail (SR_IS_PAGE_VIEW (self));
  if (self->marks == NULL)
    self->marks = g_array_new (FALSE, FALSE, sizeof (SrPageMark));
  SrPageMark mark = { .page_index = page_index };
  set_box (&mark, box);
  if (index < 0 || (guint) index >= self->marks->len)
    {
      g_array_append_val (self->marks, mark);
      place_in_reading_order (self);
    }
  else
    g_array_index (self->marks, SrPageMark, index) = mark;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, sr_page_view_signals[SR_PAGE_VIEW_MARKS_EDITED], 0);
}

gboolean
sr_page_view_move_selected_mark (SrPageView *self, int delta)
{
  g_return_val_if_fail (SR_IS_PAGE_VIEW (self), FALSE);
  if (!self->marks_editable || self->marks == NULL || self->selected_mark < 0
      || (guint) self->selected_mark >= self->marks->len)
    return FALSE;
  int target = CLAMP (self->selected_mark + delta, 0, (int) self->marks->len - 1);
  if (target == self->selected_mark)
    return FALSE;
  SrPageMark moved = g_array_index (self->marks, SrPageMark, self->selected_mark);
  g_array_remove_index (self->marks, (guint) self->selected_mark);
  g_array_insert_val (self->marks, (guint) target, moved);
  self->selected_mark = target;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, sr_page_view_signals[SR_PAGE_VIEW_MARKS_EDITED], 0);
  return TRUE;
}

static gboolean
key_pressed (GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state, SrPageView *self)
{
  if (keyval == GDK_KEY_Delete || keyval == GDK_KEY_KP_Delete)
    return sr_page_view_delete_selected_mark (self);
  if ((state & GDK_ALT_MASK) && (keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up))
    return sr_page_view_move_selected_mark (self, -1);
  if ((state & GDK_ALT_MASK) && (keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down))
    return sr_page_view_move_selected_mark (self, +1);
  return FALSE;
}

void
sr_page_view_add_mark_editing (SrPageView *self)
{
  self->edit_mark = -1;
  GtkGesture *drag = gtk_gesture_drag_new ();
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (drag_begin), self, 0);
  g_signal_connect_object (drag, "drag-update", G_CALLBACK (drag_update), self, 0);
  g_signal_connect_object (drag, "drag-end", G_CALLBACK (drag_end), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  GtkEventController *keys = gtk_event_controller_key_new ();
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (key_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}
