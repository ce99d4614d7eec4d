/* Beat tracking by dynamic programming over an onset envelope (after Ellis, "Beat tracking by dynamic programming",
 * 2007), with the beat period itself part of the state so that the tempo may drift as performers let it. */
#include "beat-tracking.h"

#include <math.h>

#define FRAME_RATE 100.0       /* frames a second: the MIDI tokens' 10-ms grid */
#define MAX_CELLS 30000000.0   /* the path search's table (6 bytes a cell): long recordings use coarser frames */
#define SLOWEST_BEAT_S 1.5     /* 40 beats a minute */
#define FASTEST_BEAT_S 0.25    /* 240 */
#define PREFERRED_BEAT_S 0.6   /* 100 beats a minute: where a listener's tapping centres */
#define PREFERENCE_OCTAVES 0.9 /* how far from it the prior still allows, in octaves of tempo */
#define SHORTEST_PERIOD 0.75   /* the path's periods, relative to the piece's */
#define LONGEST_PERIOD 1.33
#define LARGEST_CHANGE 0.2     /* log ratio of one beat's period to the next */
/* The median time between onsets, in beats, of notated piano music lies between a sixteenth (busy virtuoso pieces:
 * ASAP's median is 0.24) and a whole beat (a beginner's waltz): beats that make it shorter or longer are unlikely. */
#define BUSIEST_IOI_BEATS 0.24
#define SPARSEST_IOI_BEATS 1.0
#define IOI_OCTAVES 0.8
#define WINDOW_S 8.0           /* the tempo's autocorrelation window */
#define HARMONIC_WEIGHT 0.5    /* how much a period's divisions and groupings recurring count for it */
#define LENGTH_WEIGHT 6.0      /* onset weight added per second of a note's length (up to one second) */
#define CHANGE_PENALTY 20.0    /* per squared log ratio of one beat's period to the next */
#define DRIFT_PENALTY 2.0      /* per squared log ratio of a period to the piece's */

/* Onset strength a frame: each note adds its loudness, spread over ±30 ms since the notes of a chord are never played
 * quite together; scaled so that an average onset weighs about one. */
