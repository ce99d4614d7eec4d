/* The command line's tasks as a user tries them: reading the sample score (OMR) into MusicXML, given or detected
 * systems, a lost GPU, missing models; sound from MIDI and from the page; drafts from a performance; engraving;
 * scoring note lists. Help, usage and bad files are in test-cli.c. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio-file.h"
#include "cli-run.h"
#include "midi-file.h"
#include "midi-notes.h"
#include "test-files.h"
#include "vocabulary.h"

static char *scratch;

static void
test_omr_reads_every_system_of_the_sample_into_valid_musicxml (void)
{
  g_autofree char *pdf = sr_test_sample_path ("minuet-in-g.pdf");
  g_autofree char *lmx = g_build_filename (scratch, "minuet.lmx", NULL);
  g_autofree char *xml = g_build_filename (scratch, "minuet.musicxml", NULL);
  g_auto(CliRun) run = { 0 };
  g_autofree char *json = g_build_filename (scratch, "minuet.json", NULL);
  g_autofree char *engraving = g_build_filename (scratch, "minuet-reading.png", NULL);
  /* on the CPU backend, so that the sanitizer build checks the whole reading for leaks; quiet: no progress line */
  sightread (&run, "omr", "--device", "cpu", "-q", pdf, "--lmx", lmx, "-o", xml, "--json", json, "--engrave",
             engraving);
  g_assert_cmpint (run.status, ==, 0);
  cairo_surface_t *picture = cairo_image_surface_create_from_png (engraving);
  g_assert_cmpint (cairo_surface_status (picture), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpfloat (sr_test_dark_share (picture, 0, 0, cairo_image_surface_get_width (picture),
                                         cairo_image_surface_get_height (picture)), >, 0.01);
  cairo_surface_destroy (picture);
  g_assert_null (strstr (run.err, "reading the systems"));
  g_autofree char *reading = NULL;
  g_assert_true (g_file_get_contents (lmx, &reading, NULL, NULL));
  /* the sample's three systems, each a header line and a line of LMX that opens a measure */
  for (int system = 1; system <= 3; system++)
    {
      g_autofree char *header = g_strdup_printf ("# page 1, system %d: x ", system);
      assert_contains (reading, header);
    }
  assert_contains (reading, "\nmeasure ");
  g_autofree char *score = NULL;
  g_assert_true (g_file_get_contents (xml, &score, NULL, NULL));
  assert_contains (score, "<score-partwise version=\"4.0\">");
  assert_contains (score, "<measure number=\"1\"");
  /* the MusicXML is the reading decoded: a measure for each `measure` token of the LMX, no more */
  guint measure_tokens = 0, measures = 0;
  g_auto(GStrv) words = g_regex_split_simple ("\\s+", reading, 0, 0);
  for (char **word = words; *word != NULL; word++)
    measure_tokens += g_str_equal (*word, "measure");
  for (const char *at = score; (at = strstr (at, "<measure ")) != NULL; at++)
    measures++;
  g_assert_cmpuint (measure_tokens, >, 0);
  g_assert_cmpuint (measures, ==, measure_tokens);
  /* every token's focus: a cell of its own system's crop, so on the page inside the system's box (give or take the
   * padding of the crop's last cells) */
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, json, NULL));
  JsonArray *systems = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "systems");
  g_assert_cmpuint (json_array_get_length (systems), >=, 3);
  for (guint i = 0; i < json_array_get_length (systems); i++)
    {
      JsonObject *system = json_array_get_object_element (systems, i);
      double x = json_object_get_double_member (system, "x"), y = json_object_get_double_member (system, "y");
      double right = x + json_object_get_double_member (system, "width");
      double bottom = y + json_object_get_double_member (system, "height");
      JsonArray *tokens = json_object_get_array_member (system, "tokens");
      g_assert_cmpuint (json_array_get_length (tokens), >, 0);
      for (guint t = 0; t < json_array_get_length (tokens); t++)
        {
          JsonObject *focus = json_object_get_object_member (json_array_get_object_element (tokens, t), "focus");
          double fx = json_object_get_double_member (focus, "x"), fy = json_object_get_double_member (focus, "y");
          double cell = json_object_get_double_member (focus, "width");
          g_assert_cmpfloat (fx, >=, x - 1);
          g_assert_cmpfloat (fy, >=, y - 1);
          g_assert_cmpfloat (fx, <=, right + cell);
          g_assert_cmpfloat (fy, <=, bottom + cell);
        }
    }
  g_remove (lmx);
  g_remove (xml);
  g_remove (json);
}

