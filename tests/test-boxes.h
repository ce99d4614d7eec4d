/* How well two page boxes agree, for the tests that judge found systems against known ones. */
#pragma once

#include <glib.h>

#include "system-image.h"

/* Intersection over union of A and B: 1 when they are the same box, 0 when they do not touch. */
static inline double
sr_test_box_iou (const SrPageBox *a, const SrPageBox *b)
{
  double w = MIN (a->x + a->width, b->x + b->width) - MAX (a->x, b->x);
  double h = MIN (a->y + a->height, b->y + b->height) - MAX (a->y, b->y);
  double common = w > 0 && h > 0 ? w * h : 0;
  return common / (a->width * a->height + b->width * b->height - common);
}
