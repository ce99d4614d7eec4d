/* A draft score from performed notes — what `transcribe` writes after the model has heard a recording, and what a
 * MIDI keyboard take becomes: beats tracked, metre and key estimated, notes quantised and split between the hands,
 * written as LMX for a piano's two staves and, through the delinearizer, as MusicXML with a metronome mark. */
#pragma once

#include <libxml/tree.h>

#include "draft-quantize.h"
#include "key-estimate.h"

G_BEGIN_DECLS

#define SR_DRAFT_LONGEST_S (3 * 3600.0)

typedef struct {
  double beats_per_minute; /* the median beat: a quarter, or a dotted quarter in compound metre */
  SrMetre metre;
  SrKey key;
  int beats, beat_type;    /* the time signature written */
  guint n_bars;
  guint n_notes;           /* the pitched notes drafted (drums are left out) */
  GArray *beats_s;         /* the tracked beats, seconds */
} SrDraftSummary;

/* What the player knows and says: each left at 0 is estimated. */
typedef struct {
  double beats_per_minute;  /* roughly (within 15 %): of quarters, or of dotted quarters in 6/8, 9/8, 12/8 */
  int time_beats, time_beat_type; /* the time signature: N/4 (N from 1 to 7), 6/8, 9/8 or 12/8 */
  gboolean has_key;
  int key_fifths;           /* -7 … 7 */
} SrDraftOptions;

/* Fills METRE from a time signature the draft can write; FALSE (METRE untouched) for others. */
gboolean sr_draft_metre_of_time (int beats, int beat_type, SrMetre *metre);

/* The draft of NOTES as LMX tokens (guint16 ids), one part. NULL with an error when there is no pitched note, the
 * notes last longer than SR_DRAFT_LONGEST_S, or OPTIONS (may be NULL) ask for what cannot be written. SUMMARY (may
 * be NULL) gets what was estimated; clear it with sr_draft_summary_clear. */
GArray *sr_draft_score_lmx (const SrNote *notes, guint n_notes, const SrDraftOptions *options,
                            SrDraftSummary *summary, GError **error);

/* The draft's TOKENS as MusicXML 4.0, with SUMMARY's tempo as a metronome mark and a <sound tempo> in the first
 * bar. */
xmlDoc *sr_draft_musicxml (const GArray *tokens, const SrDraftSummary *summary);

/* Both steps at once. */
xmlDoc *sr_draft_score (const SrNote *notes, guint n_notes, const SrDraftOptions *options, SrDraftSummary *summary,
                        GError **error);

void sr_draft_summary_clear (SrDraftSummary *summary);

G_END_DECLS
