/* The workstation window under a real X server (Xvfb): it opens the sample score and shows its music, keeps
 * working after a bad file, answers its shortcuts, and quits cleanly. */
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "sr-application.h"
#include "sr-preferences.h"
#include "sr-window.h"
#include "test-files.h"

#define TIMEOUT_SECONDS 60

typedef struct {
  SrApplication *application;
  SrWindow *window;
  const char *bad_file;   /* opened first when set */
  const char *good_file;
  gboolean saw_bad_file_message;
  gboolean checked_music;
  guint step_source;
} Fixture;

/* What the screen shows of the window, through the window's own renderer. */
static GdkTexture *
screenshot (GtkWidget *window)
{
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  g_autoptr(GskRenderNode) node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    g_error ("the window drew nothing (%d × %d)", width, height);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static cairo_surface_t *
texture_to_surface (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  gdk_texture_download (texture, cairo_image_surface_get_data (surface), cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  return surface;
}

static void
check_music_is_drawn (Fixture *fixture)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  SrPageView *page_view = sr_window_get_page_view (fixture->window);

  graphene_rect_t view_bounds, page_bounds;
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (page_view), window, &view_bounds));
  g_assert_true (sr_page_view_get_page_bounds (page_view, 0, &page_bounds));
  page_bounds.origin.x += view_bounds.origin.x;
  page_bounds.origin.y += view_bounds.origin.y;
  graphene_rect_t visible_page;
  g_assert_true (graphene_rect_intersection (&page_bounds, &view_bounds, &visible_page));
  g_assert_cmpfloat (visible_page.size.width * visible_page.size.height, >, 100 * 100);

  g_autoptr(GdkTexture) texture = screenshot (window);
  const char *folder = g_getenv ("MESON_BUILD_ROOT");
  g_autofree char *base = g_path_get_basename (fixture->good_file);
  g_autofree char *name = g_strdup_printf ("window-smoke-test-%s.png", base);
  g_autofree char *png = g_build_filename (folder != NULL ? folder : g_get_tmp_dir (), name, NULL);
  gdk_texture_save_to_png (texture, png);
  g_test_message ("screenshot: %s", png);

  cairo_surface_t *surface = texture_to_surface (texture);
  int scale = gtk_widget_get_scale_factor (window);
  /* Printed music inks a few per cent of the page; a blank or undrawn page inks none. */
  double page_ink = sr_test_dark_share (surface, (int) visible_page.origin.x * scale, (int) visible_page.origin.y * scale,
                                        (int) visible_page.size.width * scale, (int) visible_page.size.height * scale);
  g_test_message ("dark share of the visible page: %.3f", page_ink);
  g_assert_cmpfloat (page_ink, >, 0.02);
  g_assert_cmpfloat (page_ink, <, 0.30);

  /* The desk beside the page is neither paper nor ink. */
  double desk_ink = sr_test_dark_share (surface, (int) view_bounds.origin.x * scale + 2,
                                        (int) view_bounds.origin.y * scale + 2, 8, 8);
  g_assert_cmpfloat (desk_ink, ==, 0.0);
  cairo_surface_destroy (surface);
  fixture->checked_music = TRUE;
}

static void
check_shortcuts (Fixture *fixture)
{
  GtkApplication *application = GTK_APPLICATION (fixture->application);
  g_auto(GStrv) open_accels = gtk_application_get_accels_for_action (application, "win.open");
  g_assert_true (g_strv_contains ((const char *const *) open_accels, "<Control>o"));
  g_auto(GStrv) quit_accels = gtk_application_get_accels_for_action (application, "app.quit");
  g_assert_true (g_strv_contains ((const char *const *) quit_accels, "<Control>q"));
  g_auto(GStrv) help_accels = gtk_application_get_accels_for_action (application, "win.show-help-overlay");
  g_assert_true (g_strv_contains ((const char *const *) help_accels, "<Control>question"));
  g_auto(GStrv) zoom_accels = gtk_application_get_accels_for_action (application, "win.zoom-in");
  g_assert_true (g_strv_contains ((const char *const *) zoom_accels, "<Control>plus"));

  SrPageView *page_view = sr_window_get_page_view (fixture->window);
  sr_page_view_set_zoom (page_view, 1.0);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "zoom-in", NULL);
  g_assert_cmpfloat_with_epsilon (sr_page_view_get_zoom (page_view), 1.25, 1e-9);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "zoom-reset", NULL);
  g_assert_cmpfloat_with_epsilon (sr_page_view_get_zoom (page_view), 1.0, 1e-9);
}

