/* The slides of a score-following video (the paper's Appendix C): frames compared a few apart on small thumbnails,
 * each stretch labelled still or moving (cuts, crossfades, wipes), still stretches long enough kept as slides, two in a
 * row that show the same picture merged into one. A slide's time runs from the middle of the transition before it
 * to the middle of the one after, so consecutive slides share their boundary and the sound is split there. */
#pragma once

#include <glib.h>

#include "system-image.h"

G_BEGIN_DECLS

typedef struct {
  double still;        /* mean absolute difference (0–1) under which two samples show the same picture */
  double min_seconds;  /* a still stretch shorter than this belongs to a transition */
  double same_slide;   /* still stretches whose pictures differ less than this are one slide */
} SrSlideOptions;

#define SR_SLIDE_OPTIONS_DEFAULT { 0.004, 1.0, 0.01 }

typedef struct {
  double start, end;             /* seconds: the slide's time, from transition middle to transition middle */
  double still_start, still_end; /* where its picture stood still */
  SrGrayImage *picture;          /* a frame from early in the still stretch, the video's size */
} SrSlide;

void sr_slide_free (SrSlide *slide);

typedef struct _SrSlideFinder SrSlideFinder;

SrSlideFinder *sr_slide_finder_new (const SrSlideOptions *options);
void sr_slide_finder_free (SrSlideFinder *finder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrSlideFinder, sr_slide_finder_free)

/* The next sampled frame, in time order. */
void sr_slide_finder_add (SrSlideFinder *finder, const SrGrayImage *frame, double seconds);

/* The slides found (SrSlide, in order), the last one running to END (the video's length). */
GPtrArray *sr_slide_finder_finish (SrSlideFinder *finder, double end);

G_END_DECLS
