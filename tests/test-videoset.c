/* `sightread videoset` on a score-following film made here (score-film.h): every transition is found within 0.2 s,
 * no slide is missed, the silent title and closing cards are dropped, and each slide's systems are found where they
 * were drawn (IoU ≥ 0.9). A damaged video and one without sound are named, and the rest of the batch goes on; a
 * finished video is not done again. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "cli-run.h"
#include "film-script.h"
#include "score-film.h"
#include "system-filters.h"
#include "test-boxes.h"
#include "test-files.h"
#include "video-maker.h"

static char *scratch;
static const double boundaries[] = { SR_FILM_TITLE_END, (SR_FILM_FADE_START + SR_FILM_FADE_END) / 2,
                                     (SR_FILM_WIPE_START + SR_FILM_WIPE_END) / 2, SR_FILM_OUTRO_START };

/* The lines of the manifest videoset wrote for the video named STEM. */
static char **
manifest_lines (const char *output, const char *stem)
{
  g_autofree char *manifest = g_build_filename (output, stem, "manifest.jsonl", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (manifest, &text, NULL, NULL));
  return g_strsplit (g_strstrip (text), "\n", -1);
}

/* A system's box in the frame: the manifest gives it on the page, and where the page lies in the frame. */
static SrPageBox
frame_box (JsonObject *page, JsonObject *system)
{
  return (SrPageBox) { json_object_get_int_member (page, "x") + json_object_get_double_member (system, "x"),
                       json_object_get_int_member (page, "y") + json_object_get_double_member (system, "y"),
                       json_object_get_double_member (system, "width"),
                       json_object_get_double_member (system, "height") };
}