/* Systems a user drew (or corrected) are read as given: on the upright sample, the detector's own boxes read the
 * same as detection; a box off the page is named; boxes and --page together are bad usage. */
static void
test_omr_reads_the_systems_it_is_given (void)
{
  g_autofree char *png = sr_test_sample_path ("minuet-in-g.png");
  g_auto(CliRun) found = { 0 };
  sightread (&found, "systems", png, "--json");
  g_assert_cmpint (found.status, ==, 0);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, found.out, -1, NULL));
  JsonNode *systems = json_object_get_member (json_node_get_object (json_parser_get_root (parser)), "systems");
  g_autofree char *boxes_text = json_to_string (systems, FALSE);
  g_autofree char *boxes = sr_test_write_file (scratch, "minuet-boxes.json", boxes_text, strlen (boxes_text));
  g_autofree char *given = g_build_filename (scratch, "given.lmx", NULL);
  g_autofree char *detected = g_build_filename (scratch, "detected.lmx", NULL);
  g_auto(CliRun) by_boxes = { 0 }, by_detection = { 0 };
  sightread (&by_boxes, "omr", "--device", "cpu", "-q", png, "--boxes", boxes, "--lmx", given);
  sightread (&by_detection, "omr", "--device", "cpu", "-q", png, "--lmx", detected);
  g_assert_cmpint (by_boxes.status, ==, 0);
  g_assert_cmpint (by_detection.status, ==, 0);
  g_autofree char *given_text = NULL, *detected_text = NULL;
  g_assert_true (g_file_get_contents (given, &given_text, NULL, NULL));
  g_assert_true (g_file_get_contents (detected, &detected_text, NULL, NULL));
  g_assert_cmpstr (given_text, ==, detected_text);

  static const char off_page[] = "[{\"page\": 1, \"x\": 5000, \"y\": 10, \"width\": 100, \"height\": 100, "
                                 "\"staff_height\": 20}]";
  g_autofree char *bad = sr_test_write_file (scratch, "off-page.json", off_page, strlen (off_page));
  g_auto(CliRun) outside = { 0 };
  sightread (&outside, "omr", "--device", "cpu", "-q", png, "--boxes", bad, "--lmx", given);
  g_assert_cmpint (outside.status, ==, 1);
  assert_contains (outside.err, "lies outside page 1");
  g_auto(CliRun) both = { 0 };
  sightread (&both, "omr", png, "--boxes", boxes, "--page", "1");
  g_assert_cmpint (both.status, ==, 2);

  /* A title page (lettering and a rule, no staff) has nothing to read: no systems, and a message saying why. */
  g_autofree char *title = g_build_filename (scratch, "title.png", NULL);
  cairo_surface_t *page = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1240, 1754);
  cairo_t *cr = cairo_create (page);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_select_font_face (cr, "serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 90);
  cairo_move_to (cr, 300, 500);
  cairo_show_text (cr, "SONATEN");
  cairo_set_font_size (cr, 50);
  cairo_move_to (cr, 330, 650);
  cairo_show_text (cr, "für das Pianoforte");
  cairo_rectangle (cr, 150, 800, 940, 4);
  cairo_fill (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (page, title), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (page);
  g_auto(CliRun) nothing = { 0 };
  sightread (&nothing, "omr", "--device", "cpu", "-q", title);
  g_assert_cmpint (nothing.status, ==, 1);
  assert_contains (nothing.err, "no systems were found to read");
  g_auto(CliRun) listed = { 0 };
  sightread (&listed, "systems", title);
  g_assert_cmpint (listed.status, ==, 0);
  assert_contains (listed.out, "page 1: 0 systems");
  assert_contains (listed.err, "no staves were found");
  g_remove (title);
  g_assert_cmpint (both.status, ==, 2);
  g_remove (boxes), g_remove (given), g_remove (detected), g_remove (bad);
}

static void
test_omr_goes_on_on_the_cpu_when_the_gpu_is_lost (void)
{
  g_autofree char *pdf = sr_test_sample_path ("minuet-in-g.pdf");
  g_autofree char *lmx = g_build_filename (scratch, "lost.lmx", NULL);
  /* the Vulkan backend reports its device lost at its third submission, mid-way through the first system */
  const char *const env[] = { "ASAN_OPTIONS=detect_leaks=0", "SIGHTREAD_VULKAN_LOSE_AFTER=3", NULL };
  g_auto(CliRun) run = { 0 };
  cli_run (&run, env, "omr", "--device", "vulkan", pdf, "--lmx", lmx, NULL);
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.err, "was lost; reading goes on with the CPU backend");
  g_autofree char *reading = NULL;
  g_assert_true (g_file_get_contents (lmx, &reading, NULL, NULL));
  assert_contains (reading, "# page 1, system 3: x ");
  g_remove (lmx);
}

