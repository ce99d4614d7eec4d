#include "slide-find.h"

#include <math.h>
#include <string.h>

/* Thumbnails THUMB_WIDTH wide (the height follows the picture): enough to see a page turn, too coarse for noise. */
enum { THUMB_WIDTH = 96 };

typedef struct {
  int width, height;
  float *values; /* 0–1 */
} Thumb;

struct _SrSlideFinder {
  SrSlideOptions options;
  Thumb previous, reference;    /* the last sample's; the current still stretch's first */
  gboolean have_previous, still, captured;
  double still_start, last_seconds;
  SrGrayImage *still_frame;     /* the current still stretch's picture */
  GPtrArray *slides;
};

static void
thumb_of (const SrGrayImage *frame, Thumb *thumb)
{
  int width = MIN (THUMB_WIDTH, frame->width);
  int height = MAX (1, (int) lround ((double) frame->height * width / frame->width));
  if (thumb->width != width || thumb->height != height)
    {
      g_free (thumb->values);
      thumb->values = g_new (float, (gsize) width * height);
      thumb->width = width, thumb->height = height;
    }
  for (int ty = 0; ty < height; ty++)
    {
      int y0 = ty * frame->height / height, y1 = MAX (y0 + 1, (ty + 1) * frame->height / height);
      for (int tx = 0; tx < width; tx++)
        {
          int x0 = tx * frame->width / width, x1 = MAX (x0 + 1, (tx + 1) * frame->width / width);
          /* every other pixel of every other row: a quarter of the work, the same mean to within noise */
          guint64 sum = 0, n = 0;
          for (int y = y0; y < y1; y += 2)
            for (int x = x0; x < x1; x += 2, n++)
              sum += frame->pixels[(gsize) y * frame->width + x];
          thumb->values[ty * width + tx] = (float) sum / (255.0f * n);
        }
    }
}

/* Mean absolute difference, 1 where the sizes differ. */
static double
thumb_difference (const Thumb *a, const Thumb *b)
{
  if (a->width != b->width || a->height != b->height || a->values == NULL || b->values == NULL)
    return 1;
  double sum = 0;
  gsize n = (gsize) a->width * a->height;
  for (gsize i = 0; i < n; i++)
    sum += fabsf (a->values[i] - b->values[i]);
  return sum / n;
}

static void
thumb_copy (Thumb *to, const Thumb *from)
{
  if (to->width != from->width || to->height != from->height)
    {
      g_free (to->values);
      to->values = g_new (float, (gsize) from->width * from->height);
      to->width = from->width, to->height = from->height;
    }
  memcpy (to->values, from->values, sizeof (float) * from->width * from->height);
}

static SrGrayImage *
image_copy_into (SrGrayImage *to, const SrGrayImage *from)
{
  if (to == NULL || to->width != from->width || to->height != from->height)
    {
      if (to != NULL)
        sr_gray_image_free (to);
      to = sr_gray_image_new (from->width, from->height);
    }
  memcpy (to->pixels, from->pixels, (gsize) from->width * from->height);
  return to;
}

void
sr_slide_free (SrSlide *slide)
{
  if (slide->picture != NULL)
    sr_gray_image_free (slide->picture);
  g_free (slide);
}

SrSlideFinder *
sr_slide_finder_new (const SrSlideOptions *options)
{
  SrSlideFinder *finder = g_new0 (SrSlideFinder, 1);
  finder->options = *options;
  finder->slides = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_slide_free);
  return finder;
}

void
sr_slide_finder_free (SrSlideFinder *finder)
{
  g_free (finder->previous.values);
  g_free (finder->reference.values);
  if (finder->still_frame != NULL)
    sr_gray_image_free (finder->still_frame);
  g_ptr_array_unref (finder->slides);
  g_free (finder);
}

/* The still stretch that just ended becomes a slide, or extends the last one when it shows the same picture (a
 * cursor passed, the video stuttered). */
static void
close_still (SrSlideFinder *finder)
{
  finder->still = FALSE;
  if (finder->last_seconds - finder->still_start < finder->options.min_seconds || !finder->captured)
    return;
  SrSlide *last = finder->slides->len > 0 ? finder->slides->pdata[finder->slides->len - 1] : NULL;
  Thumb here = { 0 }, there = { 0 };
  gboolean same = FALSE;
  if (last != NULL)
    {
      thumb_of (finder->still_frame, &here);
      thumb_of (last->picture, &there);
      same = thumb_difference (&here, &there) < finder->options.same_slide;
      g_free (here.values), g_free (there.values);
    }
  if (same)
    {
      last->still_end = finder->last_seconds;
      return;
    }
  SrSlide *slide = g_new0 (SrSlide, 1);
  slide->still_start = finder->still_start;
  slide->still_end = finder->last_seconds;
  slide->picture = image_copy_into (NULL, finder->still_frame);
  g_ptr_array_add (finder->slides, slide);
}

void
sr_slide_finder_add (SrSlideFinder *finder, const SrGrayImage *frame, double seconds)
{
  Thumb now = { 0 };
  thumb_of (frame, &now);
  /* Still: like the sample before and like the stretch's first (a slow crossfade changes little from one sample to
   * the next, but soon much from where it began). */
  gboolean still = finder->have_previous && thumb_difference (&now, &finder->previous) < finder->options.still
                   && (!finder->still || thumb_difference (&now, &finder->reference) < 2 * finder->options.still);
  if (finder->still && !still)
    close_still (finder);
  if (still && !finder->still)
    {
      finder->still = TRUE;
      finder->captured = FALSE;
      finder->still_start = finder->last_seconds; /* the sample before was already this picture */
      thumb_copy (&finder->reference, &finder->previous);
    }
  /* The picture is taken once, half the shortest slide into the still stretch: past the transition that led in, and
   * well before the one that leads out (whose first frames can differ too little to end the stretch). */
  if (finder->still && !finder->captured && seconds - finder->still_start >= finder->options.min_seconds / 2)
    {
      finder->still_frame = image_copy_into (finder->still_frame, frame);
      finder->captured = TRUE;
    }
  thumb_copy (&finder->previous, &now);
  g_free (now.values);
  finder->have_previous = TRUE;
  finder->last_seconds = seconds;
}

GPtrArray *
sr_slide_finder_finish (SrSlideFinder *finder, double end)
{
  if (finder->still)
    close_still (finder);
  GPtrArray *slides = finder->slides;
  for (guint i = 0; i < slides->len; i++)
    {
      SrSlide *slide = slides->pdata[i], *before = i > 0 ? slides->pdata[i - 1] : NULL;
      slide->start = before != NULL ? (before->still_end + slide->still_start) / 2 : slide->still_start;
      if (before != NULL)
        before->end = slide->start;
    }
  if (slides->len > 0)
    {
      SrSlide *last = slides->pdata[slides->len - 1];
      last->end = MAX (end, last->still_end);
    }
  finder->slides = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_slide_free);
  return slides;
}
