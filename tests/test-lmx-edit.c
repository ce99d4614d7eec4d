/* Corrections made in the inspector, on a reading's LMX tokens: a note moved by scale steps loses its printed
 * accidental; a note silenced becomes a rest of its length (in a chord, it goes); anything else is left alone. */
#include <glib.h>

#include "lmx-delinearize.h"
#include "lmx-edit.h"
#include "musicxml-read.h"
#include "lmx-vocabulary.h"

static char *
text_of (const GArray *tokens)
{
  GString *text = g_string_new (NULL);
  for (guint i = 0; i < tokens->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? " " : "", sr_lmx_token_text (g_array_index (tokens, guint16, i)));
  return g_string_free (text, FALSE);
}

/* The index of the Nth note type token (the root of a note or rest). */
static guint
root (const GArray *tokens, guint n)
{
  for (guint i = 0; i < tokens->len; i++)
    if (sr_lmx_type_index (sr_lmx_token_text (g_array_index (tokens, guint16, i))) >= 0 && n-- == 0)
      return i;
  g_assert_not_reached ();
}

#define BAR "measure key:fifths:0 time beats:4 beat-type:4 clef:G2 "

static void
test_a_note_moves_by_scale_steps_and_drops_its_accidental (void)
{
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text (BAR "C5 quarter sharp tied:start B4 quarter G4 half", NULL);
  g_assert_true (sr_lmx_edit_move_note (tokens, root (tokens, 0), 1));
  g_autofree char *up = text_of (tokens);
  g_assert_cmpstr (up, ==, BAR "D5 quarter tied:start B4 quarter G4 half");
  g_assert_true (sr_lmx_edit_move_note (tokens, root (tokens, 1), 1)); /* B4 → C5: across the octave */
  g_assert_true (sr_lmx_edit_move_note (tokens, root (tokens, 2), -3));
  g_autofree char *moved = text_of (tokens);
  g_assert_cmpstr (moved, ==, BAR "D5 quarter tied:start C5 quarter D4 half");
}

static void
test_a_note_is_silenced_to_a_rest_or_leaves_its_chord (void)
{
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text (BAR "C5 quarter flat tied:start chord E5 quarter natural "
                                                       "G4 half dot", NULL);
  g_assert_true (sr_lmx_edit_silence_note (tokens, root (tokens, 1)));
  g_autofree char *chord = text_of (tokens);
  g_assert_cmpstr (chord, ==, BAR "C5 quarter flat tied:start G4 half dot");
  g_assert_true (sr_lmx_edit_silence_note (tokens, root (tokens, 0)));
  g_autofree char *rest = text_of (tokens);
  g_assert_cmpstr (rest, ==, BAR "rest quarter G4 half dot");
  /* The measure still adds up: the delinearizer repairs nothing. */
  guint repairs = 99;
  g_autoptr(xmlDoc) document = sr_lmx_delinearize (tokens, NULL, &repairs);
  g_assert_cmpuint (repairs, ==, 0);
}

static void
test_what_is_no_note_is_left_alone (void)
{
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text (BAR "rest quarter B9 quarter C0 half", NULL);
  g_autofree char *before = text_of (tokens);
  g_assert_false (sr_lmx_edit_move_note (tokens, 0, 1));                 /* a measure token */
  g_assert_false (sr_lmx_edit_move_note (tokens, 1, 1));                 /* the key, a root of its own */
  g_assert_false (sr_lmx_edit_move_note (tokens, root (tokens, 0), 1));  /* a rest */
  g_assert_false (sr_lmx_edit_silence_note (tokens, root (tokens, 0)));
  g_assert_false (sr_lmx_edit_move_note (tokens, root (tokens, 1), 1));  /* above B9 */
  g_assert_false (sr_lmx_edit_move_note (tokens, root (tokens, 2), -1)); /* below C0 */
  g_assert_false (sr_lmx_edit_move_note (tokens, tokens->len, 1));       /* past the end */
  g_autofree char *after = text_of (tokens);
  g_assert_cmpstr (after, ==, before);
}

