/* Quantisation beat by beat: each beat takes the grid that explains its onsets best for its complexity, so that
 * triplets and thirty-seconds appear where they are played and nowhere else. */
#include "draft-quantize.h"

#include <math.h>

#include "beat-tracking.h"

#define TIMING_NOISE 0.05 /* beats: how far a careful player's onsets stray from the written ones */
#define N_GRIDS 4
static const double grid_cost[N_GRIDS] = { 0.0, 3.0, 2.0, 4.0 }; /* SrDraftGrid order */

/* Hands: where each sits (MIDI pitch) at the start, how wide it reaches, and where it rarely goes. */
#define RIGHT_HAND_START 71
#define LEFT_HAND_START 50
#define HAND_SPAN 14
#define WIDE_GAP 7
#define RIGHT_HAND_LOWEST 53
#define LEFT_HAND_HIGHEST 67

int
sr_draft_grid_step (SrDraftGrid grid, int ticks_per_beat)
{
  (void) ticks_per_beat;
  switch (grid)
    {
    case SR_DRAFT_GRID_THIRTY_SECONDS:
      return SR_DRAFT_TICKS_PER_QUARTER / 8;
    case SR_DRAFT_GRID_TRIPLETS:
      return SR_DRAFT_TICKS_PER_QUARTER / 3;
    case SR_DRAFT_GRID_SIXTEENTH_TRIPLETS:
      return SR_DRAFT_TICKS_PER_QUARTER / 6;
    case SR_DRAFT_GRID_SIXTEENTHS:
    default:
      return SR_DRAFT_TICKS_PER_QUARTER / 4;
    }
}

static SrDraftGrid
grid_at (const SrDraft *draft, gint64 beat)
{
  return beat >= 0 && beat < draft->grids->len ? (SrDraftGrid) draft->grids->data[beat] : SR_DRAFT_GRID_SIXTEENTHS;
}

static gint64
snap (const SrDraft *draft, double position)
{
  gint64 beat = (gint64) floor (position);
  int step = sr_draft_grid_step (grid_at (draft, beat), draft->ticks_per_beat);
  double steps = (position - beat) * draft->ticks_per_beat / step;
  return beat * draft->ticks_per_beat + (gint64) lround (steps) * step;
}

/* Each beat's grid: the least squared distance of its onsets to the grid, in units of timing noise, plus the grid's
 * cost. Compound beats (three eighths) take sixteenths or thirty-seconds. */
static void
choose_grids (SrDraft *draft, const double *onsets, guint n_notes, guint n_beats)
{
  int n_grids = draft->metre.compound ? 2 : N_GRIDS;
  g_autofree double *error = g_new0 (double, (gsize) n_beats * N_GRIDS);
  g_autofree guint *count = g_new0 (guint, n_beats);
  for (guint i = 0; i < n_notes; i++)
    {
      gint64 beat = (gint64) floor (onsets[i]);
      if (beat < 0 || beat >= n_beats)
        continue;
      count[beat]++;
      for (int g = 0; g < n_grids; g++)
        {
          double per_beat = (double) draft->ticks_per_beat / sr_draft_grid_step (g, draft->ticks_per_beat);
          double fraction = (onsets[i] - beat) * per_beat;
          double miss = (fraction - round (fraction)) / per_beat / TIMING_NOISE;
          error[beat * N_GRIDS + g] += miss * miss;
        }
    }
  g_byte_array_set_size (draft->grids, n_beats);
  for (guint b = 0; b < n_beats; b++)
    {
      int best = SR_DRAFT_GRID_SIXTEENTHS;
      for (int g = 1; g < n_grids && count[b] > 0; g++)
        if (error[b * N_GRIDS + g] + grid_cost[g] < error[b * N_GRIDS + best] + grid_cost[best])
          best = g;
      draft->grids->data[b] = (guint8) best;
    }
}

static int
by_pitch_then_start (gconstpointer a, gconstpointer b)
{
  const SrDraftNote *x = a, *y = b;
  if (x->pitch != y->pitch)
    return x->pitch - y->pitch;
  return (x->start > y->start) - (x->start < y->start);
}

static int
by_start_then_pitch (gconstpointer a, gconstpointer b)
{
  const SrDraftNote *x = a, *y = b;
  if (x->start != y->start)
    return (x->start > y->start) - (x->start < y->start);
  return x->pitch - y->pitch;
}

/* One note per pitch at a time: a repeated key cuts the note before it short; two notes snapped together are one. */
static void
merge_repeated_keys (GArray *notes)
{
  g_array_sort (notes, by_pitch_then_start);
  guint kept = 0;
  for (guint i = 0; i < notes->len; i++)
    {
      SrDraftNote note = g_array_index (notes, SrDraftNote, i);
      SrDraftNote *previous = kept > 0 ? &g_array_index (notes, SrDraftNote, kept - 1) : NULL;
      if (previous != NULL && previous->pitch == note.pitch && previous->start == note.start)
        {
          previous->end = MAX (previous->end, note.end);
          previous->velocity = MAX (previous->velocity, note.velocity);
          continue;
        }
      if (previous != NULL && previous->pitch == note.pitch && previous->end > note.start)
        previous->end = note.start;
      g_array_index (notes, SrDraftNote, kept++) = note;
    }
  g_array_set_size (notes, kept);
  g_array_sort (notes, by_start_then_pitch);
}

