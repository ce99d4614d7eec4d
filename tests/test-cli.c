/* The command line as a user meets it: help, version, exit statuses, bad usage and bad files, in two languages. */
#include <gio/gio.h>
#include <math.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "audio-file.h"
#include "cli-commands.h"
#include "midi-file.h"
#include "lmx-vocabulary.h"
#include "midi-tokens.h"
#include "test-files.h"

static char *scratch;

typedef struct {
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs `sightread ARGS…` with the environment ENV (NULL-terminated "NAME=VALUE" pairs added to ours). */
static void
run_sightread (Run *run, const char *const *env_additions, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *program = g_getenv ("SIGHTREAD");
  g_assert_nonnull (program);
  g_ptr_array_add (argv, (char *) program);
  va_list arguments;
  va_start (arguments, env_additions);
  for (const char *word; (word = va_arg (arguments, const char *)) != NULL;)
    g_ptr_array_add (argv, (char *) word);
  va_end (arguments);
  g_ptr_array_add (argv, NULL);

  g_auto(GStrv) env = g_get_environ ();
  for (const char *const *addition = env_additions; addition != NULL && *addition != NULL; addition++)
    {
      g_auto(GStrv) pair = g_strsplit (*addition, "=", 2);
      env = g_environ_setenv (env, pair[0], pair[1], TRUE);
    }

  int wait_status = 0;
  g_autoptr(GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, &run->out, &run->err, &wait_status,
                &error);
  g_assert_no_error (error);
  /* A crash or a sanitizer report must never pass for an ordinary failure. */
  if (WIFSIGNALED (wait_status))
    g_error ("sightread %s died of signal %d\n%s", (char *) argv->pdata[1], WTERMSIG (wait_status), run->err);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
  g_assert_null (strstr (run->err, "runtime error"));
  g_assert_null (strstr (run->err, "AddressSanitizer"));
  g_assert_null (strstr (run->err, "LeakSanitizer"));
  g_assert_null (strstr (run->err, "CRITICAL"));
}

#define sightread(run, ...) run_sightread (run, NULL, __VA_ARGS__, NULL)

/* For commands that open the Vulkan loader: Mesa's drivers keep allocations for the process's lifetime in a
 * library the loader has closed by exit, which LeakSanitizer can neither name nor be told to ignore. */
static const char *const vulkan_env[] = { "ASAN_OPTIONS=detect_leaks=0", NULL };
#define sightread_vulkan(run, ...) run_sightread (run, vulkan_env, __VA_ARGS__, NULL)

static void
assert_contains (const char *text, const char *expected)
{
  if (strstr (text, expected) == NULL)
    g_error ("expected “%s” in:\n%s", expected, text);
}

static void
test_help_lists_every_command (void)
{
  g_auto(Run) run = { 0 };
  sightread (&run, "--help");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "Usage:");
  for (const SrCliCommand *command = sr_cli_commands; command->name != NULL; command++)
    assert_contains (run.out, command->name);
}

static void
test_version_is_the_project_version (void)
{
  g_auto(Run) run = { 0 };
  sightread (&run, "--version");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_regex_match_simple ("^sightread [0-9]+\\.[0-9]+\\.[0-9]+\n$", run.out, 0, 0));
}

static void
test_every_command_has_help_naming_its_arguments_and_options (void)
{
  for (const SrCliCommand *command = sr_cli_commands; command->name != NULL; command++)
    {
      g_auto(GStrv) words = g_strsplit (command->name, " ", 2);
      g_auto(Run) run = { 0 };
      if (words[1] != NULL)
        sightread (&run, words[0], words[1], "--help");
      else
        sightread (&run, words[0], "--help");
      g_assert_cmpint (run.status, ==, 0);
      g_autofree char *usage = g_strdup_printf ("Usage: sightread %s", command->name);
      assert_contains (run.out, usage);
      assert_contains (run.out, command->arguments);
      for (const SrCliOption *option = command->options; option != NULL && option->long_name != NULL; option++)
        {
          g_autofree char *long_option = g_strdup_printf ("--%s", option->long_name);
          assert_contains (run.out, long_option);
        }
      if (command->flags & SR_CLI_USES_DEVICE)
        assert_contains (run.out, "--device");
      if (command->run == NULL)
        assert_contains (run.out, "Not built yet");
    }
}

