/* `sightread perform SCORE [-o OUT.wav] [--play]`: the score image as sound. Only the notation route exists yet (OMR,
 * then the performance of the reading through the reference synthesizer); the direct route says it is waiting for
 * its model. --play starts playing as soon as the sound of the first systems read is final, while the rest is still
 * being read. */
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "cli-commands.h"
#include "perform.h"

/* --attention OUT.json: {"score", "route", "notes": [{onset, offset (seconds in the sound), pitch, page (from 1),
 * skew_degrees, x, y, width, height (page pixels of the page straightened by skew_degrees), weight}]} — where on the
 * page each note was read, for an overlay that follows the sound. */
static gboolean
write_attention (const char *path, const char *score, const GArray *spots, GError **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "score");
  json_builder_add_string_value (builder, score);
  json_builder_set_member_name (builder, "route");
  json_builder_add_string_value (builder, "notation");
  json_builder_set_member_name (builder, "notes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < spots->len; i++)
    {
      const SrPerformedSpot *spot = &g_array_index (spots, SrPerformedSpot, i);
      const char *names[] = { "onset", "offset", "skew_degrees", "x", "y", "width", "height", "weight" };
      double values[] = { round (spot->onset_seconds * 1000) / 1000, round (spot->offset_seconds * 1000) / 1000,
                          round (spot->skew_degrees * 100) / 100, spot->focus.box.x, spot->focus.box.y,
                          spot->focus.box.width, spot->focus.box.height, round (spot->focus.weight * 1000) / 1000 };
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "pitch");
      json_builder_add_int_value (builder, spot->pitch);
      json_builder_set_member_name (builder, "page");
      json_builder_add_int_value (builder, spot->page_index + 1);
      for (guint k = 0; k < G_N_ELEMENTS (names); k++)
        {
          json_builder_set_member_name (builder, names[k]);
          json_builder_add_double_value (builder, values[k]);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_file (generator, path, error);
}

/* --play while reading: the stream the performance is appended to, and its playback once the first sound is final. */
typedef struct {
  SrAudioDevice *device;
  SrAudioStream *stream;
  SrPlayback *playback;
  GError *error;          /* why it cannot play, kept until the file is written */
} StreamingPlay;

static void
streaming_play_clear (StreamingPlay *play)
{
  g_clear_pointer (&play->playback, sr_playback_free);
  g_clear_pointer (&play->stream, sr_audio_stream_unref);
  g_clear_pointer (&play->device, sr_audio_device_free);
  g_clear_error (&play->error);
}

static void
sound_ready (const float *samples, gsize frames, gboolean last, gpointer user_data)
{
  StreamingPlay *play = user_data;
  sr_audio_stream_append (play->stream, samples, frames);
  if (play->playback != NULL || play->error != NULL)
    return;
  play->playback = sr_cli_start_playback (play->device, play->stream, 1.0f, 0, &play->error);
  if (play->playback != NULL && !last)
    g_printerr (_("sightread: perform: playing the first systems while the rest is read\n"));
}

int
sr_cmd_perform (SrCliArgs *args)
{
  const char *name = sr_cli_args_positional (args, 0);
  const char *output = sr_cli_args_get (args, "output");
  const char *route = sr_cli_args_get (args, "route");
  if (route != NULL && !g_str_equal (route, "direct") && !g_str_equal (route, "notation"))
    return sr_cli_usage_error (args, _("--route is direct or notation, not '%s'"), route);
  if (route != NULL && g_str_equal (route, "direct"))
    return sr_cli_fail ("perform", _("the image → audio model is not trained yet (see train/RESULTS.md); "
                                     "--route notation reads the score and plays what it read"));
  double tempo_scale = 1.0;
  if (!sr_cli_args_get_double (args, "tempo-scale", 1.0, 0.25, 4, &tempo_scale))
    return SR_EXIT_USAGE;
  gboolean playing = sr_cli_args_has (args, "play");
  if (output == NULL && !playing)
    return sr_cli_usage_error (args, _("an output file is needed: -o OUT.wav, .flac or .ogg (or --play)"));
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (name);
  g_autoptr(GError) error = NULL;
  if (output != NULL && !sr_audio_can_write (output, &error))
    return sr_cli_fail (output, error->message);
  g_autoptr(SrScoreDocument) document = sr_score_document_new_for_file (file, NULL, &error);
  if (document == NULL)
    return sr_cli_fail (name, error->message);
  g_autofree char *models = sr_cli_models_folder (args);
  g_autofree char *notice = NULL;
  g_autoptr(SrOmrReader) reader = sr_omr_reader_new (&args->device, models, &notice, &error);
  if (reader == NULL)
    return sr_cli_fail ("perform", error->message);
  if (notice != NULL)
    g_printerr (_("sightread: perform: note: %s\n"), notice);
  /* With --play the sound card is asked first: the performance is rendered at its rate, and starts playing as soon as
   * its first part is final, while later systems are still being read. */
  StreamingPlay play = { 0 };
  int rate = 44100;
  if (playing)
    {
      play.device = sr_cli_output_device (args, &play.error);
      if (play.device != NULL && sr_audio_system_open (&play.error))
        {
          rate = sr_audio_device_rate (play.device, FALSE, rate);
          sr_audio_system_close ();
          play.stream = sr_audio_stream_new (rate);
        }
    }
  SrPerformSummary summary;
  g_autoptr(SrProgress) progress = sr_cli_progress_new (args, _("reading the systems"));
  sr_omr_reader_set_progress (reader, sr_score_document_get_n_pages (document), sr_cli_progress_update, progress);
  const char *attention = sr_cli_args_get (args, "attention");
  g_autoptr(GArray) spots = NULL;
  g_autoptr(SrAudio) audio = sr_perform_through_notation (reader, document, 0, rate, tempo_scale, &summary,
                                                          attention != NULL ? &spots : NULL,
                                                          play.stream != NULL ? sound_ready : NULL, &play, &error);
  g_clear_pointer (&progress, sr_progress_free);
  if (play.stream != NULL)
    sr_audio_stream_finish (play.stream);
  g_autofree char *late_notice = sr_omr_reader_take_notice (reader);
  if (late_notice != NULL)
    g_printerr (_("sightread: perform: note: %s\n"), late_notice);
  if (audio == NULL)
    {
      streaming_play_clear (&play);
      return sr_cli_fail (name, error->message);
    }
  if (summary.empty > 0)
    g_printerr (_("sightread: %s: warning: %u of %u systems had nothing read and are silent\n"), name, summary.empty,
                summary.systems);
  if (attention != NULL && !write_attention (attention, name, spots, &error))
    {
      streaming_play_clear (&play);
      return sr_cli_fail (attention, error->message);
    }
  if (output != NULL)
    {
      if (!sr_audio_write (audio, output, &error))
        {
          streaming_play_clear (&play);
          return sr_cli_fail (output, error->message);
        }
      g_print (_("%u systems read, %u notes played, %.1f s of sound in %s\n"), summary.systems, summary.notes,
               summary.seconds, output);
    }
  /* The file is written first: a missing sound card then costs the user nothing of the work. */
  if (playing)
    {
      if (play.playback == NULL && play.error == NULL && play.stream != NULL)
        play.playback = sr_cli_start_playback (play.device, play.stream, 1.0f, 0, &play.error);
      if (play.playback == NULL)
        {
          int status = sr_cli_fail ("perform", play.error != NULL ? play.error->message : _("no sound output"));
          streaming_play_clear (&play);
          return status;
        }
      sr_cli_follow_playback (play.playback, play.stream, "perform", name, play.device->name);
    }
  streaming_play_clear (&play);
  return SR_EXIT_OK;
}
