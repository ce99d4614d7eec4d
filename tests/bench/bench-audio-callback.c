/* What the playback callback costs a core at 44.1 kHz with 256-frame buffers (target: under 1 %), measured two ways
 * in one run: the callback's body alone, called back to back on a full ring; and the whole PortAudio callback in a
 * real stream on the JACK dummy driver (run under tests/with-jackd.sh), over ten seconds of sound. */
#include <glib.h>
#include <math.h>
#include <time.h>

#include "audio-devices.h"
#include "audio-playback.h"

#define RATE 44100
#define BUFFER 256

static double
thread_seconds (void)
{
  struct timespec now;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return (double) now.tv_sec + (double) now.tv_nsec / 1e9;
}

static SrAudioStream *
noise (double seconds)
{
  gsize frames = (gsize) (seconds * RATE);
  float *samples = g_new (float, frames);
  GRand *rand = g_rand_new_with_seed (3);
  for (gsize i = 0; i < frames; i++)
    samples[i] = (float) g_rand_double_range (rand, -0.5, 0.5);
  g_rand_free (rand);
  SrAudioStream *stream = sr_audio_stream_new (RATE);
  sr_audio_stream_append_last (stream, samples, frames);
  g_free (samples);
  return stream;
}

int
main (void)
{
  const double period = (double) BUFFER / RATE;

  /* 1. The body: pulls of 256 frames with a gain, whenever the producer has a buffer ready. */
  g_autoptr(SrAudioStream) stream = noise (120);
  g_autoptr(SrPlayback) offline = sr_playback_new (stream);
  sr_playback_set_gain (offline, 0.8f);
  float out[BUFFER];
  double spent = 0, sink = 0;
  guint calls = 0;
  while (calls < 20000)
    {
      if (sr_playback_buffered (offline) < BUFFER)
        {
          g_usleep (200);
          continue;
        }
      double before = thread_seconds ();
      sr_playback_pull (offline, out, BUFFER, 0);
      spent += thread_seconds () - before;
      sink += out[0];
      calls++;
    }
  double body_share = spent / calls / period;
  g_print ("callback body: %.2f us a 256-frame buffer = %.4f %% of a core (%u calls; checksum %.3f)\n",
           spent / calls * 1e6, body_share * 100, calls, sink);

  /* 2. The whole callback in a running stream. */
  g_autoptr(GError) error = NULL;
  if (!sr_audio_system_open (&error))
    g_error ("%s", error->message);
  g_autoptr(SrAudioDevice) device = sr_audio_device_choose ("system", FALSE, &error);
  if (device == NULL)
    g_error ("%s (run under tests/with-jackd.sh)", error->message);
  g_autoptr(SrAudioStream) ten = noise (10);
  g_autoptr(SrPlayback) playback = sr_playback_new (ten);
  if (!sr_playback_open_output (playback, device, BUFFER, &error))
    g_error ("%s", error->message);
  while (!sr_playback_finished (playback))
    g_usleep (50000);
  double stream_share = sr_playback_callback_seconds (playback) / 10.0;
  g_print ("callback in a running stream (JACK dummy, 256 frames): %.4f %% of a core over 10 s, %u underruns\n",
           stream_share * 100, sr_playback_underruns (playback));
  sr_audio_system_close ();
  return body_share < 0.01 && stream_share < 0.01 ? 0 : 1;
}
