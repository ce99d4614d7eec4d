/* A performance becomes a draft score a pianist can read: the metre, tempo and key it was played in, its notes on a
 * grid with triplets where they were played, the hands on their staves, ties across bar lines, accidentals where the
 * key needs them — and valid MusicXML. Performances here are played by a small deterministic "pianist" with a little
 * timing jitter and louder downbeats. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "beat-tracking.h"
#include "draft-score.h"
#include "lmx-delinearize.h"
#include "musicxml-read.h"
#include "musicxml-write.h"
#include "test-files.h"

typedef struct {
  GArray *notes;
  double seconds_per_beat;
  int beats_per_bar;
  GRand *rand;
} Pianist;

static Pianist *
pianist_new (double beats_per_minute, int beats_per_bar)
{
  Pianist *p = g_new0 (Pianist, 1);
  p->notes = g_array_new (FALSE, FALSE, sizeof (SrNote));
  p->seconds_per_beat = 60.0 / beats_per_minute;
  p->beats_per_bar = beats_per_bar;
  p->rand = g_rand_new_with_seed (7);
  return p;
}

static void
pianist_free (Pianist *p)
{
  g_array_unref (p->notes);
  g_rand_free (p->rand);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pianist, pianist_free)

/* PITCH struck at BEAT (counted from 0) for BEATS, held for 90 % of it, ±12 ms late or early; downbeats louder. */
static void
play (Pianist *p, double beat, double beats, int pitch)
{
  double jitter = g_rand_double_range (p->rand, -0.012, 0.012);
  gboolean downbeat = fmod (beat, p->beats_per_bar) < 1e-9;
  SrNote note = { .onset = 0.5 + beat * p->seconds_per_beat + jitter,
                  .offset = 0.5 + (beat + 0.9 * beats) * p->seconds_per_beat + jitter,
                  .pitch = (guint8) pitch,
                  .velocity = downbeat ? 96 : 64 };
  g_array_append_val (p->notes, note);
}

static SrDraftSummary
draft (Pianist *p, GArray **tokens)
{
  SrDraftSummary summary = { 0 };
  g_autoptr(GError) error = NULL;
  g_array_sort (p->notes, sr_note_compare);
  *tokens = sr_draft_score_lmx ((const SrNote *) p->notes->data, p->notes->len, NULL, &summary, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*tokens);
  return summary;
}

static guint
count_token (const GArray *tokens, const char *text)
{
  guint count = 0;
  for (guint i = 0; i < tokens->len; i++)
    count += strcmp (sr_lmx_token_text (g_array_index (tokens, guint16, i)), text) == 0;
  return count;
}

/* The draft's MusicXML, written to a scratch file for the schema check; its tokens must need no repair. */
static char *
write_musicxml (const char *dir, const char *name, const GArray *tokens)
{
  guint repairs = 0;
  SrLmxDelinearizeOptions options = { .part_name = "Piano" };
  g_autoptr(xmlDoc) document = sr_lmx_delinearize (tokens, &options, &repairs);
  g_assert_cmpuint (repairs, ==, 0);
  g_autofree char *xml = sr_musicxml_to_text (document);
  return sr_test_write_file (dir, name, xml, strlen (xml));
}

/* G major, 3/4 at 90 beats a minute: a bass note on each downbeat and chords on two and three (all below E4), a
 * melody an octave above. */
static Pianist *
waltz (void)
{
  Pianist *p = pianist_new (90, 3);
  static const int melody[] = { 83, 86, 91, 90, 88, 86, 84, 83, 81, 79, 78, 79, 81, 83, 86, 91 };
  static const int bass[] = { 43, 50, 43, 50, 48, 45, 50, 43, 48, 43, 50, 43, 48, 50, 50, 43 };
  for (int bar = 0; bar < 16; bar++)
    {
      double downbeat = 3.0 * bar;
      play (p, downbeat, 1, bass[bar]);
      for (int beat = 1; beat <= 2; beat++)
        {
          play (p, downbeat + beat, 1, bass[bar] + 7);
          play (p, downbeat + beat, 1, bass[bar] + 12);
        }
      play (p, downbeat, 2, melody[bar]);
      play (p, downbeat + 2, 1, melody[(bar + 5) % 16]);
    }
  return p;
}

