/* What the device-machine harnesses share (tools/device/README.md): a monotonic clock and the comparison that sorts
 * repeated timings for their median. Not part of the product. */
#pragma once

#include <time.h>

static inline double
harness_now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static inline int
harness_compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}
