/* See sr-record-window.h. */
#include "sr-record-window.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "audio-devices.h"
#include "audio-file.h"
#include "audio-recording.h"
#include "models-folder.h"
#include "sr-application.h"
#include "sr-engraving-view.h"
#include "transcribe-file.h"

#define METER_MS 50
#define RATE 44100

struct _SrRecordWindow {
  GtkWindow parent_instance;

  GtkDropDown *input;
  GArray *input_numbers; /* int: PortAudio's number of each input listed */
  GtkLevelBar *level;
  GtkLabel *time;
  GtkLabel *status;
  GtkButton *record;
  GtkButton *open;
  GtkButton *transcribe;
  GtkFileChooserNative *chooser;
  GtkProgressBar *progress;
  GtkScrolledWindow *draft_scroller;
  SrEngravingView *draft;
  GCancellable *transcribing;
  char *draft_path;
  gboolean system_open;
  SrRecording *recording;
  int rate;
  char *path;
  double seconds;
  guint meter_source;
};

G_DEFINE_FINAL_TYPE (SrRecordWindow, sr_record_window, GTK_TYPE_WINDOW)

static void
set_status (SrRecordWindow *self, const char *text)
{
  gtk_label_set_text (self->status, text);
}

static void
show_time (SrRecordWindow *self)
{
  int whole = (int) self->seconds;
  g_autofree char *text = g_strdup_printf ("%d:%02d", whole / 60, whole % 60);
  gtk_label_set_text (self->time, text);
}

static gboolean
meter (gpointer user_data)
{
  SrRecordWindow *self = user_data;
  if (self->recording == NULL)
    return G_SOURCE_CONTINUE;
  gtk_level_bar_set_value (self->level, sr_recording_take_peak (self->recording));
  self->seconds = (double) sr_recording_frames_written (self->recording) / self->rate;
  show_time (self);
  if (sr_recording_failed (self->recording))
    sr_record_window_toggle (self); /* stops, and says why */
  return G_SOURCE_CONTINUE;
}

/* Where takes are kept: Sightread/ in the Music folder, made if need be. */
static char *
takes_folder (GError **error)
{
  const char *music = g_get_user_special_dir (G_USER_DIRECTORY_MUSIC);
  char *folder = g_build_filename (music != NULL ? music : g_get_home_dir (), "Sightread", NULL);
  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", folder, g_strerror (errno));
      g_free (folder);
      return NULL;
    }
  return folder;
}

/* A new file in the takes folder, named by the time. */
static char *
take_path (GError **error)
{
  g_autofree char *folder = takes_folder (error);
  if (folder == NULL)
    return NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d-%H%M%S");
  g_autofree char *name = g_strdup_printf ("recording-%s.flac", stamp);
  return g_build_filename (folder, name, NULL);
}

static gboolean
start (SrRecordWindow *self, GError **error)
{
  guint chosen = gtk_drop_down_get_selected (self->input);
  if (self->input_numbers->len == 0 || chosen >= self->input_numbers->len)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("there is no input to record from"));
      return FALSE;
    }
  g_autofree char *number = g_strdup_printf ("%d", g_array_index (self->input_numbers, int, chosen));
  g_autoptr(SrAudioDevice) device = sr_audio_device_choose (number, TRUE, error);
  if (device == NULL)
    return FALSE;
  g_autofree char *path = take_path (error);
  if (path == NULL)
    return FALSE;
  self->rate = sr_audio_device_rate (device, TRUE, RATE);
  g_autoptr(SrRecording) recording = sr_recording_new (path, self->rate, error);
  if (recording == NULL || !sr_recording_open_input (recording, device, error))
    return FALSE;
  self->recording = g_steal_pointer (&recording);
  g_free (self->path);
  self->path = g_steal_pointer (&path);
  self->seconds = 0;
  return TRUE;
}

void
sr_record_window_toggle (SrRecordWindow *self)
{
  g_return_if_fail (SR_IS_RECORD_WINDOW (self));
  g_autoptr(GError) error = NULL;
  if (self->recording == NULL)
    {
      if (!start (self, &error))
        {
          g_autofree char *text = g_strdup_printf (_("Could not record: %s."), error->message);
          set_status (self, text);
          return;
        }
      gtk_button_set_label (self->record, _("_Stop"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->input), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->open), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->transcribe), FALSE);
      set_status (self, _("Recording…"));
      return;
    }
  gboolean kept = sr_recording_stop (self->recording, &error);
  self->seconds = (double) sr_recording_frames_written (self->recording) / self->rate;
  g_clear_pointer (&self->recording, sr_recording_free);
  gtk_level_bar_set_value (self->level, 0);
  show_time (self);
  gtk_button_set_label (self->record, _("_Record"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->input), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->open), TRUE);
  g_autofree char *text = kept ? g_strdup_printf (_("Kept %.1f s in %s."), self->seconds, self->path)
                               : g_strdup_printf (_("The take stopped: %s. What was recorded is in %s."),
                                                  error->message, self->path);
  set_status (self, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->transcribe), self->seconds > 0);
}

