#include "score-film.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "audio-file.h"
#include "midi-notes.h"
#include "page-analysis.h"
#include "reference-synth.h"
#include "score-document.h"

/* REGION of PAGE scaled into FRAME (black around it) by area averaging; *SCALE and *X, *Y say where it went. */
static void
paste_scaled (const SrGrayImage *page, const SrPageBox *region, SrGrayImage *frame, double *scale, double *x,
              double *y)
{
  double s = MIN (frame->width / region->width, frame->height / region->height);
  int w = (int) (region->width * s), h = (int) (region->height * s);
  int ox = (frame->width - w) / 2, oy = (frame->height - h) / 2;
  memset (frame->pixels, 0, (gsize) frame->width * frame->height);
  for (int fy = 0; fy < h; fy++)
    for (int fx = 0; fx < w; fx++)
      {
        int x0 = (int) (region->x + fx / s), x1 = MAX (x0 + 1, (int) (region->x + (fx + 1) / s));
        int y0 = (int) (region->y + fy / s), y1 = MAX (y0 + 1, (int) (region->y + (fy + 1) / s));
        guint64 sum = 0, n = 0;
        for (int py = y0; py < y1 && py < page->height; py++)
          for (int px = x0; px < x1 && px < page->width; px++, n++)
            sum += page->pixels[(gsize) py * page->width + px];
        frame->pixels[(gsize) (oy + fy) * frame->width + ox + fx] = n > 0 ? (guint8) (sum / n) : 255;
      }
  *scale = s, *x = ox, *y = oy;
}

static SrGrayImage *
card (guint8 paper, int block_width, int block_height)
{
  SrGrayImage *image = sr_gray_image_new (SR_FILM_WIDTH, SR_FILM_HEIGHT);
  memset (image->pixels, paper, (gsize) SR_FILM_WIDTH * SR_FILM_HEIGHT);
  for (int y = (SR_FILM_HEIGHT - block_height) / 2; y < (SR_FILM_HEIGHT + block_height) / 2; y++)
    memset (image->pixels + (gsize) y * SR_FILM_WIDTH + (SR_FILM_WIDTH - block_width) / 2, 40, (gsize) block_width);
  return image;
}

