/* Token choice; see sampling.h. */
#include "sampling.h"

#include <math.h>
#include <stdlib.h>

void
sr_rng_seed (SrRng *rng, uint64_t seed)
{
  rng->state = seed;
}

/* splitmix64: tiny, seedable with any value, good enough for choosing tokens. */
static uint64_t
next_u64 (SrRng *rng)
{
  uint64_t z = (rng->state += UINT64_C (0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

double
sr_rng_uniform (SrRng *rng)
{
  return (double) (next_u64 (rng) >> 11) * 0x1.0p-53;
}

static int32_t
argmax (const float *logits, int32_t count)
{
  int32_t best = -1;
  for (int32_t i = 0; i < count; i++)
    if (logits[i] == logits[i] && logits[i] != -INFINITY && (best < 0 || logits[i] > logits[best]))
      best = i;
  return best;
}

typedef struct {
  float value;
  int32_t index;
} Candidate;

static int
by_value_descending (const void *a, const void *b)
{
  const Candidate *x = a, *y = b;
  if (x->value != y->value)
    return x->value < y->value ? 1 : -1;
  return (x->index > y->index) - (x->index < y->index);
}

int32_t
sr_sample (const float *logits, int32_t count, const SrSampling *sampling, SrRng *rng)
{
  int32_t best = argmax (logits, count);
  if (best < 0 || sampling == NULL || sampling->temperature <= 0 || rng == NULL)
    return best;
  Candidate *candidates = malloc ((size_t) count * sizeof *candidates);
  if (candidates == NULL)
    return best;
  int32_t n = 0;
  for (int32_t i = 0; i < count; i++)
    if (logits[i] == logits[i] && logits[i] != -INFINITY)
      candidates[n++] = (Candidate) { (logits[i] - logits[best]) / sampling->temperature, i };
  qsort (candidates, (size_t) n, sizeof *candidates, by_value_descending);
  if (sampling->top_k > 0 && sampling->top_k < n)
    n = sampling->top_k;
  double total = 0;
  for (int32_t i = 0; i < n; i++)
    total += exp (candidates[i].value);
  if (sampling->top_p > 0 && sampling->top_p < 1)
    {
      /* the smallest head of the sorted list whose probability reaches top_p */
      double kept = 0;
      int32_t keep = 0;
      while (keep < n && kept < sampling->top_p * total)
        kept += exp (candidates[keep++].value);
      n = keep > 0 ? keep : 1;
      total = kept > 0 ? kept : exp (candidates[0].value);
    }
  double target = sr_rng_uniform (rng) * total, running = 0;
  int32_t chosen = candidates[n - 1].index;
  for (int32_t i = 0; i < n; i++)
    {
      running += exp (candidates[i].value);
      if (running > target)
        {
          chosen = candidates[i].index;
          break;
        }
    }
  free (candidates);
  return chosen;
}
