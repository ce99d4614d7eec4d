/* MT3/YourMT3 event tokens as ../shared/specs/midi-tokens.md describes them. */
#include <math.h>
#include <string.h>

#include "midi-tokens.h"
#include "note-list-json.h"
#include "vocabulary.h"

static const SrMidiTokenConfig config = { 100, 2001 };

static char *
segment_text (const GArray *tokens)
{
  GString *text = g_string_new (NULL);
  for (guint i = 0; i < tokens->len; i++)
    {
      g_autofree char *name = sr_midi_token_name (&config, g_array_index (tokens, guint16, i));
      g_string_append_printf (text, "%s%s", i > 0 ? " " : "", name);
    }
  return g_string_free (text, FALSE);
}

static void
test_the_vocabulary_has_the_u_must_layout (void)
{
  g_assert_cmpuint (sr_midi_tokens_vocabulary_size (&config), ==, 2391);
  /* The translation models' MIDI block holds all of it but PAD, EOS and UNK. */
  g_assert_cmpuint (sr_midi_tokens_vocabulary_size (&config) - SR_VOCAB_MIDI_SPECIALS, ==, SR_VOCAB_MIDI_SIZE);
  g_assert_cmpuint (sr_midi_token (&config, SR_MIDI_TOKEN_SHIFT, 0), ==, 3);
  g_assert_cmpuint (sr_midi_token (&config, SR_MIDI_TOKEN_PITCH, 0), ==, 3 + 2001);
  g_assert_cmpuint (sr_midi_token (&config, SR_MIDI_TOKEN_VELOCITY, 1), ==, 3 + 2001 + 128 + 1);
  g_assert_cmpuint (sr_midi_token (&config, SR_MIDI_TOKEN_TIE, 0), ==, 3 + 2001 + 130);
  g_assert_cmpuint (sr_midi_token (&config, SR_MIDI_TOKEN_DRUM, 127), ==, 2390);
  for (guint token = 0; token < 2391; token++)
    {
      g_autofree char *name = sr_midi_token_name (&config, token);
      guint parsed = G_MAXUINT;
      g_assert_true (sr_midi_token_parse (&config, name, &parsed));
      g_assert_cmpuint (parsed, ==, token);
    }
  guint token;
  g_assert_false (sr_midi_token_parse (&config, "pitch:128", &token));
  g_assert_false (sr_midi_token_parse (&config, "shift:2001", &token));
  g_assert_false (sr_midi_token_parse (&config, "tie:1", &token));
  g_assert_false (sr_midi_token_parse (&config, "chord", &token));
}

/* The worked example of spec §3: C4 held from 11.5 s to 12.3 s, E4 played 12.10–12.40 s, segment from 12 s. */
static void
test_the_spec_example_encodes_as_written (void)
{
  const SrNote notes[] = {
    { .onset = 11.5, .offset = 12.3, .pitch = 60, .velocity = 80 },
    { .onset = 12.1, .offset = 12.4, .pitch = 64, .velocity = 80 },
  };
  g_autoptr(GPtrArray) segments = sr_midi_tokens_encode (&config, notes, 2, 12.0, NULL);
  g_assert_cmpuint (segments->len, ==, 2);
  g_autofree char *second = segment_text (segments->pdata[1]);
  g_assert_cmpstr (second, ==, "program:0 pitch:60 tie shift:10 velocity:1 pitch:64 shift:30 velocity:0 pitch:60 "
                               "shift:40 pitch:64 shift:1200");
  g_autofree char *first = segment_text (segments->pdata[0]);
  g_assert_cmpstr (first, ==, "tie shift:1150 program:0 velocity:1 pitch:60 shift:1200");
}

static void
test_offsets_come_before_onsets_at_the_same_step (void)
{
  const SrNote notes[] = {
    { .onset = 0.0, .offset = 0.5, .pitch = 67 },
    { .onset = 0.5, .offset = 1.0, .pitch = 60 },
  };
  g_autoptr(GPtrArray) segments = sr_midi_tokens_encode (&config, notes, 2, 20.0, NULL);
  g_autofree char *text = segment_text (segments->pdata[0]);
  g_assert_cmpstr (text, ==, "tie program:0 velocity:1 pitch:67 shift:50 velocity:0 pitch:67 velocity:1 pitch:60 "
                             "shift:100 velocity:0 pitch:60 shift:2000");
}