/* The preferences window stores each choice at once, and the reading follows it. */
static void
check_preferences (Fixture *fixture)
{
  GSettings *settings = sr_application_get_settings (fixture->application);
  g_assert_nonnull (settings);
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture->application),
                                                                  "app.preferences");
  g_assert_true (g_strv_contains ((const char *const *) accels, "<Control>comma"));
  GtkWidget *preferences = sr_preferences_new (GTK_WINDOW (fixture->window), settings);
  GtkWidget *device = NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (gtk_window_get_child (GTK_WINDOW (preferences)));
       child != NULL && device == NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_DROP_DOWN (child))
      device = child; /* the first drop-down: the compute device */
  g_assert_nonnull (device);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (device), 1);
  g_autofree char *stored = g_settings_get_string (settings, "device");
  g_assert_cmpstr (stored, ==, "cpu");
  if (g_getenv ("SIGHTREAD_DEVICE") == NULL)
    g_assert_cmpint (sr_application_get_device (fixture->application).kind, ==, SR_DEVICE_CPU);
  g_settings_set_string (settings, "models-folder", "/nowhere/models");
  if (g_getenv ("SIGHTREAD_MODELS") == NULL)
    {
      g_autofree char *models = sr_application_get_models_folder (fixture->application);
      g_assert_cmpstr (models, ==, "/nowhere/models");
    }
  g_settings_reset (settings, "models-folder");
  g_settings_reset (settings, "device");
  gtk_window_destroy (GTK_WINDOW (preferences));
}

static void
check_recent_files (Fixture *fixture)
{
  g_autoptr(GFile) file = g_file_new_for_path (fixture->good_file);
  g_autofree char *uri = g_file_get_uri (file);
  g_assert_true (gtk_recent_manager_has_item (gtk_recent_manager_get_default (), uri));
}

/* Polls until the window reaches the state the next check needs; the checks run on the main loop. */
static gboolean
step (gpointer user_data)
{
  Fixture *fixture = user_data;
  if (fixture->window == NULL)
    return G_SOURCE_CONTINUE;

  if (fixture->bad_file != NULL && !fixture->saw_bad_file_message)
    {
      const char *message = sr_window_get_message (fixture->window);
      if (message == NULL)
        return G_SOURCE_CONTINUE;
      g_assert_nonnull (strstr (message, "the file is empty"));
      g_assert_true (sr_window_is_empty (fixture->window));
      fixture->saw_bad_file_message = TRUE;
      g_autoptr(GFile) good = g_file_new_for_path (fixture->good_file);
      sr_window_open_file (fixture->window, good);
      return G_SOURCE_CONTINUE;
    }

  SrPageView *page_view = sr_window_get_page_view (fixture->window);
  if (sr_page_view_get_document (page_view) == NULL || sr_page_view_get_busy (page_view) ||
      !gtk_widget_get_mapped (GTK_WIDGET (page_view)))
    return G_SOURCE_CONTINUE;

  g_assert_null (sr_window_get_message (fixture->window));
  check_music_is_drawn (fixture);
  check_shortcuts (fixture);
  check_preferences (fixture);
  check_recent_files (fixture);
  fixture->step_source = 0;
  g_application_quit (G_APPLICATION (fixture->application));
  return G_SOURCE_REMOVE;
}

static gboolean
give_up (gpointer user_data)
{
  g_error ("the window did not show the score within %d s", TIMEOUT_SECONDS);
  return G_SOURCE_REMOVE;
}

static void
window_added (GtkApplication *application, GtkWindow *window, Fixture *fixture)
{
  if (SR_IS_WINDOW (window) && fixture->window == NULL)
    fixture->window = SR_WINDOW (window);
}

