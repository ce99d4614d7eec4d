/* Sound files (issue 11): read WAV, FLAC, OGG (and what else libsndfile opens, MP3 included where it can) as mono
 * PCM at the rate the models want, resampled by libsamplerate; write WAV, FLAC or OGG by the file's extension.
 * Anything unreadable — a corrupt or truncated file, an absurd length — is an error that says what, never a crash. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_AUDIO_MAX_SECONDS (4 * 3600) /* longer than any piece; beyond it a file is refused */

typedef struct {
  float *samples; /* mono, -1 … 1 */
  gsize frames;
  int rate;       /* samples per second */
} SrAudio;

void sr_audio_free (SrAudio *audio);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrAudio, sr_audio_free)

/* PATH as mono (channels averaged) at RATE. */
SrAudio *sr_audio_read (const char *path, int rate, GError **error);
/* PATH's length in seconds by its header, checked as sr_audio_read checks it; -1 with ERROR for what is no sound
 * file we read (before reading it whole). */
double sr_audio_file_seconds (const char *path, GError **error);
/* The same from bytes in memory, NAME for messages (fuzzing, tests). */
SrAudio *sr_audio_read_bytes (const void *data, gsize size, const char *name, int rate, GError **error);
/* Whether PATH's extension names a format sr_audio_write writes (checked before long work, not after). */
gboolean sr_audio_can_write (const char *path, GError **error);
/* AUDIO to PATH: .wav (16-bit PCM), .flac (16-bit) or .ogg (Vorbis), by the extension. */
gboolean sr_audio_write (const SrAudio *audio, const char *path, GError **error);
/* A sound file written piece by piece (a recording): BITS 16 or 24 for WAV and FLAC. Closing finalises the file,
 * also after a failed write; it always frees the writer. */
typedef struct _SrAudioWriter SrAudioWriter;
SrAudioWriter *sr_audio_writer_open (const char *path, int rate, int bits, GError **error);
gboolean sr_audio_writer_write (SrAudioWriter *writer, const float *samples, gsize frames, GError **error);
gboolean sr_audio_writer_close (SrAudioWriter *writer, GError **error);

/* FRAMES of mono PCM at FROM samples per second → a new SrAudio at TO. */
SrAudio *sr_audio_resample (const float *samples, gsize frames, int from, int to, GError **error);

G_END_DECLS
