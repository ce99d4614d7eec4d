/* Straightening a scanned page (issue 10: up to ±5°) before its staves are looked for: the angle at which the
 * page's dark pixels line up best along rows (staff lines make sharp peaks in that profile), and the page turned
 * back by it. */
#pragma once

#include "system-image.h"

G_BEGIN_DECLS

#define SR_DESKEW_MAX_DEGREES 5.0

/* The angle (degrees, within ±SR_DESKEW_MAX_DEGREES; positive: the page's lines fall to the right, clockwise on
 * screen) by which PAGE is turned; 0 for a page with too little ink to tell. */
double sr_page_skew_degrees (const SrGrayImage *page);

/* PAGE turned by -DEGREES about its centre (so a page measured at DEGREES comes out straight), same size, the
 * corners that come from outside white. */
SrGrayImage *sr_gray_image_rotated (const SrGrayImage *page, double degrees);

/* The page to analyse: PAGE straightened when it is turned by 0.05° or more (*SKEW_DEGREES says by how much), else
 * NULL (use PAGE as it is). Boxes found on the straightened page are in its coordinates. */
SrGrayImage *sr_page_straightened (const SrGrayImage *page, double *skew_degrees);

G_END_DECLS
