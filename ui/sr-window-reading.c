/* Reading the page in view on a worker thread, the systems read outlined on the page, and playing from the inspected
 * system with the live overlay: each frame, where the notes heard were read glows on the page. */
#include "sr-window-private.h"

#include <glib/gi18n.h>
#include <math.h>

#include "omr.h"

/* The page that fills most of the view. */
static guint
page_in_view (SrWindow *self)
{
  SrScoreDocument *document = sr_page_view_get_document (self->page_view);
  int height = gtk_widget_get_height (GTK_WIDGET (self->page_view));
  guint best = 0;
  double most = -1;
  for (guint i = 0; document != NULL && i < sr_score_document_get_n_pages (document); i++)
    {
      graphene_rect_t bounds;
      if (!sr_page_view_get_page_bounds (self->page_view, i, &bounds))
        continue;
      double visible = MIN (bounds.origin.y + bounds.size.height, height) - MAX (bounds.origin.y, 0);
      if (visible > most)
        {
          most = visible;
          best = i;
        }
    }
  return best;
}

static void
reading_progressed (double done, const char *where, gpointer user_data)
{
  SrWindow *self = user_data;
  if (self->read_cancellable == NULL)
    return;
  g_autofree char *text = g_strdup_printf (_("Reading: %s (%.0f %%). Press Escape to stop."), where, 100 * done);
  sr_window_show_message (self, FALSE, text);
}

/* BOX was found on page PAGE_INDEX as analysed (straightened by SKEW_DEGREES, at the document's native scale): turned
 * back and scaled to points, where the page view draws. */
static SrPageMark
mark_of_box (SrScoreDocument *document, guint page_index, double skew_degrees, const SrPageBox *box)
{
  double scale = sr_score_document_get_native_scale (document, page_index);
  double width_pt, height_pt;
  sr_score_document_get_page_size (document, page_index, &width_pt, &height_pt);
  double cx = width_pt * scale / 2, cy = height_pt * scale / 2;
  double angle = skew_degrees * G_PI / 180, c = cos (angle), s = sin (angle);
  double xs[4] = { box->x, box->x + box->width, box->x + box->width, box->x };
  double ys[4] = { box->y, box->y, box->y + box->height, box->y + box->height };
  SrPageMark mark = { .page_index = page_index };
  for (int k = 0; k < 4; k++)
    {
      double dx = xs[k] - cx, dy = ys[k] - cy; /* as deskew.c turns the straightened page back */
      mark.corners[k] = GRAPHENE_POINT_INIT ((cx + dx * c - dy * s) / scale, (cy + dx * s + dy * c) / scale);
    }
  return mark;
}

/* Outlines the systems read on their page. */
void
sr_window_show_systems_on_page (SrWindow *self, const GArray *systems)
{
  SrScoreDocument *document = sr_page_view_get_document (self->page_view);
  g_autoptr(GArray) marks = g_array_new (FALSE, FALSE, sizeof (SrPageMark));
  for (guint i = 0; document != NULL && i < systems->len; i++)
    {
      const SrOmrSystem *system = &g_array_index (systems, SrOmrSystem, i);
      SrPageMark mark = mark_of_box (document, system->page_index, system->skew_degrees, &system->box);
      g_array_append_val (marks, mark);
    }
  sr_page_view_set_marks (self->page_view, (const SrPageMark *) marks->data, marks->len);
  sr_page_view_set_selected_mark (self->page_view, 0);
}

