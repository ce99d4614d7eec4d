/* A long score-following film on a seeded random script, for measuring slide boundaries over many transitions: the
 * score film's three slides shown in turn for 2–8 s each, joined by cuts, crossfades, wipes across and down, and dips
 * to black of random lengths; on some slides a cursor moves along the music, as in many published videos. The reference
 * synthesizer's piano under all of it (no silent slide). */
#pragma once

#include "score-film.h"

typedef enum {
  SR_FILM_CUT,
  SR_FILM_CROSSFADE,
  SR_FILM_WIPE_ACROSS,
  SR_FILM_WIPE_DOWN,
  SR_FILM_DIP_TO_BLACK,
  SR_FILM_N_TRANSITIONS
} SrFilmTransitionKind;

enum { SR_FILM_SCRIPT_MAX_SHOTS = 64 };

typedef struct {
  const SrScoreFilm *film;
  guint n_shots;
  guint slide[SR_FILM_SCRIPT_MAX_SHOTS];        /* which of the film's slides */
  gboolean cursor[SR_FILM_SCRIPT_MAX_SHOTS];    /* a bar moving along its systems */
  double still_start[SR_FILM_SCRIPT_MAX_SHOTS]; /* shown alone from here … */
  double still_end[SR_FILM_SCRIPT_MAX_SHOTS];   /* … to here, then the transition to the next */
  SrFilmTransitionKind kind[SR_FILM_SCRIPT_MAX_SHOTS];
  double length;
} SrFilmScript;

/* N_SHOTS shots drawn from SEED. */
void sr_film_script_make (SrFilmScript *script, const SrScoreFilm *film, guint n_shots, guint32 seed);

/* Where shot I ends and shot I + 1 begins: the middle of the transition between them. */
double sr_film_script_boundary (const SrFilmScript *script, guint i);

/* The picture at T (an SrTestVideoPicture; DATA the script). */
void sr_film_script_draw (double t, SrGrayImage *frame, gpointer data);

/* The piano for the whole film, 44.1 kHz mono, *FRAMES long (g_free it). */
float *sr_film_script_sound (const SrFilmScript *script, gsize *frames);
