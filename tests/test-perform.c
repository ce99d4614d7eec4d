/* The notation route of `perform` after OMR: a reading (LMX) performed and rendered. A bar of four crotchets at the
 * default 120 bpm sounds for two seconds, with the release after it; a reading of rests alone has nothing to play; a
 * reading that backs up past the start of its measure (models write such things) still plays, for as long as it
 * says. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "lmx-vocabulary.h"
#include "perform.h"
#include "performance.h"
#include "test-files.h"

static void
test_four_crotchets_sound_for_two_seconds (void)
{
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text ("measure key:fifths:0 time beats:4 beat-type:4 clef:G2 "
                                                      "C4 quarter E4 quarter G4 quarter C5 quarter", NULL);
  guint notes = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAudio) audio = sr_perform_lmx (tokens, 1.0, 44100, &notes, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notes, ==, 4);
  g_assert_cmpfloat (fabs ((double) audio->frames / 44100 - (2.0 + 1.5)), <, 0.01);
  /* every beat sounds (above -60 dBFS), each well above what is left at the end of the release */
  const float *pcm = audio->samples;
  double tail = sr_test_rms (pcm, audio->frames, 44100, 3.3, 3.5);
  for (int beat = 0; beat < 4; beat++)
    {
      double level = sr_test_rms (pcm, audio->frames, 44100, beat * 0.5 + 0.05, beat * 0.5 + 0.45);
      g_assert_cmpfloat (level, >, 0.001);
      g_assert_cmpfloat (level, >, 3 * tail);
    }
}

/* Twice the tempo: the notes come twice as fast (eight crotchets at 120 made 240 per minute end after 2 s, not 4). */
static void
test_the_tempo_scale_makes_the_notes_come_faster (void)
{
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text ("measure key:fifths:0 time beats:4 beat-type:4 clef:G2 "
                                                      "C4 quarter D4 quarter E4 quarter F4 quarter "
                                                      "measure G4 quarter A4 quarter B4 quarter C5 quarter", NULL);
  g_autoptr(GArray) performed = NULL, note_tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAudio) audio = sr_perform_lmx (tokens, 2.0, 44100, NULL, &performed, &note_tokens, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (performed->len, ==, 8);
  const SrPerformedNote *last = &g_array_index (performed, SrPerformedNote, 7);
  g_assert_cmpfloat_with_epsilon (last->onset_seconds, 1.75, 1e-9);
  g_assert_cmpfloat_with_epsilon (last->offset_seconds, 2.0, 0.01);
}

static void
test_a_reading_of_rests_has_nothing_to_play (void)
{
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text ("measure clef:G2 rest quarter rest quarter rest half", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAudio) audio = sr_perform_lmx (tokens, 1.0, 44100, NULL, NULL, NULL, &error);
  g_assert_null (audio);
  g_assert_nonnull (strstr (error->message, "no notes to play"));
}

static void
test_a_backup_past_the_measure_start_plays_from_the_start (void)
{
  /* after the crotchet, a backup of a minim would put the quaver a crotchet before the measure */
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text ("measure key:fifths:0 time beats:4 beat-type:4 clef:G2 "
                                                      "C4 quarter backup half E4 eighth G4 half", NULL);
  guint notes = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAudio) audio = sr_perform_lmx (tokens, 1.0, 44100, &notes, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notes, ==, 3);
  /* the longest reach: the quaver and the minim from the measure's start, 1.25 s, then the release */
  g_assert_cmpfloat ((double) audio->frames / 44100, <, 1.25 + 1.6);
}

/* Every performed note knows the token it was read from (the overlay's link from sound to page): a tied pair sounds
 * once, from its first note's type token. */
static void
test_every_performed_note_knows_its_token (void)
{
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text ("measure key:fifths:0 time beats:4 beat-type:4 clef:G2 "
                                                      "C4 half tied:start C4 half tied:stop measure E4 whole", NULL);
  g_autoptr(GArray) performed = NULL, note_tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAudio) audio = sr_perform_lmx (tokens, 1.0, 44100, NULL, &performed, &note_tokens, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (performed->len, ==, 2);
  g_assert_cmpuint (note_tokens->len, ==, 2);
  g_assert_cmpstr (sr_lmx_token_text (g_array_index (tokens, guint16, g_array_index (note_tokens, gint64, 0))), ==,
                   "half");
  g_assert_cmpint (g_array_index (note_tokens, gint64, 0), ==, 7);  /* the first C4's type */
  g_assert_cmpint (g_array_index (note_tokens, gint64, 1), ==, 14); /* E4's */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/perform/crotchets", test_four_crotchets_sound_for_two_seconds);
  g_test_add_func ("/perform/tempo-scale", test_the_tempo_scale_makes_the_notes_come_faster);
  g_test_add_func ("/perform/rests", test_a_reading_of_rests_has_nothing_to_play);
  g_test_add_func ("/perform/backup-past-the-start", test_a_backup_past_the_measure_start_plays_from_the_start);
  g_test_add_func ("/perform/note-tokens", test_every_performed_note_knows_its_token);
  return g_test_run ();
}
