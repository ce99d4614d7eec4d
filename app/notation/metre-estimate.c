/* Metre from accents: bars begin where the bass enters, notes are long and the harmony changes; beats divide in
 * three where the onsets between them sit at thirds rather than quarters. */
#include "metre-estimate.h"

#include <math.h>

#include "beat-tracking.h"

#define NEAR_BEAT 0.15 /* beats: an onset this close to a beat accents it */

/* Accent of each beat: the notes struck on it, each weighed by its length (in beats, at most a bar) and more for
 * bass notes; and how far its pitch classes differ from the previous beat's (a chord change). */
static double *
beat_accents (const SrNote *notes, guint n_notes, const GArray *beats)
{
  guint n = beats->len;
  double *accent = g_new0 (double, n);
  double *classes = g_new0 (double, 12 * (gsize) n); /* pitch classes sounding in each beat */
  for (guint i = 0; i < n_notes; i++)
    {
      double position = sr_beats_position (beats, notes[i].onset);
      double length = sr_beats_position (beats, notes[i].offset) - position;
      gint64 nearest = (gint64) lround (position);
      if (nearest < 0 || nearest >= n)
        continue;
      double weight = MIN (MAX (length, 0.0), 4.0) * (notes[i].pitch < 55 ? 2.0 : 1.0) * notes[i].velocity / 127.0;
      if (fabs (position - nearest) <= NEAR_BEAT)
        accent[nearest] += weight;
      /* What sounds during the beat, for the harmony. */
      gint64 from = (gint64) floor (position + NEAR_BEAT);
      gint64 to = MAX (from + 1, (gint64) ceil (position + MAX (length, 0.0) - NEAR_BEAT));
      for (gint64 b = MAX (from, 0); b < MIN (to, (gint64) n); b++)
        classes[12 * b + notes[i].pitch % 12] += notes[i].pitch < 55 ? 2.0 : 1.0;
    }
  /* The first sound is a change from silence. */
  for (guint b = 0; b < n; b++)
    {
      double dot = 0, a = 0, c = 0;
      for (int k = 0; k < 12; k++)
        {
          double now = classes[12 * b + k], before = b > 0 ? classes[12 * (b - 1) + k] : 0.0;
          dot += now * before, a += now * now, c += before * before;
        }
      if (a > 0)
        accent[b] += c > 0 ? 1.0 - dot / sqrt (a * c) : 1.0;
    }
  g_free (classes);
  return accent;
}

/* Beats whose inner onsets sit nearer thirds than quarters, against those nearer quarters. */
static gboolean
beats_divide_in_three (const SrNote *notes, guint n_notes, const GArray *beats)
{
  guint threes = 0, twos = 0;
  for (guint i = 0; i < n_notes; i++)
    {
      double position = sr_beats_position (beats, notes[i].onset);
      double fraction = position - floor (position);
      if (fraction < 0.1 || fraction > 0.9)
        continue;
      double to_quarters = fabs (fraction * 4 - round (fraction * 4)) / 4;
      double to_thirds = fabs (fraction * 3 - round (fraction * 3)) / 3;
      if (to_thirds + 0.02 < to_quarters)
        threes++;
      else if (to_quarters + 0.02 < to_thirds)
        twos++;
    }
  return threes > 2 * twos && threes >= 8;
}

SrMetre
sr_metre_estimate (const SrNote *notes, guint n_notes, const GArray *beats, const SrMetre *hint)
{
  gboolean given = hint != NULL && hint->beats_per_bar > 0;
  SrMetre metre = { 4, 0, FALSE };
  if (given)
    metre.beats_per_bar = hint->beats_per_bar, metre.compound = hint->compound;
  if (beats == NULL || beats->len < 2)
    return metre;
  g_autofree double *accent = beat_accents (notes, n_notes, beats);
  /* Only the beats from the first onset to the last count: those the tracker adds around the notes are silent. */
  guint from = beats->len, n = 0;
  for (guint i = 0; i < n_notes; i++)
    {
      double position = sr_beats_position (beats, notes[i].onset);
      gint64 beat = CLAMP ((gint64) floor (position + NEAR_BEAT), 0, (gint64) beats->len - 1);
      from = MIN (from, (guint) beat), n = MAX (n, (guint) beat + 1);
    }
  if (from >= n)
    return metre;
  double mean = 0;
  for (guint b = from; b < n; b++)
    mean += accent[b] / (n - from);

  /* The bar length and phase whose downbeats stand out most above the other beats. */
  static const double preference[] = { [2] = 0.92, [3] = 1.0, [4] = 1.0 };
  double best = -G_MAXDOUBLE;
  for (int length = given ? hint->beats_per_bar : 2; length <= (given ? hint->beats_per_bar : 4); length++)
    for (int phase = 0; phase < length; phase++)
      {
        double on = 0, off = 0;
        guint n_on = 0, n_off = 0;
        for (guint b = from; b < n; b++)
          if ((int) (b % length) == phase)
            on += accent[b], n_on++;
          else
            off += accent[b], n_off++;
        if (n_on == 0 || n_off == 0)
          continue;
        double contrast = (on / n_on - off / n_off) / MAX (mean, 1e-9) * (given ? 1.0 : preference[length]);
        if (contrast > best)
          best = contrast, metre.beats_per_bar = length, metre.first_downbeat = (guint) phase;
      }
  metre.compound = given ? hint->compound : beats_divide_in_three (notes, n_notes, beats);
  return metre;
}