static void
test_omr_without_its_models_names_the_missing_file (void)
{
  g_autofree char *pdf = sr_test_sample_path ("minuet-in-g.pdf");
  g_auto(CliRun) run = { 0 };
  sightread (&run, "omr", "--device", "cpu", "--models", scratch, pdf);
  g_assert_cmpint (run.status, ==, 1);
  assert_contains (run.err, "sightread: omr: ");
  assert_contains (run.err, "rqvae.safetensors");
}

/* Training's validation reads through `translate`: a reading a line, and a bad line or file named with its reason. */
static void
test_translate_reads_token_sources_a_line_each_and_names_a_bad_line (void)
{
  g_autofree char *samples = g_strdup (g_getenv ("SIGHTREAD_SAMPLES"));
  g_autofree char *resources = g_path_get_dirname (samples);
  g_autofree char *model = g_build_filename (resources, "models", "i2a.safetensors", NULL);
  /* two steps of one image column; each reading stops at its limit or the end token */
  const char *good = "{\"source\": \"image\", \"target\": \"lmx\", \"positions\": [0, 0, 0, 1], \"limit\": 5, "
                     "\"tokens\": [2658, 3682, 4706, 5730, 2700, 3700, 4700, 5700]}\n";
  g_autofree char *text = g_strconcat (good, "\n", good, NULL);
  g_autofree char *sources = sr_test_write_file (scratch, "sources.jsonl", text, (gssize) strlen (text));
  g_auto(CliRun) run = { 0 };
  sightread (&run, "translate", "--device", "cpu", model, sources);
  g_assert_cmpint (run.status, ==, 0);
  g_auto(GStrv) readings = g_strsplit (run.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (readings), ==, 3); /* two readings, the empty string after the last newline */
  g_assert_cmpstr (readings[0], ==, readings[1]);
  g_auto(GStrv) ids = g_strsplit (readings[0], " ", -1);
  g_assert_cmpuint (g_strv_length (ids), <=, 5);
  for (guint i = 0; ids[0][0] != '\0' && ids[i] != NULL; i++)
    {
      g_assert_cmpint (atoi (ids[i]), >=, SR_VOCAB_LMX_START);
      g_assert_cmpint (atoi (ids[i]), <, SR_VOCAB_MIDI_START);
    }

  struct {
    const char *line, *message;
  } bad[] = {
    { "not json", "sources.jsonl:2: " },
    { "{\"source\": \"image\", \"target\": \"audio\", \"tokens\": [2658, 3682, 4706, 5730], \"positions\": [0, 0], "
      "\"limit\": 5}", "only notation (lmx) and MIDI targets" },
    { "{\"source\": \"image\", \"target\": \"lmx\", \"tokens\": [2658, 3682, 4706], \"positions\": [0, 0], "
      "\"limit\": 5}", "4 a step" },
    { "{\"source\": \"image\", \"target\": \"lmx\", \"tokens\": [2658, 3682, 4706, 99999], \"positions\": [0, 0], "
      "\"limit\": 5}", "unified token ids" },
    { "{\"source\": \"image\", \"target\": \"lmx\", \"tokens\": [2658, 3682, 4706, 5730], \"positions\": [0], "
      "\"limit\": 5}", "a column and a row for every step" },
    { "{\"source\": \"image\", \"target\": \"lmx\", \"tokens\": [2658, 3682, 4706, 5730], \"positions\": [0, 0], "
      "\"limit\": 0}", "\"limit\" must be" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *lines = g_strconcat (good, bad[i].line, "\n", good, NULL);
      g_autofree char *path = sr_test_write_file (scratch, "sources.jsonl", lines, (gssize) strlen (lines));
      g_auto(CliRun) refused = { 0 };
      sightread (&refused, "translate", "--device", "cpu", model, path);
      g_assert_cmpint (refused.status, ==, 1);
      g_autofree char *where = g_strdup_printf ("sightread: %s:2: ", path);
      assert_contains (refused.err, where);
      assert_contains (refused.err, bad[i].message);
      g_assert_cmpuint (strlen (refused.out), >, 0); /* the first line's reading came out before */
    }
  /* more steps than the model has places for: 3000 audio steps to a model of 2048 positions at most */
  g_autoptr(GString) long_source = g_string_new ("{\"source\": \"audio\", \"target\": \"midi\", \"limit\": 5, "
                                                 "\"tokens\": [");
  for (int i = 0; i < 3000; i++)
    g_string_append_printf (long_source, "%s6718, 7742, 8766, 9790", i ? ", " : "");
  g_string_append (long_source, "], \"positions\": [");
  for (int i = 0; i < 3000; i++)
    g_string_append_printf (long_source, "%s%d", i ? ", " : "", i);
  g_string_append (long_source, "]}\n");
  g_autofree char *too_long = sr_test_write_file (scratch, "long.jsonl", long_source->str, long_source->len);
  g_auto(CliRun) refused_long = { 0 };
  sightread (&refused_long, "translate", "--device", "cpu", model, too_long);
  g_assert_cmpint (refused_long.status, ==, 1);
  assert_contains (refused_long.err, "long.jsonl:1: the source has 3000 steps; this model reads at most");
  g_remove (too_long);

  g_auto(CliRun) no_model = { 0 };
  sightread (&no_model, "translate", "--device", "cpu", sources, sources);
  g_assert_cmpint (no_model.status, ==, 1);
  g_autofree char *named = g_strdup_printf ("sightread: translate: %s: not a safetensors file", sources);
  assert_contains (no_model.err, named);
  g_remove (sources);
}

static void
test_synth_renders_midi_with_the_reference_synthesizer_to_flac (void)
{
  g_autofree char *midi = g_build_filename (g_getenv ("SIGHTREAD_SHARED"), "data", "aligned", "asap", "Haydn",
                                            "Keyboard_Sonatas", "6-1", "ChenC01.mid", NULL);
  g_autofree char *flac = g_build_filename (scratch, "haydn.flac", NULL);
  g_auto(CliRun) untrained = { 0 };
  sightread (&untrained, "synth", midi, "-o", flac);
  g_assert_cmpint (untrained.status, ==, 1);
  assert_contains (untrained.err, "the MIDI → audio model is not trained yet");
  g_auto(CliRun) run = { 0 };
  sightread (&run, "synth", "--reference", midi, "-o", flac);
  g_assert_cmpint (run.status, ==, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAudio) audio = sr_audio_read (flac, 44100, &error);
  g_assert_no_error (error);
  /* the performance's length (its last note ends near 120 s) and the release after it */
  g_autoptr(SrMidiFile) file = sr_midi_file_read (midi, NULL);
  g_autoptr(GArray) notes = sr_midi_file_get_notes (file, SR_MIDI_NOTES_SUSTAIN);
  double end = 0;
  for (guint i = 0; i < notes->len; i++)
    end = MAX (end, g_array_index (notes, SrNote, i).offset);
  g_assert_cmpfloat (fabs ((double) audio->frames / 44100 - (end + 1.5)), <, 0.01);
  g_remove (flac);
}

/* A pianist's performance (ASAP's Haydn, a Disklavier recording) becomes a draft score: MusicXML, LMX and what was
 * estimated; a file with nothing to draft, or no output asked for, is refused. */
static void
test_engrave_draws_a_score_as_png_svg_and_pdf (void)
{
  g_autofree char *score = g_test_build_filename (G_TEST_DIST, "data", "engrave", "grand-staff.musicxml", NULL);
  g_autofree char *png = g_build_filename (scratch, "engraved.png", NULL);
  g_auto(CliRun) run = { 0 };
  sightread (&run, "engrave", score, "-o", png, "--width", "650");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.err, "5 measures in 2 systems");
  cairo_surface_t *picture = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (picture), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (picture), ==, 650);
  g_assert_cmpfloat (sr_test_dark_share (picture, 0, 0, 650, cairo_image_surface_get_height (picture)), >, 0.03);
  cairo_surface_destroy (picture);

  g_autofree char *one = g_build_filename (scratch, "engraved-system-2.png", NULL);
  g_auto(CliRun) second = { 0 };
  sightread (&second, "engrave", score, "-o", one, "--width", "650", "--system", "2");
  g_assert_cmpint (second.status, ==, 0);
  assert_contains (second.err, "system 2 of 2");
  g_auto(CliRun) third = { 0 };
  sightread (&third, "engrave", score, "-o", one, "--width", "650", "--system", "3");
  g_assert_cmpint (third.status, ==, 2);
  assert_contains (third.err, "2 systems");

  const char *vector_formats[][2] = { { "engraved.svg", "<svg" }, { "engraved.pdf", "%PDF-" } };
  for (gsize i = 0; i < G_N_ELEMENTS (vector_formats); i++)
    {
      g_autofree char *path = g_build_filename (scratch, vector_formats[i][0], NULL);
      g_auto(CliRun) vector = { 0 };
      sightread (&vector, "engrave", score, "-o", path);
      g_assert_cmpint (vector.status, ==, 0);
      g_autofree char *text = NULL;
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_assert_nonnull (strstr (text, vector_formats[i][1]));
    }

  /* LMX, as OMR writes it. */
  static const char lmx[] = "measure key:fifths:0 time beats:4 beat-type:4 clef:G2 C4 half E4 half measure G4 whole\n";
  g_autofree char *lmx_path = sr_test_write_file (scratch, "two-bars.lmx", lmx, sizeof lmx - 1);
  g_auto(CliRun) from_lmx = { 0 };
  sightread (&from_lmx, "engrave", lmx_path, "-o", png);
  g_assert_cmpint (from_lmx.status, ==, 0);
  assert_contains (from_lmx.err, "2 measures in 1 systems");

  static const char broken[] = "<score-partwise><part-list><score-part id=\"P1\">";
  g_autofree char *broken_path = sr_test_write_file (scratch, "broken.musicxml", broken, sizeof broken - 1);
  g_auto(CliRun) bad = { 0 };
  sightread (&bad, "engrave", broken_path, "-o", png);
  g_assert_cmpint (bad.status, ==, 1);
  assert_contains (bad.err, "broken.musicxml");
  g_auto(CliRun) no_output = { 0 };
  sightread (&no_output, "engrave", score);
  g_assert_cmpint (no_output.status, ==, 2);
  g_auto(CliRun) bad_format = { 0 };
  sightread (&bad_format, "engrave", score, "-o", "out.jpg");
  g_assert_cmpint (bad_format.status, ==, 2);
  assert_contains (bad_format.err, ".png, .svg or .pdf");
}

