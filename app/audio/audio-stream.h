/* Sound that may still be being made: a generator appends PCM while a player reads behind it, so playback can start
 * before the last system is generated. Shared by reference between the two threads; never touched by the audio
 * callback (the player's own thread moves it into the callback's ring). */
#pragma once

#include <glib.h>

#include "audio-file.h"

G_BEGIN_DECLS

typedef struct _SrAudioStream SrAudioStream;

SrAudioStream *sr_audio_stream_new (int rate);
/* A finished stream holding a copy of AUDIO. */
SrAudioStream *sr_audio_stream_new_from_audio (const SrAudio *audio);
SrAudioStream *sr_audio_stream_ref (SrAudioStream *stream);
void sr_audio_stream_unref (SrAudioStream *stream);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrAudioStream, sr_audio_stream_unref)

int sr_audio_stream_rate (const SrAudioStream *stream);

/* Generator side. After finish nothing more is appended; a generator that failed finishes too (what exists plays). */
void sr_audio_stream_append (SrAudioStream *stream, const float *samples, gsize frames);
void sr_audio_stream_finish (SrAudioStream *stream);
/* Appends and finishes at once, so the player knows at once that these are the last samples. */
void sr_audio_stream_append_last (SrAudioStream *stream, const float *samples, gsize frames);

/* Player side: up to FRAMES samples from POSITION; *ENDED tells that the stream is finished and nothing follows. */
gsize sr_audio_stream_read (SrAudioStream *stream, gsize position, float *samples, gsize frames, gboolean *ended);
/* Waits until there is a sample at POSITION or the stream is finished, at most TIMEOUT_US; TRUE when one of them. */
gboolean sr_audio_stream_wait (SrAudioStream *stream, gsize position, gint64 timeout_us);
/* Frames appended so far; whether the stream is finished. */
gsize sr_audio_stream_frames (SrAudioStream *stream, gboolean *finished);

G_END_DECLS