static void
test_help_command_shows_a_command_help (void)
{
  g_auto(Run) run = { 0 };
  sightread (&run, "help", "lmx", "encode");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "Usage: sightread lmx encode MUSICXML");
}

static void
test_bad_usage_exits_2_with_a_one_line_hint (void)
{
  struct {
    const char *words[4];
    const char *hint;
  } cases[] = {
    { { "omrr" }, "did you mean 'omr'" },
    { { "frobnicate" }, "is not a command" },
    { { "omr", "--bogus", "x.pdf" }, "Unknown option --bogus" },
    { { "pages" }, "missing argument SCORE" },
    { { "pages", "a.pdf", "b.pdf" }, "unexpected argument 'b.pdf'" },
    { { "pages", "--dpi", "many", "a.pdf" }, "--dpi must be a whole number" },
    { { "pages", "--dpi" }, "--dpi" },
    { { "lmx" }, "a command is missing" },
    { { "lmx", "squash", "a.lmx" }, "'squash' is not a command" },
    { { "omr", "--device", "gpu", "a.pdf" }, "unknown device 'gpu'" },
    { { "--bogus" }, "Unknown option --bogus" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };
      const char *const *w = cases[i].words;
      run_sightread (&run, NULL, w[0], w[1], w[2], w[3], NULL);
      g_assert_cmpint (run.status, ==, 2);
      assert_contains (run.err, cases[i].hint);
      g_assert_cmpint (strchr (run.err, '\n') - run.err, ==, (int) strlen (run.err) - 1); /* one line */
      g_assert_cmpstr (run.out, ==, "");
    }
}

static void
test_a_bad_device_in_the_environment_is_bad_usage (void)
{
  g_auto(Run) run = { 0 };
  const char *env[] = { "SIGHTREAD_DEVICE=quantum", NULL };
  run_sightread (&run, env, "omr", "a.pdf", NULL);
  g_assert_cmpint (run.status, ==, 2);
  assert_contains (run.err, "SIGHTREAD_DEVICE: unknown device 'quantum'");
}

static void
test_a_command_not_built_yet_says_so_and_fails (void)
{
  g_auto(Run) run = { 0 };
  sightread (&run, "transcribe", "take.wav");
  g_assert_cmpint (run.status, ==, 1);
  assert_contains (run.err, "sightread: transcribe: this command is not built yet");
}

static void
test_devices_lists_the_cpu_and_says_what_the_choice_opens (void)
{
  g_auto(Run) run = { 0 };
  sightread_vulkan (&run, "devices", "--device", "cpu");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "cpu\tCPU, ");
  assert_contains (run.out, "--device cpu opens: cpu");
  /* lavapipe on the test machines: listed, and opened when Vulkan is asked for by name */
  g_auto(Run) vulkan = { 0 };
  sightread_vulkan (&vulkan, "devices", "--device", "vulkan");
  g_assert_cmpint (vulkan.status, ==, 0);
  assert_contains (vulkan.out, "vulkan:0\t");
  assert_contains (vulkan.out, "--device vulkan opens: vulkan");
}

static void
test_a_missing_vulkan_device_falls_back_to_the_cpu_with_a_note (void)
{
  g_auto(Run) run = { 0 };
  sightread_vulkan (&run, "devices", "--device", "vulkan:63");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "--device vulkan:63 opens: cpu");
  assert_contains (run.out, "note: there is no Vulkan device 63");
}

/* The test machines have no sound card (a developer's may): there, playing and recording say so and fail cleanly,
 * and `devices` says files can still be written. A private JACK server name keeps a running JACK server out. */
static const char *const no_jack_env[] = { "JACK_DEFAULT_SERVER=sightread-test-no-server", NULL };
/* `devices` also lists the Vulkan devices: Mesa's leaks at exit, as for vulkan_env. */
static const char *const no_jack_vulkan_env[] = { "JACK_DEFAULT_SERVER=sightread-test-no-server",
                                                  "ASAN_OPTIONS=detect_leaks=0", NULL };

