/* The workstation window: opening scores (dialog, recent files, drag and drop), the page view and zoom, and a
 * banner for what went wrong; see sr-window.h. */
#include "sr-window.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "models-folder.h"
#include "omr.h"
#include "project.h"
#include "sr-config.h"
#include "sr-inspector.h"

#define RECENT_LIMIT 10

struct _SrWindow {
  GtkApplicationWindow parent_instance;

  GtkStack *stack;
  SrPageView *page_view;
  GtkRevealer *banner_revealer;
  GtkBox *banner;
  GtkLabel *banner_label;
  GtkMenuButton *recent_button;
  GtkButton *zoom_button;
  GtkButton *read_button;
  SrInspector *inspector;

  GMenu *recent_menu;
  GtkFileChooserNative *chooser;
  GCancellable *load_cancellable; /* set while a file is loading */
  GCancellable *read_cancellable; /* set while a page is being read */
  guint overlay_tick;             /* the live overlay's frame callback, while the inspector plays */
  GFile *project_file;            /* where Save writes: the project opened or last saved */
  GBytes *score_bytes;            /* the score's bytes when it came from a project (no file of its own) */
  char *score_name;
  GArray *overlay_frame_us;       /* gint64: how long each overlay frame's work took */
};

G_DEFINE_FINAL_TYPE (SrWindow, sr_window, GTK_TYPE_APPLICATION_WINDOW)

static const char *const score_mime_types[] = { "application/pdf", "image/png", "image/jpeg", "image/tiff" };

static GSettings *
window_settings (SrWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  return application != NULL ? sr_application_get_settings (SR_APPLICATION (application)) : NULL;
}

static char *
display_name (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  return basename != NULL ? g_filename_display_name (basename) : g_file_get_parse_name (file);
}

static void
show_message (SrWindow *self, gboolean is_error, const char *text)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->banner), is_error ? "info" : "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->banner), is_error ? "error" : "info");
  gtk_label_set_text (self->banner_label, text);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