static void
test_slides_systems_and_sound_are_found (void)
{
  SrScoreFilm film = { 0 };
  sr_score_film_make (&film);
  gsize frames;
  g_autofree float *sound = sr_score_film_sound (&frames);
  g_autofree char *video = g_build_filename (scratch, "minuet-film.mkv", NULL);
  g_autoptr(GError) error = NULL;
  /* H.264, as such videos are published (its frames that nothing refers to are not even decoded) */
  g_assert_true (sr_test_write_video (video, SR_FILM_WIDTH, SR_FILM_HEIGHT, 30, SR_FILM_END, "libx264",
                                    sr_score_film_draw, &film, sound, frames, &error));
  g_assert_no_error (error);
  g_autofree char *silent = g_build_filename (scratch, "no-sound.mkv", NULL);
  g_assert_true (sr_test_write_video (silent, SR_FILM_WIDTH, SR_FILM_HEIGHT, 25, 4, NULL, sr_score_film_draw, &film,
                                    NULL, 0, &error));
  g_autofree char *damaged = sr_test_write_file (scratch, "damaged.mkv", "\x1a\x45\xdf\xa3 not really", 16);
  g_autofree char *output = g_build_filename (scratch, "pairs", NULL);

  g_auto(CliRun) run = { 0 };
  sightread (&run, "videoset", damaged, silent, video, "-o", output);
  g_assert_cmpint (run.status, ==, 1);
  assert_contains (run.err, "damaged.mkv");
  assert_contains (run.err, "no-sound.mkv: no sound to pair the slides with");
  assert_contains (run.out, "minuet-film.mkv: 5 slides, 3 kept with 6 systems; dropped: 2 silent");

  g_auto(GStrv) lines = manifest_lines (output, "minuet-film");
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(JsonNode) node = json_from_string (lines[i], &error);
      g_assert_no_error (error);
      JsonObject *slide = json_node_get_object (node);
      double start = json_object_get_double_member (slide, "start"), end = json_object_get_double_member (slide, "end");
      g_test_message ("slide %u: %.2f–%.2f s, %s", i + 1, start, end,
                      json_object_get_boolean_member (slide, "kept") ? "kept"
                      : json_object_get_string_member (slide, "dropped_by"));
      if (i < 4 && fabs (end - boundaries[i]) > 0.2)
        g_error ("slide %u ends at %.2f s, the transition's middle is at %.2f s", i + 1, end, boundaries[i]);
      gboolean music = i >= 1 && i <= 3;
      g_assert_cmpint (json_object_get_boolean_member (slide, "kept"), ==, music);
      if (!music)
        {
          g_assert_cmpstr (json_object_get_string_member (slide, "dropped_by"), ==, "silent");
          continue;
        }
      JsonObject *page = json_object_get_object_member (slide, "page");
      JsonArray *systems = json_object_get_array_member (slide, "systems");
      g_assert_cmpuint (json_array_get_length (systems), ==, 2);
      for (guint j = 0; j < 2; j++)
        {
          JsonObject *s = json_array_get_object_element (systems, j);
          SrPageBox found = frame_box (page, s);
          double overlap = sr_test_box_iou (&found, &film.truth[i - 1][j]);
          g_test_message ("  system %u: IoU %.3f (found %.0f,%.0f %.0f×%.0f; drawn %.0f,%.0f %.0f×%.0f)", j + 1, overlap,
                          found.x, found.y, found.width, found.height, film.truth[i - 1][j].x, film.truth[i - 1][j].y,
                          film.truth[i - 1][j].width, film.truth[i - 1][j].height);
          g_assert_cmpfloat (overlap, >=, 0.9);
          g_autofree char *crop = g_build_filename (output, "minuet-film", json_object_get_string_member (s, "crop"),
                                                    NULL);
          g_assert_true (g_file_test (crop, G_FILE_TEST_EXISTS));
        }
      g_autofree char *audio = g_build_filename (output, "minuet-film", json_object_get_string_member (slide, "audio"),
                                                 NULL);
      g_assert_true (g_file_test (audio, G_FILE_TEST_EXISTS));
    }

  /* Again: the finished video is left as it is, and nothing failed. */
  g_auto(CliRun) again = { 0 };
  sightread (&again, "videoset", video, "-o", output);
  g_assert_cmpint (again.status, ==, 0);
  assert_contains (again.out, "done before");

  /* A folder stands for the videos in it and below it; files that are not videos are passed over; a second video of
   * the same name is refused, since it would pass for done; an empty folder is named. */
  g_autofree char *more = g_build_filename (scratch, "more", NULL), *empty = g_build_filename (scratch, "empty", NULL);
  g_assert_cmpint (g_mkdir (more, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  g_autofree char *film_bytes = NULL;
  gsize film_size;
  g_assert_true (g_file_get_contents (video, &film_bytes, &film_size, NULL));
  g_autofree char *namesake = sr_test_write_file (more, "minuet-film.mp4", film_bytes, film_size);
  g_auto(CliRun) folder = { 0 };
  sightread (&folder, "videoset", scratch, empty, "-o", output);
  g_assert_cmpint (folder.status, ==, 1);
  assert_contains (folder.err, "damaged.mkv");
  assert_contains (folder.err, "no-sound.mkv: no sound to pair the slides with");
  assert_contains (folder.out, "minuet-film.mkv: done before");
  g_autofree char *refused = g_strdup_printf ("%s: has the same name as %s", namesake, video);
  assert_contains (folder.err, refused);
  assert_contains (folder.err, "empty: no videos in this folder");
  assert_contains (folder.err, "sightread: /"); /* each failure named once, by its path */
  g_assert_null (strstr (folder.err, "damaged.mkv: /"));
  g_assert_null (strstr (folder.err, ".pgm"));
  g_assert_null (strstr (folder.err, ".flac"));

  sr_score_film_clear (&film);
}

/* The same film with its second slide inverted, and washed out as a whole: the filters say so in the manifest. */
static void
test_inverted_slides_and_washed_out_videos_are_dropped (void)
{
  SrScoreFilm film = { 0 };
  sr_score_film_make (&film);
  gsize frames;
  g_autofree float *sound = sr_score_film_sound (&frames);
  g_autofree char *output = g_build_filename (scratch, "looks", NULL);
  const struct {
    SrFilmLook look;
    const char *name, *expected[5];
  } cases[] = {
    { SR_FILM_SECOND_INVERTED, "inverted.mkv", { "silent", NULL, "inverted", NULL, "silent" } },
    { SR_FILM_WASHED_OUT, "washed-out.mkv", { "washed-out-video", "washed-out-video", "washed-out-video",
                                              "washed-out-video", "washed-out-video" } },
  };
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      film.look = cases[c].look;
      g_autofree char *video = g_build_filename (scratch, cases[c].name, NULL);
      g_autoptr(GError) error = NULL;
      g_assert_true (sr_test_write_video (video, SR_FILM_WIDTH, SR_FILM_HEIGHT, 25, SR_FILM_END, NULL,
                                          sr_score_film_draw, &film, sound, frames, &error));
      g_auto(CliRun) run = { 0 };
      sightread (&run, "videoset", video, "-o", output);
      g_assert_cmpint (run.status, ==, 0);
      g_autofree char *stem = g_strndup (cases[c].name, strlen (cases[c].name) - 4);
      g_auto(GStrv) lines = manifest_lines (output, stem);
      g_test_message ("%s: %s", cases[c].name, run.out);
      g_assert_cmpuint (g_strv_length (lines), ==, 5);
      for (guint i = 0; i < 5; i++)
        {
          g_autoptr(JsonNode) node = json_from_string (lines[i], &error);
          JsonObject *slide = json_node_get_object (node);
          const char *dropped = json_object_get_null_member (slide, "dropped_by")
                                  ? NULL : json_object_get_string_member (slide, "dropped_by");
          g_assert_cmpstr (dropped, ==, cases[c].expected[i]);
        }
    }
  sr_score_film_clear (&film);
}

/* Over a long film of random shots and transitions (cuts, crossfades, wipes across and down, dips to black, a cursor
 * moving on half the slides): at least 98 % of the boundaries are found within 0.2 s, and no slide is missed. */