void
sr_score_film_make (SrScoreFilm *film)
{
  g_autofree char *sample = g_build_filename (g_getenv ("SIGHTREAD_SAMPLES"), "minuet-in-g.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (sample);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = sr_score_document_new_for_file (file, NULL, &error);
  g_assert_no_error (error);
  g_autoptr(SrPageAnalysis) analysis = sr_page_analyse (document, 0, &error);
  g_assert_no_error (error);
  /* three slides of two systems each: the first two, the last two, the middle two */
  static const guint pairs[3][2] = { { 0, 1 }, { 2, 3 }, { 1, 2 } };
  g_assert_cmpuint (analysis->systems->len, ==, 4);
  for (int k = 0; k < 3; k++)
    {
      const SrDetectedSystem *a = &g_array_index (analysis->systems, SrDetectedSystem, pairs[k][0]);
      const SrDetectedSystem *b = &g_array_index (analysis->systems, SrDetectedSystem, pairs[k][1]);
      /* cut half way to the systems above and below, as a slide shows whole systems on white */
      GArray *all = analysis->systems;
      guint first = pairs[k][0], last = pairs[k][1];
      const SrPageBox *above = first > 0 ? &g_array_index (all, SrDetectedSystem, first - 1).box : NULL;
      const SrPageBox *below = last + 1 < all->len ? &g_array_index (all, SrDetectedSystem, last + 1).box : NULL;
      double top = above != NULL ? (above->y + above->height + a->box.y) / 2 : MAX (0, a->box.y - 60);
      double bottom = below != NULL ? (b->box.y + b->box.height + below->y) / 2 : b->box.y + b->box.height + 60;
      SrPageBox region = { 0, top, analysis->page->width, bottom - top };
      film->slides[k] = sr_gray_image_new (SR_FILM_WIDTH, SR_FILM_HEIGHT);
      double s, ox, oy;
      paste_scaled (analysis->page, &region, film->slides[k], &s, &ox, &oy);
      for (int j = 0; j < 2; j++)
        {
          const SrPageBox *box = &(j == 0 ? a : b)->box;
          film->truth[k][j] = (SrPageBox) { ox + (box->x - region.x) * s, oy + (box->y - region.y) * s,
                                            box->width * s, box->height * s };
        }
    }
  film->title = card (235, 500, 90);
  film->outro = card (215, 200, 200);
}

void
sr_score_film_draw (double t, SrGrayImage *frame, gpointer data)
{
  const SrScoreFilm *film = data;
  const SrGrayImage *from = t < SR_FILM_TITLE_END ? film->title : t < SR_FILM_FADE_END ? film->slides[0]
                            : t < SR_FILM_WIPE_END ? film->slides[1] : t < SR_FILM_OUTRO_START ? film->slides[2] : film->outro;
  gsize n = (gsize) SR_FILM_WIDTH * SR_FILM_HEIGHT;
  memcpy (frame->pixels, from->pixels, n);
  if (t >= SR_FILM_FADE_START && t < SR_FILM_FADE_END)
    {
      double mix = (t - SR_FILM_FADE_START) / (SR_FILM_FADE_END - SR_FILM_FADE_START);
      for (gsize i = 0; i < n; i++)
        frame->pixels[i] = (guint8) lround ((1 - mix) * film->slides[0]->pixels[i] + mix * film->slides[1]->pixels[i]);
    }
  if (t >= SR_FILM_WIPE_START && t < SR_FILM_WIPE_END)
    {
      int edge = (int) (SR_FILM_WIDTH * (t - SR_FILM_WIPE_START) / (SR_FILM_WIPE_END - SR_FILM_WIPE_START));
      for (int y = 0; y < SR_FILM_HEIGHT; y++)
        memcpy (frame->pixels + (gsize) y * SR_FILM_WIDTH, film->slides[2]->pixels + (gsize) y * SR_FILM_WIDTH,
                (gsize) edge);
    }
  if (film->look == SR_FILM_SECOND_INVERTED && t >= SR_FILM_FADE_END && t < SR_FILM_WIPE_START)
    for (gsize i = 0; i < n; i++)
      frame->pixels[i] = 255 - frame->pixels[i];
  if (film->look == SR_FILM_WASHED_OUT)
    for (gsize i = 0; i < n; i++)
      frame->pixels[i] = (guint8) (180 + frame->pixels[i] * 75 / 255);
}

void
sr_score_film_add_piano (float *sound, gsize frames, double start, double end)
{
  static const guint8 scale[] = { 67, 69, 71, 72, 74, 76, 78, 79, 78, 76, 74, 72, 71, 69 }; /* G major, up and down */
  g_autoptr(GArray) notes = g_array_new (FALSE, TRUE, sizeof (SrNote));
  for (guint k = 0; 0.5 * k + 0.5 <= end - start; k++)
    {
      SrNote note = { 0.5 * k, 0.5 * k + 0.45, scale[k % G_N_ELEMENTS (scale)], 80, 0, 0, FALSE, 0, 0 };
      g_array_append_val (notes, note);
    }
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAudio) piano = sr_reference_synth_render ((const SrNote *) (gpointer) notes->data, notes->len, NULL,
                                                        SR_FILM_RATE, &error);
  g_assert_no_error (error);
  /* at the loudness of a published video (about -20 dBFS), not FluidSynth's quiet default (about -36) */
  double power = 0;
  for (gsize i = 0; i < piano->frames; i++)
    power += (double) piano->samples[i] * piano->samples[i];
  float gain = (float) (0.1 / sqrt (MAX (power / MAX (piano->frames, 1), 1e-12)));
  gsize first = (gsize) (start * SR_FILM_RATE), last = MIN ((gsize) (end * SR_FILM_RATE), frames);
  for (gsize i = first; i < last && i - first < piano->frames; i++)
    sound[i] += CLAMP (gain * piano->samples[i - first], -1.0f, 1.0f);
}

float *
sr_score_film_sound (gsize *frames)
{
  *frames = (gsize) (SR_FILM_END * SR_FILM_RATE);
  float *sound = g_new0 (float, *frames);
  sr_score_film_add_piano (sound, *frames, SR_FILM_TITLE_END, SR_FILM_OUTRO_START);
  return sound;
}

void
sr_score_film_clear (SrScoreFilm *film)
{
  for (int k = 0; k < 3; k++)
    g_clear_pointer (&film->slides[k], sr_gray_image_free);
  g_clear_pointer (&film->title, sr_gray_image_free);
  g_clear_pointer (&film->outro, sr_gray_image_free);
}
