/* Branch-free elementary functions the compiler can vectorise: glibc's expf is a scalar call, and softmax over
 * attention scores spends most of its time there. */
#pragma once

#include <stdint.h>
#include <string.h>

/* Hot loops are compiled for AVX-512 and AVX2 beside the baseline, and the loader picks the clone the CPU runs: the
 * binary stays portable and these machines' AVX-512 units are used. */
#if defined(__x86_64__) && (defined(__clang__) ? __clang_major__ >= 14 : defined(__GNUC__))
#define SR_VECTORIZED __attribute__ ((target_clones ("avx512f", "avx2", "default")))
#else
#define SR_VECTORIZED
#endif

/* Float sums and maxima in 16 independent lanes: the compiler may not reorder a single running sum (it would change
 * the rounding), so a one-accumulator loop stays scalar. */
static inline float
sr_sum (const float *x, int64_t n)
{
  float lanes[16] = { 0 };
  int64_t j = 0;
  for (; j + 16 <= n; j += 16)
    for (int l = 0; l < 16; l++)
      lanes[l] += x[j + l];
  float total = 0.0f;
  for (int l = 0; l < 16; l++)
    total += lanes[l];
  for (; j < n; j++)
    total += x[j];
  return total;
}

static inline float
sr_squared_deviation_sum (const float *x, int64_t n, float mean)
{
  float lanes[16] = { 0 };
  int64_t j = 0;
  for (; j + 16 <= n; j += 16)
    for (int l = 0; l < 16; l++)
      {
        float d = x[j + l] - mean;
        lanes[l] += d * d;
      }
  float total = 0.0f;
  for (int l = 0; l < 16; l++)
    total += lanes[l];
  for (; j < n; j++)
    total += (x[j] - mean) * (x[j] - mean);
  return total;
}

static inline float
sr_max (const float *x, int64_t n)
{
  float lanes[16];
  for (int l = 0; l < 16; l++)
    lanes[l] = -__builtin_inff ();
  int64_t j = 0;
  for (; j + 16 <= n; j += 16)
    for (int l = 0; l < 16; l++)
      lanes[l] = x[j + l] > lanes[l] ? x[j + l] : lanes[l];
  float largest = -__builtin_inff ();
  for (int l = 0; l < 16; l++)
    largest = lanes[l] > largest ? lanes[l] : largest;
  for (; j < n; j++)
    largest = x[j] > largest ? x[j] : largest;
  return largest;
}

/* e^x with a relative error below 4e-6 for x in [-87, 88] (the fp32 product x·log2(e) dominates it); 0 below -87,
 * so -inf gives 0; no inf above. */
static inline float
sr_exp_approx (float x)
{
  float clamped = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  float t = clamped * 1.44269504088896341f;
  float n = (t + 12582912.0f) - 12582912.0f; /* round to nearest */
  float f = t - n;                           /* in [-0.5, 0.5] */
  /* 2^f, minimax-like Taylor series of degree 6 */
  float p = 1.5403530e-4f;
  p = p * f + 1.3333558e-3f;
  p = p * f + 9.6181291e-3f;
  p = p * f + 5.5504109e-2f;
  p = p * f + 2.4022651e-1f;
  p = p * f + 6.9314718e-1f;
  p = p * f + 1.0f;
  int32_t bits = ((int32_t) n + 127) << 23;
  float scale;
  memcpy (&scale, &bits, sizeof scale);
  return x < -87.0f ? 0.0f : p * scale;
}
