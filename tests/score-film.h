/* A score-following film made here, for the videoset test and benchmark: slides of two of the sample score's four
 * systems each, letterboxed in 1280 × 720, joined by a cut, a crossfade and a wipe, a silent title card before and a
 * silent card after, tones under the music; the boxes where each system was drawn are kept as the truth. */
#pragma once

#include <glib.h>

#include "system-image.h"

enum { SR_FILM_WIDTH = 1280, SR_FILM_HEIGHT = 720, SR_FILM_RATE = 44100 };

/* The script, in seconds: the title card until TITLE_END, slide 1, a crossfade to slide 2, a wipe to slide 3, the
 * closing card from OUTRO_START; the transitions' middles are the slides' boundaries. */
#define SR_FILM_TITLE_END 3.0
#define SR_FILM_FADE_START 9.0
#define SR_FILM_FADE_END 10.0
#define SR_FILM_WIPE_START 16.0
#define SR_FILM_WIPE_END 17.0
#define SR_FILM_OUTRO_START 23.0
#define SR_FILM_END 26.0

typedef enum {
  SR_FILM_PLAIN,
  SR_FILM_SECOND_INVERTED, /* the second slide white on black */
  SR_FILM_WASHED_OUT,      /* every picture grey on light grey */
} SrFilmLook;

typedef struct {
  SrGrayImage *slides[3], *title, *outro;
  SrPageBox truth[3][2]; /* the systems as drawn on each slide, frame pixels */
  SrFilmLook look;
} SrScoreFilm;

/* Renders the sample score ($SIGHTREAD_SAMPLES) and lays out the slides. */
void sr_score_film_make (SrScoreFilm *film);
void sr_score_film_clear (SrScoreFilm *film);

/* The picture at T (an SrTestVideoPicture; DATA the film). */
void sr_score_film_draw (double t, SrGrayImage *frame, gpointer data);

/* The soundtrack, 44.1 kHz mono, *FRAMES long (g_free it): a piano from the reference synthesizer under the music,
 * silence under the cards. */
float *sr_score_film_sound (gsize *frames);

/* Adds to SOUND (44.1 kHz mono) the reference synthesizer's piano playing crotchets at 120 per minute from START to
 * END seconds (a rising and falling scale, as a pupil practises). */
void sr_score_film_add_piano (float *sound, gsize frames, double start, double end);