static void
test_without_a_sound_card_play_and_record_say_so (void)
{
  g_autofree char *tone = g_build_filename (scratch, "tone-for-play.wav", NULL);
  g_autoptr(SrAudio) audio = g_new0 (SrAudio, 1);
  audio->rate = 44100;
  audio->frames = 4410;
  audio->samples = g_new0 (float, audio->frames);
  g_assert_true (sr_audio_write (audio, tone, NULL));

  g_auto(Run) devices = { 0 };
  run_sightread (&devices, no_jack_vulkan_env, "devices", NULL);
  g_assert_cmpint (devices.status, ==, 0);
  g_auto(Run) play = { 0 };
  run_sightread (&play, no_jack_env, "play", tone, NULL);
  g_autofree char *take = g_build_filename (scratch, "take.wav", NULL);
  g_auto(Run) record = { 0 };
  run_sightread (&record, no_jack_env, "record", "-o", take, "--seconds", "0.5", NULL);
  if (strstr (devices.out, "(no audio devices") != NULL)
    {
      g_assert_cmpint (play.status, ==, 1);
      assert_contains (play.err, "sightread: play: no audio output device");
      g_assert_cmpint (record.status, ==, 1);
      assert_contains (record.err, "sightread: record: no audio input device");
      g_assert_false (g_file_test (take, G_FILE_TEST_EXISTS));
    }
  else
    {
      g_test_message ("this machine has a sound card: checked that play and record use it instead");
      g_assert_cmpint (play.status, ==, 0);
      g_assert_cmpint (record.status, ==, 0);
    }
}

static void
test_play_and_record_refuse_bad_usage (void)
{
  g_auto(Run) gain = { 0 };
  sightread (&gain, "play", "x.wav", "--gain", "loud");
  g_assert_cmpint (gain.status, ==, 2);
  assert_contains (gain.err, "--gain must be a number from -60 to 24");
  g_auto(Run) no_output = { 0 };
  sightread (&no_output, "record", "--seconds", "3");
  g_assert_cmpint (no_output.status, ==, 2);
  assert_contains (no_output.err, "an output file is needed");
  g_auto(Run) format = { 0 };
  sightread (&format, "record", "-o", "take.mp4");
  g_assert_cmpint (format.status, ==, 1);
  assert_contains (format.err, "no sound format we write");
  g_auto(Run) device = { 0 };
  run_sightread (&device, no_jack_env, "play", "x.wav", "--audio-device", "no such card", NULL);
  g_assert_cmpint (device.status, ==, 1);
  assert_contains (device.err, "no audio output device matches “no such card”");
}

static void
test_bench_refuses_an_unknown_benchmark (void)
{
  g_auto(Run) run = { 0 };
  sightread (&run, "bench", "fft");
  g_assert_cmpint (run.status, ==, 2);
  assert_contains (run.err, "no benchmark 'fft' (expected gemm, gemm-large, attention, conv, norm, translator or memory)");
}

static void
test_pages_describes_the_sample_score (void)
{
  g_autofree char *pdf = sr_test_sample_path ("minuet-in-g.pdf");
  g_auto(Run) run = { 0 };
  sightread (&run, "pages", pdf);
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "PDF, 1 page");
  assert_contains (run.out, "2480 × 3508 px at 300 dpi");
}

static void
test_lmx_vocabulary_lists_the_token_ids_in_order (void)
{
  g_auto(Run) run = { 0 };
  sightread (&run, "lmx", "vocabulary");
  g_assert_cmpint (run.status, ==, 0);
  g_auto(GStrv) lines = g_strsplit (run.out, "\n", -1);
  /* 224 tokens and the empty string after the last newline. */
  g_assert_cmpuint (g_strv_length (lines), ==, SR_LMX_VOCABULARY_SIZE + 1);
  for (guint id = 0; id < SR_LMX_VOCABULARY_SIZE; id++)
    g_assert_cmpint (sr_lmx_token_id (lines[id]), ==, (int) id);
  g_assert_cmpstr (lines[0], ==, "measure");
}

static void
test_midi_vocabulary_lists_the_event_tokens_in_order (void)
{
  g_auto(Run) run = { 0 };
  sightread (&run, "midi", "vocabulary");
  g_assert_cmpint (run.status, ==, 0);
  g_auto(GStrv) lines = g_strsplit (run.out, "\n", -1);
  SrMidiTokenConfig config = SR_MIDI_TOKEN_CONFIG_DEFAULT;
  g_assert_cmpuint (g_strv_length (lines), ==, sr_midi_tokens_vocabulary_size (&config) + 1);
  for (guint id = 0; id + 1 < g_strv_length (lines); id++)
    {
      guint parsed = G_MAXUINT;
      g_assert_true (sr_midi_token_parse (&config, lines[id], &parsed));
      g_assert_cmpuint (parsed, ==, id);
    }
  g_assert_cmpstr (lines[3], ==, "shift:0");
}