/* A transcriber made elsewhere (the codec's judge, Basic Pitch) writes JSON note lists; they are scored like MIDI. */
static void
test_eval_notes_scores_json_note_lists (void)
{
  static const char reference[] = "[{\"onset\": 0.5, \"offset\": 1.0, \"pitch\": 60},"
                                  " {\"onset\": 1.0, \"offset\": 1.5, \"pitch\": 64},"
                                  " {\"onset\": 1.5, \"offset\": 2.0, \"pitch\": 67},"
                                  " {\"onset\": 2.0, \"offset\": 2.5, \"pitch\": 36, \"drum\": true}]";
  /* One onset 30 ms late (matched), one a semitone off (not), one missing, one extra. */
  static const char estimate[] = "[{\"onset\": 0.53, \"offset\": 0.9, \"pitch\": 60},"
                                 " {\"onset\": 1.0, \"offset\": 1.5, \"pitch\": 65},"
                                 " {\"onset\": 3.0, \"offset\": 3.5, \"pitch\": 72}]";
  g_autofree char *ref = sr_test_write_file (scratch, "reference-notes.json", reference, sizeof reference - 1);
  g_autofree char *est = sr_test_write_file (scratch, "estimated-notes.json", estimate, sizeof estimate - 1);
  g_auto(CliRun) run = { 0 };
  sightread (&run, "eval", "notes", ref, est, "--onset-only", "--json");
  g_assert_cmpint (run.status, ==, 0);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, run.out, -1, NULL));
  JsonObject *scores = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (scores, "reference_notes"), ==, 3); /* the drum is not scored */
  g_assert_cmpint (json_object_get_int_member (scores, "matched_notes"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (scores, "f1"), 1.0 / 3, 1e-9);

  /* Sound made from notes is judged at wider tolerances too: at 20 ms the late onset misses; a tolerance must be a
   * positive number. */
  g_auto(CliRun) strict = { 0 };
  sightread (&strict, "eval", "notes", ref, est, "--onset-only", "--onset-tolerance", "0.02", "--json");
  g_assert_cmpint (strict.status, ==, 0);
  g_autoptr(JsonParser) strict_parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (strict_parser, strict.out, -1, NULL));
  JsonObject *strict_scores = json_node_get_object (json_parser_get_root (strict_parser));
  g_assert_cmpint (json_object_get_int_member (strict_scores, "matched_notes"), ==, 0);
  g_assert_cmpfloat (json_object_get_double_member (strict_scores, "onset_tolerance"), ==, 0.02);
  g_auto(CliRun) negative = { 0 };
  sightread (&negative, "eval", "notes", ref, est, "--onset-tolerance", "-1");
  g_assert_cmpint (negative.status, ==, 2);
  assert_contains (negative.err, "--onset-tolerance");

  g_autofree char *broken = sr_test_write_file (scratch, "broken-notes.json", "[{\"onset\": ", 12);
  g_auto(CliRun) bad = { 0 };
  sightread (&bad, "eval", "notes", ref, broken);
  g_assert_cmpint (bad.status, ==, 1);
  assert_contains (bad.err, "broken-notes.json");
}