/* Each frame while the inspector plays: where the notes heard now were read glows on the page, which follows. */
static gboolean
overlay_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  SrWindow *self = user_data;
  gint64 started = g_get_monotonic_time ();
  SrApplication *application = SR_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  GSettings *settings = application != NULL ? sr_application_get_settings (application) : NULL;
  if (settings != NULL && !g_settings_get_boolean (settings, "overlay"))
    {
      sr_page_view_set_glow (self->page_view, NULL, 0);
      return G_SOURCE_CONTINUE;
    }
  SrScoreDocument *document = sr_page_view_get_document (self->page_view);
  g_autoptr(GArray) spots = sr_inspector_get_sounding (self->inspector);
  g_autoptr(GArray) marks = g_array_new (FALSE, FALSE, sizeof (SrPageMark));
  for (guint i = 0; document != NULL && i < spots->len; i++)
    {
      const SrInspectorSpot *spot = &g_array_index (spots, SrInspectorSpot, i);
      SrPageMark mark = mark_of_box (document, spot->page_index, spot->skew_degrees, &spot->box);
      g_array_append_val (marks, mark);
    }
  sr_page_view_set_glow (self->page_view, (const SrPageMark *) marks->data, marks->len);
  if (marks->len > 0)
    sr_page_view_follow (self->page_view, &g_array_index (marks, SrPageMark, 0));
  gint64 took = g_get_monotonic_time () - started;
  g_array_append_val (self->overlay_frame_us, took);
  return G_SOURCE_CONTINUE;
}

void
sr_window_inspector_playing_changed (SrWindow *self)
{
  gboolean playing = sr_inspector_get_playing (self->inspector);
  if (playing && self->overlay_tick == 0)
    {
      g_array_set_size (self->overlay_frame_us, 0);
      self->overlay_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->page_view), overlay_frame, self, NULL);
    }
  else if (!playing && self->overlay_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->page_view), self->overlay_tick);
      self->overlay_tick = 0;
      sr_page_view_set_glow (self->page_view, NULL, 0);
    }
}

void
sr_window_play_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrWindow *self = SR_WINDOW (user_data);
  if (sr_inspector_get_n_systems (self->inspector) == 0)
    {
      /* Nothing read yet: the page in view is read first, and plays when it has been. */
      if (sr_page_view_get_document (self->page_view) == NULL)
        return;
      self->play_when_read = TRUE;
      if (self->read_cancellable == NULL)
        g_action_group_activate_action (G_ACTION_GROUP (self), "read-page", NULL);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self->inspector), "inspector.play", NULL);
}

void
sr_window_inspected_system_changed (SrWindow *self)
{
  sr_page_view_set_selected_mark (self->page_view, (int) sr_inspector_get_current (self->inspector));
}

void
sr_window_mark_activated (SrWindow *self, guint index)
{
  sr_inspector_show_system (self->inspector, index);
}

static void
page_read (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SrWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  GArray *systems = sr_omr_read_page_finish (result, &notice, &error);
  g_clear_object (&self->read_cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->read_button), TRUE);
  gboolean play = self->play_when_read;
  self->play_when_read = FALSE;
  if (systems == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        sr_window_hide_message (self);
      else
        {
          g_autofree char *text = g_strdup_printf (_("Could not read the page: %s."), error->message);
          sr_window_show_message (self, TRUE, text);
        }
      return;
    }
  if (systems->len == 0)
    {
      g_array_unref (systems);
      sr_window_show_message (self, TRUE, _("No systems were found on this page."));
      return;
    }
  if (notice != NULL)
    sr_window_show_message (self, FALSE, notice);
  else
    sr_window_hide_message (self);
  sr_window_show_systems_on_page (self, systems);
  sr_page_view_set_marks_editable (self->page_view, TRUE);
  sr_inspector_set_systems (self->inspector, systems);
  gtk_widget_set_visible (GTK_WIDGET (self->inspector), TRUE);
  if (play)
    gtk_widget_activate_action (GTK_WIDGET (self->inspector), "inspector.play", NULL);
}

void
sr_window_read_page_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrWindow *self = SR_WINDOW (user_data);
  SrScoreDocument *document = sr_page_view_get_document (self->page_view);
  if (document == NULL || self->read_cancellable != NULL)
    return;
  SrApplication *application = SR_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  if (application == NULL)
    return;
  SrDeviceChoice device = sr_application_get_device (application);
  g_autofree char *models = sr_application_get_models_folder (application);
  self->read_cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (GTK_WIDGET (self->read_button), FALSE);
  guint page = page_in_view (self);
  g_autofree char *text = g_strdup_printf (_("Reading page %u…"), page + 1);
  sr_window_show_message (self, FALSE, text);
  sr_omr_read_page_async (document, page, &device, models, reading_progressed, self, self->read_cancellable,
                          page_read, g_object_ref (self));
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The outlines on the pages, as the user left them, as boxes to read: page pixels of the page as it is (the reader
 * straightens nothing it is given), the staff height of the systems read before (their median). */
