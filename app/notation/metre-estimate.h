/* The metre of a performance on its tracked beats: how many beats make a bar, which beat is the first downbeat,
 * and whether beats divide in two (2/4, 3/4, 4/4) or in three (6/8, 9/8, 12/8). */
#pragma once

#include "midi-notes.h"

G_BEGIN_DECLS

typedef struct {
  int beats_per_bar;  /* 2, 3 or 4 */
  guint first_downbeat; /* index into the beats, below beats_per_bar */
  gboolean compound;  /* beats of three eighths */
} SrMetre;

/* With HINT->beats_per_bar above 0 (HINT may be NULL), the bar length and the beat's division are given and only the
 * first downbeat is looked for. */
SrMetre sr_metre_estimate (const SrNote *notes, guint n_notes, const GArray *beats, const SrMetre *hint);

G_END_DECLS
