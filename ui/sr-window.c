/* The workstation window: opening scores and projects (dialog, recent files, drag and drop), the page view and zoom,
 * and a banner for what went wrong; see sr-window.h. Reading and playing: sr-window-reading.c; saving projects:
 * sr-window-project.c. */
#include "sr-window-private.h"

#include <glib/gi18n.h>

#include "project.h"
#include "sr-config.h"
#include "sr-record-window.h"

#define RECENT_LIMIT 10

G_DEFINE_FINAL_TYPE (SrWindow, sr_window, GTK_TYPE_APPLICATION_WINDOW)

static const char *const score_mime_types[] = { "application/pdf", "image/png", "image/jpeg", "image/tiff" };

static GSettings *
window_settings (SrWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  return application != NULL ? sr_application_get_settings (SR_APPLICATION (application)) : NULL;
}

char *
sr_window_display_name (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  return basename != NULL ? g_filename_display_name (basename) : g_file_get_parse_name (file);
}

void
sr_window_show_offer (SrWindow *self, const char *text, const char *button_label, const char *action)
{
  sr_window_show_message (self, FALSE, text);
  gtk_button_set_label (self->banner_button, button_label);
  gtk_button_set_use_underline (self->banner_button, TRUE);
  gtk_actionable_set_detailed_action_name (GTK_ACTIONABLE (self->banner_button), action);
  gtk_widget_set_visible (GTK_WIDGET (self->banner_button), TRUE);
}

void
sr_window_show_message (SrWindow *self, gboolean is_error, const char *text)
{
  gtk_widget_set_visible (GTK_WIDGET (self->banner_button), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->banner), is_error ? "info" : "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->banner), is_error ? "error" : "info");
  gtk_label_set_text (self->banner_label, text);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

void
sr_window_hide_message (SrWindow *self)
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
  g_autofree char *name = sr_window_display_name (file);
  gboolean has_document = sr_page_view_get_document (self->page_view) != NULL;
  gtk_stack_set_visible_child_name (self->stack, (document != NULL || has_document) ? "document" : "empty");

  if (document == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not open “%s”: %s."), name, error->message);
      sr_window_show_message (self, TRUE, text);
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
      sr_window_show_message (self, FALSE, text);
    }
  else
    sr_window_hide_message (self);
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
      sr_window_open_project (self, file);
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
  sr_window_hide_message (self);
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
  sr_window_hide_message (SR_WINDOW (user_data));
}

static void
record_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrRecordWindow *recorder = sr_record_window_new (GTK_WINDOW (user_data));
  gtk_window_present (GTK_WINDOW (recorder));
}

static const GActionEntry window_actions[] = {
  { "record", record_activated },
  { "read-marks", sr_window_read_marks_activated },
  { "recover-autosave", sr_window_recover_activated },
  { "save-project", sr_window_save_project_activated },
  { "play", sr_window_play_activated },
  { "read-page", sr_window_read_page_activated },
  { "cancel-reading", sr_window_cancel_reading_activated },
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
  /* Closed cleanly: nothing to recover. */
  sr_window_autosave_discard (self);
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
  gtk_widget_class_bind_template_child (widget_class, SrWindow, banner_button);
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

  g_signal_connect_object (self->inspector, "notify::current", G_CALLBACK (sr_window_inspected_system_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->page_view, "mark-activated", G_CALLBACK (sr_window_mark_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->inspector, "notify::playing", G_CALLBACK (sr_window_inspector_playing_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->inspector, "readings-changed", G_CALLBACK (sr_window_autosave_schedule), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->page_view, "marks-edited", G_CALLBACK (sr_window_marks_edited), self,
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
