/* Performed notes on a grid of bars and beats: onsets and offsets snapped to sixteenths, thirty-seconds or triplets
 * as each beat's onsets suggest, and every note given to the right or the left hand's staff. */
#pragma once

#include "metre-estimate.h"

G_BEGIN_DECLS

#define SR_DRAFT_TICKS_PER_QUARTER 24

typedef enum {
  SR_DRAFT_GRID_SIXTEENTHS,      /* four a quarter beat, six a dotted-quarter beat */
  SR_DRAFT_GRID_THIRTY_SECONDS,
  SR_DRAFT_GRID_TRIPLETS,        /* three eighths in a quarter beat */
  SR_DRAFT_GRID_SIXTEENTH_TRIPLETS,
} SrDraftGrid;

typedef struct {
  gint64 start, end; /* ticks from the first bar's downbeat */
  guint8 pitch, velocity;
  guint8 staff;      /* 1 right hand (treble), 2 left hand (bass) */
  guint source;      /* the index of the performed note it was made from */
} SrDraftNote;

typedef struct {
  SrMetre metre;
  int ticks_per_beat;    /* 24, or 36 for a compound (dotted-quarter) beat */
  gint64 bar_ticks;
  guint n_bars;
  GArray *notes;         /* SrDraftNote, by start then pitch */
  GByteArray *grids;     /* SrDraftGrid of each beat from tick 0 */
} SrDraft;

/* NOTES on BEATS in METRE; beats before the first note's bar are dropped. */
SrDraft *sr_draft_quantize (const SrNote *notes, guint n_notes, const GArray *beats, SrMetre metre);
void sr_draft_free (SrDraft *draft);

/* The grid step in ticks of GRID in a beat of TICKS_PER_BEAT. */
int sr_draft_grid_step (SrDraftGrid grid, int ticks_per_beat);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrDraft, sr_draft_free)

G_END_DECLS