static void
test_midi_draft_writes_a_performance_as_a_score (void)
{
  g_autofree char *midi = g_build_filename (g_getenv ("SIGHTREAD_SHARED"), "data", "aligned", "asap", "Haydn",
                                            "Keyboard_Sonatas", "6-1", "ChenC01.mid", NULL);
  g_autofree char *musicxml = g_build_filename (scratch, "haydn-draft.musicxml", NULL);
  g_autofree char *lmx = g_build_filename (scratch, "haydn-draft.lmx", NULL);
  g_auto(CliRun) run = { 0 };
  sightread (&run, "midi", "draft", midi, "-o", musicxml, "--lmx", lmx);
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.err, "bars");
  g_autoptr(GPtrArray) written = g_ptr_array_new ();
  g_ptr_array_add (written, musicxml);
  g_assert_cmpuint (sr_test_count_valid_musicxml (written), ==, 1);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (lmx, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "measure key:fifths:"));

  g_auto(CliRun) json = { 0 };
  sightread (&json, "midi", "draft", midi, "--json");
  g_assert_cmpint (json.status, ==, 0);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, json.out, -1, NULL));
  JsonObject *summary = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpfloat (json_object_get_double_member (summary, "beats_per_minute"), >, 40);
  g_assert_cmpint (json_object_get_int_member (summary, "bars"), >, 50);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (summary, "beats")), >, 200);

  /* What the player says is taken: Haydn's Allegro, played at a quarter of about 76, in 4/4 and G major. */
  g_auto(CliRun) told = { 0 };
  sightread (&told, "midi", "draft", midi, "--json", "--tempo", "76", "--time", "4/4", "--key", "1");
  g_assert_cmpint (told.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, told.out, -1, NULL));
  summary = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (summary, "time"), ==, "4/4");
  g_assert_cmpint (json_object_get_int_member (summary, "key_fifths"), ==, 1);
  g_assert_cmpfloat (fabs (json_object_get_double_member (summary, "beats_per_minute") - 76), <=, 76 * 0.15);
  g_auto(CliRun) odd_time = { 0 };
  sightread (&odd_time, "midi", "draft", midi, "--json", "--time", "5/8");
  g_assert_cmpint (odd_time.status, ==, 2);
  assert_contains (odd_time.err, "--time takes");

  /* A MIDI file without notes. */
  static const guint8 silent[] = { 'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 0, 0, 1, 1, 0xe0,
                                   'M', 'T', 'r', 'k', 0, 0, 0, 4, 0, 0xff, 0x2f, 0 };
  g_autofree char *empty = sr_test_write_file (scratch, "silent.mid", silent, sizeof silent);
  g_auto(CliRun) nothing = { 0 };
  sightread (&nothing, "midi", "draft", empty, "--json");
  g_assert_cmpint (nothing.status, ==, 1);
  g_autofree char *expected = g_strdup_printf ("sightread: %s: no pitched notes", empty);
  assert_contains (nothing.err, expected);
  g_auto(CliRun) nowhere = { 0 };
  sightread (&nowhere, "midi", "draft", midi);
  g_assert_cmpint (nowhere.status, ==, 2);
  g_remove (musicxml);
  g_remove (lmx);
  g_remove (empty);
}