static void
test_a_waltz_is_written_in_three_four_at_its_tempo_and_key (void)
{
  g_autoptr(Pianist) p = waltz ();
  g_autoptr(GArray) tokens = NULL;
  SrDraftSummary summary = draft (p, &tokens);
  g_assert_cmpint (summary.metre.beats_per_bar, ==, 3);
  g_assert_false (summary.metre.compound);
  g_assert_cmpint (summary.beats, ==, 3);
  g_assert_cmpint (summary.beat_type, ==, 4);
  g_assert_cmpfloat (fabs (summary.beats_per_minute - 90), <, 3);
  g_assert_cmpint (summary.key.fifths, ==, 1);
  g_assert_cmpuint (summary.n_bars, ==, 16);
  g_assert_cmpuint (count_token (tokens, "measure"), ==, 16);
  g_assert_cmpuint (count_token (tokens, "key:fifths:1"), ==, 1);
  sr_draft_summary_clear (&summary);
}

static void
test_the_hands_go_to_their_staves (void)
{
  g_autoptr(Pianist) p = waltz ();
  g_array_sort (p->notes, sr_note_compare);
  g_autoptr(GArray) beats = sr_beats_track ((const SrNote *) p->notes->data, p->notes->len, 0);
  SrMetre metre = sr_metre_estimate ((const SrNote *) p->notes->data, p->notes->len, beats, NULL);
  g_autoptr(SrDraft) d = sr_draft_quantize ((const SrNote *) p->notes->data, p->notes->len, beats, metre);
  /* One key struck twice at once (a melody note doubling the chord) is one note. */
  g_assert_cmpuint (d->notes->len, >=, p->notes->len - 2);
  for (guint i = 0; i < d->notes->len; i++)
    {
      const SrDraftNote *note = &g_array_index (d->notes, SrDraftNote, i);
      g_assert_cmpint (note->staff, ==, (note->pitch >= 64 ? 1 : 2));
      /* Every note on its beat: the waltz has nothing between beats. */
      g_assert_cmpint (note->start % d->ticks_per_beat, ==, 0);
    }
}

/* 6/8 at a dotted quarter of 60: running eighths above, the same figure every bar, a bass on every beat, the first
 * of each bar lower. */
static void
test_a_jig_is_written_in_compound_time (void)
{
  g_autoptr(Pianist) p = pianist_new (60, 2);
  static const int run[] = { 72, 74, 76, 77, 76, 74 };
  for (int bar = 0; bar < 8; bar++)
    for (int beat = 0; beat < 2; beat++)
      {
        double at = 2.0 * bar + beat;
        play (p, at, 1, beat == 0 ? 36 : 43);
        for (int eighth = 0; eighth < 3; eighth++)
          play (p, at + eighth / 3.0, 1 / 3.0, run[3 * beat + eighth]);
      }
  g_autoptr(GArray) tokens = NULL;
  SrDraftSummary summary = draft (p, &tokens);
  g_assert_true (summary.metre.compound);
  g_assert_cmpint (summary.beat_type, ==, 8);
  g_assert_cmpint (summary.beats, ==, 6);
  g_assert_cmpfloat (fabs (summary.beats_per_minute - 60), <, 2);
  /* Eighths, beamed in threes, and no triplet brackets: three eighths are what a compound beat is. */
  g_assert_cmpuint (count_token (tokens, "3in2"), ==, 0);
  g_assert_cmpuint (count_token (tokens, "eighth"), >=, 8 * 6);
  g_assert_cmpuint (count_token (tokens, "beam:begin"), ==, 8 * 2);
  sr_draft_summary_clear (&summary);
}

/* 4/4 at 80: triplet eighths on beats one and two, straight eighths on three and four. */
static Pianist *
triplets_then_eighths (void)
{
  Pianist *p = pianist_new (80, 4);
  for (int bar = 0; bar < 6; bar++)
    {
      double downbeat = 4.0 * bar;
      for (int beat = 0; beat < 4; beat++)
        play (p, downbeat + beat, 1, beat == 0 ? 41 : 48);
      for (int k = 0; k < 6; k++)
        play (p, downbeat + k / 3.0, 1 / 3.0, 65 + (k % 3) * 4);
      for (int k = 0; k < 4; k++)
        play (p, downbeat + 2 + k / 2.0, 0.5, 72 - k);
    }
  return p;
}

