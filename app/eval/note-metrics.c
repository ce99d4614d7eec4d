/* mir_eval-exact note matching; see note-metrics.h. */
#include "note-metrics.h"

#include <math.h>

/* numpy.around(x, 4): scale, round half to even, scale back. */
static double
around4 (double x)
{
  return nearbyint (x * 10000.0) / 10000.0;
}

static gboolean
within (double distance, double tolerance, gboolean strict)
{
  return strict ? distance < tolerance : distance <= tolerance;
}

static double
log2_hz (guint8 pitch)
{
  return log2 (440.0 * pow (2.0, (pitch - 69.0) / 12.0));
}

typedef struct {
  guint n_left;   /* estimated notes */
  guint n_right;  /* reference notes */
  GArray **edges; /* per left vertex: guint right vertices */
  int *match_left;
  int *match_right;
  guint *distance;
} Graph;

#define INFINITE_DISTANCE G_MAXUINT

static gboolean
breadth_first (Graph *graph, guint *queue)
{
  guint head = 0, tail = 0;
  gboolean found = FALSE;
  for (guint u = 0; u < graph->n_left; u++)
    {
      if (graph->match_left[u] < 0)
        {
          graph->distance[u] = 0;
          queue[tail++] = u;
        }
      else
        graph->distance[u] = INFINITE_DISTANCE;
    }
  while (head < tail)
    {
      guint u = queue[head++];
      for (guint k = 0; k < graph->edges[u]->len; k++)
        {
          int w = graph->match_right[g_array_index (graph->edges[u], guint, k)];
          if (w < 0)
            found = TRUE;
          else if (graph->distance[w] == INFINITE_DISTANCE)
            {
              graph->distance[w] = graph->distance[u] + 1;
              queue[tail++] = (guint) w;
            }
        }
    }
  return found;
}

static gboolean
depth_first (Graph *graph, guint u)
{
  for (guint k = 0; k < graph->edges[u]->len; k++)
    {
      guint v = g_array_index (graph->edges[u], guint, k);
      int w = graph->match_right[v];
      if (w < 0 || (graph->distance[w] == graph->distance[u] + 1 && depth_first (graph, (guint) w)))
        {
          graph->match_left[u] = (int) v;
          graph->match_right[v] = (int) u;
          return TRUE;
        }
    }
  graph->distance[u] = INFINITE_DISTANCE;
  return FALSE;
}

/* Hopcroft–Karp: the size of a maximum matching, which is all precision and recall depend on. */
static guint
maximum_matching (Graph *graph)
{
  g_autofree guint *queue = g_new (guint, graph->n_left + 1);
  guint matched = 0;
  while (breadth_first (graph, queue))
    for (guint u = 0; u < graph->n_left; u++)
      if (graph->match_left[u] < 0 && depth_first (graph, u))
        matched++;
  return matched;
}

static int
compare_by_onset (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const SrNote *notes = user_data;
  double x = notes[*(const guint *) a].onset, y = notes[*(const guint *) b].onset;
  return (x > y) - (x < y);
}

SrNoteScores
sr_note_scores (const SrNote *reference, guint n_reference, const SrNote *estimate, guint n_estimate,
                const SrNoteMatchRules *rules)
{
  SrNoteScores scores = { 0, 0, 0, n_reference, n_estimate, 0 };
  if (n_reference == 0 || n_estimate == 0)
    return scores;

  /* Reference notes by onset, so that each estimate looks only at those near its own onset. */
  g_autofree guint *by_onset = g_new (guint, n_reference);
  for (guint i = 0; i < n_reference; i++)
    by_onset[i] = i;
  g_qsort_with_data (by_onset, (gint) n_reference, sizeof (guint), compare_by_onset, (gpointer) reference);

  Graph graph = { n_estimate, n_reference, g_new0 (GArray *, n_estimate), g_new (int, n_estimate),
                  g_new (int, n_reference), g_new (guint, n_estimate) };
  /* Rounding to 4 decimals can pull a distance just above the tolerance back onto it. */
  double window = rules->onset_tolerance + 1e-4;
  for (guint j = 0; j < n_estimate; j++)
    {
      graph.edges[j] = g_array_new (FALSE, FALSE, sizeof (guint));
      graph.match_left[j] = -1;
      const SrNote *est = &estimate[j];
      guint low = 0, high = n_reference;
      while (low < high)
        {
          guint middle = (low + high) / 2;
          if (reference[by_onset[middle]].onset < est->onset - window)
            low = middle + 1;
          else
            high = middle;
        }
      for (guint k = low; k < n_reference && reference[by_onset[k]].onset <= est->onset + window; k++)
        {
          guint i = by_onset[k];
          const SrNote *ref = &reference[i];
          if (!within (around4 (fabs (ref->onset - est->onset)), rules->onset_tolerance, rules->strict))
            continue;
          if (!within (fabs (1200.0 * (log2_hz (ref->pitch) - log2_hz (est->pitch))), rules->pitch_tolerance,
                       rules->strict))
            continue;
          if (rules->offset_ratio >= 0)
            {
              double tolerance = MAX (rules->offset_ratio * fabs (ref->offset - ref->onset), rules->offset_min_tolerance);
              if (!within (around4 (fabs (ref->offset - est->offset)), tolerance, rules->strict))
                continue;
            }
          g_array_append_val (graph.edges[j], i);
        }
    }
  for (guint i = 0; i < n_reference; i++)
    graph.match_right[i] = -1;

  scores.n_matched = maximum_matching (&graph);
  scores.precision = (double) scores.n_matched / n_estimate;
  scores.recall = (double) scores.n_matched / n_reference;
  /* mir_eval.util.f_measure with beta = 1, term by term. */
  if (scores.precision != 0 || scores.recall != 0)
    scores.f1 = (1.0 + 1.0) * scores.precision * scores.recall / (1.0 * scores.precision + scores.recall);

  for (guint j = 0; j < n_estimate; j++)
    g_array_unref (graph.edges[j]);
  g_free (graph.edges);
  g_free (graph.match_left);
  g_free (graph.match_right);
  g_free (graph.distance);
  return scores;
}
