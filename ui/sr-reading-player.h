/* Plays a reading as it stands, corrections and all: its LMX performed and rendered by the reference synthesizer on
 * a worker thread at the chosen tempo, then played at the chosen volume on $SIGHTREAD_AUDIO_DEVICE, else the
 * preferences' sound output, else the default. "playing" notifies; "failed" carries a message to show (no sound card,
 * no SoundFont, nothing to play). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SR_TYPE_READING_PLAYER (sr_reading_player_get_type ())
G_DECLARE_FINAL_TYPE (SrReadingPlayer, sr_reading_player, SR, READING_PLAYER, GObject)

SrReadingPlayer *sr_reading_player_new (void);

/* Stops what plays and plays TOKENS (guint16 LMX ids; copied). */
void sr_reading_player_play (SrReadingPlayer *self, const GArray *tokens);
void sr_reading_player_stop (SrReadingPlayer *self);
/* Where the sound is (seconds of the rendering now reaching the ears), or -1 before it sounds. */
double sr_reading_player_get_seconds (SrReadingPlayer *self);
/* The tokens (indices into what play was given, as gint64) of the notes sounding at SECONDS. */
GArray *sr_reading_player_tokens_at (SrReadingPlayer *self, double seconds);

/* TRUE from play until the sound has ended, been stopped or failed (rendering included). */
gboolean sr_reading_player_get_playing (SrReadingPlayer *self);

#define SR_READING_PLAYER_MIN_TEMPO 0.25
#define SR_READING_PLAYER_MAX_TEMPO 4.0
/* "tempo": times the marked tempo. Changed while playing, the reading is rendered again and goes on from the same
 * place in the music. */
void sr_reading_player_set_tempo (SrReadingPlayer *self, double tempo);
double sr_reading_player_get_tempo (SrReadingPlayer *self);
/* "volume": 0–1, at once. */
void sr_reading_player_set_volume (SrReadingPlayer *self, double volume);
double sr_reading_player_get_volume (SrReadingPlayer *self);
/* "duration": seconds of what plays, 0 while nothing is rendered. */
double sr_reading_player_get_duration (SrReadingPlayer *self);
/* Jumps to SECONDS of what plays (nothing before it sounds). */
void sr_reading_player_seek (SrReadingPlayer *self, double seconds);

G_END_DECLS
