/* `sightread play AUDIO` and `sightread record -o OUT.wav`: sound out of and into files through the sound card.
 * Ctrl-C stops either cleanly: playback stops, and a recording is finalised with everything taken so far. */
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "audio-devices.h"
#include "audio-file.h"
#include "audio-playback.h"
#include "audio-recording.h"
#include "cli-commands.h"

#define TICK_US 100000
#define MODEL_RATE 44100

static volatile sig_atomic_t interrupted;

static void
note_interrupt (int signal_number)
{
  (void) signal_number;
  interrupted = 1;
}

static void
catch_interrupts (void)
{
  struct sigaction action = { .sa_handler = note_interrupt };
  sigemptyset (&action.sa_mask);
  sigaction (SIGINT, &action, NULL);
  sigaction (SIGTERM, &action, NULL);
  interrupted = 0;
}

static void
format_time (char *text, gsize size, double seconds)
{
  int whole = (int) seconds;
  g_snprintf (text, size, "%d:%02d.%d", whole / 60, whole % 60, (int) ((seconds - whole) * 10));
}

static double
decibels (float level)
{
  return level > 1e-6f ? 20 * log10 (level) : -120;
}

SrAudioDevice *
sr_cli_output_device (SrCliArgs *args, GError **error)
{
  if (!sr_audio_system_open (error))
    return NULL;
  SrAudioDevice *device = sr_audio_device_choose (sr_cli_args_get (args, "audio-device"), FALSE, error);
  sr_audio_system_close ();
  return device;
}

SrPlayback *
sr_cli_start_playback (const SrAudioDevice *device, SrAudioStream *stream, float gain, gsize start_frame,
                       GError **error)
{
  if (!sr_audio_system_open (error))
    return NULL;
  g_autoptr(SrPlayback) playback = sr_playback_new (stream);
  sr_playback_set_gain (playback, gain);
  if (start_frame > 0)
    sr_playback_seek (playback, start_frame);
  catch_interrupts ();
  gboolean opened = sr_playback_open_output (playback, device, 0, error);
  sr_audio_system_close (); /* the playback holds its own reference */
  return opened ? g_steal_pointer (&playback) : NULL;
}

void
sr_cli_follow_playback (SrPlayback *playback, SrAudioStream *stream, const char *subject, const char *title,
                        const char *device_name)
{
  int rate = sr_audio_stream_rate (stream);
  gboolean show = isatty (STDERR_FILENO);
  char total[32], now[32];
  if (show)
    g_printerr (_("Playing %s on %s\n"), title, device_name);
  while (!interrupted && !sr_playback_finished (playback))
    {
      if (show)
        {
          gboolean finished = FALSE;
          gsize frames = sr_audio_stream_frames (stream, &finished);
          format_time (now, sizeof now, (double) sr_playback_sounding (playback) / rate);
          format_time (total, sizeof total, (double) frames / rate);
          /* While the sound is still being made, its length so far ends in a "+". */
          g_printerr ("\r  %s / %s%s ", now, total, finished ? " " : "+");
        }
      g_usleep (TICK_US);
    }
  if (show)
    g_printerr ("\n");
  guint underruns = sr_playback_underruns (playback);
  if (underruns > 0)
    g_printerr (ngettext ("sightread: %s: the sound stuttered %u time (the machine was too busy)\n",
                          "sightread: %s: the sound stuttered %u times (the machine was too busy)\n", underruns),
                subject, underruns);
}

gboolean
sr_cli_play_audio (const SrAudioDevice *device, const char *subject, const char *title, const SrAudio *audio,
                   double start_seconds, float gain, GError **error)
{
  if (!sr_audio_system_open (error))
    return FALSE;
  int rate = sr_audio_device_rate (device, FALSE, audio->rate);
  sr_audio_system_close ();
  /* A device that takes no sound at the file's rate (a JACK server at 48 kHz) gets it resampled. */
  g_autoptr(SrAudio) resampled = rate != audio->rate
                                   ? sr_audio_resample (audio->samples, audio->frames, audio->rate, rate, error)
                                   : NULL;
  if (rate != audio->rate && resampled == NULL)
    return FALSE;
  const SrAudio *sound = resampled != NULL ? resampled : audio;
  g_autoptr(SrAudioStream) stream = sr_audio_stream_new_from_audio (sound);
  gsize start = MIN ((gsize) (start_seconds * rate), sound->frames);
  g_autoptr(SrPlayback) playback = sr_cli_start_playback (device, stream, gain, start, error);
  if (playback == NULL)
    return FALSE;
  sr_cli_follow_playback (playback, stream, subject, title, device->name);
  return TRUE;
}

int
sr_cmd_play (SrCliArgs *args)
{
  const char *path = sr_cli_args_positional (args, 0);
  double start_seconds = 0, gain_db = 0;
  if (!sr_cli_args_get_double (args, "start", 0, 0, SR_AUDIO_MAX_SECONDS, &start_seconds)
      || !sr_cli_args_get_double (args, "gain", 0, -60, 24, &gain_db))
    return SR_EXIT_USAGE;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAudioDevice) device = sr_cli_output_device (args, &error);
  if (device == NULL)
    return sr_cli_fail ("play", error->message);
  g_autoptr(SrAudio) audio = sr_audio_read (path, MODEL_RATE, &error);
  if (audio == NULL)
    return sr_cli_fail (path, error->message);
  if (!sr_cli_play_audio (device, "play", path, audio, start_seconds, (float) pow (10, gain_db / 20), &error))
    return sr_cli_fail ("play", error->message);
  return SR_EXIT_OK;
}