static void
test_values_and_accidentals_change_in_place (void)
{
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text (BAR "C5 quarter dot natural E5 eighth G4 half", NULL);
  g_assert_true (sr_lmx_edit_change_value (tokens, root (tokens, 0), 1));   /* dotted quarter → dotted half */
  g_assert_true (sr_lmx_edit_change_value (tokens, root (tokens, 2), -1));  /* half → quarter */
  g_assert_true (sr_lmx_edit_set_accidental (tokens, root (tokens, 0), "sharp"));
  g_assert_true (sr_lmx_edit_set_accidental (tokens, root (tokens, 1), "flat-flat"));
  g_autofree char *changed = text_of (tokens);
  g_assert_cmpstr (changed, ==, BAR "C5 half dot sharp E5 eighth flat-flat G4 quarter");
  g_assert_true (sr_lmx_edit_set_accidental (tokens, root (tokens, 0), NULL));
  g_assert_false (sr_lmx_edit_set_accidental (tokens, root (tokens, 1), "tenuto")); /* no accidental */
  g_autoptr(GArray) rest = sr_lmx_tokens_from_text (BAR "rest whole", NULL);
  g_assert_false (sr_lmx_edit_set_accidental (rest, root (rest, 0), "sharp"));
  g_assert_true (sr_lmx_edit_change_value (rest, root (rest, 0), -1));
  g_autoptr(GArray) longest = sr_lmx_tokens_from_text (BAR "C4 maxima", NULL);
  g_assert_false (sr_lmx_edit_change_value (longest, root (longest, 0), 1));
  g_autofree char *final = text_of (tokens);
  g_assert_cmpstr (final, ==, BAR "C5 half dot E5 eighth flat-flat G4 quarter");
}

static void
test_a_chord_grows_by_a_note_of_its_value (void)
{
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text (BAR "C4 quarter dot sharp chord E4 quarter dot G4 eighth", NULL);
  g_assert_true (sr_lmx_edit_add_chord_note (tokens, root (tokens, 0), 4)); /* a fifth above C4: G4 */
  g_autofree char *grown = text_of (tokens);
  g_assert_cmpstr (grown, ==, BAR "C4 quarter dot sharp chord E4 quarter dot chord G4 quarter dot G4 eighth");
  guint repairs = 99;
  g_autoptr(xmlDoc) document = sr_lmx_delinearize (tokens, NULL, &repairs);
  g_assert_cmpuint (repairs, ==, 0);
  g_autoptr(GArray) rest = sr_lmx_tokens_from_text (BAR "rest whole", NULL);
  g_assert_false (sr_lmx_edit_add_chord_note (rest, root (rest, 0), 2));
}

static void
test_a_measure_goes_and_the_first_hands_on_its_signatures (void)
{
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text (BAR "C4 whole measure D4 whole measure E4 whole", NULL);
  g_assert_true (sr_lmx_edit_delete_measure (tokens, root (tokens, 1)));
  g_autofree char *middle = text_of (tokens);
  g_assert_cmpstr (middle, ==, BAR "C4 whole measure E4 whole");
  g_assert_true (sr_lmx_edit_delete_measure (tokens, root (tokens, 0)));
  g_autofree char *first = text_of (tokens);
  g_assert_cmpstr (first, ==, BAR "E4 whole");
  g_assert_false (sr_lmx_edit_delete_measure (tokens, root (tokens, 0))); /* the only measure left */
  g_assert_false (sr_lmx_edit_delete_measure (tokens, tokens->len));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lmx-edit/move", test_a_note_moves_by_scale_steps_and_drops_its_accidental);
  g_test_add_func ("/lmx-edit/silence", test_a_note_is_silenced_to_a_rest_or_leaves_its_chord);
  g_test_add_func ("/lmx-edit/no-note", test_what_is_no_note_is_left_alone);
  g_test_add_func ("/lmx-edit/value-and-accidental", test_values_and_accidentals_change_in_place);
  g_test_add_func ("/lmx-edit/chord-note", test_a_chord_grows_by_a_note_of_its_value);
  g_test_add_func ("/lmx-edit/delete-measure", test_a_measure_goes_and_the_first_hands_on_its_signatures);
  return g_test_run ();
}
