/* Export: the corrected reading written as what the command line writes — MusicXML, a MIDI performance, the
 * engraving, the sound, the LMX tokens — chosen by the file's name. */
#include "sr-inspector-private.h"

#include <glib/gi18n.h>

#include "audio-file.h"
#include "engrave-file.h"
#include "lmx-delinearize.h"
#include "lmx-vocabulary.h"
#include "musicxml-read.h"
#include "musicxml-write.h"
#include "perform.h"
#include "performance.h"

static void
export_responded (GtkNativeDialog *dialog, int response, SrInspector *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;
      if (!sr_inspector_export (self, file, &error))
        gtk_label_set_text (self->status, error->message);
    }
  g_clear_object (&self->chooser);
}

void
sr_inspector_export_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrInspector *self = user_data;
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Export the Reading"), window, GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), _("reading.musicxml"));
  /* The kind follows the name: MusicXML, a MIDI performance, the engraving as a picture or PDF, the sound, or the
   * LMX tokens — what the command line writes. */
  static const struct {
    const char *name;
    const char *pattern;
  } kinds[] = {
    { N_("MusicXML"), "*.musicxml" }, { N_("MIDI performance"), "*.mid" }, { N_("PDF engraving"), "*.pdf" },
    { N_("PNG engraving"), "*.png" }, { N_("SVG engraving"), "*.svg" }, { N_("Sound (WAV)"), "*.wav" },
    { N_("Sound (FLAC)"), "*.flac" }, { N_("Sound (Ogg Vorbis)"), "*.ogg" }, { N_("LMX tokens"), "*.lmx" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _(kinds[i].name));
      gtk_file_filter_add_pattern (filter, kinds[i].pattern);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
    }
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (export_responded), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

gboolean
sr_inspector_export (SrInspector *self, GFile *file, GError **error)
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (guint16));
  for (guint i = 0; self->readings != NULL && i < self->readings->len; i++)
    {
      const GArray *reading = self->readings->pdata[i];
      g_array_append_vals (all, reading->data, reading->len);
    }
  g_autofree char *path = g_file_get_path (file);
  if (path != NULL && g_str_has_suffix (path, ".lmx"))
    {
      /* as `sightread omr --lmx` writes it: a system a line */
      g_autoptr(GString) text = g_string_new (NULL);
      for (guint i = 0; self->readings != NULL && i < self->readings->len; i++)
        {
          const GArray *reading = self->readings->pdata[i];
          for (guint t = 0; t < reading->len; t++)
            g_string_append_printf (text, "%s%s", t ? " " : "", sr_lmx_token_text (g_array_index (reading, guint16, t)));
          g_string_append_c (text, '\n');
        }
      return g_file_replace_contents (file, text->str, text->len, NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, error);
    }
  if (path != NULL && (g_str_has_suffix (path, ".wav") || g_str_has_suffix (path, ".flac")
                       || g_str_has_suffix (path, ".ogg")))
    {
      /* the sound Play makes, at the transport's tempo */
      g_autoptr(SrAudio) audio = sr_perform_lmx (all, sr_reading_player_get_tempo (self->player), 44100, NULL, NULL,
                                                 NULL, error);
      return audio != NULL && sr_audio_write (audio, path, error);
    }
  g_autoptr(xmlDoc) score = sr_lmx_delinearize (all, NULL, NULL);
  if (path != NULL && g_str_has_suffix (path, ".mid"))
    {
      g_autoptr(SrMidiFile) performance = sr_performance_to_midi (score, NULL);
      return sr_midi_file_write (performance, path, error);
    }
  if (path != NULL && sr_engrave_file_supported (path))
    return sr_engrave_file_write (score, path, NULL, NULL, NULL, error);
  g_autofree char *xml = sr_musicxml_to_text (score);
  return g_file_replace_contents (file, xml, strlen (xml), NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, error);
}
