/* The command line as a user meets it: help, version, exit statuses, bad usage and bad files, devices and sound
 * cards, in two languages. What the commands make of scores and sound is in test-cli-tasks.c. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "audio-file.h"
#include "cli-commands.h"
#include "cli-run.h"
#include "lmx-vocabulary.h"
#include "midi-tokens.h"
#include "test-files.h"

static char *scratch;

static void
test_help_lists_every_command (void)
{
  g_auto(CliRun) run = { 0 };
  sightread (&run, "--help");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "Usage:");
  for (const SrCliCommand *command = sr_cli_commands; command->name != NULL; command++)
    assert_contains (run.out, command->name);
}

static void
test_version_is_the_project_version (void)
{
  g_auto(CliRun) run = { 0 };
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
      g_auto(CliRun) run = { 0 };
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
  g_auto(CliRun) run = { 0 };
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
      g_auto(CliRun) run = { 0 };
      const char *const *w = cases[i].words;
      cli_run (&run, NULL, w[0], w[1], w[2], w[3], NULL);
      g_assert_cmpint (run.status, ==, 2);
      assert_contains (run.err, cases[i].hint);
      g_assert_cmpint (strchr (run.err, '\n') - run.err, ==, (int) strlen (run.err) - 1); /* one line */
      g_assert_cmpstr (run.out, ==, "");
    }
}

static void
test_a_bad_device_in_the_environment_is_bad_usage (void)
{
  g_auto(CliRun) run = { 0 };
  const char *env[] = { "SIGHTREAD_DEVICE=quantum", NULL };
  cli_run (&run, env, "omr", "a.pdf", NULL);
  g_assert_cmpint (run.status, ==, 2);
  assert_contains (run.err, "SIGHTREAD_DEVICE: unknown device 'quantum'");
}

/* Every command DESIGN §3 names is built: none is listed as waiting, and each runs its own code (a command without
 * one would fail with "this command is not built yet"). */
static void
test_every_listed_command_is_built (void)
{
  g_auto(CliRun) run = { 0 };
  sightread (&run, "--help");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_null (strstr (run.out, "not built yet"));
  for (const SrCliCommand *command = sr_cli_commands; command->name != NULL; command++)
    g_assert_nonnull (command->run);
}

static void
test_devices_lists_the_cpu_and_says_what_the_choice_opens (void)
{
  g_auto(CliRun) run = { 0 };
  sightread_vulkan (&run, "devices", "--device", "cpu");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "cpu\tCPU, ");
  assert_contains (run.out, "--device cpu opens: cpu");
  /* lavapipe on the test machines: listed, and opened when Vulkan is asked for by name */
  g_auto(CliRun) vulkan = { 0 };
  sightread_vulkan (&vulkan, "devices", "--device", "vulkan");
  g_assert_cmpint (vulkan.status, ==, 0);
  assert_contains (vulkan.out, "vulkan:0\t");
  assert_contains (vulkan.out, "--device vulkan opens: vulkan");
}

static void
test_a_missing_vulkan_device_falls_back_to_the_cpu_with_a_note (void)
{
  g_auto(CliRun) run = { 0 };
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

  g_auto(CliRun) devices = { 0 };
  cli_run (&devices, no_jack_vulkan_env, "devices", NULL);
  g_assert_cmpint (devices.status, ==, 0);
  g_auto(CliRun) play = { 0 };
  cli_run (&play, no_jack_env, "play", tone, NULL);
  g_autofree char *take = g_build_filename (scratch, "take.wav", NULL);
  g_auto(CliRun) record = { 0 };
  cli_run (&record, no_jack_env, "record", "-o", take, "--seconds", "0.5", NULL);
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
  g_auto(CliRun) gain = { 0 };
  sightread (&gain, "play", "x.wav", "--gain", "loud");
  g_assert_cmpint (gain.status, ==, 2);
  assert_contains (gain.err, "--gain must be a number from -60 to 24");
  g_auto(CliRun) no_output = { 0 };
  sightread (&no_output, "record", "--seconds", "3");
  g_assert_cmpint (no_output.status, ==, 2);
  assert_contains (no_output.err, "an output file is needed");
  g_auto(CliRun) format = { 0 };
  sightread (&format, "record", "-o", "take.mp4");
  g_assert_cmpint (format.status, ==, 1);
  assert_contains (format.err, "no sound format we write");
  g_auto(CliRun) device = { 0 };
  cli_run (&device, no_jack_env, "play", "x.wav", "--audio-device", "no such card", NULL);
  g_assert_cmpint (device.status, ==, 1);
  assert_contains (device.err, "no audio output device matches “no such card”");
}