static void
test_pages_json_is_machine_readable (void)
{
  g_autofree char *pdf = sr_test_write_pdf (scratch, "two.pdf", 2, 612, 792);
  g_auto(Run) run = { 0 };
  sightread (&run, "pages", "--json", "--dpi", "72", pdf);
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "\"format\" : \"PDF\"");
  assert_contains (run.out, "\"width_px\" : 612");
  assert_contains (run.out, "\"page\" : 2");
}

static void
test_pages_renders_every_page_to_png (void)
{
  g_autofree char *pdf = sr_test_write_pdf (scratch, "render.pdf", 2, 612, 792);
  g_autofree char *folder = g_build_filename (scratch, "rendered", NULL);
  g_auto(Run) run = { 0 };
  sightread (&run, "pages", "--dpi", "50", "-o", folder, pdf);
  g_assert_cmpint (run.status, ==, 0);
  for (int page = 1; page <= 2; page++)
    {
      g_autofree char *name = g_strdup_printf ("page-%03d.png", page);
      g_autofree char *png = g_build_filename (folder, name, NULL);
      cairo_surface_t *surface = cairo_image_surface_create_from_png (png);
      g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
      g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 425);
      g_assert_cmpfloat (sr_test_dark_share (surface, 0, 0, 425, 550), >, 0.001);
      cairo_surface_destroy (surface);
      g_remove (png);
    }
  g_rmdir (folder);
}

static void
test_omr_reads_every_system_of_the_sample_into_valid_musicxml (void)
{
  g_autofree char *pdf = sr_test_sample_path ("minuet-in-g.pdf");
  g_autofree char *lmx = g_build_filename (scratch, "minuet.lmx", NULL);
  g_autofree char *xml = g_build_filename (scratch, "minuet.musicxml", NULL);
  g_auto(Run) run = { 0 };
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
  g_auto(Run) found = { 0 };
  sightread (&found, "systems", png, "--json");
  g_assert_cmpint (found.status, ==, 0);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, found.out, -1, NULL));
  JsonNode *systems = json_object_get_member (json_node_get_object (json_parser_get_root (parser)), "systems");
  g_autofree char *boxes_text = json_to_string (systems, FALSE);
  g_autofree char *boxes = sr_test_write_file (scratch, "minuet-boxes.json", boxes_text, strlen (boxes_text));
  g_autofree char *given = g_build_filename (scratch, "given.lmx", NULL);
  g_autofree char *detected = g_build_filename (scratch, "detected.lmx", NULL);
  g_auto(Run) by_boxes = { 0 }, by_detection = { 0 };
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
  g_auto(Run) outside = { 0 };
  sightread (&outside, "omr", "--device", "cpu", "-q", png, "--boxes", bad, "--lmx", given);
  g_assert_cmpint (outside.status, ==, 1);
  assert_contains (outside.err, "lies outside page 1");
  g_auto(Run) both = { 0 };
  sightread (&both, "omr", png, "--boxes", boxes, "--page", "1");
  g_assert_cmpint (both.status, ==, 2);

  /* A blank page has nothing to read. */
  g_autofree char *blank = g_build_filename (scratch, "blank.png", NULL);
  cairo_surface_t *white = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1240, 1754);
  cairo_t *cr = cairo_create (white);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (white, blank), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (white);
  g_auto(Run) nothing = { 0 };
  sightread (&nothing, "omr", "--device", "cpu", "-q", blank);
  g_assert_cmpint (nothing.status, ==, 1);
  assert_contains (nothing.err, "no systems were found to read");
  g_remove (blank);
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
  g_auto(Run) run = { 0 };
  run_sightread (&run, env, "omr", "--device", "vulkan", pdf, "--lmx", lmx, NULL);
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
  g_auto(Run) run = { 0 };
  sightread (&run, "omr", "--device", "cpu", "--models", scratch, pdf);
  g_assert_cmpint (run.status, ==, 1);
  assert_contains (run.err, "sightread: omr: ");
  assert_contains (run.err, "rqvae.safetensors");
}

