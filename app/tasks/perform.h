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

/* LMX TOKENS (guint16 ids) performed and rendered at RATE; *N_NOTES (may be NULL) counts the notes played. */
SrAudio *sr_perform_lmx (const GArray *tokens, int rate, guint *n_notes, GError **error);

/* The score (one page when ONLY_PAGE > 0) read by READER, performed and rendered at RATE. */
SrAudio *sr_perform_through_notation (SrOmrReader *reader, SrScoreDocument *document, guint only_page, int rate,
                                      SrPerformSummary *summary, GError **error);

G_END_DECLS
