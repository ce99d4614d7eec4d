/* How a draft writes a stretch of time: note values that a reader expects — plain values (at most one dot) over
 * beats of two, triplet values under a 3:2 bracket within beats of three, a bracket per beat, beams joining the
 * eighths and shorter notes of one beat. */
#pragma once

#include "draft-quantize.h"

G_BEGIN_DECLS

#define SR_DRAFT_FIRST_TYPE 5 /* 32nd: the shortest value the grids make (sr_lmx_type_names order) */
#define SR_DRAFT_LAST_TYPE 11 /* breve */

typedef struct {
  gint64 start, length;   /* ticks */
  int type, dots;         /* sr_lmx_type_names index */
  gboolean triplet;       /* under 3:2 */
  gboolean tie_start, tie_stop, beam_begin, beam_end, tuplet_start, tuplet_stop;
  gconstpointer sound;    /* the caller's chord, or NULL for silence (a rest, or a skip in a second voice) */
  guint32 accidentals;    /* the caller's: which notes of the chord print an accidental */
} SrDraftValue;

/* Ticks of the note type TYPE (from SR_DRAFT_FIRST_TYPE). */
gint64 sr_draft_type_ticks (int type);

/* Appends to VALUES the values of [START, END) (within one bar) holding SOUND. */
void sr_draft_values_for_span (const SrDraft *draft, gint64 start, gint64 end, gconstpointer sound, GArray *values);

/* Marks the beams and triplet brackets of one voice's VALUES in one bar, beat by beat; silences in brackets only when
 * BRACKETED_SILENCE (rests are bracketed, a second voice's skips are not). */
void sr_draft_values_mark_groups (const SrDraft *draft, GArray *values, gboolean bracketed_silence);

G_END_DECLS
