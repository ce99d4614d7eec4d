#include "system-filters.h"

#include <math.h>

static gboolean
overlap (const SrPageBox *x, const SrPageBox *y, double max_overlap)
{
  double across = MIN (x->x + x->width, y->x + y->width) - MAX (x->x, y->x);
  double down = MIN (x->y + x->height, y->y + y->height) - MAX (x->y, y->y);
  double smaller = MIN (x->width * x->height, y->width * y->height);
  return across > 0 && down > 0 && across * down > max_overlap * smaller;
}

void
sr_filter_systems (SrFoundSystem *systems, guint n, double max_overlap, double height_z)
{
  for (guint a = 0; a < n; a++)
    for (guint b = a + 1; b < n; b++)
      if (systems[a].slide == systems[b].slide && overlap (&systems[a].box, &systems[b].box, max_overlap))
        systems[a].dropped = systems[b].dropped = "overlap";
  double sum = 0, squares = 0;
  guint count = 0;
  for (guint i = 0; i < n; i++)
    if (systems[i].dropped == NULL && systems[i].staff_height > 0)
      {
        double h = systems[i].box.height / systems[i].staff_height;
        sum += h, squares += h * h, count++;
      }
  if (count < 3)
    return;
  double mean = sum / count, spread = sqrt (MAX (squares / count - mean * mean, 0));
  for (guint i = 0; i < n; i++)
    if (systems[i].dropped == NULL && systems[i].staff_height > 0 && spread > 0
        && fabs (systems[i].box.height / systems[i].staff_height - mean) > height_z * spread)
      systems[i].dropped = "height-outlier";
}
