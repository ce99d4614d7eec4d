/* Note-level precision, recall and F1 with mir_eval's transcription rules (precision_recall_f1_overlap): onsets
 * within 50 ms, pitches within 50 cents, optionally offsets within 20 % of the reference duration (at least 50 ms),
 * distances rounded to 4 decimals, a maximum bipartite matching. */
#pragma once

#include "midi-notes.h"

G_BEGIN_DECLS

typedef struct {
  double onset_tolerance;      /* seconds */
  double pitch_tolerance;      /* cents */
  double offset_ratio;         /* < 0: offsets are ignored */
  double offset_min_tolerance; /* seconds */
  gboolean strict;             /* < instead of ≤ */
} SrNoteMatchRules;

#define SR_NOTE_MATCH_RULES_DEFAULT ((SrNoteMatchRules) { 0.05, 50.0, 0.2, 0.05, FALSE })
#define SR_NOTE_MATCH_RULES_ONSET_ONLY ((SrNoteMatchRules) { 0.05, 50.0, -1.0, 0.05, FALSE })

typedef struct {
  double precision;
  double recall;
  double f1;
  guint n_reference;
  guint n_estimate;
  guint n_matched;
} SrNoteScores;

/* Pitches are MIDI note numbers; mir_eval's comparison happens on their frequencies, as here. */
SrNoteScores sr_note_scores (const SrNote *reference, guint n_reference, const SrNote *estimate, guint n_estimate,
                             const SrNoteMatchRules *rules);

G_END_DECLS