/* The file beside the take with its extension replaced by EXTENSION; for a take opened from a folder we may not
 * write to (a shared collection, a read-only medium), the same name in the takes folder. */
static char *
beside_take (const char *take, const char *extension)
{
  g_autofree char *folder = g_path_get_dirname (take);
  g_autofree char *base = g_path_get_basename (take);
  g_autofree char *writable = g_access (folder, W_OK) == 0 ? g_steal_pointer (&folder) : takes_folder (NULL);
  const char *dot = strrchr (base, '.');
  gsize stem = dot != NULL && dot > base ? (gsize) (dot - base) : strlen (base);
  g_autofree char *name = g_strdup_printf ("%.*s%s", (int) stem, base, extension);
  return g_build_filename (writable != NULL ? writable : g_get_tmp_dir (), name, NULL);
}

static void
transcription_progressed (double done, const char *where, gpointer user_data)
{
  SrRecordWindow *self = user_data;
  gtk_progress_bar_set_fraction (self->progress, done);
  if (where != NULL)
    gtk_progress_bar_set_text (self->progress, where);
}

static void
transcription_ended (SrRecordWindow *self)
{
  g_clear_object (&self->transcribing);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  gtk_button_set_label (self->transcribe, _("_Transcribe"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->record), self->input_numbers->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->open), TRUE);
}

static void
transcribed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SrRecordWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTranscription) done = sr_transcribe_file_finish (result, &error);
  if (self->transcribing == NULL) /* the window went away meanwhile */
    return;
  transcription_ended (self);
  if (done == NULL)
    {
      g_clear_pointer (&self->draft_path, g_free);
      g_autofree char *text = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                                ? g_strdup (_("Transcription cancelled."))
                                : g_strdup_printf (_("Could not transcribe: %s."), error->message);
      set_status (self, text);
      return;
    }
  sr_engraving_view_set_lmx (self->draft, done->draft);
  gtk_widget_set_visible (GTK_WIDGET (self->draft_scroller), TRUE);
  const SrDraftSummary *draft = &done->draft_summary;
  g_autofree char *text = g_strdup_printf (_("Heard %u notes. Draft score: %d/%d, %s = %.0f, %u bars, saved as %s "
                                             "(and the notes as MIDI beside it)."),
                                           done->notes->len, draft->beats, draft->beat_type,
                                           draft->metre.compound ? _("dotted quarter") : _("quarter"),
                                           draft->beats_per_minute, draft->n_bars, self->draft_path);
  g_autofree char *with_notice = done->notice != NULL ? g_strdup_printf ("%s %s", text, done->notice) : NULL;
  set_status (self, with_notice != NULL ? with_notice : text);
}

void
sr_record_window_transcribe (SrRecordWindow *self)
{
  g_return_if_fail (SR_IS_RECORD_WINDOW (self));
  if (self->transcribing != NULL)
    {
      g_cancellable_cancel (self->transcribing);
      return;
    }
  if (self->path == NULL || self->recording != NULL)
    return;
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  GtkApplication *application = gtk_window_get_application (parent != NULL ? parent : GTK_WINDOW (self));
  SrDeviceChoice device = { 0 };
  g_autofree char *models = NULL;
  if (SR_IS_APPLICATION (application))
    {
      device = sr_application_get_device (SR_APPLICATION (application));
      models = sr_application_get_models_folder (SR_APPLICATION (application));
    }
  else
    {
      char message[256];
      sr_device_choice_resolve (NULL, &device, message, sizeof message);
      models = sr_models_folder_default ();
    }
  g_autofree char *midi = beside_take (self->path, ".mid");
  g_free (self->draft_path);
  self->draft_path = beside_take (self->path, ".musicxml");
  self->transcribing = g_cancellable_new ();
  gtk_button_set_label (self->transcribe, _("_Cancel"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->record), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->open), FALSE);
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_progress_bar_set_text (self->progress, _("Loading the models…"));
  gtk_widget_set_visible (GTK_WIDGET (self->progress), TRUE);
  set_status (self, _("Transcribing the take…"));
  sr_transcribe_file_async (self->path, &device, models, midi, self->draft_path, transcription_progressed, self,
                            self->transcribing, transcribed, g_object_ref (self));
}

