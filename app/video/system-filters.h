/* The filters on a video's systems (the paper's Appendix C–E): a box that overlaps another on its slide is a detection
 * gone wrong, and so is a system whose height, counted in staff heights, lies far from the video's other systems'
 * (two systems taken for one, a title taken for a system). Slides are judged in videoset.c. */
#pragma once

#include <glib.h>

#include "system-image.h"

G_BEGIN_DECLS

typedef struct {
  SrPageBox box;
  double staff_height;
  guint slide;          /* the slide it was found on */
  const char *dropped;  /* set to "overlap" or "height-outlier" by the filters; NULL when kept */
} SrFoundSystem;

/* Marks the systems overlapping another of their slide by more than MAX_OVERLAP of the smaller box, then, among the
 * rest (three at least), those whose height lies more than HEIGHT_Z standard deviations from the mean. */
void sr_filter_systems (SrFoundSystem *systems, guint n, double max_overlap, double height_z);

G_END_DECLS
