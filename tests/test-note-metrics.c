/* Note precision, recall and F1 by mir_eval's rules, on cases small enough to check by hand. */
#include "note-metrics.h"

static SrNote
note (double onset, double offset, int pitch)
{
  return (SrNote) { .onset = onset, .offset = offset, .pitch = (guint8) pitch, .velocity = 64 };
}

static void
test_identical_notes_score_one (void)
{
  const SrNote notes[] = { note (0, 1, 60), note (1, 2, 62), note (1, 2, 65) };
  SrNoteScores scores = sr_note_scores (notes, 3, notes, 3, &SR_NOTE_MATCH_RULES_DEFAULT);
  g_assert_cmpfloat (scores.f1, ==, 1.0);
  g_assert_cmpuint (scores.n_matched, ==, 3);
}

static void
test_onsets_match_within_50_ms_inclusive (void)
{
  const SrNote reference[] = { note (1.0, 2.0, 60) };
  const SrNote on_the_edge[] = { note (1.05, 2.0, 60) };     /* 0.05 after rounding to 4 decimals */
  const SrNote just_outside[] = { note (1.0501, 2.0, 60) };
  g_assert_cmpuint (sr_note_scores (reference, 1, on_the_edge, 1, &SR_NOTE_MATCH_RULES_ONSET_ONLY).n_matched, ==, 1);
  g_assert_cmpuint (sr_note_scores (reference, 1, just_outside, 1, &SR_NOTE_MATCH_RULES_ONSET_ONLY).n_matched, ==, 0);
  SrNoteMatchRules strict = SR_NOTE_MATCH_RULES_ONSET_ONLY;
  strict.strict = TRUE;
  g_assert_cmpuint (sr_note_scores (reference, 1, on_the_edge, 1, &strict).n_matched, ==, 0);
}

static void
test_offsets_match_within_a_fifth_of_the_duration_or_50_ms (void)
{
  const SrNote reference[] = { note (0, 1.0, 60), note (2, 2.1, 62) };
  /* Long note: 0.2 s of slack; short note: the 50 ms minimum. */
  const SrNote estimate[] = { note (0, 1.2, 60), note (2, 2.16, 62) };
  SrNoteScores scores = sr_note_scores (reference, 2, estimate, 2, &SR_NOTE_MATCH_RULES_DEFAULT);
  g_assert_cmpuint (scores.n_matched, ==, 1);
  g_assert_cmpfloat (scores.precision, ==, 0.5);
  scores = sr_note_scores (reference, 2, estimate, 2, &SR_NOTE_MATCH_RULES_ONSET_ONLY);
  g_assert_cmpuint (scores.n_matched, ==, 2);
}

static void
test_a_wrong_pitch_never_matches (void)
{
  const SrNote reference[] = { note (0, 1, 60) };
  const SrNote estimate[] = { note (0, 1, 61) };
  g_assert_cmpuint (sr_note_scores (reference, 1, estimate, 1, &SR_NOTE_MATCH_RULES_ONSET_ONLY).n_matched, ==, 0);
}

static void
test_matching_is_maximal_not_greedy (void)
{
  /* Estimate 0 fits both references, estimate 1 only the first: a greedy pairing would find one match. */
  const SrNote reference[] = { note (0.00, 1, 60), note (0.04, 1, 60) };
  const SrNote estimate[] = { note (0.02, 1, 60), note (-0.03, 1, 60) };
  SrNoteScores scores = sr_note_scores (reference, 2, estimate, 2, &SR_NOTE_MATCH_RULES_ONSET_ONLY);
  g_assert_cmpuint (scores.n_matched, ==, 2);
}

static void
test_scores_are_ratios_of_matches_and_zero_when_a_side_is_empty (void)
{
  const SrNote reference[] = { note (0, 1, 60), note (1, 2, 62), note (2, 3, 64), note (3, 4, 65) };
  const SrNote estimate[] = { note (0, 1, 60), note (2, 3, 64) };
  SrNoteScores scores = sr_note_scores (reference, 4, estimate, 2, &SR_NOTE_MATCH_RULES_DEFAULT);
  g_assert_cmpfloat (scores.precision, ==, 1.0);
  g_assert_cmpfloat (scores.recall, ==, 0.5);
  g_assert_cmpfloat_with_epsilon (scores.f1, 2.0 / 3.0, 1e-15);
  scores = sr_note_scores (reference, 4, NULL, 0, &SR_NOTE_MATCH_RULES_DEFAULT);
  g_assert_cmpfloat (scores.f1, ==, 0.0);
  g_assert_cmpuint (scores.n_reference, ==, 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/note-metrics/identical", test_identical_notes_score_one);
  g_test_add_func ("/note-metrics/onset-tolerance", test_onsets_match_within_50_ms_inclusive);
  g_test_add_func ("/note-metrics/offset-tolerance", test_offsets_match_within_a_fifth_of_the_duration_or_50_ms);
  g_test_add_func ("/note-metrics/pitch", test_a_wrong_pitch_never_matches);
  g_test_add_func ("/note-metrics/maximal-matching", test_matching_is_maximal_not_greedy);
  g_test_add_func ("/note-metrics/ratios", test_scores_are_ratios_of_matches_and_zero_when_a_side_is_empty);
  return g_test_run ();
}