gboolean
sr_record_window_open_take (SrRecordWindow *self, const char *path, GError **error)
{
  g_return_val_if_fail (SR_IS_RECORD_WINDOW (self), FALSE);
  if (self->recording != NULL || self->transcribing != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           self->recording != NULL ? _("a take is being recorded") : _("a take is being transcribed"));
      return FALSE;
    }
  double seconds = sr_audio_file_seconds (path, error);
  if (seconds < 0)
    return FALSE;
  g_free (self->path);
  self->path = g_strdup (path);
  self->seconds = seconds;
  show_time (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->transcribe), seconds > 0);
  g_autofree char *text = g_strdup_printf (_("Opened %s (%.1f s)."), path, seconds);
  set_status (self, text);
  return TRUE;
}

static void
chooser_responded (GtkNativeDialog *dialog, int response, SrRecordWindow *self)
{
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))
                                                          : NULL;
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
  g_autoptr(GError) error = NULL;
  if (path != NULL && !sr_record_window_open_take (self, path, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not open “%s”: %s."), path, error->message);
      set_status (self, text);
    }
  g_clear_object (&self->chooser);
}

static void
open_clicked (SrRecordWindow *self)
{
  if (self->chooser == NULL)
    {
      self->chooser = gtk_file_chooser_native_new (_("Open a Recording"), GTK_WINDOW (self),
                                                   GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
      g_autoptr(GtkFileFilter) sounds = gtk_file_filter_new ();
      gtk_file_filter_set_name (sounds, _("Sound files (WAV, FLAC, Ogg, MP3, AIFF)"));
      static const char *const suffixes[] = { "wav", "flac", "ogg", "oga", "mp3", "aif", "aiff" };
      for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
        gtk_file_filter_add_suffix (sounds, suffixes[i]);
      gtk_file_filter_add_mime_type (sounds, "audio/*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), sounds);
      g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_responded), self, 0);
    }
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

gboolean
sr_record_window_get_transcribing (SrRecordWindow *self)
{
  g_return_val_if_fail (SR_IS_RECORD_WINDOW (self), FALSE);
  return self->transcribing != NULL;
}

const char *
sr_record_window_get_draft_path (SrRecordWindow *self)
{
  g_return_val_if_fail (SR_IS_RECORD_WINDOW (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->draft_scroller)) ? self->draft_path : NULL;
}

SrEngravingView *
sr_record_window_get_draft (SrRecordWindow *self)
{
  g_return_val_if_fail (SR_IS_RECORD_WINDOW (self), NULL);
  return self->draft;
}

gboolean
sr_record_window_get_recording (SrRecordWindow *self)
{
  g_return_val_if_fail (SR_IS_RECORD_WINDOW (self), FALSE);
  return self->recording != NULL;
}

const char *
sr_record_window_get_path (SrRecordWindow *self)
{
  g_return_val_if_fail (SR_IS_RECORD_WINDOW (self), NULL);
  return self->path;
}

double
sr_record_window_get_seconds (SrRecordWindow *self)
{
  g_return_val_if_fail (SR_IS_RECORD_WINDOW (self), 0);
  return self->seconds;
}

const char *
sr_record_window_get_status (SrRecordWindow *self)
{
  g_return_val_if_fail (SR_IS_RECORD_WINDOW (self), NULL);
  return gtk_label_get_text (self->status);
}

/* The inputs, the default first chosen; none (no sound system, no input) is said in the status. */
static void
list_inputs (SrRecordWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint chosen = 0;
  self->system_open = sr_audio_system_open (&error);
  if (self->system_open)
    {
      g_autoptr(GPtrArray) devices = sr_audio_devices ();
      for (guint i = 0; i < devices->len; i++)
        {
          const SrAudioDevice *device = devices->pdata[i];
          if (device->input_channels <= 0)
            continue;
          if (device->is_default_input)
            chosen = self->input_numbers->len;
          g_autofree char *name = g_strdup_printf ("%s (%s)", device->name, device->host);
          gtk_string_list_append (names, name);
          g_array_append_val (self->input_numbers, device->index);
        }
    }
  gtk_drop_down_set_model (self->input, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->input, chosen);
  gboolean any = self->input_numbers->len > 0;
  gtk_widget_set_sensitive (GTK_WIDGET (self->record), any);
  if (!any)
    {
      g_autofree char *text = g_strdup_printf (_("No input to record from: %s."),
                                               error != NULL ? error->message : _("the sound system lists none"));
      set_status (self, text);
    }
}

static void
record_clicked (SrRecordWindow *self)
{
  sr_record_window_toggle (self);
}

static void
transcribe_clicked (SrRecordWindow *self)
{
  sr_record_window_transcribe (self);
}

static void
sr_record_window_dispose (GObject *object)
{
  SrRecordWindow *self = SR_RECORD_WINDOW (object);
  g_clear_handle_id (&self->meter_source, g_source_remove);
  if (self->transcribing != NULL)
    g_cancellable_cancel (self->transcribing); /* its callback holds a reference and finds the work abandoned */
  g_clear_object (&self->transcribing);
  g_clear_pointer (&self->draft_path, g_free);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->recording != NULL)
    sr_recording_stop (self->recording, NULL); /* a window closed while recording keeps the take */
  g_clear_pointer (&self->recording, sr_recording_free);
  if (self->system_open)
    sr_audio_system_close ();
  self->system_open = FALSE;
  g_clear_pointer (&self->input_numbers, g_array_unref);
  g_clear_pointer (&self->path, g_free);
  G_OBJECT_CLASS (sr_record_window_parent_class)->dispose (object);
}

