/* The videoset on one core (issue 15: at least 20 × real time on a 720p video): the score film (score-film.h) as
 * H.264 at 1280 × 720, 30 frames a second — how score-following videos are usually published — read into slides,
 * systems and sound by sr_videoset_make, decoding included. The median of three runs in one run of this program. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "score-film.h"
#include "video-maker.h"
#include "videoset.h"

#define RUNS 3

static int
compare (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (void)
{
  SrScoreFilm film = { 0 };
  sr_score_film_make (&film);
  gsize frames;
  g_autofree float *sound = sr_score_film_sound (&frames);
  g_autofree char *folder = g_dir_make_tmp ("sightread-bench-video-XXXXXX", NULL);
  g_autofree char *video = g_build_filename (folder, "film.mkv", NULL);
  g_autoptr(GError) error = NULL;
  const char *encoder = "libx264";
  if (!sr_test_write_video (video, SR_FILM_WIDTH, SR_FILM_HEIGHT, 30, SR_FILM_END, encoder, sr_score_film_draw, &film,
                            sound, frames, &error))
    {
      g_clear_error (&error);
      encoder = "mpeg4";
      if (!sr_test_write_video (video, SR_FILM_WIDTH, SR_FILM_HEIGHT, 30, SR_FILM_END, NULL, sr_score_film_draw,
                                &film, sound, frames, &error))
        g_error ("%s", error->message);
    }
  sr_score_film_clear (&film);

  SrVideosetOptions options = SR_VIDEOSET_OPTIONS_DEFAULT;
  options.redo = TRUE;
  double times[RUNS];
  SrVideosetReport report = { 0 };
  for (int r = 0; r < RUNS; r++)
    {
      gint64 started = g_get_monotonic_time ();
      if (!sr_videoset_make (video, folder, &options, &report, &error))
        g_error ("%s", error->message);
      times[r] = (g_get_monotonic_time () - started) / 1e6;
    }
  qsort (times, RUNS, sizeof *times, compare);
  printf ("videoset, %s 1280×720 at 30 frames/s, %.0f s: %.2f s (%.1f × real time; decoding and finding the slides "
          "%.2f s), %u slides, %u kept, %u systems\n", encoder, report.video_seconds, times[RUNS / 2],
          report.video_seconds / times[RUNS / 2], report.decode_seconds, report.slides, report.kept, report.systems);
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", folder);
  (void) system (command);
  return 0;
}
