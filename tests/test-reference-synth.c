/* The reference synthesizer renders what the notes say: silence before the first onset, the pitch that was asked
 * for, the length of the notes and the release after them. */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "audio-file.h"
#include "reference-synth.h"
#include "test-files.h"

#define FLUID_R3 "/usr/share/sounds/sf2/FluidR3_GM.sf2" /* Debian's fluid-soundfont-gm */

/* Power of FREQUENCY in SAMPLES[from … to) (the Goertzel filter). */
static double
power_at (const SrAudio *audio, double frequency, double from_s, double to_s)
{
  gsize from = (gsize) (from_s * audio->rate), to = MIN ((gsize) (to_s * audio->rate), audio->frames);
  double w = 2 * G_PI * frequency / audio->rate, coefficient = 2 * cos (w), s1 = 0, s2 = 0;
  for (gsize i = from; i < to; i++)
    {
      double s = audio->samples[i] + coefficient * s1 - s2;
      s2 = s1;
      s1 = s;
    }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
}

static void
test_one_a4_sounds_at_440_hz_when_it_is_played (void)
{
  if (sr_reference_synth_default_soundfont () == NULL)
    g_error ("no General MIDI SoundFont: setup.sh installs fluid-soundfont-gm");
  SrNote a4 = { .onset = 0.5, .offset = 1.5, .pitch = 69, .velocity = 90, .program = 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAudio) audio = sr_reference_synth_render (&a4, 1, NULL, 44100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audio->frames, ==, (gsize) (3.0 * 44100)); /* the last offset and a second and a half */
  const float *pcm = audio->samples;
  gsize frames = audio->frames;
  g_assert_cmpfloat (sr_test_rms (pcm, frames, 44100, 0.0, 0.45), <, 1e-5); /* nothing before the onset */
  g_assert_cmpfloat (sr_test_rms (pcm, frames, 44100, 0.6, 1.4), >, 0.01);  /* a clear tone while it is held */
  double at_440 = power_at (audio, 440, 0.6, 1.4);
  g_assert_cmpfloat (at_440, >, 10 * power_at (audio, 415.3, 0.6, 1.4)); /* A♭4 */
  g_assert_cmpfloat (at_440, >, 10 * power_at (audio, 466.2, 0.6, 1.4)); /* B♭4 */
  g_assert_cmpfloat (sr_test_rms (pcm, frames, 44100, 2.6, 3.0), <, sr_test_rms (pcm, frames, 44100, 0.6, 1.4) / 10);
  /* released */
}

static void
test_a_missing_soundfont_is_an_error_naming_it (void)
{
  SrNote note = { .onset = 0, .offset = 0.5, .pitch = 60, .velocity = 80 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAudio) audio = sr_reference_synth_render (&note, 1, "/nonexistent/font.sf2", 44100, &error);
  g_assert_null (audio);
  g_assert_nonnull (strstr (error->message, "/nonexistent/font.sf2"));
}

/* The notes of a madmom-style list (onset s, pitch, duration s, velocity, a note a line; # comments). */
static GArray *
read_note_list (const char *path)
{
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  GArray *notes = g_array_new (FALSE, TRUE, sizeof (SrNote));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      double onset, duration;
      int pitch, velocity;
      if (lines[i][0] == '#' || sscanf (lines[i], "%lf %d %lf %d", &onset, &pitch, &duration, &velocity) != 4)
        continue;
      SrNote note = { .onset = onset, .offset = onset + duration, .pitch = (guint8) pitch,
                      .velocity = (guint8) velocity };
      g_array_append_val (notes, note);
    }
  return notes;
}

/* Loudness every 10 ms, in dB, from SECONDS_FROM on: what the ear follows of a piece. */
static GArray *
envelope (const SrAudio *audio, double seconds_from, double seconds_to)
{
  GArray *levels = g_array_new (FALSE, FALSE, sizeof (double));
  for (double t = seconds_from; t + 0.01 <= seconds_to; t += 0.01)
    {
      double level = 20 * log10 (sr_test_rms (audio->samples, audio->frames, audio->rate, t, t + 0.01) + 1e-6);
      g_array_append_val (levels, level);
    }
  return levels;
}

static double
correlation (GArray *a, GArray *b)
{
  guint n = MIN (a->len, b->len);
  double mean_a = 0, mean_b = 0, ab = 0, aa = 0, bb = 0;
  for (guint i = 0; i < n; i++)
    {
      mean_a += g_array_index (a, double, i) / n;
      mean_b += g_array_index (b, double, i) / n;
    }
  for (guint i = 0; i < n; i++)
    {
      double x = g_array_index (a, double, i) - mean_a, y = g_array_index (b, double, i) - mean_b;
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
  return ab / sqrt (aa * bb);
}

/* resources/samples/minuet-in-g.notes is the reference that transcriptions of the bundled sound sample are scored
 * against (train/eval_recordings.py): played by the same synthesizer and piano, its notes give the sample's loudness
 * from moment to moment, and the same notes an eighth note (250 ms) late do not. */
static void
test_the_bundled_sound_sample_plays_the_notes_beside_it (void)
{
  if (!g_file_test (FLUID_R3, G_FILE_TEST_EXISTS))
    g_error ("no %s: setup.sh installs fluid-soundfont-gm", FLUID_R3);
  g_autofree char *notes_path = sr_test_sample_path ("minuet-in-g.notes");
  g_autofree char *sample_path = sr_test_sample_path ("minuet-in-g.flac");
  g_autoptr(GArray) notes = read_note_list (notes_path);
  g_assert_cmpuint (notes->len, >, 100);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAudio) sample = sr_audio_read (sample_path, 44100, &error);
  g_assert_no_error (error);
  g_autoptr(SrAudio) played = sr_reference_synth_render ((const SrNote *) notes->data, notes->len, FLUID_R3, 44100,
                                                         &error);
  g_assert_no_error (error);
  g_autoptr(GArray) heard = envelope (sample, 0.0, 29.5);
  g_autoptr(GArray) said = envelope (played, 0.0, 29.5);
  for (guint i = 0; i < notes->len; i++)
    {
      g_array_index (notes, SrNote, i).onset += 0.25;
      g_array_index (notes, SrNote, i).offset += 0.25;
    }
  g_autoptr(SrAudio) late = sr_reference_synth_render ((const SrNote *) notes->data, notes->len, FLUID_R3, 44100,
                                                       &error);
  g_assert_no_error (error);
  g_autoptr(GArray) said_late = envelope (late, 0.0, 29.5);
  double same = correlation (heard, said), shifted = correlation (heard, said_late);
  g_test_message ("loudness correlation with the sample: the notes %.3f, the notes 250 ms late %.3f", same, shifted);
  g_assert_cmpfloat (same, >, 0.95);
  g_assert_cmpfloat (shifted, <, same - 0.1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/reference-synth/a4", test_one_a4_sounds_at_440_hz_when_it_is_played);
  g_test_add_func ("/reference-synth/bundled-sample", test_the_bundled_sound_sample_plays_the_notes_beside_it);
  g_test_add_func ("/reference-synth/missing-font", test_a_missing_soundfont_is_an_error_naming_it);
  return g_test_run ();
}