static void
sr_record_window_class_init (SrRecordWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sr_record_window_dispose;
}

static void
sr_record_window_init (SrRecordWindow *self)
{
  self->input_numbers = g_array_new (FALSE, FALSE, sizeof (int));
  gtk_window_set_title (GTK_WINDOW (self), _("Record"));
  gtk_window_set_default_size (GTK_WINDOW (self), 480, -1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);

  self->input = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->input), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Input"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->input), _("The input to record from"));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->input));

  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  self->level = GTK_LEVEL_BAR (gtk_level_bar_new_for_interval (0, 1));
  gtk_widget_set_hexpand (GTK_WIDGET (self->level), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->level), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->level), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Input level"), -1);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->level));
  self->time = GTK_LABEL (gtk_label_new ("0:00"));
  gtk_widget_add_css_class (GTK_WIDGET (self->time), "numeric");
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->time));
  gtk_box_append (GTK_BOX (box), row);

  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  self->record = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Record")));
  gtk_widget_add_css_class (GTK_WIDGET (self->record), "suggested-action");
  g_signal_connect_object (self->record, "clicked", G_CALLBACK (record_clicked), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->record));
  self->open = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Open…")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->open), _("Open a sound file to transcribe, instead of a new take"));
  g_signal_connect_object (self->open, "clicked", G_CALLBACK (open_clicked), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->open));
  self->transcribe = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Transcribe")));
  gtk_widget_set_sensitive (GTK_WIDGET (self->transcribe), FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->transcribe),
                               _("Hear the take and write its notes as MIDI and a draft score beside it"));
  g_signal_connect_object (self->transcribe, "clicked", G_CALLBACK (transcribe_clicked), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->transcribe));
  gtk_box_append (GTK_BOX (box), buttons);

  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_progress_bar_set_show_text (self->progress, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Transcription progress"), -1);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->progress));

  self->draft = SR_ENGRAVING_VIEW (sr_engraving_view_new ());
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->draft), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Draft score"), -1);
  self->draft_scroller = GTK_SCROLLED_WINDOW (gtk_scrolled_window_new ());
  gtk_scrolled_window_set_child (self->draft_scroller, GTK_WIDGET (self->draft));
  gtk_scrolled_window_set_policy (self->draft_scroller, GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_widget_set_size_request (GTK_WIDGET (self->draft_scroller), -1, 160);
  gtk_widget_set_visible (GTK_WIDGET (self->draft_scroller), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->draft_scroller));

  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status, TRUE);
  gtk_label_set_xalign (self->status, 0);
  gtk_label_set_selectable (self->status, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status));
  gtk_window_set_child (GTK_WINDOW (self), box);

  list_inputs (self);
  self->meter_source = g_timeout_add (METER_MS, meter, self);
}

SrRecordWindow *
sr_record_window_new (GtkWindow *parent)
{
  SrRecordWindow *self = g_object_new (SR_TYPE_RECORD_WINDOW, NULL);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  return self;
}