static double
hand_cost (const SrDraftNote *notes, guint from, guint to, double centre, gboolean right)
{
  if (from == to)
    return 0;
  double cost = 0;
  for (guint i = from; i < to; i++)
    {
      int pitch = notes[i].pitch;
      cost += fabs (pitch - centre) / 7.0;
      if (right && pitch < RIGHT_HAND_LOWEST)
        cost += (RIGHT_HAND_LOWEST - pitch) / 4.0;
      if (!right && pitch > LEFT_HAND_HIGHEST)
        cost += (pitch - LEFT_HAND_HIGHEST) / 4.0;
    }
  int span = notes[to - 1].pitch - notes[from].pitch;
  return cost + (span > HAND_SPAN ? 2.0 * (span - HAND_SPAN) : 0.0);
}

static double
mean_pitch (const SrDraftNote *notes, guint from, guint to)
{
  double sum = 0;
  for (guint i = from; i < to; i++)
    sum += notes[i].pitch;
  return sum / MAX (to - from, 1u);
}

/* Where to cut a chord (notes struck together, low to high) between the hands, which follow their last positions:
 * at its widest gap, if it is wide (a fifth or more), when the notes below sit nearer the left hand and those above nearer the right; otherwise whole
 * to the nearer hand while one hand can reach it; otherwise at the cut that keeps both hands nearest home. */
static guint
hand_split (const SrDraftNote *n, guint first, guint last, double left, double right)
{
  guint widest = first + 1;
  for (guint i = first + 1; i < last; i++)
    if (n[i].pitch - n[i - 1].pitch > n[widest].pitch - n[widest - 1].pitch)
      widest = i;
  if (last - first >= 2 && n[widest].pitch - n[widest - 1].pitch >= WIDE_GAP)
    {
      double below = mean_pitch (n, first, widest), above = mean_pitch (n, widest, last);
      if (fabs (below - left) < fabs (below - right) && fabs (above - right) < fabs (above - left))
        return widest;
    }
  if (n[last - 1].pitch - n[first].pitch <= HAND_SPAN)
    {
      double mean = mean_pitch (n, first, last);
      return fabs (mean - left) < fabs (mean - right) ? last : first;
    }
  guint best_split = first;
  double best = G_MAXDOUBLE;
  for (guint split = first; split <= last; split++)
    {
      double cost = hand_cost (n, first, split, left, FALSE) + hand_cost (n, split, last, right, TRUE);
      if (cost < best)
        best = cost, best_split = split;
    }
  return best_split;
}

static void
split_hands (GArray *notes)
{
  double right = RIGHT_HAND_START, left = LEFT_HAND_START;
  SrDraftNote *n = (SrDraftNote *) notes->data;
  for (guint first = 0; first < notes->len;)
    {
      guint last = first;
      while (last < notes->len && n[last].start == n[first].start)
        last++;
      guint split = hand_split (n, first, last, left, right);
      for (guint i = first; i < last; i++)
        n[i].staff = i < split ? 2 : 1;
      if (split > first)
        left = 0.7 * left + 0.3 * mean_pitch (n, first, split);
      if (last > split)
        right = 0.7 * right + 0.3 * mean_pitch (n, split, last);
      first = last;
    }
}

SrDraft *
sr_draft_quantize (const SrNote *notes, guint n_notes, const GArray *beats, SrMetre metre)
{
  SrDraft *draft = g_new0 (SrDraft, 1);
  draft->metre = metre;
  draft->ticks_per_beat = metre.compound ? SR_DRAFT_TICKS_PER_QUARTER * 3 / 2 : SR_DRAFT_TICKS_PER_QUARTER;
  draft->bar_ticks = (gint64) metre.beats_per_bar * draft->ticks_per_beat;
  draft->notes = g_array_new (FALSE, FALSE, sizeof (SrDraftNote));
  draft->grids = g_byte_array_new ();
  if (n_notes == 0)
    {
      draft->n_bars = 1;
      return draft;
    }

  /* Positions in beats from the downbeat of the bar the first note falls in. */
  g_autofree double *onsets = g_new (double, n_notes), *offsets = g_new (double, n_notes);
  double lowest = G_MAXDOUBLE, highest = 0;
  for (guint i = 0; i < n_notes; i++)
    {
      onsets[i] = sr_beats_position (beats, notes[i].onset);
      offsets[i] = sr_beats_position (beats, notes[i].offset);
      lowest = MIN (lowest, onsets[i]);
    }
  double first_beat = floor (lowest + 0.1);
  double origin = metre.first_downbeat +
                  metre.beats_per_bar * floor ((first_beat - metre.first_downbeat) / metre.beats_per_bar);
  for (guint i = 0; i < n_notes; i++)
    {
      onsets[i] -= origin, offsets[i] -= origin;
      highest = MAX (highest, offsets[i]);
    }
  guint n_beats = (guint) ceil (highest) + 1;
  choose_grids (draft, onsets, n_notes, n_beats);

  for (guint i = 0; i < n_notes; i++)
    {
      SrDraftNote note = { snap (draft, onsets[i]), snap (draft, offsets[i]), notes[i].pitch, notes[i].velocity, 1, i };
      note.start = MAX (note.start, 0);
      int step = sr_draft_grid_step (grid_at (draft, note.start / draft->ticks_per_beat), draft->ticks_per_beat);
      note.end = MAX (note.end, note.start + step);
      g_array_append_val (draft->notes, note);
    }
  merge_repeated_keys (draft->notes);
  split_hands (draft->notes);
  gint64 end = 0;
  for (guint i = 0; i < draft->notes->len; i++)
    end = MAX (end, g_array_index (draft->notes, SrDraftNote, i).end);
  draft->n_bars = (guint) MAX (1, (end + draft->bar_ticks - 1) / draft->bar_ticks);
  return draft;
}

void
sr_draft_free (SrDraft *draft)
{
  if (draft == NULL)
    return;
  g_array_unref (draft->notes);
  g_byte_array_unref (draft->grids);
  g_free (draft);
}