hide_message (SrWindow *self)
{
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

static void
remember_recent (GFile *file, SrScoreDocument *document)
{
  g_autofree char *uri = g_file_get_uri (file);
  static const char *const mime_by_format[] = {
    [SR_SCORE_FORMAT_UNKNOWN] = "application/octet-stream", [SR_SCORE_FORMAT_PDF] = "application/pdf",
    [SR_SCORE_FORMAT_PNG] = "image/png", [SR_SCORE_FORMAT_JPEG] = "image/jpeg", [SR_SCORE_FORMAT_TIFF] = "image/tiff",
  };
  GtkRecentData data = {
    .mime_type = (char *) mime_by_format[sr_score_document_get_format (document)],
    .app_name = (char *) g_get_application_name (),
    .app_exec = (char *) "sightread %u",
  };
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static int
compare_recent (gconstpointer a, gconstpointer b)
{
  GDateTime *time_a = gtk_recent_info_get_modified (*(GtkRecentInfo **) a);
  GDateTime *time_b = gtk_recent_info_get_modified (*(GtkRecentInfo **) b);
  return g_date_time_compare (time_b, time_a);
}

static void
rebuild_recent_menu (SrWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  g_autoptr(GPtrArray) ours = g_ptr_array_new ();
  for (GList *item = items; item != NULL; item = item->next)
    if (gtk_recent_info_has_application (item->data, g_get_application_name ()))
      g_ptr_array_add (ours, item->data);
  g_ptr_array_sort (ours, compare_recent);

  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; i < MIN (ours->len, RECENT_LIMIT); i++)
    {
      GtkRecentInfo *info = ours->pdata[i];
      g_autoptr(GMenuItem) menu_item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);
      g_menu_item_set_action_and_target (menu_item, "win.open-recent", "s", gtk_recent_info_get_uri (info));
      g_menu_append_item (self->recent_menu, menu_item);
    }
  if (ours->len == 0)
    g_menu_append (self->recent_menu, _("No recent scores"), "win.no-recent");
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
document_loaded (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SrWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = sr_score_document_new_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->load_cancellable);
  GFile *file = g_task_get_task_data (G_TASK (result));
  g_autofree char *name = display_name (file);
  gboolean has_document = sr_page_view_get_document (self->page_view) != NULL;
  gtk_stack_set_visible_child_name (self->stack, (document != NULL || has_document) ? "document" : "empty");

  if (document == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not open “%s”: %s."), name, error->message);
      show_message (self, TRUE, text);
      return;
    }

  sr_page_view_set_document (self->page_view, document);
  g_autofree char *title = g_strdup_printf (_("%s — Sightread"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_widget_grab_focus (GTK_WIDGET (self->page_view));
  remember_recent (file, document);

  const char *const *notices = sr_score_document_get_notices (document);
  if (notices[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv ("; ", (char **) notices);
      g_autofree char *text = g_strdup_printf (_("“%s”: %s."), name, joined);
      show_message (self, FALSE, text);
    }
  else
    hide_message (self);
}

static void show_systems_on_page (SrWindow *self, const GArray *systems);

/* A project opens at once (it is read whole, score included): its score, its systems outlined, the inspector as it was
 * left. */
static void
open_project (SrWindow *self, GFile *file)
{
  g_autofree char *name = display_name (file);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrProject) project = path != NULL ? sr_project_load (path, &error) : NULL;
  g_autoptr(SrScoreDocument) document = NULL;
  if (project != NULL && project->score == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the project holds no score"));
  else if (project != NULL)
    {
      g_autoptr(GFile) folder = g_file_get_parent (file);
      g_autoptr(GFile) score_file = g_file_get_child (folder, project->score_name);
      document = sr_score_document_new_for_bytes (project->score, score_file, &error);
    }
  if (document == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not open “%s”: %s."), name, error->message);
      show_message (self, TRUE, text);
      return;
    }
  hide_message (self);
  sr_page_view_set_document (self->page_view, document);
  gtk_stack_set_visible_child_name (self->stack, "document");
  g_autofree char *title = g_strdup_printf (_("%s — Sightread"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  g_set_object (&self->project_file, file);
  g_clear_pointer (&self->score_bytes, g_bytes_unref);
  self->score_bytes = g_bytes_ref (project->score);
  g_free (self->score_name);
  self->score_name = g_strdup (project->score_name);
  GArray *systems = g_steal_pointer (&project->systems);
  GPtrArray *corrected = g_steal_pointer (&project->corrected);
  project->systems = g_array_new (FALSE, TRUE, sizeof (SrOmrSystem)); /* for sr_project_free */
  project->corrected = g_ptr_array_new ();
  show_systems_on_page (self, systems);
  gboolean any = systems->len > 0;
  sr_inspector_restore (self->inspector, systems, corrected, project->current);
  gtk_widget_set_visible (GTK_WIDGET (self->inspector), any);
  gtk_widget_grab_focus (GTK_WIDGET (self->page_view));
}

gboolean
sr_window_save_project (SrWindow *self, GFile *file, GError **error)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), FALSE);
  SrScoreDocument *document = sr_page_view_get_document (self->page_view);
  if (document == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("there is no score to save"));
      return FALSE;
    }
  g_autoptr(SrProject) project = sr_project_new ();
  if (self->score_bytes != NULL)
    {
      project->score = g_bytes_ref (self->score_bytes);
      project->score_name = g_strdup (self->score_name);
    }
  else
    {
      GFile *score_file = sr_score_document_get_file (document);
      project->score = g_file_load_bytes (score_file, NULL, NULL, error);
      if (project->score == NULL)
        return FALSE;
      project->score_name = g_file_get_basename (score_file);
    }
  const GArray *systems = sr_inspector_get_systems (self->inspector);
  for (guint i = 0; systems != NULL && i < systems->len; i++)
    {
      SrOmrSystem copy;
      sr_omr_system_copy (&g_array_index (systems, SrOmrSystem, i), &copy);
      g_array_append_val (project->systems, copy);
      g_ptr_array_add (project->corrected, g_array_copy ((GArray *) sr_inspector_get_reading (self->inspector, i)));
    }
  project->current = sr_inspector_get_current (self->inspector);
  g_autofree char *path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("projects are saved to local files"));
      return FALSE;
    }
  if (!sr_project_save (project, path, error))
    return FALSE;
  g_set_object (&self->project_file, file);
  return TRUE;
}

