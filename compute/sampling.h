/* Choosing a token from logits: greedy, or sampled with temperature, top-k and top-p from a seeded generator, so
 * that a seed reproduces a generation exactly. */
#pragma once

#include <stdint.h>

typedef struct {
  float temperature; /* 0: greedy (the first of the largest logits) */
  int top_k;         /* 0: all */
  float top_p;       /* 0 or 1: all */
} SrSampling;

typedef struct {
  uint64_t state;
} SrRng;

void sr_rng_seed (SrRng *rng, uint64_t seed);
double sr_rng_uniform (SrRng *rng); /* in [0, 1) */

/* The chosen index among COUNT logits (-inf ones are never chosen); -1 when every logit is -inf or NaN. */
int32_t sr_sample (const float *logits, int32_t count, const SrSampling *sampling, SrRng *rng);