static void
test_rounding_halves_to_even_like_the_reference (void)
{
  /* 0.125 s is 12.5 steps: Python's round() gives 12, not 13. */
  const SrNote notes[] = { { .onset = 0.125, .offset = 0.375, .pitch = 60 } };
  g_autoptr(GPtrArray) segments = sr_midi_tokens_encode (&config, notes, 1, 20.0, NULL);
  g_autofree char *text = segment_text (segments->pdata[0]);
  g_assert_cmpstr (text, ==, "tie shift:12 program:0 velocity:1 pitch:60 shift:38 velocity:0 pitch:60 shift:2000");
}

static void
test_encoding_then_decoding_gives_the_notes_on_the_10_ms_grid (void)
{
  GRand *random = g_rand_new_with_seed (7);
  g_autoptr(GArray) notes = g_array_new (FALSE, FALSE, sizeof (SrNote));
  for (int i = 0; i < 400; i++)
    {
      /* Distinct pitches per program and time slot, so no two notes of a key overlap. */
      SrNote note = { .onset = i * 0.15 + g_rand_double_range (random, 0, 0.05),
                      .pitch = (guint8) (30 + (i * 7) % 70), .velocity = 64,
                      .program = (guint8) (i % 3 == 0 ? 40 : 0) };
      note.offset = note.onset + g_rand_double_range (random, 0.02, 0.9);
      g_array_append_val (notes, note);
    }
  g_rand_free (random);

  g_autoptr(GPtrArray) segments = sr_midi_tokens_encode (&config, (SrNote *) notes->data, notes->len, 20.0, NULL);
  g_assert_cmpuint (segments->len, ==, 4);
  guint errors = 99;
  g_autoptr(GArray) decoded = sr_midi_tokens_decode (&config, segments, 20.0, &errors);
  g_assert_cmpuint (errors, ==, 0);
  g_assert_cmpuint (decoded->len, ==, notes->len);

  g_array_sort (notes, sr_note_compare);
  for (guint i = 0; i < notes->len; i++)
    {
      const SrNote *original = &g_array_index (notes, SrNote, i);
      const SrNote *back = &g_array_index (decoded, SrNote, i);
      g_assert_cmpint (back->pitch, ==, original->pitch);
      g_assert_cmpint (back->program, ==, original->program);
      g_assert_cmpfloat_with_epsilon (back->onset, nearbyint (original->onset * 100) / 100, 1e-9);
      g_assert_cmpfloat_with_epsilon (back->offset, nearbyint (original->offset * 100) / 100, 1e-9);
    }
}

static void
test_decoding_shrugs_off_what_a_model_gets_wrong (void)
{
  const char *tokens[] = { "shift:5", "pitch:60", "velocity:0", "pitch:61", "EOS", "pitch:62" };
  GArray *segment = g_array_new (FALSE, FALSE, sizeof (guint16));
  /* No tie token, an offset of a silent key, garbage after EOS. */
  for (gsize i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      guint token;
      g_assert_true (sr_midi_token_parse (&config, tokens[i], &token));
      guint16 value = (guint16) token;
      g_array_append_val (segment, value);
    }
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_ptr_array_add (segments, segment);
  guint errors = 0;
  g_autoptr(GArray) notes = sr_midi_tokens_decode (&config, segments, 20.0, &errors);
  g_assert_cmpuint (errors, ==, 2);
  g_assert_cmpuint (notes->len, ==, 1); /* pitch 60, sounding from 0.05 s to the minimum length */
  g_assert_cmpint (g_array_index (notes, SrNote, 0).pitch, ==, 60);
  g_assert_cmpfloat_with_epsilon (g_array_index (notes, SrNote, 0).offset, 0.06, 1e-12);
}

static void
test_segments_longer_than_the_shift_range_are_refused (void)
{
  g_autoptr(GError) error = NULL;
  const SrNote note = { .onset = 0, .offset = 1, .pitch = 60 };
  g_autoptr(GPtrArray) segments = sr_midi_tokens_encode (&config, &note, 1, 25.0, &error);
  g_assert_null (segments);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_a_json_note_list_reads_back_what_was_written (void)
{
  const SrNote written[] = { { 0.25, 1.0, 60, 80, 0, 0, FALSE, 0, 0 }, { 0.5, 0.75, 36, 100, 0, 9, TRUE, 0, 0 },
                             { 0.5, 2.0, 67, 1, 41, 0, FALSE, 0, 0 } };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  sr_note_list_to_json (builder, written, G_N_ELEMENTS (written));
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  g_autofree char *text = json_generator_to_data (generator, NULL);

  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) notes = sr_note_list_from_json (text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notes->len, ==, 3);
  /* Sorted by onset, then pitch: the drum (36) before the viola (67) at 0.5 s. */
  const SrNote *drum = &g_array_index (notes, SrNote, 1), *viola = &g_array_index (notes, SrNote, 2);
  g_assert_true (drum->is_drum && drum->pitch == 36 && drum->channel == 9);
  g_assert_cmpuint (viola->program, ==, 41);
  g_assert_cmpuint (viola->velocity, ==, 1);
  g_assert_cmpfloat (viola->offset, ==, 2.0);
}