static void
save_chooser_responded (GtkNativeDialog *dialog, int response, SrWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;
      if (file != NULL && !sr_window_save_project (self, file, &error))
        {
          g_autofree char *text = g_strdup_printf (_("Could not save the project: %s."), error->message);
          show_message (self, TRUE, text);
        }
    }
  g_clear_object (&self->chooser);
}

static void
save_project_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrWindow *self = SR_WINDOW (user_data);
  SrScoreDocument *document = sr_page_view_get_document (self->page_view);
  if (document == NULL || self->chooser != NULL)
    return;
  if (self->project_file != NULL)
    {
      g_autoptr(GError) error = NULL;
      if (!sr_window_save_project (self, self->project_file, &error))
        {
          g_autofree char *text = g_strdup_printf (_("Could not save the project: %s."), error->message);
          show_message (self, TRUE, text);
        }
      return;
    }
  self->chooser = gtk_file_chooser_native_new (_("Save the Project"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  g_autofree char *base = g_file_get_basename (sr_score_document_get_file (document));
  char *dot = base != NULL ? strrchr (base, '.') : NULL;
  if (dot != NULL)
    *dot = '\0';
  g_autofree char *name = g_strconcat (base != NULL ? base : "score", SR_PROJECT_SUFFIX, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (save_chooser_responded), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

void
sr_window_open_file (SrWindow *self, GFile *file)
{
  g_return_if_fail (SR_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_autofree char *basename = g_file_get_basename (file);
  if (basename != NULL && g_str_has_suffix (basename, SR_PROJECT_SUFFIX))
    {
      if (self->load_cancellable != NULL)
        g_cancellable_cancel (self->load_cancellable);
      g_clear_object (&self->load_cancellable);
      open_project (self, file);
      return;
    }
  /* A score of its own: what was read of the last one goes with it. */
  g_clear_object (&self->project_file);
  g_clear_pointer (&self->score_bytes, g_bytes_unref);
  g_clear_pointer (&self->score_name, g_free);
  sr_inspector_set_systems (self->inspector, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->inspector), FALSE);

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_set_object (&self->load_cancellable, g_cancellable_new ());
  hide_message (self);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  sr_score_document_new_async (file, self->load_cancellable, document_loaded, g_object_ref (self));
}

gboolean
sr_window_is_empty (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), FALSE);
  return self->load_cancellable == NULL && sr_page_view_get_document (self->page_view) == NULL;
}

SrPageView *
sr_window_get_page_view (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);
  return self->page_view;
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

const char *
sr_window_get_message (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), NULL);
  return gtk_revealer_get_reveal_child (self->banner_revealer) ? gtk_label_get_text (self->banner_label) : NULL;
}

static GtkFileFilter *
new_filter (const char *name, const char *mime_type, const char *const *patterns)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, name);
  if (mime_type != NULL)
    gtk_file_filter_add_mime_type (filter, mime_type);
  for (const char *const *pattern = patterns; *pattern != NULL; pattern++)
    gtk_file_filter_add_suffix (filter, *pattern);
  return filter;
}