static void
test_synth_renders_midi_with_the_reference_synthesizer_to_flac (void)
{
  g_autofree char *midi = g_build_filename (g_getenv ("SIGHTREAD_SHARED"), "data", "aligned", "asap", "Haydn",
                                            "Keyboard_Sonatas", "6-1", "ChenC01.mid", NULL);
  g_autofree char *flac = g_build_filename (scratch, "haydn.flac", NULL);
  g_auto(Run) untrained = { 0 };
  sightread (&untrained, "synth", midi, "-o", flac);
  g_assert_cmpint (untrained.status, ==, 1);
  assert_contains (untrained.err, "the MIDI → audio model is not trained yet");
  g_auto(Run) run = { 0 };
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
  g_auto(Run) run = { 0 };
  sightread (&run, "engrave", score, "-o", png, "--width", "650");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.err, "5 measures in 2 systems");
  cairo_surface_t *picture = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (picture), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (picture), ==, 650);
  g_assert_cmpfloat (sr_test_dark_share (picture, 0, 0, 650, cairo_image_surface_get_height (picture)), >, 0.03);
  cairo_surface_destroy (picture);

  g_autofree char *one = g_build_filename (scratch, "engraved-system-2.png", NULL);
  g_auto(Run) second = { 0 };
  sightread (&second, "engrave", score, "-o", one, "--width", "650", "--system", "2");
  g_assert_cmpint (second.status, ==, 0);
  assert_contains (second.err, "system 2 of 2");
  g_auto(Run) third = { 0 };
  sightread (&third, "engrave", score, "-o", one, "--width", "650", "--system", "3");
  g_assert_cmpint (third.status, ==, 2);
  assert_contains (third.err, "2 systems");

  const char *vector_formats[][2] = { { "engraved.svg", "<svg" }, { "engraved.pdf", "%PDF-" } };
  for (gsize i = 0; i < G_N_ELEMENTS (vector_formats); i++)
    {
      g_autofree char *path = g_build_filename (scratch, vector_formats[i][0], NULL);
      g_auto(Run) vector = { 0 };
      sightread (&vector, "engrave", score, "-o", path);
      g_assert_cmpint (vector.status, ==, 0);
      g_autofree char *text = NULL;
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_assert_nonnull (strstr (text, vector_formats[i][1]));
    }

  /* LMX, as OMR writes it. */
  static const char lmx[] = "measure key:fifths:0 time beats:4 beat-type:4 clef:G2 C4 half E4 half measure G4 whole\n";
  g_autofree char *lmx_path = sr_test_write_file (scratch, "two-bars.lmx", lmx, sizeof lmx - 1);
  g_auto(Run) from_lmx = { 0 };
  sightread (&from_lmx, "engrave", lmx_path, "-o", png);
  g_assert_cmpint (from_lmx.status, ==, 0);
  assert_contains (from_lmx.err, "2 measures in 1 systems");

  static const char broken[] = "<score-partwise><part-list><score-part id=\"P1\">";
  g_autofree char *broken_path = sr_test_write_file (scratch, "broken.musicxml", broken, sizeof broken - 1);
  g_auto(Run) bad = { 0 };
  sightread (&bad, "engrave", broken_path, "-o", png);
  g_assert_cmpint (bad.status, ==, 1);
  assert_contains (bad.err, "broken.musicxml");
  g_auto(Run) no_output = { 0 };
  sightread (&no_output, "engrave", score);
  g_assert_cmpint (no_output.status, ==, 2);
  g_auto(Run) bad_format = { 0 };
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
  g_auto(Run) run = { 0 };
  sightread (&run, "eval", "notes", ref, est, "--onset-only", "--json");
  g_assert_cmpint (run.status, ==, 0);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, run.out, -1, NULL));
  JsonObject *scores = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (scores, "reference_notes"), ==, 3); /* the drum is not scored */
  g_assert_cmpint (json_object_get_int_member (scores, "matched_notes"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (scores, "f1"), 1.0 / 3, 1e-9);

  g_autofree char *broken = sr_test_write_file (scratch, "broken-notes.json", "[{\"onset\": ", 12);
  g_auto(Run) bad = { 0 };
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
  g_auto(Run) run = { 0 };
  sightread (&run, "midi", "draft", midi, "-o", musicxml, "--lmx", lmx);
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.err, "bars");
  g_autoptr(GPtrArray) written = g_ptr_array_new ();
  g_ptr_array_add (written, musicxml);
  g_assert_cmpuint (sr_test_count_valid_musicxml (written), ==, 1);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (lmx, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "measure key:fifths:"));

  g_auto(Run) json = { 0 };
  sightread (&json, "midi", "draft", midi, "--json");
  g_assert_cmpint (json.status, ==, 0);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, json.out, -1, NULL));
  JsonObject *summary = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpfloat (json_object_get_double_member (summary, "beats_per_minute"), >, 40);
  g_assert_cmpint (json_object_get_int_member (summary, "bars"), >, 50);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (summary, "beats")), >, 200);

  /* What the player says is taken: Haydn's Allegro, played at a quarter of about 76, in 4/4 and G major. */
  g_auto(Run) told = { 0 };
  sightread (&told, "midi", "draft", midi, "--json", "--tempo", "76", "--time", "4/4", "--key", "1");
  g_assert_cmpint (told.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, told.out, -1, NULL));
  summary = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (summary, "time"), ==, "4/4");
  g_assert_cmpint (json_object_get_int_member (summary, "key_fifths"), ==, 1);
  g_assert_cmpfloat (fabs (json_object_get_double_member (summary, "beats_per_minute") - 76), <=, 76 * 0.15);
  g_auto(Run) odd_time = { 0 };
  sightread (&odd_time, "midi", "draft", midi, "--json", "--time", "5/8");
  g_assert_cmpint (odd_time.status, ==, 2);
  assert_contains (odd_time.err, "--time takes");

  /* A MIDI file without notes. */
  static const guint8 silent[] = { 'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 0, 0, 1, 1, 0xe0,
                                   'M', 'T', 'r', 'k', 0, 0, 0, 4, 0, 0xff, 0x2f, 0 };
  g_autofree char *empty = sr_test_write_file (scratch, "silent.mid", silent, sizeof silent);
  g_auto(Run) nothing = { 0 };
  sightread (&nothing, "midi", "draft", empty, "--json");
  g_assert_cmpint (nothing.status, ==, 1);
  g_autofree char *expected = g_strdup_printf ("sightread: %s: no pitched notes", empty);
  assert_contains (nothing.err, expected);
  g_auto(Run) nowhere = { 0 };
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
  g_auto(Run) run = { 0 };
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
  g_auto(Run) direct = { 0 };
  sightread (&direct, "perform", "--route", "direct", pdf, "-o", "out.wav");
  g_assert_cmpint (direct.status, ==, 1);
  assert_contains (direct.err, "the image → audio model is not trained yet");
  g_auto(Run) odd = { 0 };
  sightread (&odd, "perform", "--route", "telepathy", pdf, "-o", "out.wav");
  g_assert_cmpint (odd.status, ==, 2);
  g_auto(Run) nowhere = { 0 };
  sightread (&nowhere, "perform", pdf);
  g_assert_cmpint (nowhere.status, ==, 2);
  assert_contains (nowhere.err, "an output file is needed");
}