static void
test_bench_refuses_an_unknown_benchmark (void)
{
  g_auto(CliRun) run = { 0 };
  sightread (&run, "bench", "fft");
  g_assert_cmpint (run.status, ==, 2);
  assert_contains (run.err, "no benchmark 'fft' (expected gemm, gemm-large, attention, conv, norm, translator, "
                            "codec or memory)");
}

static void
test_pages_describes_the_sample_score (void)
{
  g_autofree char *pdf = sr_test_sample_path ("minuet-in-g.pdf");
  g_auto(CliRun) run = { 0 };
  sightread (&run, "pages", pdf);
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "PDF, 1 page");
  assert_contains (run.out, "2480 × 3508 px at 300 dpi");
}

static void
test_lmx_vocabulary_lists_the_token_ids_in_order (void)
{
  g_auto(CliRun) run = { 0 };
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
  g_auto(CliRun) run = { 0 };
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
  g_auto(CliRun) run = { 0 };
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
  g_auto(CliRun) run = { 0 };
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
      g_auto(CliRun) run = { 0 };
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
  g_auto(CliRun) help = { 0 };
  cli_run (&help, env, "--help", NULL);
  g_assert_cmpint (help.status, ==, 0);
  assert_contains (help.out, "Aufruf:");
  assert_contains (help.out, "Befehle:");

  g_auto(CliRun) empty = { 0 };
  g_autofree char *path = sr_test_write_file (scratch, "leer.pdf", "", 0);
  cli_run (&empty, env, "pages", path, NULL);
  g_assert_cmpint (empty.status, ==, 1);
  assert_contains (empty.err, "die Datei ist leer");
}

/* Training scores its readings as the reader would have read them: cut where they loop, other lines as they are. */
static void
test_lmx_trim_loops_cuts_readings_as_the_reader_does (void)
{
  g_autoptr(GString) text = g_string_new ("# part 1: Piano\nmeasure G4 quarter");
  for (int i = 0; i < 20; i++)
    g_string_append (text, " chord D5 quarter");
  g_string_append (text, "\nmeasure C4 half E4 half unknown-word\n");
  g_autofree char *path = sr_test_write_file (scratch, "loops.lmx", text->str, text->len);
  g_auto(CliRun) run = { 0 };
  sightread (&run, "lmx", "trim-loops", path);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "# part 1: Piano\nmeasure G4 quarter chord D5\nmeasure C4 half E4 half unknown-word\n");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  scratch = cli_scratch_new ();

  g_test_add_func ("/cli/help", test_help_lists_every_command);
  g_test_add_func ("/cli/version", test_version_is_the_project_version);
  g_test_add_func ("/cli/command-help", test_every_command_has_help_naming_its_arguments_and_options);
  g_test_add_func ("/cli/help-command", test_help_command_shows_a_command_help);
  g_test_add_func ("/cli/bad-usage", test_bad_usage_exits_2_with_a_one_line_hint);
  g_test_add_func ("/cli/bad-device-env", test_a_bad_device_in_the_environment_is_bad_usage);
  g_test_add_func ("/cli/all-built", test_every_listed_command_is_built);
  g_test_add_func ("/cli/devices", test_devices_lists_the_cpu_and_says_what_the_choice_opens);
  g_test_add_func ("/cli/devices-fallback", test_a_missing_vulkan_device_falls_back_to_the_cpu_with_a_note);
  g_test_add_func ("/cli/bench-unknown", test_bench_refuses_an_unknown_benchmark);
  g_test_add_func ("/cli/pages", test_pages_describes_the_sample_score);
  g_test_add_func ("/cli/lmx-vocabulary", test_lmx_vocabulary_lists_the_token_ids_in_order);
  g_test_add_func ("/cli/midi-vocabulary", test_midi_vocabulary_lists_the_event_tokens_in_order);
  g_test_add_func ("/cli/lmx-trim-loops", test_lmx_trim_loops_cuts_readings_as_the_reader_does);
  g_test_add_func ("/cli/pages-json", test_pages_json_is_machine_readable);
  g_test_add_func ("/cli/pages-render", test_pages_renders_every_page_to_png);
  g_test_add_func ("/cli/bad-files", test_bad_files_fail_with_exit_1_and_a_clear_message);
  g_test_add_func ("/cli/audio-without-sound-card", test_without_a_sound_card_play_and_record_say_so);
  g_test_add_func ("/cli/audio-bad-usage", test_play_and_record_refuse_bad_usage);
  g_test_add_func ("/cli/german", test_german_users_get_german_help_and_errors);
  int status = g_test_run ();

  cli_scratch_remove (scratch);
  return status;
}
