/* Recording to a file: the audio callback pushes samples into a lock-free ring and a writer thread drains it into
 * the file, so a slow disk never stalls the callback. The ring holds about 12 s; nothing is dropped unless the disk
 * stalls longer than that, and then the count of dropped samples says so. Stopping — also after an error — always
 * finalises the file with what was recorded.
 *
 * The core works without a device (sr_recording_push is the callback's body, for tests and benchmarks);
 * sr_recording_open_input connects it to a PortAudio input stream. */
#pragma once

#include <glib.h>

#include "audio-devices.h"

G_BEGIN_DECLS

typedef struct _SrRecording SrRecording;

#define SR_RECORDING_RING_FRAMES (1 << 19)

/* Creates PATH (.wav or .flac at 24 bits, .ogg) for mono sound at RATE and starts the writer. */
SrRecording *sr_recording_new (const char *path, int rate, GError **error);
/* Opens DEVICE's input (mixed down to mono) at the recording's rate and starts recording. */
gboolean sr_recording_open_input (SrRecording *recording, const SrAudioDevice *device, GError **error);
/* Stops the input, writes what is queued and finalises the file; FALSE with the first error that happened. */
gboolean sr_recording_stop (SrRecording *recording, GError **error);
/* Stops (ignoring errors) if not stopped, and frees. */
void sr_recording_free (SrRecording *recording);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrRecording, sr_recording_free)

/* Takes only the first FRAMES pushed (a recording of a set length); sr_recording_full tells when they are in. */
void sr_recording_set_limit (SrRecording *recording, gsize frames);
gboolean sr_recording_full (SrRecording *recording);

/* The callback's body: queues FRAMES samples for the file. Real-time safe. */
void sr_recording_push (SrRecording *recording, const float *samples, gsize frames);

/* Meters, from any thread. The peak level (0 … 1) since the last call; frames in the file; frames dropped because
 * the ring was full; whether writing has failed (the error comes from sr_recording_stop). */
float sr_recording_take_peak (SrRecording *recording);
gsize sr_recording_frames_written (SrRecording *recording);
gsize sr_recording_frames_dropped (SrRecording *recording);
gboolean sr_recording_failed (SrRecording *recording);
/* Times the sound system itself reported input lost before it reached us (an overloaded machine). */
guint sr_recording_input_overflows (SrRecording *recording);

G_END_DECLS