static void
test_bad_files_fail_with_exit_1_and_a_clear_message (void)
{
  g_autofree char *sample = sr_test_sample_path ("minuet-in-g.pdf");
  g_autofree char *empty = sr_test_write_file (scratch, "empty.pdf", "", 0);
  g_autofree char *truncated = sr_test_write_truncated_copy (scratch, "truncated.pdf", sample, 0.5);
  g_autofree char *wrong_header = sr_test_write_file (scratch, "wrong-header.png", "GIF89a not a png", 16);
  g_autofree char *garbled = sr_test_write_png_with_garbled_header (scratch, "garbled.png");
  g_autofree char *giant = sr_test_write_png_claiming_size (scratch, "giant.png", 100000, 100000);
  g_autofree char *missing = g_build_filename (scratch, "missing.pdf", NULL);
  struct {
    const char *path;
    const char *message;
  } cases[] = {
    { empty, "the file is empty" },
    { truncated, "the PDF is damaged or truncated" },
    { wrong_header, "not a PDF, PNG, JPEG or TIFF file" },
    { garbled, "the PNG image is damaged or truncated" },
    { giant, "the image is 100000 × 100000 pixels, too large to open" },
    { scratch, "is a folder, not a score file" },
    { missing, "no such file" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };
      sightread (&run, "pages", cases[i].path);
      g_assert_cmpint (run.status, ==, 1);
      g_autofree char *expected = g_strdup_printf ("sightread: %s: %s", cases[i].path, cases[i].message);
      assert_contains (run.err, expected);
    }
}

