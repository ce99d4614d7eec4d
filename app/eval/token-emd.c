/* Pitch and duration histograms of LMX and the distance between them; see token-emd.h. */
#include "token-emd.h"

#include <math.h>
#include <string.h>

#define FIRST_PITCH_POSITION 5 /* A0: octave 0 × 7 + A */

static const char *const note_types[] = { "1024th", "512th", "256th", "128th", "64th", "32nd", "16th", "eighth",
                                          "quarter", "half", "whole", "breve", "long", "maxima" };

static int
diatonic_position (const char *token)
{
  const char *step = token[0] != '\0' ? strchr ("CDEFGAB", token[0]) : NULL;
  if (step == NULL || token[1] < '0' || token[1] > '9' || token[2] != '\0')
    return -1;
  return (token[1] - '0') * 7 + (int) (step - "CDEFGAB");
}

static int
type_index (const char *token)
{
  for (guint i = 0; i < G_N_ELEMENTS (note_types); i++)
    if (strcmp (token, note_types[i]) == 0)
      return (int) i;
  return -1;
}

void
sr_token_histograms_add (SrTokenHistograms *histograms, const GPtrArray *tokens)
{
  gboolean hidden = FALSE; /* the type ahead belongs to a forward or backup */
  for (guint i = 0; i < tokens->len; i++)
    {
      const char *token = tokens->pdata[i];
      int position = diatonic_position (token);
      if (position >= 0)
        {
          histograms->pitch[CLAMP (position - FIRST_PITCH_POSITION, 0, SR_EMD_PITCH_BINS - 1)] += 1;
          hidden = FALSE;
          continue;
        }
      if (strcmp (token, "rest") == 0)
        hidden = FALSE;
      else if (strcmp (token, "forward") == 0 || strcmp (token, "backup") == 0)
        hidden = TRUE;
      int type = type_index (token);
      if (type >= 0)
        {
          if (!hidden)
            histograms->duration[MIN (type, SR_EMD_DURATION_BINS - 1)] += 1;
          hidden = FALSE;
        }
    }
}

double
sr_emd_1d (const double *a, const double *b, guint n)
{
  double total_a = 0, total_b = 0;
  for (guint i = 0; i < n; i++)
    {
      total_a += a[i];
      total_b += b[i];
    }
  if (total_a <= 0 && total_b <= 0)
    return 0;
  if (total_a <= 0 || total_b <= 0)
    return n - 1.0;
  /* In one dimension the earth moved is the area between the two cumulative distributions. */
  double distance = 0, carried = 0;
  for (guint i = 0; i + 1 < n; i++)
    {
      carried += a[i] / total_a - b[i] / total_b;
      distance += fabs (carried);
    }
  return distance;
}

double
sr_token_pitch_emd (const SrTokenHistograms *reference, const SrTokenHistograms *prediction)
{
  return sr_emd_1d (reference->pitch, prediction->pitch, SR_EMD_PITCH_BINS);
}

double
sr_token_duration_emd (const SrTokenHistograms *reference, const SrTokenHistograms *prediction)
{
  double best = G_MAXDOUBLE;
  for (int shift = -1; shift <= 1; shift++)
    {
      double shifted[SR_EMD_DURATION_BINS] = { 0 };
      for (int i = 0; i < SR_EMD_DURATION_BINS; i++)
        shifted[CLAMP (i + shift, 0, SR_EMD_DURATION_BINS - 1)] += prediction->duration[i];
      best = MIN (best, sr_emd_1d (reference->duration, shifted, SR_EMD_DURATION_BINS));
    }
  return best;
}
