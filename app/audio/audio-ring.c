/* The ring's two indices only grow; each side owns one and reads the other's. Release on publishing an index and
 * acquire on reading the other side's make the samples copied before the store visible after the load. */
#include "audio-ring.h"

#include <stdatomic.h>
#include <string.h>

struct _SrAudioRing {
  float *samples;
  gsize mask;
  /* Apart, so the producer's and the consumer's stores do not bounce one cache line between cores. */
  _Alignas (64) atomic_size_t written;
  _Alignas (64) atomic_size_t read;
};

SrAudioRing *
sr_audio_ring_new (gsize min_frames)
{
  gsize capacity = 1;
  while (capacity < MAX (min_frames, 2))
    capacity <<= 1;
  SrAudioRing *ring = g_aligned_alloc0 (1, sizeof (SrAudioRing), 64);
  ring->samples = g_new0 (float, capacity);
  ring->mask = capacity - 1;
  atomic_init (&ring->written, 0);
  atomic_init (&ring->read, 0);
  return ring;
}

void
sr_audio_ring_free (SrAudioRing *ring)
{
  if (ring == NULL)
    return;
  g_free (ring->samples);
  g_aligned_free (ring);
}

gsize
sr_audio_ring_capacity (const SrAudioRing *ring)
{
  return ring->mask + 1;
}

gsize
sr_audio_ring_writable (const SrAudioRing *ring)
{
  gsize written = atomic_load_explicit (&((SrAudioRing *) ring)->written, memory_order_relaxed);
  gsize read = atomic_load_explicit (&((SrAudioRing *) ring)->read, memory_order_acquire);
  return ring->mask + 1 - (written - read);
}

gsize
sr_audio_ring_readable (const SrAudioRing *ring)
{
  gsize written = atomic_load_explicit (&((SrAudioRing *) ring)->written, memory_order_acquire);
  gsize read = atomic_load_explicit (&((SrAudioRing *) ring)->read, memory_order_relaxed);
  return written - read;
}

/* Copies FRAMES samples between the ring at index AT and OUTSIDE, in at most two runs around the end. */
static void
copy_around (SrAudioRing *ring, gsize at, float *outside, gsize frames, gboolean into_ring)
{
  gsize start = at & ring->mask;
  gsize first = MIN (frames, ring->mask + 1 - start);
  if (into_ring)
    {
      memcpy (ring->samples + start, outside, first * sizeof (float));
      memcpy (ring->samples, outside + first, (frames - first) * sizeof (float));
    }
  else
    {
      memcpy (outside, ring->samples + start, first * sizeof (float));
      memcpy (outside + first, ring->samples, (frames - first) * sizeof (float));
    }
}

gsize
sr_audio_ring_write (SrAudioRing *ring, const float *samples, gsize frames)
{
  gsize written = atomic_load_explicit (&ring->written, memory_order_relaxed);
  gsize read = atomic_load_explicit (&ring->read, memory_order_acquire);
  gsize count = MIN (frames, ring->mask + 1 - (written - read));
  copy_around (ring, written, (float *) samples, count, TRUE);
  atomic_store_explicit (&ring->written, written + count, memory_order_release);
  return count;
}

gsize
sr_audio_ring_read (SrAudioRing *ring, float *samples, gsize frames)
{
  gsize read = atomic_load_explicit (&ring->read, memory_order_relaxed);
  gsize written = atomic_load_explicit (&ring->written, memory_order_acquire);
  gsize count = MIN (frames, written - read);
  copy_around (ring, read, samples, count, FALSE);
  atomic_store_explicit (&ring->read, read + count, memory_order_release);
  return count;
}

void
sr_audio_ring_discard (SrAudioRing *ring)
{
  gsize written = atomic_load_explicit (&ring->written, memory_order_acquire);
  atomic_store_explicit (&ring->read, written, memory_order_release);
}