/* The notation route plays what it read, and says where on the page each note was read (the overlay's data): a spot
 * for every note played, on the page, sounding within the sound, in time order. */
static void
test_perform_writes_sound_and_where_each_note_was_read (void)
{
  g_autofree char *png = sr_test_sample_path ("minuet-in-g.png");
  g_autofree char *wav = g_build_filename (scratch, "minuet.wav", NULL);
  g_autofree char *attention = g_build_filename (scratch, "minuet-attention.json", NULL);
  g_auto(CliRun) run = { 0 };
  sightread (&run, "perform", "--device", "cpu", "-q", png, "-o", wav, "--attention", attention);
  g_assert_cmpint (run.status, ==, 0);
  guint systems = 0, played = 0;
  double seconds = 0;
  g_assert_cmpint (sscanf (run.out, "%u systems read, %u notes played, %lf s", &systems, &played, &seconds), ==, 3);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, attention, NULL));
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "route"), ==, "notation");
  JsonArray *notes = json_object_get_array_member (root, "notes");
  g_assert_cmpuint (json_array_get_length (notes), >, 0);
  g_assert_cmpuint (json_array_get_length (notes), <=, played);
  double previous = 0;
  for (guint i = 0; i < json_array_get_length (notes); i++)
    {
      JsonObject *note = json_array_get_object_element (notes, i);
      double onset = json_object_get_double_member (note, "onset");
      g_assert_cmpint (json_object_get_int_member (note, "page"), ==, 1);
      g_assert_cmpfloat (onset, >=, previous);
      g_assert_cmpfloat (json_object_get_double_member (note, "offset"), <=, seconds);
      g_assert_cmpfloat (json_object_get_double_member (note, "x"), >=, 0);
      g_assert_cmpfloat (json_object_get_double_member (note, "y"), >=, 0);
      g_assert_cmpfloat (json_object_get_double_member (note, "width"), >, 0);
      previous = onset;
    }
  g_remove (wav);
  g_remove (attention);
}