static void
run_application (Fixture *fixture, const char *file_on_command_line)
{
  fixture->application = sr_application_new (NULL, NULL);
  g_application_set_flags (G_APPLICATION (fixture->application), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_signal_connect (fixture->application, "window-added", G_CALLBACK (window_added), fixture);
  fixture->step_source = g_timeout_add (100, step, fixture);
  guint timeout = g_timeout_add_seconds (TIMEOUT_SECONDS, give_up, NULL);

  char *argv[] = { (char *) "sightread", (char *) file_on_command_line, NULL };
  int status = g_application_run (G_APPLICATION (fixture->application), 2, argv);
  g_assert_cmpint (status, ==, 0);

  g_source_remove (timeout);
  if (fixture->step_source != 0)
    g_source_remove (fixture->step_source);
  g_clear_object (&fixture->application);
}

static void
test_window_opens_the_sample_score_and_draws_its_music (void)
{
  g_autofree char *sample = sr_test_sample_path ("minuet-in-g.pdf");
  Fixture fixture = { .good_file = sample };
  run_application (&fixture, sample);
  g_assert_true (fixture.checked_music);
}

static void
test_a_bad_file_shows_a_message_and_the_window_keeps_working (void)
{
  g_autofree char *folder = g_dir_make_tmp ("sightread-window-XXXXXX", NULL);
  g_autofree char *empty = sr_test_write_file (folder, "empty.pdf", "", 0);
  g_autofree char *sample = sr_test_sample_path ("minuet-in-g.png");
  Fixture fixture = { .bad_file = empty, .good_file = sample };
  run_application (&fixture, empty);
  g_assert_true (fixture.saw_bad_file_message);
  g_assert_true (fixture.checked_music);
  g_remove (empty);
  g_rmdir (folder);
}

static gboolean
keep_ticking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Spins the main loop until READY holds, failing the test after TIMEOUT_SECONDS. */
static void
wait_until (gboolean (*ready) (gpointer), gpointer data, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_SECONDS * G_USEC_PER_SEC;
  guint tick = g_timeout_add (20, keep_ticking, NULL);
  while (!ready (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out after %d s waiting for %s", TIMEOUT_SECONDS, what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

typedef struct {
  GdkFrameClock *clock;
  gint64 until;
} FrameWait;

static gboolean
frames_passed (gpointer data)
{
  FrameWait *wait = data;
  return gdk_frame_clock_get_frame_counter (wait->clock) >= wait->until;
}

/* Lets the window draw a couple of frames, so that state computed while drawing is current. */
static void
wait_for_frames (GtkWidget *widget, int n_frames)
{
  FrameWait wait = { gtk_widget_get_frame_clock (widget), 0 };
  g_assert_nonnull (wait.clock);
  wait.until = gdk_frame_clock_get_frame_counter (wait.clock) + n_frames;
  for (int i = 0; i < n_frames; i++)
    gtk_widget_queue_draw (widget);
  wait_until (frames_passed, &wait, "the window to draw");
}

static gboolean
pages_drawn (gpointer data)
{
  SrPageView *page_view = sr_window_get_page_view (SR_WINDOW (data));
  return sr_page_view_get_document (page_view) != NULL && gtk_widget_get_mapped (GTK_WIDGET (page_view)) &&
         !sr_page_view_get_busy (page_view);
}

typedef void (*Scenario) (SrWindow *window);

static void
play_scenario (GApplication *application, Scenario scenario)
{
  SrWindow *window = SR_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (application)));
  g_assert_nonnull (window);
  /* The scenario drives the main loop itself (wait_until), nested in this handler. */
  scenario (window);
  g_application_quit (application);
}

/* Runs SCENARIO in the window of an application started as `sightread` with no file. */
static void
run_scenario (Scenario scenario)
{
  g_autoptr(SrApplication) application = sr_application_new (NULL, NULL);
  g_application_set_flags (G_APPLICATION (application), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (application, "activate", G_CALLBACK (play_scenario), scenario);
  char *argv[] = { (char *) "sightread", NULL };
  g_assert_cmpint (g_application_run (G_APPLICATION (application), 1, argv), ==, 0);
}

static double
ink_of_page (SrWindow *window, guint page_index)
{
  SrPageView *page_view = sr_window_get_page_view (window);
  graphene_rect_t view_bounds, page_bounds, visible;
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (page_view), GTK_WIDGET (window), &view_bounds));
  g_assert_true (sr_page_view_get_page_bounds (page_view, page_index, &page_bounds));
  page_bounds.origin.x += view_bounds.origin.x;
  page_bounds.origin.y += view_bounds.origin.y;
  if (!graphene_rect_intersection (&page_bounds, &view_bounds, &visible))
    return -1;
  g_autoptr(GdkTexture) texture = screenshot (GTK_WIDGET (window));
  cairo_surface_t *surface = texture_to_surface (texture);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (window));
  double ink = sr_test_dark_share (surface, (int) visible.origin.x * scale, (int) visible.origin.y * scale,
                                   (int) visible.size.width * scale, (int) visible.size.height * scale);
  cairo_surface_destroy (surface);
  return ink;
}

static void
scroll_to_the_last_page (SrWindow *window)
{
  g_autofree char *folder = g_dir_make_tmp ("sightread-window-XXXXXX", NULL);
  g_autofree char *pdf = sr_test_write_pdf (folder, "three.pdf", 3, 612, 792);
  g_autoptr(GFile) file = g_file_new_for_path (pdf);
  sr_window_open_file (window, file);
  wait_until (pages_drawn, window, "the first page");
  g_assert_cmpfloat (ink_of_page (window, 2), <, 0); /* the last page starts out of sight */

  SrPageView *page_view = sr_window_get_page_view (window);
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (page_view));
  graphene_rect_t last_page;
  g_assert_true (sr_page_view_get_page_bounds (page_view, 2, &last_page));
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_value (vadjustment) + last_page.origin.y);
  wait_for_frames (GTK_WIDGET (page_view), 2);
  wait_until (pages_drawn, window, "the last page");
  double ink = ink_of_page (window, 2);
  g_test_message ("dark share of the last page: %.4f", ink);
  g_assert_cmpfloat (ink, >, 0.005);

  g_remove (pdf);
  g_rmdir (folder);
}