static void
test_german_users_get_german_help_and_errors (void)
{
  const char *env[] = { "LANGUAGE=de", "LC_ALL=C.UTF-8", NULL };
  g_auto(Run) help = { 0 };
  run_sightread (&help, env, "--help", NULL);
  g_assert_cmpint (help.status, ==, 0);
  assert_contains (help.out, "Aufruf:");
  assert_contains (help.out, "Befehle:");

  g_auto(Run) empty = { 0 };
  g_autofree char *path = sr_test_write_file (scratch, "leer.pdf", "", 0);
  run_sightread (&empty, env, "pages", path, NULL);
  g_assert_cmpint (empty.status, ==, 1);
  assert_contains (empty.err, "die Datei ist leer");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  scratch = g_dir_make_tmp ("sightread-cli-XXXXXX", NULL);

  g_test_add_func ("/cli/help", test_help_lists_every_command);
  g_test_add_func ("/cli/version", test_version_is_the_project_version);
  g_test_add_func ("/cli/command-help", test_every_command_has_help_naming_its_arguments_and_options);
  g_test_add_func ("/cli/help-command", test_help_command_shows_a_command_help);
  g_test_add_func ("/cli/bad-usage", test_bad_usage_exits_2_with_a_one_line_hint);
  g_test_add_func ("/cli/bad-device-env", test_a_bad_device_in_the_environment_is_bad_usage);
  g_test_add_func ("/cli/not-built", test_a_command_not_built_yet_says_so_and_fails);
  g_test_add_func ("/cli/devices", test_devices_lists_the_cpu_and_says_what_the_choice_opens);
  g_test_add_func ("/cli/devices-fallback", test_a_missing_vulkan_device_falls_back_to_the_cpu_with_a_note);
  g_test_add_func ("/cli/bench-unknown", test_bench_refuses_an_unknown_benchmark);
  g_test_add_func ("/cli/pages", test_pages_describes_the_sample_score);
  g_test_add_func ("/cli/lmx-vocabulary", test_lmx_vocabulary_lists_the_token_ids_in_order);
  g_test_add_func ("/cli/midi-vocabulary", test_midi_vocabulary_lists_the_event_tokens_in_order);
  g_test_add_func ("/cli/pages-json", test_pages_json_is_machine_readable);
  g_test_add_func ("/cli/pages-render", test_pages_renders_every_page_to_png);
  g_test_add_func ("/cli/bad-files", test_bad_files_fail_with_exit_1_and_a_clear_message);
  g_test_add_func ("/cli/omr", test_omr_reads_every_system_of_the_sample_into_valid_musicxml);
  g_test_add_func ("/cli/omr-without-models", test_omr_without_its_models_names_the_missing_file);
  g_test_add_func ("/cli/omr-boxes", test_omr_reads_the_systems_it_is_given);
  g_test_add_func ("/cli/omr-lost-gpu", test_omr_goes_on_on_the_cpu_when_the_gpu_is_lost);
  g_test_add_func ("/cli/synth-reference", test_synth_renders_midi_with_the_reference_synthesizer_to_flac);
  g_test_add_func ("/cli/perform-routes", test_perform_says_which_routes_exist);
  g_test_add_func ("/cli/perform-attention", test_perform_writes_sound_and_where_each_note_was_read);
  g_test_add_func ("/cli/midi-draft", test_midi_draft_writes_a_performance_as_a_score);
  g_test_add_func ("/cli/eval-notes-json", test_eval_notes_scores_json_note_lists);
  g_test_add_func ("/cli/engrave", test_engrave_draws_a_score_as_png_svg_and_pdf);
  g_test_add_func ("/cli/audio-without-sound-card", test_without_a_sound_card_play_and_record_say_so);
  g_test_add_func ("/cli/audio-bad-usage", test_play_and_record_refuse_bad_usage);
  g_test_add_func ("/cli/german", test_german_users_get_german_help_and_errors);
  int status = g_test_run ();

  const char *leftovers[] = { "empty.pdf", "truncated.pdf", "wrong-header.png", "garbled.png", "giant.png",
                              "two.pdf", "render.pdf", "leer.pdf" };
  for (gsize i = 0; i < G_N_ELEMENTS (leftovers); i++)
    {
      g_autofree char *path = g_build_filename (scratch, leftovers[i], NULL);
      g_remove (path);
    }
  g_rmdir (scratch);
  g_free (scratch);
  return status;
}