static void
test_perform_says_which_routes_exist (void)
{
  g_autofree char *pdf = sr_test_sample_path ("minuet-in-g.pdf");
  g_auto(CliRun) direct = { 0 };
  sightread (&direct, "perform", "--route", "direct", pdf, "-o", "out.wav");
  g_assert_cmpint (direct.status, ==, 1);
  assert_contains (direct.err, "the image → audio model is not trained yet");
  g_auto(CliRun) odd = { 0 };
  sightread (&odd, "perform", "--route", "telepathy", pdf, "-o", "out.wav");
  g_assert_cmpint (odd.status, ==, 2);
  g_auto(CliRun) too_fast = { 0 };
  sightread (&too_fast, "perform", "--tempo-scale", "9", pdf, "-o", "out.wav");
  g_assert_cmpint (too_fast.status, ==, 2);
  assert_contains (too_fast.err, "--tempo-scale");
  g_auto(CliRun) nowhere = { 0 };
  sightread (&nowhere, "perform", pdf);
  g_assert_cmpint (nowhere.status, ==, 2);
  assert_contains (nowhere.err, "an output file is needed");
}

/* A tone's sound file, SECONDS long, at AMPLITUDE (0: silence). */
static char *
tone_file (const char *name, double seconds, double amplitude)
{
  g_autofree char *path = g_build_filename (scratch, name, NULL);
  SrAudio audio = { .frames = (gsize) (seconds * 44100), .rate = 44100 };
  audio.samples = g_new (float, audio.frames);
  for (gsize i = 0; i < audio.frames; i++)
    audio.samples[i] = (float) (amplitude * sin (2 * G_PI * 440 * (double) i / 44100));
  g_autoptr(GError) error = NULL;
  g_assert_true (sr_audio_write (&audio, path, &error));
  g_free (audio.samples);
  return g_steal_pointer (&path);
}