static GArray *
boxes_of_marks (SrWindow *self)
{
  SrScoreDocument *document = sr_page_view_get_document (self->page_view);
  const GArray *systems = sr_inspector_get_systems (self->inspector);
  g_autoptr(GArray) heights = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; systems != NULL && i < systems->len; i++)
    g_array_append_val (heights, g_array_index (systems, SrOmrSystem, i).staff_height);
  g_array_sort (heights, compare_doubles);
  double staff = heights->len > 0 ? g_array_index (heights, double, heights->len / 2) : 0;
  guint n = 0;
  const SrPageMark *marks = sr_page_view_get_marks (self->page_view, &n);
  GArray *boxes = g_array_new (FALSE, FALSE, sizeof (SrSystemBox));
  for (guint i = 0; document != NULL && i < n; i++)
    {
      double scale = sr_score_document_get_native_scale (document, marks[i].page_index);
      double left = G_MAXDOUBLE, top = G_MAXDOUBLE, right = -G_MAXDOUBLE, bottom = -G_MAXDOUBLE;
      for (int k = 0; k < 4; k++)
        {
          left = MIN (left, marks[i].corners[k].x * scale);
          right = MAX (right, marks[i].corners[k].x * scale);
          top = MIN (top, marks[i].corners[k].y * scale);
          bottom = MAX (bottom, marks[i].corners[k].y * scale);
        }
      SrSystemBox box = { marks[i].page_index, { left, top, right - left, bottom - top },
                          staff > 0 ? staff : (bottom - top) / 4 };
      g_array_append_val (boxes, box);
    }
  return boxes;
}

void
sr_window_read_marks_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrWindow *self = SR_WINDOW (user_data);
  SrScoreDocument *document = sr_page_view_get_document (self->page_view);
  SrApplication *application = SR_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  if (document == NULL || application == NULL || self->read_cancellable != NULL)
    return;
  g_autoptr(GArray) boxes = boxes_of_marks (self);
  if (boxes->len == 0)
    return;
  SrDeviceChoice device = sr_application_get_device (application);
  g_autofree char *models = sr_application_get_models_folder (application);
  self->read_cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (GTK_WIDGET (self->read_button), FALSE);
  sr_window_show_message (self, FALSE, _("Reading the systems as outlined…"));
  sr_omr_read_boxes_async (document, boxes, &device, models, reading_progressed, self, self->read_cancellable,
                           page_read, g_object_ref (self));
}

/* The outlines were moved, resized, drawn or deleted: they are read again on request. */
void
sr_window_marks_edited (SrWindow *self)
{
  sr_window_show_offer (self, _("The systems' outlines changed."), _("_Read Them"), "win.read-marks");
}

void
sr_window_cancel_reading_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrWindow *self = SR_WINDOW (user_data);
  if (self->read_cancellable != NULL)
    g_cancellable_cancel (self->read_cancellable);
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

double
sr_window_get_overlay_frame_ms (SrWindow *self, double percentile, guint *n_frames)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), 0);
  guint n = self->overlay_frame_us != NULL ? self->overlay_frame_us->len : 0;
  if (n_frames != NULL)
    *n_frames = n;
  if (n == 0)
    return 0;
  g_autoptr(GArray) sorted = g_array_copy (self->overlay_frame_us);
  g_array_sort (sorted, compare_gint64);
  guint at = MIN ((guint) (percentile / 100 * n), n - 1);
  return g_array_index (sorted, gint64, at) / 1000.0;
}

SrInspector *
sr_window_get_inspector (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);
  return self->inspector;
}

gboolean
sr_window_is_reading (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), FALSE);
  return self->read_cancellable != NULL;
}
