/* Three threads meet here. The caller (UI or CLI) sends commands through atomics; the producer thread moves samples
 * from the stream into the ring and carries out seeks; the audio callback copies from the ring.
 *
 * A seek must empty the ring, which only its consumer may do: the producer stops writing, posts a flush with the
 * target position and waits for the callback to discard what is queued, set its clock to the target and
 * acknowledge. Only the callback writes the clock, the finished flag and the timing snapshot. */
#include "audio-playback.h"

#include <math.h>
#include <portaudio.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "audio-port.h"
#include "audio-ring.h"

#define PRODUCER_CHUNK 4096
#define PRODUCER_NAP_US 4000 /* a 256-frame buffer lasts 5.8 ms; the ring lasts 1.5 s */
#define PREROLL_SECONDS 0.5

struct _SrPlayback {
  SrAudioStream *stream;
  int rate;
  SrAudioRing *ring;
  GThread *producer;
  atomic_bool quit;

  /* commands */
  atomic_bool paused;
  atomic_uint gain_bits;
  atomic_size_t seek_request; /* frame + 1, 0 for none */
  atomic_uint flush_requested;
  atomic_uint flush_done;
  atomic_size_t flush_target;
  atomic_size_t end_frame; /* the stream's length once the producer has met its end, else SIZE_MAX; published before
                              the last samples go into the ring, so the callback never takes the end for a shortfall */

  /* meters, written by the callback only */
  atomic_size_t clock;
  atomic_uint underruns;
  atomic_bool drained;
  /* When, in the output's clock, the stream's frame 0 would have sounded had it played straight through to the
   * last buffer that carried sound; the sounding position runs on from there up to the clock. One number, so the
   * UI reads it whole without a lock. */
  _Atomic double origin;
  atomic_bool timed;

  atomic_ullong callback_ns; /* time spent in the output callback, for the load meter */

  PaStream *output;
  int channels;
  float *mono; /* the callback's scratch when the device wants more than one channel */
  gsize mono_frames;
  double latency;
};

static float
gain_of (SrPlayback *playback)
{
  guint bits = atomic_load_explicit (&playback->gain_bits, memory_order_relaxed);
  float gain;
  memcpy (&gain, &bits, sizeof gain);
  return gain;
}

void
sr_playback_set_gain (SrPlayback *playback, float gain)
{
  if (!isfinite (gain) || gain < 0)
    gain = 0;
  guint bits;
  memcpy (&bits, &gain, sizeof bits);
  atomic_store_explicit (&playback->gain_bits, bits, memory_order_relaxed);
}

void
sr_playback_set_paused (SrPlayback *playback, gboolean paused)
{
  atomic_store (&playback->paused, paused);
}

void
sr_playback_seek (SrPlayback *playback, gsize frame)
{
  atomic_store (&playback->seek_request, frame + 1);
}

gsize
sr_playback_clock (SrPlayback *playback)
{
  return atomic_load_explicit (&playback->clock, memory_order_acquire);
}

gsize
sr_playback_buffered (SrPlayback *playback)
{
  return sr_audio_ring_readable (playback->ring);
}

guint
sr_playback_underruns (SrPlayback *playback)
{
  return atomic_load (&playback->underruns);
}

double
sr_playback_latency (SrPlayback *playback)
{
  return playback->latency;
}

static gboolean
flush_pending (SrPlayback *playback)
{
  return atomic_load_explicit (&playback->flush_requested, memory_order_acquire)
         != atomic_load_explicit (&playback->flush_done, memory_order_acquire);
}

/* Producer side of a seek (the consumer's side is take_flush): nothing more goes into the ring until the callback has emptied it. */
static void
carry_out_seek (SrPlayback *playback, gsize target, gsize *position)
{
  gboolean finished = FALSE;
  gsize length = sr_audio_stream_frames (playback->stream, &finished);
  if (finished && target > length)
    target = length;
  atomic_store (&playback->end_frame, SIZE_MAX);
  atomic_store (&playback->flush_target, target);
  atomic_fetch_add_explicit (&playback->flush_requested, 1, memory_order_release);
  while (flush_pending (playback) && !atomic_load (&playback->quit))
    g_usleep (500);
  *position = target;
}

