/* A growing array under a mutex: appends are a few times a second, reads a few hundred times, both off the audio
 * thread, so a lock is the simple and right tool here. POSIX's rather than GLib's, whose futexes ThreadSanitizer
 * cannot see (the playback tests run under it); the condition waits on the monotonic clock. */
#include "audio-stream.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

struct _SrAudioStream {
  gint references;
  int rate;
  pthread_mutex_t lock;
  pthread_cond_t grown;
  GArray *samples; /* float */
  gboolean finished;
};

SrAudioStream *
sr_audio_stream_new (int rate)
{
  g_return_val_if_fail (rate > 0, NULL);
  SrAudioStream *stream = g_new0 (SrAudioStream, 1);
  stream->references = 1;
  stream->rate = rate;
  pthread_mutex_init (&stream->lock, NULL);
  pthread_condattr_t attributes;
  pthread_condattr_init (&attributes);
  pthread_condattr_setclock (&attributes, CLOCK_MONOTONIC);
  pthread_cond_init (&stream->grown, &attributes);
  pthread_condattr_destroy (&attributes);
  stream->samples = g_array_new (FALSE, FALSE, sizeof (float));
  return stream;
}

SrAudioStream *
sr_audio_stream_new_from_audio (const SrAudio *audio)
{
  SrAudioStream *stream = sr_audio_stream_new (audio->rate);
  sr_audio_stream_append_last (stream, audio->samples, audio->frames);
  return stream;
}

SrAudioStream *
sr_audio_stream_ref (SrAudioStream *stream)
{
  g_atomic_int_inc (&stream->references);
  return stream;
}

void
sr_audio_stream_unref (SrAudioStream *stream)
{
  if (stream == NULL || !g_atomic_int_dec_and_test (&stream->references))
    return;
  g_array_unref (stream->samples);
  pthread_mutex_destroy (&stream->lock);
  pthread_cond_destroy (&stream->grown);
  g_free (stream);
}

int
sr_audio_stream_rate (const SrAudioStream *stream)
{
  return stream->rate;
}

void
sr_audio_stream_append (SrAudioStream *stream, const float *samples, gsize frames)
{
  pthread_mutex_lock (&stream->lock);
  if (!stream->finished)
    g_array_append_vals (stream->samples, samples, (guint) frames);
  pthread_cond_broadcast (&stream->grown);
  pthread_mutex_unlock (&stream->lock);
}

void
sr_audio_stream_append_last (SrAudioStream *stream, const float *samples, gsize frames)
{
  pthread_mutex_lock (&stream->lock);
  if (!stream->finished)
    g_array_append_vals (stream->samples, samples, (guint) frames);
  stream->finished = TRUE;
  pthread_cond_broadcast (&stream->grown);
  pthread_mutex_unlock (&stream->lock);
}

void
sr_audio_stream_finish (SrAudioStream *stream)
{
  pthread_mutex_lock (&stream->lock);
  stream->finished = TRUE;
  pthread_cond_broadcast (&stream->grown);
  pthread_mutex_unlock (&stream->lock);
}

gsize
sr_audio_stream_read (SrAudioStream *stream, gsize position, float *samples, gsize frames, gboolean *ended)
{
  pthread_mutex_lock (&stream->lock);
  gsize length = stream->samples->len;
  gsize count = position < length ? MIN (frames, length - position) : 0;
  if (count > 0)
    memcpy (samples, &g_array_index (stream->samples, float, position), count * sizeof (float));
  *ended = stream->finished && position + count >= length;
  pthread_mutex_unlock (&stream->lock);
  return count;
}

gboolean
sr_audio_stream_wait (SrAudioStream *stream, gsize position, gint64 timeout_us)
{
  struct timespec deadline;
  clock_gettime (CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += timeout_us / G_USEC_PER_SEC;
  deadline.tv_nsec += (timeout_us % G_USEC_PER_SEC) * 1000;
  if (deadline.tv_nsec >= 1000000000)
    {
      deadline.tv_sec++;
      deadline.tv_nsec -= 1000000000;
    }
  pthread_mutex_lock (&stream->lock);
  while (!stream->finished && position >= stream->samples->len)
    if (pthread_cond_timedwait (&stream->grown, &stream->lock, &deadline) != 0)
      break;
  gboolean ready = stream->finished || position < stream->samples->len;
  pthread_mutex_unlock (&stream->lock);
  return ready;
}

gsize
sr_audio_stream_frames (SrAudioStream *stream, gboolean *finished)
{
  pthread_mutex_lock (&stream->lock);
  gsize length = stream->samples->len;
  if (finished != NULL)
    *finished = stream->finished;
  pthread_mutex_unlock (&stream->lock);
  return length;
}
