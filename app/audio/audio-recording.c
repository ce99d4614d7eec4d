/* The writer thread wakes every few milliseconds and writes whatever the ring holds; after a failed write it stops
 * draining, so the callback's drop count shows the loss while the caller learns of the error. */
#include "audio-recording.h"

#include <gio/gio.h>
#include <math.h>
#include <portaudio.h>
#include <stdatomic.h>
#include <string.h>

#include "audio-file.h"
#include "audio-port.h"
#include "audio-ring.h"

#define WRITER_CHUNK 8192
#define WRITER_NAP_US 10000
#define INPUT_CHANNELS_MAX 8

struct _SrRecording {
  char *path;
  int rate;
  SrAudioRing *ring;
  SrAudioWriter *writer;
  GThread *thread;
  atomic_bool stopping;
  atomic_bool failed;
  GError *error; /* set by the writer thread before `failed`, read after joining it */
  gboolean stopped;

  atomic_uint peak_bits;
  atomic_size_t written;
  atomic_size_t dropped;
  atomic_uint overflows;
  atomic_size_t pushed;
  atomic_size_t limit; /* frames; 0 for none */

  PaStream *input;
  int channels;
  float mono[1024]; /* the callback's mix-down, in parts of this size */
};

static gboolean
drain (SrRecording *recording, float *chunk)
{
  for (;;)
    {
      gsize got = sr_audio_ring_read (recording->ring, chunk, WRITER_CHUNK);
      if (got == 0)
        return TRUE;
      if (!sr_audio_writer_write (recording->writer, chunk, got, &recording->error))
        return FALSE;
      atomic_fetch_add (&recording->written, got);
    }
}

static gpointer
write_file (gpointer data)
{
  SrRecording *recording = data;
  float *chunk = g_new (float, WRITER_CHUNK);
  gboolean ok = TRUE;
  while (ok && !atomic_load (&recording->stopping))
    {
      ok = drain (recording, chunk);
      if (ok)
        g_usleep (WRITER_NAP_US);
    }
  /* Whatever the input pushed before it stopped is in the ring now: write it all. */
  if (ok)
    ok = drain (recording, chunk);
  if (!ok)
    atomic_store (&recording->failed, TRUE);
  g_free (chunk);
  return NULL;
}

SrRecording *
sr_recording_new (const char *path, int rate, GError **error)
{
  SrAudioWriter *writer = sr_audio_writer_open (path, rate, 24, error);
  if (writer == NULL)
    return NULL;
  SrRecording *recording = g_new0 (SrRecording, 1);
  recording->path = g_strdup (path);
  recording->rate = rate;
  recording->writer = writer;
  recording->ring = sr_audio_ring_new (SR_RECORDING_RING_FRAMES);
  recording->thread = g_thread_new ("sr-recording", write_file, recording);
  return recording;
}

/* Copies FRAMES samples, NaN and infinities as silence, and returns their peak. A sound system can hand over such
 * values (a JACK port's stale buffer did, in the tests); a file encoder refuses them, and they would end the take. */
static float
clean_copy (float *to, const float *from, gsize frames)
{
  float peak = 0;
  for (gsize i = 0; i < frames; i++)
    {
      to[i] = isfinite (from[i]) ? from[i] : 0.0f;
      peak = fmaxf (peak, fabsf (to[i]));
    }
  return peak;
}

void
sr_recording_set_limit (SrRecording *recording, gsize frames)
{
  atomic_store (&recording->limit, frames);
}

gboolean
sr_recording_full (SrRecording *recording)
{
  gsize limit = atomic_load (&recording->limit);
  return limit != 0 && atomic_load (&recording->pushed) >= limit;
}