static gpointer
produce (gpointer data)
{
  SrPlayback *playback = data;
  float *chunk = g_new (float, PRODUCER_CHUNK);
  gsize position = 0;
  while (!atomic_load (&playback->quit))
    {
      gsize seek = atomic_exchange (&playback->seek_request, 0);
      if (seek != 0)
        carry_out_seek (playback, seek - 1, &position);
      if (atomic_load (&playback->end_frame) != SIZE_MAX || sr_audio_ring_writable (playback->ring) < PRODUCER_CHUNK)
        {
          g_usleep (PRODUCER_NAP_US);
          continue;
        }
      gboolean ended = FALSE;
      gsize got = sr_audio_stream_read (playback->stream, position, chunk, PRODUCER_CHUNK, &ended);
      if (ended)
        atomic_store (&playback->end_frame, position + got);
      sr_audio_ring_write (playback->ring, chunk, got); /* fits: the ring had room for a whole chunk */
      position += got;
      if (got == 0 && !ended)
        sr_audio_stream_wait (playback->stream, position, PRODUCER_NAP_US);
    }
  g_free (chunk);
  return NULL;
}

SrPlayback *
sr_playback_new (SrAudioStream *stream)
{
  SrPlayback *playback = g_new0 (SrPlayback, 1);
  playback->stream = sr_audio_stream_ref (stream);
  playback->rate = sr_audio_stream_rate (stream);
  playback->ring = sr_audio_ring_new (SR_PLAYBACK_RING_FRAMES);
  sr_playback_set_gain (playback, 1.0f);
  atomic_init (&playback->end_frame, SIZE_MAX);
  playback->producer = g_thread_new ("sr-playback", produce, playback);
  return playback;
}

static void
close_output (SrPlayback *playback)
{
  sr_audio_port_close (playback->output);
  playback->output = NULL;
}

void
sr_playback_free (SrPlayback *playback)
{
  if (playback == NULL)
    return;
  close_output (playback);
  atomic_store (&playback->quit, TRUE);
  g_thread_join (playback->producer);
  sr_audio_ring_free (playback->ring);
  sr_audio_stream_unref (playback->stream);
  g_free (playback->mono);
  g_free (playback);
}

static void
note_timing (SrPlayback *playback, gsize frame, double dac_time)
{
  atomic_store_explicit (&playback->origin, dac_time - (double) frame / playback->rate, memory_order_relaxed);
  atomic_store_explicit (&playback->timed, TRUE, memory_order_release);
}

/* Consumer side of a seek. */
static void
take_flush (SrPlayback *playback)
{
  sr_audio_ring_discard (playback->ring);
  atomic_store_explicit (&playback->clock, atomic_load (&playback->flush_target), memory_order_release);
  atomic_store (&playback->drained, FALSE);
  atomic_store_explicit (&playback->flush_done, atomic_load (&playback->flush_requested), memory_order_release);
}

void
sr_playback_pull (SrPlayback *playback, float *out, gsize frames, double dac_time)
{
  /* Right after a seek the ring is empty by design: a shortfall then is not the machine's fault. */
  gboolean seeking = flush_pending (playback);
  if (seeking)
    take_flush (playback);
  gsize clock = atomic_load_explicit (&playback->clock, memory_order_relaxed);
  if (atomic_load_explicit (&playback->paused, memory_order_relaxed))
    {
      memset (out, 0, frames * sizeof (float));
      return;
    }
  gsize got = sr_audio_ring_read (playback->ring, out, frames);
  float gain = gain_of (playback);
  if (gain != 1.0f)
    for (gsize i = 0; i < got; i++)
      out[i] *= gain;
  memset (out + got, 0, (frames - got) * sizeof (float));
  /* The timing follows the last buffer that carried sound: silence (a pause, the end, an underrun) moves nothing. */
  if (got > 0)
    note_timing (playback, clock, dac_time);
  atomic_store_explicit (&playback->clock, clock + got, memory_order_release);
  if (got < frames)
    {
      if (clock + got >= atomic_load (&playback->end_frame))
        atomic_store (&playback->drained, TRUE);
      else if (!seeking)
        atomic_fetch_add_explicit (&playback->underruns, 1, memory_order_relaxed);
    }
}

