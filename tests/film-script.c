#include "film-script.h"

#include <math.h>
#include <string.h>

void
sr_film_script_make (SrFilmScript *script, const SrScoreFilm *film, guint n_shots, guint32 seed)
{
  g_assert_cmpuint (n_shots, <=, SR_FILM_SCRIPT_MAX_SHOTS);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  *script = (SrFilmScript) { .film = film, .n_shots = n_shots };
  double t = 0;
  for (guint i = 0; i < n_shots; i++)
    {
      /* the next slide is never the one before: a boundary between two equal pictures cannot be seen */
      script->slide[i] = i == 0 ? 0 : (script->slide[i - 1] + (guint) g_rand_int_range (rand, 1, 3)) % 3;
      script->cursor[i] = g_rand_boolean (rand);
      script->still_start[i] = t;
      script->still_end[i] = t += g_rand_double_range (rand, 2.0, 8.0);
      script->kind[i] = (SrFilmTransitionKind) g_rand_int_range (rand, 0, SR_FILM_N_TRANSITIONS);
      if (i + 1 < n_shots && script->kind[i] != SR_FILM_CUT)
        t += g_rand_double_range (rand, 0.2, 1.5);
    }
  script->length = t;
}

double
sr_film_script_boundary (const SrFilmScript *script, guint i)
{
  return (script->still_end[i] + script->still_start[i + 1]) / 2;
}

/* Shot I's picture at T: its slide, with the cursor where the music has got to. */
static void
draw_shot (const SrFilmScript *script, guint i, double t, SrGrayImage *frame)
{
  const SrScoreFilm *film = script->film;
  guint k = script->slide[i];
  memcpy (frame->pixels, film->slides[k]->pixels, (gsize) frame->width * frame->height);
  if (!script->cursor[i])
    return;
  double shot_start = i == 0 ? 0 : sr_film_script_boundary (script, i - 1);
  double shot_end = i + 1 == script->n_shots ? script->length : sr_film_script_boundary (script, i);
  double progress = CLAMP ((t - shot_start) / (shot_end - shot_start), 0, 0.999) * 2;
  const SrPageBox *system = &film->truth[k][(int) progress];
  int x = (int) (system->x + (progress - floor (progress)) * system->width);
  for (int y = (int) system->y; y < (int) (system->y + system->height) && y < frame->height; y++)
    for (int dx = 0; dx < 5 && x + dx < frame->width; dx++)
      frame->pixels[(gsize) y * frame->width + x + dx] = 110;
}

void
sr_film_script_draw (double t, SrGrayImage *frame, gpointer data)
{
  const SrFilmScript *script = data;
  guint i = 0;
  while (i + 1 < script->n_shots && t >= script->still_start[i + 1])
    i++;
  if (t <= script->still_end[i] || i + 1 == script->n_shots)
    {
      draw_shot (script, i, t, frame);
      return;
    }
  /* in the transition from shot I to shot I + 1 */
  double mix = (t - script->still_end[i]) / (script->still_start[i + 1] - script->still_end[i]);
  gsize n = (gsize) frame->width * frame->height;
  g_autoptr(SrGrayImage) next = sr_gray_image_new (frame->width, frame->height);
  draw_shot (script, i, t, frame);
  draw_shot (script, i + 1, t, next);
  switch (script->kind[i])
    {
    case SR_FILM_CROSSFADE:
      for (gsize p = 0; p < n; p++)
        frame->pixels[p] = (guint8) lround ((1 - mix) * frame->pixels[p] + mix * next->pixels[p]);
      break;
    case SR_FILM_WIPE_ACROSS:
      for (int y = 0; y < frame->height; y++)
        memcpy (frame->pixels + (gsize) y * frame->width, next->pixels + (gsize) y * frame->width,
                (gsize) (frame->width * mix));
      break;
    case SR_FILM_WIPE_DOWN:
      memcpy (frame->pixels, next->pixels, (gsize) frame->width * (gsize) (frame->height * mix));
      break;
    case SR_FILM_DIP_TO_BLACK:
      for (gsize p = 0; p < n; p++)
        frame->pixels[p] = (guint8) lround (mix < 0.5 ? (1 - 2 * mix) * frame->pixels[p]
                                                      : (2 * mix - 1) * next->pixels[p]);
      break;
    default:
      g_assert_not_reached ();
    }
}

float *
sr_film_script_sound (const SrFilmScript *script, gsize *frames)
{
  *frames = (gsize) (script->length * SR_FILM_RATE);
  float *sound = g_new0 (float, *frames);
  sr_score_film_add_piano (sound, *frames, 0, script->length);
  return sound;
}