static void
test_every_page_of_a_pdf_can_be_scrolled_to_and_is_drawn (void)
{
  run_scenario (scroll_to_the_last_page);
}

static GtkDropTarget *
find_drop_target (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }
  return NULL;
}

static gboolean
title_names_png (gpointer data)
{
  const char *title = gtk_window_get_title (GTK_WINDOW (data));
  return title != NULL && g_str_has_prefix (title, "minuet-in-g.png") && pages_drawn (data);
}

static void
drop_a_file (SrWindow *window)
{
  GtkDropTarget *drop_target = find_drop_target (GTK_WIDGET (window));
  g_assert_nonnull (drop_target);

  g_autofree char *png = sr_test_sample_path ("minuet-in-g.png");
  g_autoptr(GFile) file = g_file_new_for_path (png);
  GSList *files = g_slist_prepend (NULL, file);
  GValue value = G_VALUE_INIT;
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_slist_free (files);

  gboolean accepted = FALSE;
  g_signal_emit_by_name (drop_target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_assert_true (accepted);
  wait_until (title_names_png, window, "the dropped file");
  g_assert_cmpfloat (ink_of_page (window, 0), >, 0.02);
}

static void
test_a_file_dropped_on_the_window_opens (void)
{
  run_scenario (drop_a_file);
}

static gboolean
file_chooser_shown (gpointer data)
{
  GtkFileChooser **chooser = data;
  GListModel *toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);
      if (GTK_IS_FILE_CHOOSER (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        {
          *chooser = GTK_FILE_CHOOSER (toplevel);
          return TRUE;
        }
    }
  return FALSE;
}

/* The dialog loads its folder before it can select a file in it. */
static gboolean
chooser_selected_a_file (gpointer data)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (data));
  return file != NULL;
}

static void
open_the_file_chooser (SrWindow *window)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), "open", NULL);
  GtkFileChooser *chooser = NULL;
  wait_until (file_chooser_shown, &chooser, "the Open dialog");

  g_autoptr(GListModel) filters = gtk_file_chooser_get_filters (chooser);
  g_autoptr(GString) names = g_string_new (NULL);
  for (guint i = 0; i < g_list_model_get_n_items (filters); i++)
    {
      g_autoptr(GtkFileFilter) filter = g_list_model_get_item (filters, i);
      g_string_append_printf (names, "%s|", gtk_file_filter_get_name (filter));
    }
  g_assert_cmpstr (names->str, ==,
                   "Scores (PDF, PNG, JPEG, TIFF)|PDF documents|PNG images|JPEG images|TIFF images|");
  GtkFileFilter *selected = gtk_file_chooser_get_filter (chooser);
  g_assert_cmpstr (gtk_file_filter_get_name (selected), ==, "Scores (PDF, PNG, JPEG, TIFF)");

  /* Choosing the sample and accepting opens it, like a user's double-click would. */
  g_autofree char *sample = sr_test_sample_path ("minuet-in-g.png");
  g_autoptr(GFile) file = g_file_new_for_path (sample);
  g_autoptr(GError) error = NULL;
  gtk_file_chooser_set_file (chooser, file, &error);
  g_assert_no_error (error);
  wait_until (chooser_selected_a_file, chooser, "the dialog to select the file");
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  wait_until (title_names_png, window, "the chosen file");
}

static void
test_the_open_dialog_offers_score_formats_and_opens_the_choice (void)
{
  run_scenario (open_the_file_chooser);
}

int
main (int argc, char **argv)
{
  sr_test_isolate_home ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/window/sample-score", test_window_opens_the_sample_score_and_draws_its_music);
  g_test_add_func ("/window/bad-file", test_a_bad_file_shows_a_message_and_the_window_keeps_working);
  g_test_add_func ("/window/every-page", test_every_page_of_a_pdf_can_be_scrolled_to_and_is_drawn);
  g_test_add_func ("/window/drop", test_a_file_dropped_on_the_window_opens);
  g_test_add_func ("/window/open-dialog", test_the_open_dialog_offers_score_formats_and_opens_the_choice);
  return g_test_run ();
}
