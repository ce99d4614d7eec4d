/* Recording an instrument in the window, under Xvfb beside a dummy JACK sound card (tests/with-jackd.sh): Record
 * (win.record, Ctrl+Shift+R) opens the recorder with an input chosen; Record starts, the time runs, Stop keeps the
 * take as a FLAC file in the Music folder with the time recorded. Transcribe: the dummy card's take is silence, and
 * the window says so; a text file is refused as a take; a piano take (the bundled sound sample, opened as a take)
 * becomes a draft score on a worker thread, shown engraved and written beside the take with its MIDI — or, while no
 * transcription model is in the models folder, the window says that instead. */
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "audio-file.h"
#include "midi-file.h"
#include "midi-notes.h"
#include "models-folder.h"
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
  int stage;            /* after the take: 1 transcribing silence, 2 transcribing the piano take */
  char *piano;
} Fixture;

/* The bundled sound sample (the first 20 bars of the sample score, 30 s), copied into the Music folder as a user
 * would keep it: what Transcribe writes goes beside it. */
static char *
piano_take (void)
{
  g_autofree char *sample = sr_test_sample_path ("minuet-in-g.flac");
  g_autofree char *bytes = NULL;
  gsize size = 0;
  g_assert_true (g_file_get_contents (sample, &bytes, &size, NULL));
  const char *music = g_get_user_special_dir (G_USER_DIRECTORY_MUSIC);
  char *path = g_build_filename (music != NULL ? music : g_get_home_dir (), "minuet-in-g.flac", NULL);
  g_assert_true (g_file_set_contents (path, bytes, (gssize) size, NULL));
  return path;
}

static gboolean
transcription_step (Fixture *fixture)
{
  if (sr_record_window_get_transcribing (fixture->recorder))
    return G_SOURCE_CONTINUE;
  const char *status = sr_record_window_get_status (fixture->recorder);
  g_test_message ("%s", status);
  if (fixture->stage == 1)
    {
      g_assert_nonnull (strstr (status, "the recording is silent"));
      g_assert_null (sr_record_window_get_draft_path (fixture->recorder));
      /* What is no sound is refused with a reason, and the take stays as it was. */
      g_autoptr(GError) error = NULL;
      g_autofree char *before = g_strdup (sr_record_window_get_path (fixture->recorder));
      g_autofree char *folder = g_path_get_dirname (before);
      g_autofree char *text = g_build_filename (folder, "notes.txt", NULL);
      g_assert_true (g_file_set_contents (text, "not a sound\n", -1, NULL));
      g_assert_false (sr_record_window_open_take (fixture->recorder, text, &error));
      g_assert_nonnull (error);
      g_test_message ("a text file as a take: %s", error->message);
      g_assert_cmpstr (sr_record_window_get_path (fixture->recorder), ==, before);
      g_clear_error (&error);
      /* A sound file opened as the take: its length by its header. */
      fixture->piano = piano_take ();
      g_assert_true (sr_record_window_open_take (fixture->recorder, fixture->piano, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (sr_record_window_get_path (fixture->recorder), ==, fixture->piano);
      g_assert_cmpfloat (fabs (sr_record_window_get_seconds (fixture->recorder) - 30.0), <, 0.01);
      sr_record_window_transcribe (fixture->recorder);
      /* while it is heard, no other take can be opened */
      g_assert_false (sr_record_window_open_take (fixture->recorder, fixture->piano, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
      g_assert_true (sr_record_window_get_transcribing (fixture->recorder));
      fixture->stage = 2;
      return G_SOURCE_CONTINUE;
    }
  /* Without a transcription model in the models folder the window says so and shows no draft. */
  g_autofree char *models = sr_models_folder_default ();
  g_autofree char *model = g_build_filename (models, "a2i.safetensors", NULL);
  if (!g_file_test (model, G_FILE_TEST_EXISTS))
    {
      g_assert_nonnull (strstr (status, "no transcription model here"));
      g_assert_null (sr_record_window_get_draft_path (fixture->recorder));
      fixture->checked = TRUE;
      gtk_window_destroy (GTK_WINDOW (fixture->recorder));
      g_application_quit (G_APPLICATION (fixture->application));
      return G_SOURCE_REMOVE;
    }
  g_assert_nonnull (strstr (status, "Heard "));
  const char *draft = sr_record_window_get_draft_path (fixture->recorder);
  g_assert_nonnull (draft);
  g_assert_true (g_str_has_suffix (draft, "minuet-in-g.musicxml"));
  g_autofree char *xml = NULL;
  g_assert_true (g_file_get_contents (draft, &xml, NULL, NULL));
  g_assert_nonnull (strstr (xml, "<score-partwise"));
  g_assert_nonnull (strstr (xml, "<note"));
  g_assert_nonnull (sr_engraving_view_get_document (sr_record_window_get_draft (fixture->recorder)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (sr_record_window_get_draft (fixture->recorder))));
  g_autofree char *midi = g_strndup (draft, strlen (draft) - strlen (".musicxml"));
  g_autofree char *midi_path = g_strconcat (midi, ".mid", NULL);
  g_autoptr(SrMidiFile) heard = sr_midi_file_read (midi_path, NULL);
  g_assert_nonnull (heard);
  g_autoptr(GArray) notes = sr_midi_file_get_notes (heard, SR_MIDI_NOTES_DEFAULT);
  g_assert_cmpuint (notes->len, >, 0);
  fixture->checked = TRUE;
  gtk_window_destroy (GTK_WINDOW (fixture->recorder));
  g_application_quit (G_APPLICATION (fixture->application));
  return G_SOURCE_REMOVE;
}

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
  if (fixture->stage > 0)
    return transcription_step (fixture);
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
  sr_record_window_transcribe (fixture->recorder);
  fixture->stage = 1;
  return G_SOURCE_CONTINUE;
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
  g_remove (fixture.piano);
  g_free (fixture.piano);
}

int
main (int argc, char **argv)
{
  sr_test_isolate_home ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/record-window/record", test_an_instrument_is_recorded_to_a_file);
  return g_test_run ();
}