/* What transcription refuses, each with exit 1 and a reason before any model runs: silence, a file that is no
 * sound, a folder without the model, and the picture whose model is not trained; no output at all is bad usage. */
static void
test_transcribe_refuses_what_it_cannot_hear (void)
{
  g_autofree char *silent = tone_file ("silent.wav", 2, 0);
  g_autofree char *tone = tone_file ("tone.wav", 2, 0.3);
  g_autofree char *midi = g_build_filename (scratch, "heard.mid", NULL);
  g_auto(CliRun) quiet = { 0 };
  sightread (&quiet, "transcribe", silent, "-o", midi);
  g_assert_cmpint (quiet.status, ==, 1);
  assert_contains (quiet.err, "the recording is silent");
  static const char garbage[] = "RIFF\x10\0\0\0WAVEfmt nonsense";
  g_autofree char *bad = sr_test_write_file (scratch, "bad.wav", garbage, sizeof garbage);
  g_auto(CliRun) corrupt = { 0 };
  sightread (&corrupt, "transcribe", bad, "-o", midi);
  g_assert_cmpint (corrupt.status, ==, 1);
  assert_contains (corrupt.err, "bad.wav: not a sound file we can read");
  g_autofree char *empty = g_build_filename (scratch, "no-models", NULL);
  g_assert_cmpint (g_mkdir_with_parents (empty, 0700), ==, 0);
  g_auto(CliRun) modelless = { 0 };
  sightread (&modelless, "transcribe", "--models", empty, tone, "-o", midi);
  g_assert_cmpint (modelless.status, ==, 1);
  assert_contains (modelless.err, "a2i.safetensors: no transcription model here");
  g_auto(CliRun) picture = { 0 };
  sightread (&picture, "transcribe", tone, "--image", "out.png");
  g_assert_cmpint (picture.status, ==, 1);
  assert_contains (picture.err, "the audio → image model is not trained yet");
  g_auto(CliRun) nowhere = { 0 };
  sightread (&nowhere, "transcribe", tone);
  g_assert_cmpint (nowhere.status, ==, 2);
  assert_contains (nowhere.err, "an output is needed");
  g_assert_false (g_file_test (midi, G_FILE_TEST_EXISTS));
  g_remove (silent), g_remove (tone), g_remove (bad), g_rmdir (empty);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  scratch = cli_scratch_new ();

  g_test_add_func ("/cli/omr", test_omr_reads_every_system_of_the_sample_into_valid_musicxml);
  g_test_add_func ("/cli/omr-without-models", test_omr_without_its_models_names_the_missing_file);
  g_test_add_func ("/cli/omr-boxes", test_omr_reads_the_systems_it_is_given);
  g_test_add_func ("/cli/omr-lost-gpu", test_omr_goes_on_on_the_cpu_when_the_gpu_is_lost);
  g_test_add_func ("/cli/translate", test_translate_reads_token_sources_a_line_each_and_names_a_bad_line);
  g_test_add_func ("/cli/synth-reference", test_synth_renders_midi_with_the_reference_synthesizer_to_flac);
  g_test_add_func ("/cli/perform-routes", test_perform_says_which_routes_exist);
  g_test_add_func ("/cli/transcribe-refusals", test_transcribe_refuses_what_it_cannot_hear);
  g_test_add_func ("/cli/perform-attention", test_perform_writes_sound_and_where_each_note_was_read);
  g_test_add_func ("/cli/midi-draft", test_midi_draft_writes_a_performance_as_a_score);
  g_test_add_func ("/cli/eval-notes-json", test_eval_notes_scores_json_note_lists);
  g_test_add_func ("/cli/engrave", test_engrave_draws_a_score_as_png_svg_and_pdf);
  int status = g_test_run ();

  cli_scratch_remove (scratch);
  return status;
}
