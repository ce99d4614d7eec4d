/* Writes the score-following film of score-film.h to the path given, with its sound: for tests in other languages
 * (tests/video-pairs.py) that need a video whose slides and systems are known.
 * Usage: make-score-film OUT.mkv   (SIGHTREAD_SAMPLES names the folder of the sample score) */
#include <stdio.h>

#include "score-film.h"
#include "video-maker.h"

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: make-score-film OUT.mkv\n");
      return 2;
    }
  SrScoreFilm film = { 0 };
  sr_score_film_make (&film);
  gsize frames;
  g_autofree float *sound = sr_score_film_sound (&frames);
  g_autoptr(GError) error = NULL;
  gboolean ok = sr_test_write_video (argv[1], SR_FILM_WIDTH, SR_FILM_HEIGHT, 25, SR_FILM_END, NULL, sr_score_film_draw,
                                     &film, sound, frames, &error);
  sr_score_film_clear (&film);
  if (!ok)
    {
      fprintf (stderr, "make-score-film: %s\n", error->message);
      return 1;
    }
  return 0;
}
