/* Beats of a performance (a transcription, a MIDI keyboard recording): where a listener would tap, found from the
 * notes alone, so that a draft score can be written on them. */
#pragma once

#include "midi-notes.h"

G_BEGIN_DECLS

/* Beat times in seconds (ascending, at least two) of the performed NOTES, from before their first onset to after
 * their last offset: a tempo found from the onsets' periodicity, then the best path of beats through the onsets
 * that lets the tempo drift from beat to beat (rubato, ritardando). With TEMPO_HINT_BPM (0: none), the tempo is
 * looked for within 15 % of it. NULL when there are no notes. Notes are taken as they are: the caller keeps them
 * within sane times. */
GArray *sr_beats_track (const SrNote *notes, guint n_notes, double tempo_hint_bpm);

/* The median time between beats, in seconds. */
double sr_beats_median_period (const GArray *beats);

/* Where TIME falls on the beats, in beats from the first (fractional; extrapolated beyond the ends). */
double sr_beats_position (const GArray *beats, double time);

G_END_DECLS