gsize
sr_playback_sounding (SrPlayback *playback)
{
  gsize clock = sr_playback_clock (playback);
  if (playback->output == NULL)
    return clock;
  if (!atomic_load_explicit (&playback->timed, memory_order_acquire))
    return 0; /* no buffer yet */
  double origin = atomic_load_explicit (&playback->origin, memory_order_relaxed);
  double position = (Pa_GetStreamTime (playback->output) - origin) * playback->rate;
  return (gsize) CLAMP (position, 0.0, (double) clock);
}

double
sr_playback_callback_seconds (SrPlayback *playback)
{
  return (double) atomic_load_explicit (&playback->callback_ns, memory_order_relaxed) / 1e9;
}

gboolean
sr_playback_finished (SrPlayback *playback)
{
  if (!atomic_load (&playback->drained))
    return FALSE;
  return playback->output == NULL || sr_playback_sounding (playback) >= sr_playback_clock (playback);
}

/* The same sound on every channel. PortAudio's buffer size is fixed when one is asked for; with its own choice a
 * callback may bring more, so the mono scratch is filled in parts. */
static void
fill_channels (SrPlayback *playback, float *interleaved, unsigned long frames, double dac_time)
{
  for (unsigned long done = 0; done < frames;)
    {
      gsize part = MIN (frames - done, playback->mono_frames);
      sr_playback_pull (playback, playback->mono, part, dac_time + (double) done / playback->rate);
      for (gsize i = 0; i < part; i++)
        for (int c = 0; c < playback->channels; c++)
          interleaved[(done + i) * playback->channels + c] = playback->mono[i];
      done += part;
    }
}

static int
output_callback (const void *input, void *output, unsigned long frames, const PaStreamCallbackTimeInfo *time,
                 PaStreamCallbackFlags flags, void *data)
{
  (void) input;
  (void) flags;
  SrPlayback *playback = data;
  struct timespec entered, left;
  clock_gettime (CLOCK_MONOTONIC, &entered);
  if (playback->channels == 1)
    sr_playback_pull (playback, output, frames, time->outputBufferDacTime);
  else
    fill_channels (playback, output, frames, time->outputBufferDacTime);
  clock_gettime (CLOCK_MONOTONIC, &left);
  atomic_fetch_add_explicit (&playback->callback_ns,
                             (unsigned long long) ((left.tv_sec - entered.tv_sec) * 1000000000LL
                                                   + (left.tv_nsec - entered.tv_nsec)),
                             memory_order_relaxed);
  return paContinue;
}

static void
wait_for_preroll (SrPlayback *playback)
{
  gsize wanted = MIN ((gsize) (PREROLL_SECONDS * playback->rate), SR_PLAYBACK_RING_FRAMES / 2);
  for (int i = 0; i < 2000; i++) /* at most 2 s: beyond that the stream is slower than real time anyway */
    {
      /* No stream runs yet, so this thread is the ring's consumer and carries out a seek asked for before. */
      if (flush_pending (playback))
        take_flush (playback);
      if (sr_audio_ring_readable (playback->ring) >= wanted || atomic_load (&playback->end_frame) != SIZE_MAX)
        return;
      g_usleep (1000);
    }
}

gboolean
sr_playback_open_output (SrPlayback *playback, const SrAudioDevice *device, int frames_per_buffer, GError **error)
{
  g_return_val_if_fail (playback->output == NULL, FALSE);
  /* The mono scratch of a callback that feeds several channels. */
  playback->mono_frames = frames_per_buffer > 0 ? (gsize) frames_per_buffer : 1024;
  playback->mono = g_renew (float, playback->mono, playback->mono_frames);
  wait_for_preroll (playback);
  /* Stereo at most: the same sound on two channels, not on every output of a studio interface. */
  playback->output = sr_audio_port_open (device, FALSE, playback->rate, 2, (unsigned long) MAX (frames_per_buffer, 0),
                                         output_callback, playback, &playback->channels, error);
  if (playback->output == NULL)
    return FALSE;
  const PaStreamInfo *info = Pa_GetStreamInfo (playback->output);
  playback->latency = info != NULL ? info->outputLatency : 0;
  return TRUE;
}
