/* Finding the systems on a page: staff lines from the rows that are dark across much of the page, staves as five
 * evenly spaced lines, systems as staves joined by a line down their left edge (the system's first barline and
 * brace). Then each system's box: half way to its neighbours (at most six staff spaces beyond its outer lines),
 * tightened to the ink inside. Pages are straightened first (deskew.h); a page must then be straight
 * within about half a staff space across. */
#pragma once

#include "system-image.h"

G_BEGIN_DECLS

typedef struct {
  double top, bottom;  /* the centres of the first and last line, page pixels */
  double left, right;  /* where the lines run */
  double space;        /* between lines */
  double thickness;    /* of a line */
} SrStaff;

typedef struct {
  SrPageBox box;
  double staff_height; /* the first staff's, top to bottom line */
  guint first_staff;   /* index into the page's staves */
  guint n_staves;
} SrDetectedSystem;

/* The staves on PAGE, top to bottom. */
GArray *sr_detect_staves (const SrGrayImage *page);

/* The systems those staves form, top to bottom, with their boxes. */
GArray *sr_detect_systems (const SrGrayImage *page, const GArray *staves);

G_END_DECLS