static void
test_a_bad_json_note_list_names_the_note (void)
{
  const struct {
    const char *text;
    const char *message;
  } cases[] = {
    { "{\"notes\": []}", "expected a JSON array of notes" },
    { "[{\"onset\": 0, \"offset\": 1, \"pitch\": 60}, {\"onset\": 2, \"offset\": 1, \"pitch\": 60}]", "note 2" },
    { "[{\"onset\": 0, \"offset\": 1, \"pitch\": 128}]", "note 1" },
    { "[{\"onset\": 0, \"offset\": 1, \"pitch\": 60, \"velocity\": 0}]", "note 1" },
    { "[{\"onset\": \"0\", \"offset\": 1, \"pitch\": 60}]", "note 1" },
    { "[{\"onset\": 0, \"offset\": 1, \"pitch\": 60, \"drum\": 1}]", "note 1" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) notes = sr_note_list_from_json (cases[i].text, -1, &error);
      g_assert_null (notes);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
  /* Velocity, program and drum may be left out. */
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) notes = sr_note_list_from_json ("[{\"onset\": 0, \"offset\": 0.5, \"pitch\": 60}]", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_array_index (notes, SrNote, 0).velocity, ==, 64);
}

static void
test_many_note_lists_read_in_one_go_each_as_alone (void)
{
  static const char lists[] = "[[{\"onset\": 1, \"offset\": 2, \"pitch\": 62}, {\"onset\": 0, \"offset\": 1, "
                              "\"pitch\": 60}], [], [{\"onset\": 0, \"offset\": 0.5, \"pitch\": 72}]]";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) read = sr_note_lists_from_json (lists, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, 3);
  const GArray *first = read->pdata[0];
  g_assert_cmpuint (first->len, ==, 2);
  g_assert_cmpuint (g_array_index (first, SrNote, 0).pitch, ==, 60); /* sorted, as a single list is */
  g_assert_cmpuint (((const GArray *) read->pdata[1])->len, ==, 0);
  g_assert_cmpuint (((const GArray *) read->pdata[2])->len, ==, 1);

  /* A bad note is named by its list and its place in it; a list that is no array is named too. */
  g_autoptr(GError) bad_note = NULL;
  g_assert_null (sr_note_lists_from_json ("[[], [{\"onset\": 0, \"offset\": 1, \"pitch\": 60}, "
                                          "{\"onset\": 0, \"offset\": 1, \"pitch\": 300}]]", -1, &bad_note));
  g_assert_nonnull (strstr (bad_note->message, "list 2: note 2"));
  g_autoptr(GError) not_a_list = NULL;
  g_assert_null (sr_note_lists_from_json ("[[], {\"onset\": 0}]", -1, &not_a_list));
  g_assert_nonnull (strstr (not_a_list->message, "list 2"));
  g_autoptr(GError) single = NULL;
  g_assert_null (sr_note_lists_from_json ("{\"lists\": []}", -1, &single));
  g_assert_nonnull (strstr (single->message, "note lists"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/midi-tokens/vocabulary", test_the_vocabulary_has_the_u_must_layout);
  g_test_add_func ("/midi-tokens/spec-example", test_the_spec_example_encodes_as_written);
  g_test_add_func ("/midi-tokens/offsets-first", test_offsets_come_before_onsets_at_the_same_step);
  g_test_add_func ("/midi-tokens/note-lists", test_many_note_lists_read_in_one_go_each_as_alone);
  g_test_add_func ("/midi-tokens/half-to-even", test_rounding_halves_to_even_like_the_reference);
  g_test_add_func ("/midi-tokens/round-trip", test_encoding_then_decoding_gives_the_notes_on_the_10_ms_grid);
  g_test_add_func ("/midi-tokens/robust-decoding", test_decoding_shrugs_off_what_a_model_gets_wrong);
  g_test_add_func ("/midi-tokens/shift-range", test_segments_longer_than_the_shift_range_are_refused);
  g_test_add_func ("/midi-tokens/json-notes", test_a_json_note_list_reads_back_what_was_written);
  g_test_add_func ("/midi-tokens/json-notes-bad", test_a_bad_json_note_list_names_the_note);
  return g_test_run ();
}