static void
test_boundaries_are_found_over_many_transitions (void)
{
  SrScoreFilm film = { 0 };
  sr_score_film_make (&film);
  SrFilmScript script;
  sr_film_script_make (&script, &film, 36, 2026);
  gsize frames;
  g_autofree float *sound = sr_film_script_sound (&script, &frames);
  g_autofree char *video = g_build_filename (scratch, "many-transitions.mkv", NULL);
  g_autoptr(GError) error = NULL;
  g_assert_true (sr_test_write_video (video, SR_FILM_WIDTH, SR_FILM_HEIGHT, 25, script.length, NULL,
                                    sr_film_script_draw, &script, sound, frames, &error));
  g_assert_no_error (error);
  g_autofree char *output = g_build_filename (scratch, "many", NULL);
  g_auto(CliRun) run = { 0 };
  sightread (&run, "videoset", video, "-o", output);
  g_assert_cmpint (run.status, ==, 0);

  g_auto(GStrv) lines = manifest_lines (output, "many-transitions");
  g_assert_cmpuint (g_strv_length (lines), ==, script.n_shots);
  guint within = 0, transitions = script.n_shots - 1;
  for (guint i = 0; i < transitions; i++)
    {
      g_autoptr(JsonNode) node = json_from_string (lines[i], &error);
      g_assert_no_error (error);
      double end = json_object_get_double_member (json_node_get_object (node), "end");
      double truth = sr_film_script_boundary (&script, i);
      static const char *const kinds[] = { "cut", "crossfade", "wipe across", "wipe down", "dip to black" };
      g_test_message ("boundary %2u (%s of %.2f s%s): found %.2f s, drawn %.2f s, off by %.2f s", i + 1,
                      kinds[script.kind[i]], script.still_start[i + 1] - script.still_end[i],
                      script.cursor[i] ? ", cursor" : "", end, truth, end - truth);
      within += fabs (end - truth) <= 0.2;
    }
  g_test_message ("%u of %u boundaries within 0.2 s", within, transitions);
  g_assert_cmpfloat (within, >=, 0.98 * transitions);

  /* every slide kept, its two systems found where they were drawn, the moving cursor or not */
  double worst = 1;
  for (guint i = 0; i < script.n_shots; i++)
    {
      g_autoptr(JsonNode) node = json_from_string (lines[i], &error);
      JsonObject *slide = json_node_get_object (node);
      g_assert_true (json_object_get_boolean_member (slide, "kept"));
      JsonObject *page = json_object_get_object_member (slide, "page");
      JsonArray *systems = json_object_get_array_member (slide, "systems");
      g_assert_cmpuint (json_array_get_length (systems), ==, 2);
      for (guint j = 0; j < 2; j++)
        {
          SrPageBox box = frame_box (page, json_array_get_object_element (systems, j));
          worst = MIN (worst, sr_test_box_iou (&box, &film.truth[script.slide[i]][j]));
        }
    }
  g_test_message ("systems: lowest IoU %.3f over %u slides", worst, script.n_shots);
  g_assert_cmpfloat (worst, >=, 0.9);
  sr_score_film_clear (&film);
}

/* Boxes that overlap on a slide are both dropped; on different slides they do not meet. A system twice as tall (in
 * staff heights) as the video's others is an outlier; one a little taller is not. */
static void
test_overlapping_and_odd_height_systems_are_dropped (void)
{
  SrFoundSystem systems[] = {
    { { 50, 100, 1000, 200 }, 40, 1, NULL },
    { { 50, 380, 1000, 210 }, 40, 1, NULL },
    { { 50, 100, 1000, 200 }, 40, 2, NULL },   /* where slide 1's first is, on another slide */
    { { 50, 400, 1000, 190 }, 40, 2, NULL },
    { { 50, 100, 1000, 200 }, 40, 3, NULL },
    { { 60, 150, 900, 200 }, 40, 3, NULL },    /* three quarters inside the one above */
    { { 50, 100, 1000, 205 }, 40, 4, NULL },
    { { 50, 400, 1000, 195 }, 40, 4, NULL },
    { { 50, 100, 1000, 200 }, 40, 5, NULL },
    { { 50, 350, 1000, 420 }, 40, 5, NULL },   /* two systems taken for one */
  };
  sr_filter_systems (systems, G_N_ELEMENTS (systems), 0.2, 2.5);
  const char *expected[] = { NULL, NULL, NULL, NULL, "overlap", "overlap", NULL, NULL, NULL, "height-outlier" };
  for (gsize i = 0; i < G_N_ELEMENTS (systems); i++)
    g_assert_cmpstr (systems[i].dropped, ==, expected[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  scratch = cli_scratch_new ();
  g_test_add_func ("/videoset/slides-systems-sound", test_slides_systems_and_sound_are_found);
  g_test_add_func ("/videoset/many-transitions", test_boundaries_are_found_over_many_transitions);
  g_test_add_func ("/videoset/filters", test_inverted_slides_and_washed_out_videos_are_dropped);
  g_test_add_func ("/videoset/system-filters", test_overlapping_and_odd_height_systems_are_dropped);
  int status = g_test_run ();
  cli_scratch_remove (scratch);
  return status;
}
