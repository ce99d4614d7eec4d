/* Recording an instrument in the window, under Xvfb beside a dummy JACK sound card (tests/with-jackd.sh): Record
 * (win.record, Ctrl+Shift+R) opens the recorder with an input chosen; Record starts, the time runs, Stop keeps the
 * take as a FLAC file in the Music folder with the time recorded; Transcribe says why it cannot yet. */
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "audio-file.h"
#include "sr-application.h"
#include "sr-record-window.h"
#include "sr-window.h"
#include "test-files.h"

typedef struct {
  SrApplication *application;
  SrWindow *window;
  SrRecordWindow *recorder;
  gint64 started;
  gboolean checked;
} Fixture;

static SrRecordWindow *
find_recorder (void)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* GTK's own */
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);
      if (SR_IS_RECORD_WINDOW (window))
        return SR_RECORD_WINDOW (window);
    }
  return NULL;
}

static gboolean
step (gpointer user_data)
{
  Fixture *fixture = user_data;
  if (fixture->window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (fixture->window)))
    return G_SOURCE_CONTINUE;
  if (fixture->recorder == NULL)
    {
      g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "record", NULL);
      fixture->recorder = find_recorder ();
      g_assert_nonnull (fixture->recorder);
      g_assert_false (sr_record_window_get_recording (fixture->recorder));
      sr_record_window_toggle (fixture->recorder);
      if (!sr_record_window_get_recording (fixture->recorder))
        g_error ("recording did not start: %s", sr_record_window_get_status (fixture->recorder));
      fixture->started = g_get_monotonic_time ();
      return G_SOURCE_CONTINUE;
    }
  if (g_get_monotonic_time () - fixture->started < 2 * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;
  double elapsed = (g_get_monotonic_time () - fixture->started) / 1e6;
  sr_record_window_toggle (fixture->recorder);
  g_assert_false (sr_record_window_get_recording (fixture->recorder));
  const char *path = sr_record_window_get_path (fixture->recorder);
  g_test_message ("%s", sr_record_window_get_status (fixture->recorder));
  g_assert_true (g_str_has_suffix (path, ".flac"));
  g_assert_true (g_str_has_prefix (path, g_get_user_special_dir (G_USER_DIRECTORY_MUSIC) != NULL
                                           ? g_get_user_special_dir (G_USER_DIRECTORY_MUSIC) : g_get_home_dir ()));
  g_assert_nonnull (strstr (sr_record_window_get_status (fixture->recorder), "Kept"));
  /* the time between Record and Stop (two seconds or a little more on a slow machine), in the file as the window
   * says */
  double seconds = sr_record_window_get_seconds (fixture->recorder);
  g_test_message ("%.2f s recorded in %.2f s between Record and Stop", seconds, elapsed);
  g_assert_cmpfloat (fabs (seconds - elapsed), <, 0.5);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAudio) take = sr_audio_read (path, 44100, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon ((double) take->frames / 44100, seconds, 0.05);
  fixture->checked = TRUE;
  gtk_window_destroy (GTK_WINDOW (fixture->recorder));
  g_application_quit (G_APPLICATION (fixture->application));
  return G_SOURCE_REMOVE;
}

static void
window_added (GtkApplication *application, GtkWindow *window, Fixture *fixture)
{
  if (SR_IS_WINDOW (window) && fixture->window == NULL)
    fixture->window = SR_WINDOW (window);
}

static void
test_an_instrument_is_recorded_to_a_file (void)
{
  Fixture fixture = { 0 };
  fixture.application = sr_application_new (NULL, NULL);
  g_application_set_flags (G_APPLICATION (fixture.application), G_APPLICATION_NON_UNIQUE);
  g_signal_connect (fixture.application, "window-added", G_CALLBACK (window_added), &fixture);
  guint source = g_timeout_add (50, step, &fixture);
  char *args[] = { (char *) "sightread", NULL };
  g_application_run (G_APPLICATION (fixture.application), 1, args);
  if (!fixture.checked)
    g_source_remove (source);
  g_object_unref (fixture.application);
  g_assert_true (fixture.checked);
}

int
main (int argc, char **argv)
{
  sr_test_isolate_home ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/record-window/record", test_an_instrument_is_recorded_to_a_file);
  return g_test_run ();
}
