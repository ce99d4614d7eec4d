/* Sound files as a user brings them: WAV, FLAC and OGG written and read back, another rate resampled to the models'
 * 44.1 kHz, stereo mixed down, and files that are not sound refused with a message. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "audio-file.h"

static char *scratch;

static SrAudio *
sine (double hz, double seconds, int rate, double amplitude)
{
  SrAudio *audio = g_new0 (SrAudio, 1);
  audio->rate = rate;
  audio->frames = (gsize) (seconds * rate);
  audio->samples = g_new (float, audio->frames);
  for (gsize i = 0; i < audio->frames; i++)
    audio->samples[i] = (float) (amplitude * sin (2 * G_PI * hz * (double) i / rate));
  return audio;
}

/* 10·log10 of signal over error power, the two aligned from their starts */
static double
snr_db (const SrAudio *reference, const SrAudio *test)
{
  gsize n = MIN (reference->frames, test->frames);
  double signal = 0, noise = 0;
  for (gsize i = 0; i < n; i++)
    {
      signal += (double) reference->samples[i] * reference->samples[i];
      noise += ((double) test->samples[i] - reference->samples[i]) * ((double) test->samples[i] - reference->samples[i]);
    }
  return 10 * log10 (signal / MAX (noise, 1e-30));
}

static guint
zero_crossings (const SrAudio *audio)
{
  guint count = 0;
  for (gsize i = 1; i < audio->frames; i++)
    count += (audio->samples[i - 1] < 0) != (audio->samples[i] < 0);
  return count;
}

static void
test_wav_flac_and_ogg_come_back_as_they_were_written (void)
{
  g_autoptr(SrAudio) tone = sine (440, 1.0, 44100, 0.5);
  const struct {
    const char *name;
    double min_snr;
  } formats[] = { { "tone.wav", 80 }, { "tone.flac", 80 }, { "tone.ogg", 20 } };
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *path = g_build_filename (scratch, formats[i].name, NULL);
      g_autoptr(GError) error = NULL;
      g_assert_true (sr_audio_write (tone, path, &error));
      g_assert_no_error (error);
      g_autoptr(SrAudio) back = sr_audio_read (path, 44100, &error);
      g_assert_no_error (error);
      g_assert_cmpint (back->rate, ==, 44100);
      /* 16-bit PCM is exact to a quantisation step; Vorbis is lossy */
      g_assert_cmpuint (back->frames, >=, tone->frames - 16);
      g_assert_cmpuint (back->frames, <=, tone->frames + 16);
      if (snr_db (tone, back) < formats[i].min_snr)
        g_error ("%s: %.1f dB", formats[i].name, snr_db (tone, back));
      g_remove (path);
    }
}

static void
test_another_rate_is_resampled_to_the_models_rate (void)
{
  g_autoptr(SrAudio) tone = sine (440, 2.0, 48000, 0.5);
  g_autofree char *path = g_build_filename (scratch, "48k.wav", NULL);
  g_autoptr(GError) error = NULL;
  g_assert_true (sr_audio_write (tone, path, &error));
  g_autoptr(SrAudio) back = sr_audio_read (path, 44100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->frames, >=, 88200 - 4);
  g_assert_cmpuint (back->frames, <=, 88200 + 4);
  /* still 440 Hz: two zero crossings a cycle */
  g_assert_cmpuint (zero_crossings (back), >=, 1758);
  g_assert_cmpuint (zero_crossings (back), <=, 1762);
  /* and against a tone made at 44.1 kHz directly (the resampler's filter delay is negligible) */
  g_autoptr(SrAudio) direct = sine (440, 2.0, 44100, 0.5);
  g_assert_cmpfloat (snr_db (direct, back), >, 40);
  g_remove (path);
}

static void
test_bytes_that_are_not_sound_are_refused_with_a_message (void)
{
  const char noise[] = "RIFF\x10\x00\x00\x00WAVEfmt garbage that is not a header";
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAudio) audio = sr_audio_read_bytes (noise, sizeof noise, "noise.wav", 44100, &error);
  g_assert_null (audio);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "not a sound file we can read"));

  g_autofree char *missing = g_build_filename (scratch, "missing.flac", NULL);
  g_autoptr(GError) missing_error = NULL;
  g_assert_null (sr_audio_read (missing, 44100, &missing_error));
  g_assert_nonnull (missing_error);
}

static void
test_a_truncated_wav_gives_what_it_holds (void)
{
  g_autoptr(SrAudio) tone = sine (220, 1.0, 44100, 0.3);
  g_autofree char *path = g_build_filename (scratch, "whole.wav", NULL);
  g_assert_true (sr_audio_write (tone, path, NULL));
  g_autofree char *bytes = NULL;
  gsize size = 0;
  g_assert_true (g_file_get_contents (path, &bytes, &size, NULL));
  g_autoptr(GError) error = NULL;
  /* half the file: the header still promises a second */
  g_autoptr(SrAudio) half = sr_audio_read_bytes (bytes, size / 2, "half.wav", 44100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (half->frames, >, 20000);
  g_assert_cmpuint (half->frames, <, 23000);
  g_remove (path);
}

static void
test_an_unknown_extension_is_not_written (void)
{
  g_autoptr(SrAudio) tone = sine (440, 0.1, 44100, 0.5);
  g_autofree char *path = g_build_filename (scratch, "tone.mp3", NULL);
  g_autoptr(GError) error = NULL;
  g_assert_false (sr_audio_write (tone, path, &error));
  g_assert_nonnull (strstr (error->message, ".wav, .flac or .ogg"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  scratch = g_dir_make_tmp ("sightread-audio-XXXXXX", NULL);
  g_test_add_func ("/audio-file/round-trips", test_wav_flac_and_ogg_come_back_as_they_were_written);
  g_test_add_func ("/audio-file/resample", test_another_rate_is_resampled_to_the_models_rate);
  g_test_add_func ("/audio-file/not-sound", test_bytes_that_are_not_sound_are_refused_with_a_message);
  g_test_add_func ("/audio-file/truncated", test_a_truncated_wav_gives_what_it_holds);
  g_test_add_func ("/audio-file/extension", test_an_unknown_extension_is_not_written);
  int status = g_test_run ();
  g_rmdir (scratch);
  g_free (scratch);
  return status;
}
