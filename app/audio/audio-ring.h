/* A lock-free single-producer single-consumer ring of mono samples: the only thing an audio callback touches besides
 * a few atomics. One thread writes, one thread reads; neither ever waits on the other, locks or allocates. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SrAudioRing SrAudioRing;

/* A ring holding at least MIN_FRAMES samples (rounded up to a power of two so indices wrap with a mask). */
SrAudioRing *sr_audio_ring_new (gsize min_frames);
void sr_audio_ring_free (SrAudioRing *ring);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrAudioRing, sr_audio_ring_free)

gsize sr_audio_ring_capacity (const SrAudioRing *ring);

/* Producer side: copies up to FRAMES samples in, returns how many fit. */
gsize sr_audio_ring_write (SrAudioRing *ring, const float *samples, gsize frames);
gsize sr_audio_ring_writable (const SrAudioRing *ring);

/* Consumer side: copies up to FRAMES samples out, returns how many there were. */
gsize sr_audio_ring_read (SrAudioRing *ring, float *samples, gsize frames);
gsize sr_audio_ring_readable (const SrAudioRing *ring);
/* Consumer side: drops everything written so far (a seek's flush). */
void sr_audio_ring_discard (SrAudioRing *ring);

G_END_DECLS