static void
test_triplets_are_bracketed_where_they_are_played (void)
{
  g_autoptr(Pianist) p = triplets_then_eighths ();
  g_autoptr(GArray) tokens = NULL;
  SrDraftSummary summary = draft (p, &tokens);
  g_assert_false (summary.metre.compound);
  g_assert_cmpint (summary.metre.beats_per_bar, ==, 4);
  /* Six bars, two triplet groups each: six notes under 3:2, a bracket opened and closed per beat. */
  g_assert_cmpuint (count_token (tokens, "3in2"), ==, 6 * 6);
  g_assert_cmpuint (count_token (tokens, "tuplet:start"), ==, 6 * 2);
  g_assert_cmpuint (count_token (tokens, "tuplet:stop"), ==, 6 * 2);
  g_assert_cmpuint (count_token (tokens, "eighth"), ==, 6 * 6 + 6 * 4);
  sr_draft_summary_clear (&summary);
}

static void
test_a_note_held_over_the_bar_line_is_tied (void)
{
  g_autoptr(Pianist) p = pianist_new (100, 4);
  for (int beat = 0; beat < 16; beat++)
    play (p, beat, 1, beat % 4 == 0 ? 36 : 48);
  play (p, 0, 2, 72);
  play (p, 2, 4, 76); /* beat three of bar one to beat three of bar two */
  play (p, 6, 2, 74);
  play (p, 8, 8, 72);
  g_autoptr(GArray) tokens = NULL;
  SrDraftSummary summary = draft (p, &tokens);
  g_assert_cmpuint (summary.n_bars, ==, 4);
  g_assert_cmpuint (count_token (tokens, "tied:start"), ==, 2);
  g_assert_cmpuint (count_token (tokens, "tied:stop"), ==, 2);
  g_assert_cmpuint (count_token (tokens, "whole"), >=, 2);
  sr_draft_summary_clear (&summary);
}

static void
test_accidentals_follow_the_key_and_the_bar (void)
{
  g_autoptr(Pianist) p = pianist_new (100, 4);
  /* C major; in bar two C♯ then C♮ on the same line. */
  static const int melody[] = { 60, 64, 67, 72, 73, 72, 71, 72, 67, 64, 62, 60 };
  for (int beat = 0; beat < 12; beat++)
    {
      play (p, beat, 1, melody[beat]);
      play (p, beat, 1, beat % 4 == 0 ? 36 : 43);
    }
  play (p, 12, 4, 60);
  play (p, 12, 4, 48);
  g_autoptr(GArray) tokens = NULL;
  SrDraftSummary summary = draft (p, &tokens);
  g_assert_cmpint (summary.key.fifths, ==, 0);
  g_assert_cmpuint (count_token (tokens, "C#5") + count_token (tokens, "D5"), ==, 0);
  g_assert_cmpuint (count_token (tokens, "sharp"), ==, 1);
  g_assert_cmpuint (count_token (tokens, "natural"), ==, 1);
  sr_draft_summary_clear (&summary);
}

/* A bass note held through the bar while the same hand plays chords above it. */
static Pianist *
held_bass (void)
{
  Pianist *p = pianist_new (96, 4);
  for (int bar = 0; bar < 4; bar++)
    {
      play (p, 4.0 * bar, 4, 36);
      for (int beat = 1; beat < 4; beat++)
        {
          play (p, 4.0 * bar + beat, 1, 52);
          play (p, 4.0 * bar + beat, 1, 55);
        }
      for (int beat = 0; beat < 4; beat++)
        play (p, 4.0 * bar + beat, 1, 72 + 2 * beat);
    }
  return p;
}

static void
test_a_held_bass_is_a_second_voice (void)
{
  g_autoptr(Pianist) p = held_bass ();
  g_autoptr(GArray) tokens = NULL;
  SrDraftSummary summary = draft (p, &tokens);
  g_assert_cmpint (summary.metre.beats_per_bar, ==, 4);
  /* Each bar: the bass as a whole note in voice 6, the chords in voice 5 after a quarter rest. */
  g_assert_cmpuint (count_token (tokens, "voice:6"), ==, 4);
  g_assert_cmpuint (count_token (tokens, "whole"), >=, 4);
  g_assert_cmpuint (count_token (tokens, "C2"), ==, 4);
  sr_draft_summary_clear (&summary);
}

