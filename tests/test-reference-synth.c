/* The reference synthesizer renders what the notes say: silence before the first onset, the pitch that was asked
 * for, the length of the notes and the release after them. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "reference-synth.h"
#include "test-files.h"

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/reference-synth/a4", test_one_a4_sounds_at_440_hz_when_it_is_played);
  g_test_add_func ("/reference-synth/missing-font", test_a_missing_soundfont_is_an_error_naming_it);
  return g_test_run ();
}
