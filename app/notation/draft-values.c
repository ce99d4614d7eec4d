/* See draft-values.h. */
#include "draft-values.h"

#include "lmx-vocabulary.h"

#define EIGHTH 7

gint64
sr_draft_type_ticks (int type)
{
  return (gint64) (SR_DRAFT_TICKS_PER_QUARTER / 8) << (type - SR_DRAFT_FIRST_TYPE);
}

static gboolean
is_triplet_grid (SrDraftGrid grid)
{
  return grid == SR_DRAFT_GRID_TRIPLETS || grid == SR_DRAFT_GRID_SIXTEENTH_TRIPLETS;
}

static SrDraftGrid
grid_of_beat (const SrDraft *draft, gint64 beat)
{
  return beat < draft->grids->len ? (SrDraftGrid) draft->grids->data[beat] : SR_DRAFT_GRID_SIXTEENTHS;
}

static void
add_piece (GArray *pieces, gint64 start, gint64 length, int type, int dots, gboolean triplet, gconstpointer sound)
{
  SrDraftValue piece = { .start = start, .length = length, .type = type, .dots = dots, .triplet = triplet, .sound = sound };
  g_array_append_val (pieces, piece);
}

/* Plain values, at most one dot, longest first. */
static void
plain_pieces (GArray *pieces, gint64 start, gint64 length, gconstpointer sound)
{
  while (length > 0)
    {
      int best_type = SR_DRAFT_FIRST_TYPE, best_dots = 0;
      gint64 best = 0;
      for (int type = SR_DRAFT_FIRST_TYPE; type <= SR_DRAFT_LAST_TYPE; type++)
        for (int dots = 0; dots <= 1; dots++)
          {
            gint64 base = sr_draft_type_ticks (type);
            if (dots == 1 && base % 2 != 0)
              continue;
            gint64 ticks = base + dots * base / 2;
            if (ticks <= length && ticks > best)
              best = ticks, best_type = type, best_dots = dots;
          }
      if (best == 0) /* shorter than any grid step: not made by the quantiser, kept as its shortest value */
        best = length;
      add_piece (pieces, start, best, best_type, best_dots, FALSE, sound);
      start += best, length -= best;
    }
}

/* Values under a 3:2 bracket (a triplet quarter, eighth or sixteenth), longest first. */
static void
triplet_pieces (GArray *pieces, gint64 start, gint64 length, gconstpointer sound)
{
  static const int types[] = { 8, 7, 6 };
  while (length > 0)
    {
      gboolean placed = FALSE;
      for (guint i = 0; i < G_N_ELEMENTS (types) && !placed; i++)
        {
          gint64 ticks = sr_draft_type_ticks (types[i]) * 2 / 3;
          if (ticks <= length)
            {
              add_piece (pieces, start, ticks, types[i], 0, TRUE, sound);
              start += ticks, length -= ticks, placed = TRUE;
            }
        }
      if (!placed)
        {
          plain_pieces (pieces, start, length, sound);
          return;
        }
    }
}

/* The written values of [START, END) in one bar: plain runs over beats of two, triplets within beats of three. */
void
sr_draft_values_for_span (const SrDraft *draft, gint64 start, gint64 end, gconstpointer sound, GArray *pieces)
{
  gint64 beat_ticks = draft->ticks_per_beat;
  for (gint64 now = start; now < end;)
    {
      gint64 beat = now / beat_ticks;
      if (is_triplet_grid (grid_of_beat (draft, beat)))
        {
          gint64 beat_end = (beat + 1) * beat_ticks, stop = MIN (end, beat_end);
          if (now == beat * beat_ticks && stop == beat_end)
            plain_pieces (pieces, now, stop - now, sound);
          else
            triplet_pieces (pieces, now, stop - now, sound);
          now = stop;
          continue;
        }
      gint64 stop = end;
      for (gint64 b = beat + 1; b * beat_ticks < end; b++)
        if (is_triplet_grid (grid_of_beat (draft, b)))
          {
            stop = b * beat_ticks;
            break;
          }
      plain_pieces (pieces, now, stop - now, sound);
      now = stop;
    }
}

/* Beams join the eighths and shorter notes of one beat; brackets the triplet values of one beat. */
void
sr_draft_values_mark_groups (const SrDraft *draft, GArray *pieces, gboolean bracketed_silence)
{
  gint64 beat_ticks = draft->ticks_per_beat;
  for (guint i = 0; i < pieces->len;)
    {
      SrDraftValue *p = &g_array_index (pieces, SrDraftValue, i);
      gint64 beat = p->start / beat_ticks;
      guint j = i;
      while (j < pieces->len && g_array_index (pieces, SrDraftValue, j).start / beat_ticks == beat)
        j++;
      /* [i, j): the pieces starting in this beat. */
      guint first_triplet = G_MAXUINT, last_triplet = 0;
      for (guint k = i; k < j; k++)
        if (g_array_index (pieces, SrDraftValue, k).triplet &&
            (bracketed_silence || g_array_index (pieces, SrDraftValue, k).sound != NULL))
          first_triplet = MIN (first_triplet, k), last_triplet = k;
      if (first_triplet != G_MAXUINT && last_triplet > first_triplet)
        {
          g_array_index (pieces, SrDraftValue, first_triplet).tuplet_start = TRUE;
          g_array_index (pieces, SrDraftValue, last_triplet).tuplet_stop = TRUE;
        }
      for (guint k = i; k < j;)
        {
          guint run = k;
          while (run < j)
            {
              const SrDraftValue *q = &g_array_index (pieces, SrDraftValue, run);
              if (q->sound == NULL || q->type > EIGHTH || (q->start + q->length - 1) / beat_ticks != beat)
                break;
              run++;
            }
          if (run - k >= 2)
            {
              g_array_index (pieces, SrDraftValue, k).beam_begin = TRUE;
              g_array_index (pieces, SrDraftValue, run - 1).beam_end = TRUE;
            }
          k = run > k ? run : k + 1;
        }
      i = j;
    }
}

