/* Playback of a (possibly still growing) stream: a producer thread keeps a lock-free ring full; the audio callback
 * only copies from it, applies the gain and zero-fills a shortfall, counting it as an underrun. Play, pause, seek,
 * stop and gain are commands through atomics; the clock says which stream sample is sounding (for the overlay).
 *
 * The core works without a device (sr_playback_pull is the callback's body, for tests and benchmarks);
 * sr_playback_open_output connects it to a PortAudio output stream. */
#pragma once

#include <glib.h>

#include "audio-devices.h"
#include "audio-stream.h"

G_BEGIN_DECLS

typedef struct _SrPlayback SrPlayback;

/* The ring holds this much, about 1.5 s at 44.1 kHz: enough to ride out a busy moment of the machine. */
#define SR_PLAYBACK_RING_FRAMES 65536

SrPlayback *sr_playback_new (SrAudioStream *stream);
/* Stops the output and the producer, then frees. */
void sr_playback_free (SrPlayback *playback);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrPlayback, sr_playback_free)

/* Opens DEVICE at the stream's rate, FRAMES_PER_BUFFER a callback (0: PortAudio's choice), starts it once the ring
 * holds what there is to hold (or the stream's first PREROLL_FRAMES, whichever is less), and plays. */
gboolean sr_playback_open_output (SrPlayback *playback, const SrAudioDevice *device, int frames_per_buffer,
                                  GError **error);

/* Commands, from any thread. */
void sr_playback_set_paused (SrPlayback *playback, gboolean paused);
void sr_playback_seek (SrPlayback *playback, gsize frame);
void sr_playback_set_gain (SrPlayback *playback, float gain);

/* Meters, from any thread. clock: the stream position of the next sample to hand to the device (samples consumed);
 * sounding: the sample at the speaker now, from the device's timing (≤ clock by the output latency). */
gsize sr_playback_clock (SrPlayback *playback);
gsize sr_playback_sounding (SrPlayback *playback);
/* Frames queued ahead of the clock (at most the ring's size). */
gsize sr_playback_buffered (SrPlayback *playback);
guint sr_playback_underruns (SrPlayback *playback);
/* Whether the whole stream has been handed to the device (and the output latency has passed, with a device). */
gboolean sr_playback_finished (SrPlayback *playback);
/* Seconds spent in the output callback so far (its share of a core: this over the time played). */
double sr_playback_callback_seconds (SrPlayback *playback);
/* The output's latency in seconds as PortAudio reports it (0 without a device). */
double sr_playback_latency (SrPlayback *playback);

/* The callback's body: fills OUT with FRAMES mono samples. DAC_TIME: when OUT's first sample will sound, in the
 * output stream's clock (Pa_GetStreamTime; any value without a device). Real-time safe: no locks, no allocation, no I/O. */
void sr_playback_pull (SrPlayback *playback, float *out, gsize frames, double dac_time);

G_END_DECLS