/* A level meter a line long: a bar over -60 … 0 dBFS and the number. */
static void
show_level (double seconds, float peak)
{
  char time_text[32];
  format_time (time_text, sizeof time_text, seconds);
  double db = decibels (peak);
  int filled = (int) CLAMP ((db + 60) / 3, 0, 20);
  GString *bar = g_string_new (NULL);
  for (int i = 0; i < 20; i++)
    g_string_append (bar, i < filled ? "█" : "·");
  g_printerr ("\r  %s  %s %6.1f dBFS%s ", time_text, bar->str, db, peak >= 0.999f ? _(" CLIPPING") : "         ");
  g_string_free (bar, TRUE);
}

int
sr_cmd_record (SrCliArgs *args)
{
  const char *output = sr_cli_args_get (args, "output");
  if (output == NULL)
    return sr_cli_usage_error (args, _("an output file is needed: -o OUT.wav, .flac or .ogg"));
  double seconds = 0;
  if (!sr_cli_args_get_double (args, "seconds", 0, 0, SR_AUDIO_MAX_SECONDS, &seconds))
    return SR_EXIT_USAGE;
  g_autoptr(GError) error = NULL;
  if (!sr_audio_can_write (output, &error))
    return sr_cli_fail (output, error->message);
  if (!sr_audio_system_open (&error))
    return sr_cli_fail ("record", error->message);
  g_autoptr(SrAudioDevice) device = sr_audio_device_choose (sr_cli_args_get (args, "audio-device"), TRUE, &error);
  int rate = device != NULL ? sr_audio_device_rate (device, TRUE, MODEL_RATE) : 0;
  sr_audio_system_close ();
  if (device == NULL)
    return sr_cli_fail ("record", error->message);

  g_autoptr(SrRecording) recording = sr_recording_new (output, rate, &error);
  if (recording == NULL)
    return sr_cli_fail (output, error->message);
  if (seconds > 0)
    sr_recording_set_limit (recording, (gsize) llround (seconds * rate));
  catch_interrupts ();
  if (!sr_recording_open_input (recording, device, &error))
    {
      sr_recording_stop (recording, NULL);
      g_unlink (output);
      return sr_cli_fail ("record", error->message);
    }
  gboolean show = isatty (STDERR_FILENO);
  if (show)
    g_printerr (seconds > 0 ? _("Recording from %s (%.1f s; Ctrl-C stops sooner)\n")
                            : _("Recording from %s (Ctrl-C stops)\n"), device->name, seconds);
  float loudest = 0;
  while (!interrupted && !sr_recording_full (recording) && !sr_recording_failed (recording))
    {
      g_usleep (TICK_US);
      float peak = sr_recording_take_peak (recording);
      loudest = MAX (loudest, peak);
      if (show)
        show_level ((double) sr_recording_frames_written (recording) / rate, peak);
    }
  if (show)
    g_printerr ("\n");
  gboolean ok = sr_recording_stop (recording, &error);
  loudest = MAX (loudest, sr_recording_take_peak (recording));
  gsize frames = sr_recording_frames_written (recording), dropped = sr_recording_frames_dropped (recording);
  guint overflows = sr_recording_input_overflows (recording);
  g_printerr (_("Recorded %.1f s to %s (peak %.1f dBFS)\n"), (double) frames / rate, output, decibels (loudest));
  if (dropped > 0 || overflows > 0)
    {
      g_autofree char *lost = g_strdup_printf ("%" G_GSIZE_FORMAT, dropped);
      g_printerr (_("sightread: record: %s samples were lost (the disk was too slow) and the sound system reported %u "
                    "overflows\n"), lost, overflows);
    }
  if (!ok)
    return sr_cli_fail ("record", error->message);
  return SR_EXIT_OK;
}

/* The audio part of `sightread devices`. */
void
sr_cli_print_audio_devices (void)
{
  g_autoptr(GError) error = NULL;
  if (!sr_audio_system_open (&error))
    {
      g_print (_("(no sound system: %s)\n"), error->message);
      return;
    }
  g_autoptr(GPtrArray) devices = sr_audio_devices ();
  for (guint i = 0; i < devices->len; i++)
    {
      SrAudioDevice *device = devices->pdata[i];
      g_print ("audio %d\t%s (%s): %d in, %d out, %.0f Hz%s%s\n", device->index, device->name, device->host,
               device->input_channels, device->output_channels, device->default_rate,
               device->is_default_input ? _(", default input") : "",
               device->is_default_output ? _(", default output") : "");
    }
  if (devices->len == 0)
    g_print (_("(no audio devices: no sound card, or none the sound system can open; files can still be written)\n"));
  sr_audio_system_close ();
}