void
sr_recording_push (SrRecording *recording, const float *samples, gsize frames)
{
  gsize limit = atomic_load_explicit (&recording->limit, memory_order_relaxed);
  gsize pushed = atomic_load_explicit (&recording->pushed, memory_order_relaxed);
  if (limit != 0)
    frames = pushed < limit ? MIN (frames, limit - pushed) : 0;
  atomic_store_explicit (&recording->pushed, pushed + frames, memory_order_relaxed);
  float peak = 0, clean[512];
  for (gsize done = 0; done < frames;)
    {
      gsize part = MIN (frames - done, G_N_ELEMENTS (clean));
      peak = fmaxf (peak, clean_copy (clean, samples + done, part));
      gsize queued = sr_audio_ring_write (recording->ring, clean, part);
      if (queued < part)
        atomic_fetch_add_explicit (&recording->dropped, part - queued, memory_order_relaxed);
      done += part;
    }
  /* Non-negative floats order as their bit patterns do, so the running maximum is one on integers. */
  guint bits;
  memcpy (&bits, &peak, sizeof bits);
  guint seen = atomic_load_explicit (&recording->peak_bits, memory_order_relaxed);
  while (bits > seen && !atomic_compare_exchange_weak (&recording->peak_bits, &seen, bits))
    ;
}

float
sr_recording_take_peak (SrRecording *recording)
{
  guint bits = atomic_exchange (&recording->peak_bits, 0);
  float peak;
  memcpy (&peak, &bits, sizeof peak);
  return peak;
}

gsize
sr_recording_frames_written (SrRecording *recording)
{
  return atomic_load (&recording->written);
}

gsize
sr_recording_frames_dropped (SrRecording *recording)
{
  return atomic_load (&recording->dropped);
}

guint
sr_recording_input_overflows (SrRecording *recording)
{
  return atomic_load (&recording->overflows);
}

gboolean
sr_recording_failed (SrRecording *recording)
{
  return atomic_load (&recording->failed);
}

static int
input_callback (const void *input, void *output, unsigned long frames, const PaStreamCallbackTimeInfo *time,
                PaStreamCallbackFlags flags, void *data)
{
  (void) output;
  (void) time;
  SrRecording *recording = data;
  const float *interleaved = input;
  if (interleaved == NULL)
    return paContinue;
  if (flags & paInputOverflow)
    atomic_fetch_add_explicit (&recording->overflows, 1, memory_order_relaxed);
  if (recording->channels == 1)
    {
      sr_recording_push (recording, interleaved, frames);
      return paContinue;
    }
  for (unsigned long done = 0; done < frames;)
    {
      gsize part = MIN (frames - done, G_N_ELEMENTS (recording->mono));
      for (gsize i = 0; i < part; i++)
        {
          float sum = 0;
          for (int c = 0; c < recording->channels; c++)
            sum += interleaved[(done + i) * recording->channels + c];
          recording->mono[i] = sum / recording->channels;
        }
      sr_recording_push (recording, recording->mono, part);
      done += part;
    }
  return paContinue;
}

gboolean
sr_recording_open_input (SrRecording *recording, const SrAudioDevice *device, GError **error)
{
  g_return_val_if_fail (recording->input == NULL && !recording->stopped, FALSE);
  recording->input = sr_audio_port_open (device, TRUE, recording->rate, INPUT_CHANNELS_MAX, 256, input_callback,
                                         recording, &recording->channels, error);
  return recording->input != NULL;
}

gboolean
sr_recording_stop (SrRecording *recording, GError **error)
{
  if (recording->stopped)
    return TRUE;
  recording->stopped = TRUE;
  sr_audio_port_close (recording->input);
  recording->input = NULL;
  atomic_store (&recording->stopping, TRUE);
  g_thread_join (recording->thread);
  g_autoptr(GError) closing = NULL;
  gboolean closed = sr_audio_writer_close (recording->writer, &closing);
  recording->writer = NULL;
  GError *first = recording->error != NULL ? g_steal_pointer (&recording->error) : g_steal_pointer (&closing);
  if (first != NULL)
    {
      g_propagate_prefixed_error (error, first, "%s: ", recording->path);
      return FALSE;
    }
  return closed;
}

void
sr_recording_free (SrRecording *recording)
{
  if (recording == NULL)
    return;
  sr_recording_stop (recording, NULL);
  sr_audio_ring_free (recording->ring);
  g_free (recording->path);
  g_free (recording);
}