static void
chooser_responded (GtkNativeDialog *dialog, int response, SrWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GFile) folder = file != NULL ? g_file_get_parent (file) : NULL;
      g_autofree char *folder_path = folder != NULL ? g_file_get_path (folder) : NULL;
      GSettings *settings = window_settings (self);
      if (settings != NULL && folder_path != NULL)
        g_settings_set_string (settings, "last-folder", folder_path);
      if (file != NULL)
        sr_window_open_file (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
open_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrWindow *self = SR_WINDOW (user_data);
  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }

  self->chooser = gtk_file_chooser_native_new (_("Open Score"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (self->chooser);

  GtkFileFilter *scores = gtk_file_filter_new ();
  gtk_file_filter_set_name (scores, _("Scores (PDF, PNG, JPEG, TIFF)"));
  for (gsize i = 0; i < G_N_ELEMENTS (score_mime_types); i++)
    gtk_file_filter_add_mime_type (scores, score_mime_types[i]);
  const char *const all_suffixes[] = { "pdf", "png", "jpg", "jpeg", "tif", "tiff", NULL };
  for (const char *const *suffix = all_suffixes; *suffix != NULL; suffix++)
    gtk_file_filter_add_suffix (scores, *suffix);
  gtk_file_chooser_add_filter (chooser, scores);
  gtk_file_chooser_set_filter (chooser, scores);
  g_object_unref (scores);

  const struct {
    const char *name;
    const char *mime_type;
    const char *suffixes[3];
  } single[] = {
    { N_("PDF documents"), "application/pdf", { "pdf", NULL } },
    { N_("PNG images"), "image/png", { "png", NULL } },
    { N_("JPEG images"), "image/jpeg", { "jpg", "jpeg", NULL } },
    { N_("TIFF images"), "image/tiff", { "tif", "tiff", NULL } },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (single); i++)
    {
      GtkFileFilter *filter = new_filter (_(single[i].name), single[i].mime_type, single[i].suffixes);
      gtk_file_chooser_add_filter (chooser, filter);
      g_object_unref (filter);
    }

  GSettings *settings = window_settings (self);
  g_autofree char *last_folder = settings != NULL ? g_settings_get_string (settings, "last-folder") : NULL;
  if (last_folder != NULL && *last_folder != '\0' && g_file_test (last_folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GFile) folder = g_file_new_for_path (last_folder);
      gtk_file_chooser_set_current_folder (chooser, folder, NULL);
    }

  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_responded), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_recent_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));
  sr_window_open_file (SR_WINDOW (user_data), file);
}

static void
close_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
}

static void
zoom_in_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  sr_page_view_zoom_in (SR_WINDOW (user_data)->page_view);
}

static void
zoom_out_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  sr_page_view_zoom_out (SR_WINDOW (user_data)->page_view);
}

static void
zoom_reset_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  sr_page_view_set_zoom (SR_WINDOW (user_data)->page_view, 1.0);
}

static void
dismiss_message_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  hide_message (SR_WINDOW (user_data));
}

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
  show_message (self, FALSE, text);
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
static void
show_systems_on_page (SrWindow *self, const GArray *systems)
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

static void
inspector_playing_changed (SrWindow *self)
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

static void
play_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrWindow *self = SR_WINDOW (user_data);
  if (sr_inspector_get_n_systems (self->inspector) == 0)
    {
      show_message (self, FALSE, _("Read the page first (Ctrl+R): playing follows the reading."));
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self->inspector), "inspector.play", NULL);
}

static void
inspected_system_changed (SrWindow *self)
{
  sr_page_view_set_selected_mark (self->page_view, (int) sr_inspector_get_current (self->inspector));
}

static void
mark_activated (SrWindow *self, guint index)
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
  if (systems == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        hide_message (self);
      else
        {
          g_autofree char *text = g_strdup_printf (_("Could not read the page: %s."), error->message);
          show_message (self, TRUE, text);
        }
      return;
    }
  if (systems->len == 0)
    {
      g_array_unref (systems);
      show_message (self, TRUE, _("No systems were found on this page."));
      return;
    }
  if (notice != NULL)
    show_message (self, FALSE, notice);
  else
    hide_message (self);
  show_systems_on_page (self, systems);
  sr_inspector_set_systems (self->inspector, systems);
  gtk_widget_set_visible (GTK_WIDGET (self->inspector), TRUE);
}

static void
read_page_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrWindow *self = SR_WINDOW (user_data);
  SrScoreDocument *document = sr_page_view_get_document (self->page_view);
  if (document == NULL || self->read_cancellable != NULL)
    return;
  SrDeviceChoice device;
  char message[256];
  if (!sr_device_choice_resolve (NULL, &device, message, sizeof message))
    {
      show_message (self, TRUE, message);
      return;
    }
  g_autofree char *models = sr_models_folder_default ();
  self->read_cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (GTK_WIDGET (self->read_button), FALSE);
  guint page = page_in_view (self);
  g_autofree char *text = g_strdup_printf (_("Reading page %u…"), page + 1);
  show_message (self, FALSE, text);
  sr_omr_read_page_async (document, page, &device, models, reading_progressed, self, self->read_cancellable,
                          page_read, g_object_ref (self));
}

static void
cancel_reading_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrWindow *self = SR_WINDOW (user_data);
  if (self->read_cancellable != NULL)
    g_cancellable_cancel (self->read_cancellable);
}

