/* Score-following videos → aligned pairs of system crops and sound (issue 15; the paper's Appendix C): slides found
 * (slide-find.h), each slide's stable picture freed of letterbox bars and cut into systems exactly as score import
 * and the data factory cut them (page-analysis.h, system-image.h), each slide's sound (44.1 kHz mono) written beside
 * them, and the slides that would make bad pairs filtered out with the reason recorded. One folder per video, so a
 * list of videos can be split across processes and machines; a video whose folder is complete is not done again. */
#pragma once

#include <glib.h>

#include "slide-find.h"

G_BEGIN_DECLS

typedef struct {
  guint stride;             /* compare every STRIDE-th frame */
  SrSlideOptions slides;
  double silence_dbfs;      /* quieter slides are intros, outros and title cards */
  double min_seconds;       /* slides shorter than this are dropped … */
  double max_seconds;       /* … and longer than this */
  double min_paper;         /* a video whose slides' median brightness (0–255) averages below this is grey … */
  double min_contrast;      /* … or whose paper stands less than this above its ink, washed out: all dropped */
  double height_z;          /* systems whose height (in staff heights) lies further than this many standard
                             * deviations from the video's others are dropped */
  double max_overlap;       /* systems overlapping another by more than this share of the smaller are dropped */
  gboolean redo;            /* do a video again even when its folder is complete */
} SrVideosetOptions;

#define SR_VIDEOSET_OPTIONS_DEFAULT { 3, SR_SLIDE_OPTIONS_DEFAULT, -45.0, 2.0, 600.0, 160.0, 80.0, 3.0, 0.2, FALSE }

/* How many slides each filter removed, and what was kept. */
typedef struct {
  guint slides, kept, systems;
  guint silent, without_systems, too_short, too_long, washed_out, inverted; /* slides */
  guint overlapping, height_outliers;                                     /* systems of kept slides */
  gboolean skipped;         /* the video's folder was complete already */
  double video_seconds, decode_seconds;
} SrVideosetReport;

/* The video's name: its file name without the extension, which names its output folder. */
char *sr_videoset_name (const char *video);

/* Makes OUTPUT/<the video's name>/: manifest.jsonl (a line a slide, kept or not, with its times, boxes, files and
 * the filter that dropped it or one of its systems), slide-NNN.png, slide-NNN-system-KK.pgm and slide-NNN.flac for
 * the kept ones. FALSE with a message naming the video when it cannot be read or the folder written. */
gboolean sr_videoset_make (const char *video, const char *output, const SrVideosetOptions *options,
                           SrVideosetReport *report, GError **error);

G_END_DECLS