static void
test_drafts_are_valid_musicxml (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sightread-draft-XXXXXX", NULL);
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  Pianist *(*pieces[]) (void) = { waltz, triplets_then_eighths, held_bass };
  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      g_autoptr(Pianist) p = pieces[i] ();
      g_autoptr(GArray) tokens = NULL;
      SrDraftSummary summary = draft (p, &tokens);
      g_autofree char *name = g_strdup_printf ("draft-%u.musicxml", i);
      g_ptr_array_add (written, write_musicxml (dir, name, tokens));
      sr_draft_summary_clear (&summary);

      /* The whole document also carries the tempo as a metronome mark. */
      g_autoptr(GError) error = NULL;
      g_autoptr(xmlDoc) document = sr_draft_score ((const SrNote *) p->notes->data, p->notes->len, NULL, NULL, &error);
      g_assert_no_error (error);
      g_autofree char *xml = sr_musicxml_to_text (document);
      g_assert_nonnull (strstr (xml, "<per-minute>"));
      g_autofree char *whole = g_strdup_printf ("score-%u.musicxml", i);
      g_ptr_array_add (written, sr_test_write_file (dir, whole, xml, strlen (xml)));
    }
  g_assert_cmpuint (sr_test_count_valid_musicxml (written), ==, written->len);
  for (guint i = 0; i < written->len; i++)
    g_remove (written->pdata[i]);
  g_rmdir (dir);
}

static void
test_one_note_is_one_bar (void)
{
  SrNote note = { .onset = 0.25, .offset = 1.0, .pitch = 69, .velocity = 80 };
  SrDraftSummary summary = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) tokens = sr_draft_score_lmx (&note, 1, NULL, &summary, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary.n_bars, ==, 1);
  g_assert_cmpuint (count_token (tokens, "A4"), >=, 1);
  g_assert_cmpuint (count_token (tokens, "A4"), ==, 1 + count_token (tokens, "tied:start"));
  sr_draft_summary_clear (&summary);
}

static void
test_what_cannot_be_drafted_is_refused_with_a_reason (void)
{
  g_autoptr(GError) error = NULL;
  g_assert_null (sr_draft_score_lmx (NULL, 0, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "no pitched notes"));
  g_clear_error (&error);

  SrNote drums[] = { { .onset = 0, .offset = 0.1, .pitch = 36, .velocity = 90, .channel = 9, .is_drum = TRUE },
                     { .onset = NAN, .offset = 1, .pitch = 60, .velocity = 90 } };
  g_assert_null (sr_draft_score_lmx (drums, G_N_ELEMENTS (drums), NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "no pitched notes"));
  g_clear_error (&error);

  SrNote endless[] = { { .onset = 0, .offset = 0.5, .pitch = 60, .velocity = 90 },
                       { .onset = 5 * 3600.0, .offset = 5 * 3600.0 + 1, .pitch = 62, .velocity = 90 } };
  g_assert_null (sr_draft_score_lmx (endless, G_N_ELEMENTS (endless), NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "minutes"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/draft-score/waltz", test_a_waltz_is_written_in_three_four_at_its_tempo_and_key);
  g_test_add_func ("/draft-score/hands", test_the_hands_go_to_their_staves);
  g_test_add_func ("/draft-score/compound", test_a_jig_is_written_in_compound_time);
  g_test_add_func ("/draft-score/triplets", test_triplets_are_bracketed_where_they_are_played);
  g_test_add_func ("/draft-score/ties", test_a_note_held_over_the_bar_line_is_tied);
  g_test_add_func ("/draft-score/accidentals", test_accidentals_follow_the_key_and_the_bar);
  g_test_add_func ("/draft-score/second-voice", test_a_held_bass_is_a_second_voice);
  g_test_add_func ("/draft-score/valid-musicxml", test_drafts_are_valid_musicxml);
  g_test_add_func ("/draft-score/one-note", test_one_note_is_one_bar);
  g_test_add_func ("/draft-score/refusals", test_what_cannot_be_drafted_is_refused_with_a_reason);
  return g_test_run ();
}