static float *
onset_envelope (const SrNote *notes, guint n_notes, guint n_frames, double rate)
{
  float *envelope = g_new0 (float, n_frames);
  static const float spread[] = { 0.14f, 0.6f, 1.0f, 0.6f, 0.14f };
  double total = 0;
  for (guint i = 0; i < n_notes; i++)
    {
      double weight = 0.3 + notes[i].velocity / 127.0;
      /* Long notes mark beats more often than short ones. */
      weight *= 1 + LENGTH_WEIGHT * MIN (notes[i].offset - notes[i].onset, 1.0);
      gint64 centre = (gint64) lround (MAX (notes[i].onset, 0.0) * rate);
      for (int k = -2; k <= 2; k++)
        if (centre + k >= 0 && centre + k < n_frames)
          envelope[centre + k] += (float) (weight * spread[k + 2]);
      total += weight * 2.48;
    }
  /* Onsets closer than 50 ms are one event for the scale. */
  guint events = 0;
  double previous = -1;
  for (guint i = 0; i < n_notes; i++)
    {
      if (notes[i].onset - previous > 0.05)
        events++;
      previous = MAX (previous, notes[i].onset);
    }
  float scale = (float) (events / MAX (total, 1e-9));
  for (guint f = 0; f < n_frames; f++)
    envelope[f] *= scale;
  return envelope;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The median time between onsets, onsets closer than 50 ms taken as one (a chord). */
static double
median_ioi (const SrNote *notes, guint n_notes)
{
  g_autoptr(GArray) intervals = g_array_new (FALSE, FALSE, sizeof (double));
  double previous = notes[0].onset;
  for (guint i = 1; i < n_notes; i++)
    if (notes[i].onset - previous > 0.05)
      {
        double interval = notes[i].onset - previous;
        g_array_append_val (intervals, interval);
        previous = notes[i].onset;
      }
  if (intervals->len == 0)
    return PREFERRED_BEAT_S * BUSIEST_IOI_BEATS;
  g_array_sort (intervals, compare_doubles);
  return g_array_index (intervals, double, intervals->len / 2);
}

/* The beat period in frames: the envelope's autocorrelation under a prior for tempos people tap. */
/* With a tempo given: the autocorrelation's highest point between SHORTEST and LONGEST frames. */
static int
global_period_near (const float *envelope, guint n_frames, int shortest, int longest)
{
  int best = shortest;
  double best_sum = -G_MAXDOUBLE;
  for (int lag = shortest; lag <= longest; lag++)
    {
      double sum = 0;
      for (guint f = 0; f + (guint) lag < n_frames; f++)
        sum += envelope[f] * envelope[f + lag];
      sum /= MAX ((double) n_frames - lag, 1.0);
      if (sum > best_sum)
        best_sum = sum, best = lag;
    }
  return best;
}

static int
global_period (const float *envelope, guint n_frames, double rate, double median_ioi_s, double hint_s)
{
  int shortest = (int) (FASTEST_BEAT_S * rate), longest = (int) (SLOWEST_BEAT_S * rate);
  if (hint_s > 0)
    shortest = MAX (2, (int) (hint_s / 1.15 * rate)), longest = MAX (shortest, (int) ceil (hint_s * 1.15 * rate));
  int best = (int) (PREFERRED_BEAT_S * rate);
  /* Autocorrelation out to three times the longest beat, averaged over windows of a few seconds (so that a tempo
   * that drifts over the piece still shows one period), each window's mean removed and its energy scaled to one. */
  int reach = 3 * longest;
  if (hint_s > 0)
    return global_period_near (envelope, n_frames, shortest, longest);
  guint window = (guint) (WINDOW_S * rate), hop = window / 2;
  g_autofree double *correlation = g_new0 (double, reach + 1);
  g_autofree double *centred = g_new (double, window + reach);
  for (guint start = 0; start == 0 || start + window / 2 < n_frames; start += hop)
    {
      guint length = MIN (window + reach, n_frames - start);
      double mean = 0;
      for (guint f = 0; f < length; f++)
        mean += envelope[start + f] / length;
      for (guint f = 0; f < length; f++)
        centred[f] = envelope[start + f] - mean;
      double energy = 0;
      for (guint f = 0; f < MIN (window, length); f++)
        energy += centred[f] * centred[f];
      if (energy <= 0)
        continue;
      for (int lag = 1; lag <= reach && (guint) lag < length; lag++)
        {
          double sum = 0;
          for (guint f = 0; f < MIN (window, length - lag); f++)
            sum += centred[f] * centred[f + lag];
          correlation[lag] += sum / energy;
        }
    }
  /* A beat is a level of a metre: the periods it divides into (two or three) and those it groups into recur too, so
   * that a beat of three eighths in a piece of running eighths in 4/4 loses to the quarter. */
  double best_score = -1;
  for (int lag = shortest; lag <= longest; lag++)
    {
      double divided = MAX (correlation[lag / 2], correlation[lag / 3]);
      double grouped = MAX (correlation[2 * lag], correlation[3 * lag]);
      double sum = correlation[lag] + HARMONIC_WEIGHT * (divided + 0.5 * grouped);
      double octaves = log2 (lag / (PREFERRED_BEAT_S * rate)) / PREFERENCE_OCTAVES;
      double ioi_beats = median_ioi_s * rate / lag;
      double ioi_octaves = (ioi_beats < BUSIEST_IOI_BEATS   ? log2 (ioi_beats / BUSIEST_IOI_BEATS)
                            : ioi_beats > SPARSEST_IOI_BEATS ? log2 (ioi_beats / SPARSEST_IOI_BEATS)
                                                             : 0.0) / IOI_OCTAVES;
      double score = MAX (sum, 0.0) * exp (-0.5 * octaves * octaves) * exp (-0.5 * ioi_octaves * ioi_octaves);
      if (score > best_score)
        best_score = score, best = lag;
    }
  return best;
}

double
sr_beats_median_period (const GArray *beats)
{
  if (beats == NULL || beats->len < 2)
    return 0.5;
  g_autoptr(GArray) periods = g_array_sized_new (FALSE, FALSE, sizeof (double), beats->len - 1);
  for (guint i = 1; i < beats->len; i++)
    {
      double period = g_array_index (beats, double, i) - g_array_index (beats, double, i - 1);
      g_array_append_val (periods, period);
    }
  g_array_sort (periods, compare_doubles);
  return g_array_index (periods, double, periods->len / 2);
}

double
sr_beats_position (const GArray *beats, double time)
{
  const double *b = (const double *) beats->data;
  guint n = beats->len;
  if (time <= b[0])
    return (time - b[0]) / (b[1] - b[0]);
  if (time >= b[n - 1])
    return (n - 1) + (time - b[n - 1]) / (b[n - 1] - b[n - 2]);
  guint low = 0, high = n - 1; /* b[low] <= time < b[high] */
  while (high - low > 1)
    {
      guint middle = (low + high) / 2;
      if (b[middle] <= time)
        low = middle;
      else
        high = middle;
    }
  return low + (time - b[low]) / (b[high] - b[low]);
}

GArray *
sr_beats_track (const SrNote *notes, guint n_notes, double tempo_hint_bpm)
{
  if (n_notes == 0)
    return NULL;
  double first_onset = G_MAXDOUBLE, last_onset = 0, last_offset = 0;
  for (guint i = 0; i < n_notes; i++)
    {
      first_onset = MIN (first_onset, MAX (notes[i].onset, 0.0));
      last_onset = MAX (last_onset, notes[i].onset);
      last_offset = MAX (last_offset, notes[i].offset);
    }
  /* The table grows with the square of the frame rate (frames × periods). */
  double rate = MIN (FRAME_RATE, sqrt (MAX_CELLS / (MAX (last_onset, 1.0) * SLOWEST_BEAT_S *
                                                    (LONGEST_PERIOD - SHORTEST_PERIOD))));
  guint n_frames = (guint) (last_onset * rate) + 4;
  g_autofree float *envelope = onset_envelope (notes, n_notes, n_frames, rate);
  int period = global_period (envelope, n_frames, rate, median_ioi (notes, n_notes),
                              tempo_hint_bpm > 0 ? 60.0 / tempo_hint_bpm : 0.0);

  int shortest = MAX (2, (int) lround (period * SHORTEST_PERIOD));
  int longest = (int) lround (period * LONGEST_PERIOD);
  int n_periods = longest - shortest + 1;
  g_autofree double *change = g_new (double, (gsize) n_periods * n_periods);
  g_autofree double *drift = g_new (double, n_periods);
  g_autofree int *first_k = g_new (int, n_periods), *last_k = g_new (int, n_periods);
  for (int j = 0; j < n_periods; j++)
    {
      double d = log ((double) (shortest + j) / period);
      drift[j] = DRIFT_PENALTY * d * d;
      first_k[j] = n_periods, last_k[j] = -1;
      for (int k = 0; k < n_periods; k++)
        {
          double c = log ((double) (shortest + j) / (shortest + k));
          change[j * n_periods + k] = CHANGE_PENALTY * c * c;
          if (fabs (c) <= LARGEST_CHANGE)
            first_k[j] = MIN (first_k[j], k), last_k[j] = MAX (last_k[j], k);
        }
    }

  /* score[f][j]: the best path of beats ending with a beat at frame f reached by a step of shortest + j frames;
   * from[f][j] the step before it (-1: the path's first beat, allowed only within a beat of the first onset). */
  gsize cells = (gsize) n_frames * n_periods;
  g_autofree float *score = g_new (float, cells);
  g_autofree gint16 *from = g_new (gint16, cells);
  guint start_limit = (guint) (first_onset * rate) + (guint) longest;
  for (guint f = 0; f < n_frames; f++)
    for (int j = 0; j < n_periods; j++)
      {
        int step = shortest + j;
        double best = f <= start_limit ? 0.0 : -INFINITY;
        int best_k = -1;
        if (f >= (guint) step)
          {
            const float *previous = score + (gsize) (f - step) * n_periods;
            for (int k = first_k[j]; k <= last_k[j]; k++)
              {
                double candidate = previous[k] - change[j * n_periods + k];
                if (candidate > best)
                  best = candidate, best_k = k;
              }
          }
        score[(gsize) f * n_periods + j] = (float) (envelope[f] - drift[j] + best);
        from[(gsize) f * n_periods + j] = (gint16) best_k;
      }

  /* The path ends on the last beat within a beat of the last onset. */
  guint last_frame = (guint) (last_onset * rate);
  double best = -INFINITY;
  guint end_f = n_frames - 1;
  int end_j = period - shortest;
  for (guint f = last_frame > (guint) longest ? last_frame - longest : 0; f < n_frames; f++)
    for (int j = 0; j < n_periods; j++)
      if (f + (guint) (shortest + j) > last_frame && score[(gsize) f * n_periods + j] > best)
        best = score[(gsize) f * n_periods + j], end_f = f, end_j = j;

  GArray *frames = g_array_new (FALSE, FALSE, sizeof (double));
  for (gint64 f = end_f, j = end_j; j >= 0 && f >= 0;)
    {
      double seconds = f / rate;
      g_array_prepend_val (frames, seconds);
      int k = from[(gsize) f * n_periods + j];
      f -= shortest + j;
      j = k;
    }

  /* Extend by the edge periods so that the beats cover every onset and offset. */
  double edge = period / rate;
  while (frames->len < 2 || g_array_index (frames, double, 0) > first_onset + 0.25 * edge)
    {
      double earlier = g_array_index (frames, double, 0) -
                       (frames->len >= 2 ? g_array_index (frames, double, 1) - g_array_index (frames, double, 0) : edge);
      g_array_prepend_val (frames, earlier);
    }
  for (;;)
    {
      guint n = frames->len;
      double last = g_array_index (frames, double, n - 1), step = last - g_array_index (frames, double, n - 2);
      if (last >= last_offset)
        break;
      double later = last + step;
      g_array_append_val (frames, later);
    }
  return frames;
}
