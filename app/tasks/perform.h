/* Turning a score image into sound (DESIGN §3 `perform`). The notation route: every system read by OMR, the readings
 * joined into one score, performed (repeats, tempo, dynamics, pedal) and rendered by the reference synthesizer. The
 * direct route (image → audio tokens → codec) waits for its model (issue 7). */
#pragma once

#include "audio-file.h"
#include "omr.h"

G_BEGIN_DECLS

typedef struct {
  guint systems;    /* read */
  guint empty;      /* of which nothing was read */
  guint notes;      /* performed */
  double seconds;   /* of sound */
} SrPerformSummary;

/* Where a performed note came from, for the overlay: when it sounds in the rendered sound, and the page rectangle the
 * reader looked at most while reading the note (its note-type token's focus), on the page straightened by
 * SKEW_DEGREES. */
typedef struct {
  double onset_seconds, offset_seconds;
  guint8 pitch;
  guint page_index;
  double skew_degrees;
  SrOmrFocus focus;
} SrPerformedSpot;

/* LMX TOKENS (guint16 ids) performed at TEMPO_SCALE times their tempo (1: as marked) and rendered at RATE; *N_NOTES
 * (may be NULL) counts the notes played. With
 * NOTE_TOKENS (may be NULL), *NOTE_TOKENS gets for each performed note (SrPerformedNote order, by onset) the index in
 * TOKENS of the token it came from, as gint64 (-1 when none), and *PERFORMED (may be NULL) the performed notes. */
SrAudio *sr_perform_lmx (const GArray *tokens, double tempo_scale, int rate, guint *n_notes, GArray **performed,
                         GArray **note_tokens, GError **error);

/* Sound that is final: SOUND (may be NULL) is handed it while the reader goes on, so that playing can start before
 * the last system is read; the pieces, one after the other, are the rendering's samples from the start. */
typedef void (*SrPerformSoundFunc) (const float *samples, gsize frames, gboolean last, gpointer user_data);

/* The score (one page when ONLY_PAGE > 0) read by READER, performed at TEMPO_SCALE times its tempo and rendered at
 * RATE. *SPOTS (may be NULL) gets
 * an SrPerformedSpot for every performed note whose reading has a focus. With SOUND, each system read makes the
 * sound before its first note final (later systems can add notes after it, as repeats do, never before) and hands it
 * on; the rest follows when the reading is done. The reader's system callback is this function's meanwhile. */
SrAudio *sr_perform_through_notation (SrOmrReader *reader, SrScoreDocument *document, guint only_page, int rate,
                                      double tempo_scale, SrPerformSummary *summary, GArray **spots,
                                      SrPerformSoundFunc sound, gpointer sound_data, GError **error);

G_END_DECLS