static const GActionEntry window_actions[] = {
  { "save-project", save_project_activated },
  { "play", play_activated },
  { "read-page", read_page_activated },
  { "cancel-reading", cancel_reading_activated },
  { "open", open_activated },
  { "open-recent", open_recent_activated, "s" },
  { "close", close_activated },
  { "zoom-in", zoom_in_activated },
  { "zoom-out", zoom_out_activated },
  { "zoom-reset", zoom_reset_activated },
  { "dismiss-message", dismiss_message_activated },
};

static gboolean
files_dropped (GtkDropTarget *target, const GValue *value, double x, double y, SrWindow *self)
{
  GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));
  if (files == NULL)
    return FALSE;

  sr_window_open_file (self, files->data);
  /* Further files each open in a window of their own, as they would from the command line. */
  guint n_more = g_slist_length (files->next);
  if (n_more > 0)
    {
      g_autofree GFile **more = g_new0 (GFile *, n_more);
      guint i = 0;
      for (GSList *link = files->next; link != NULL; link = link->next)
        more[i++] = link->data;
      g_application_open (G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))), more, (int) n_more, "");
    }
  g_slist_free (files);
  return TRUE;
}

static gboolean
zoom_to_label (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  g_value_take_string (to, g_strdup_printf ("%.0f%%", g_value_get_double (from) * 100.0));
  return TRUE;
}

static void
sr_window_dispose (GObject *object)
{
  SrWindow *self = SR_WINDOW (object);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->read_cancellable != NULL)
    g_cancellable_cancel (self->read_cancellable);
  g_clear_object (&self->read_cancellable);
  if (self->overlay_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->page_view), self->overlay_tick);
  self->overlay_tick = 0;
  g_clear_pointer (&self->overlay_frame_us, g_array_unref);
  g_clear_object (&self->project_file);
  g_clear_pointer (&self->score_bytes, g_bytes_unref);
  g_clear_pointer (&self->score_name, g_free);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->recent_menu);
  gtk_widget_dispose_template (GTK_WIDGET (self), SR_TYPE_WINDOW);
  G_OBJECT_CLASS (sr_window_parent_class)->dispose (object);
}

static void
sr_window_class_init (SrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_window_dispose;

  g_type_ensure (SR_TYPE_PAGE_VIEW);
  g_type_ensure (SR_TYPE_INSPECTOR);
  gtk_widget_class_set_template_from_resource (widget_class, SR_RESOURCE_PATH "/ui/sr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SrWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, page_view);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, recent_button);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, zoom_button);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, read_button);
  gtk_widget_class_bind_template_child (widget_class, SrWindow, inspector);
}

static void
sr_window_init (SrWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), window_actions, G_N_ELEMENTS (window_actions), self);

  self->recent_menu = g_menu_new ();
  gtk_menu_button_set_menu_model (self->recent_button, G_MENU_MODEL (self->recent_menu));
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed", G_CALLBACK (rebuild_recent_menu), self,
                           G_CONNECT_SWAPPED);
  rebuild_recent_menu (self);

  g_object_bind_property_full (self->page_view, "zoom", self->zoom_button, "label", G_BINDING_SYNC_CREATE,
                               zoom_to_label, NULL, NULL, NULL);

  g_signal_connect_object (self->inspector, "notify::current", G_CALLBACK (inspected_system_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->page_view, "mark-activated", G_CALLBACK (mark_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->inspector, "notify::playing", G_CALLBACK (inspector_playing_changed), self,
                           G_CONNECT_SWAPPED);
  self->overlay_frame_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  /* Space plays while the pages have the focus (in the inspector's text it types a space). */
  GtkEventController *keys = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("space"),
                                                          gtk_named_action_new ("win.play")));
  gtk_widget_add_controller (GTK_WIDGET (self->page_view), keys);

  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (files_dropped), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

SrWindow *
sr_window_new (SrApplication *application)
{
  SrWindow *self = g_object_new (SR_TYPE_WINDOW, "application", application, NULL);
  GSettings *settings = sr_application_get_settings (application);
  if (settings != NULL)
    {
      g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "zoom", self->page_view, "zoom", G_SETTINGS_BIND_DEFAULT);
    }
  return self;
}
