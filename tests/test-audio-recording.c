/* Recording as the audio callback drives it, without a sound card: sr_recording_push is the callback's body, called
 * here by a thread in 256-frame blocks. Every pushed sample reaches the file in order — over a whole hour too —, a
 * set length is kept to the sample, the level meter sees the peak, and a disk that fills up mid-way gives an error
 * while the file keeps what was written. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sndfile.h>
#include <sys/resource.h>

#include "audio-file.h"
#include "audio-recording.h"

#define RATE 44100
#define BLOCK 256

static char *scratch;

/* Sample i of the recorded test signal: a ramp over 2^22 samples (95 s), 4 steps of 24-bit PCM apart, so a lost,
 * repeated or swapped block shows. */
static float
ramp (gsize i)
{
  return (float) (i % 4194304) / 2097152.0f - 1.0f;
}

/* Pushes FRAMES of the ramp from a callback-like thread, PACE times faster than real time (0: as fast as it can). */
typedef struct {
  SrRecording *recording;
  gsize frames;
  double pace;
} Feeder;

static gpointer
feed (gpointer data)
{
  Feeder *feeder = data;
  float block[BLOCK];
  gint64 started = g_get_monotonic_time ();
  for (gsize done = 0; done < feeder->frames; done += BLOCK)
    {
      gsize count = MIN (BLOCK, feeder->frames - done);
      for (gsize i = 0; i < count; i++)
        block[i] = ramp (done + i);
      sr_recording_push (feeder->recording, block, count);
      if (feeder->pace > 0)
        {
          gint64 due = started + (gint64) ((double) (done + count) / RATE / feeder->pace * G_USEC_PER_SEC);
          gint64 now = g_get_monotonic_time ();
          if (due > now)
            g_usleep ((gulong) (due - now));
        }
    }
  return NULL;
}

static void
record (SrRecording *recording, gsize frames, double pace)
{
  Feeder feeder = { recording, frames, pace };
  GThread *thread = g_thread_new ("callback", feed, &feeder);
  g_thread_join (thread);
}

/* Reads PATH back in pieces (an hour would be 635 MB of floats at once) and checks it is the ramp's first FRAMES
 * samples at RATE, to 1.5 steps of 24-bit PCM. */
static void
assert_file_holds_the_ramp (const char *path, gsize frames)
{
  SF_INFO info = { 0 };
  SNDFILE *file = sf_open (path, SFM_READ, &info);
  g_assert_nonnull (file);
  g_assert_cmpint (info.samplerate, ==, RATE);
  g_assert_cmpint (info.channels, ==, 1);
  g_assert_cmpint (info.frames, ==, (sf_count_t) frames);
  float *chunk = g_new (float, 65536);
  gsize at = 0;
  for (sf_count_t got; (got = sf_readf_float (file, chunk, 65536)) > 0; at += (gsize) got)
    for (sf_count_t i = 0; i < got; i++)
      if (fabsf (chunk[i] - ramp (at + (gsize) i)) > 1.5f / 8388608.0f)
        g_error ("sample %" G_GSIZE_FORMAT " of %s is %.9f, not %.9f", at + (gsize) i, path, chunk[i],
                 ramp (at + (gsize) i));
  g_free (chunk);
  sf_close (file);
  g_assert_cmpuint (at, ==, frames);
}

static void
test_every_pushed_sample_reaches_the_file_in_order (void)
{
  g_autofree char *path = g_build_filename (scratch, "take.wav", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrRecording) recording = sr_recording_new (path, RATE, &error);
  g_assert_no_error (error);
  record (recording, 10 * RATE + 77, 50);
  g_assert_true (sr_recording_stop (recording, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sr_recording_frames_written (recording), ==, 10 * RATE + 77);
  g_assert_cmpuint (sr_recording_frames_dropped (recording), ==, 0);
  assert_file_holds_the_ramp (path, 10 * RATE + 77);
}

static void
test_a_set_length_is_kept_to_the_sample (void)
{
  g_autofree char *path = g_build_filename (scratch, "short.flac", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrRecording) recording = sr_recording_new (path, RATE, &error);
  sr_recording_set_limit (recording, 1000);
  record (recording, 5 * BLOCK, 0);
  g_assert_true (sr_recording_full (recording));
  g_assert_true (sr_recording_stop (recording, &error));
  assert_file_holds_the_ramp (path, 1000);
}

static void
test_the_level_meter_reports_the_peak_since_it_was_last_read (void)
{
  g_autofree char *path = g_build_filename (scratch, "level.wav", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrRecording) recording = sr_recording_new (path, RATE, &error);
  float quiet[BLOCK], loud[BLOCK];
  for (int i = 0; i < BLOCK; i++)
    {
      quiet[i] = 0.01f * (float) sin (i * 0.1);
      loud[i] = i == 100 ? -0.5f : 0.1f;
    }
  sr_recording_push (recording, quiet, BLOCK);
  sr_recording_push (recording, loud, BLOCK);
  sr_recording_push (recording, quiet, BLOCK);
  g_assert_cmpfloat (sr_recording_take_peak (recording), ==, 0.5f);
  g_assert_cmpfloat (sr_recording_take_peak (recording), ==, 0.0f);
  g_assert_true (sr_recording_stop (recording, &error));
}

static void
test_nan_and_infinity_from_the_sound_system_are_recorded_as_silence (void)
{
  g_autofree char *path = g_build_filename (scratch, "odd.flac", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrRecording) recording = sr_recording_new (path, RATE, &error);
  float block[4] = { 0.25f, NAN, INFINITY, -0.5f };
  sr_recording_push (recording, block, 4);
  g_assert_cmpfloat (sr_recording_take_peak (recording), ==, 0.5f);
  g_assert_true (sr_recording_stop (recording, &error));
  g_assert_no_error (error);
  g_autoptr(SrAudio) audio = sr_audio_read (path, RATE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audio->frames, ==, 4);
  g_assert_cmpfloat_with_epsilon (audio->samples[0], 0.25f, 1e-6f);
  g_assert_cmpfloat (audio->samples[1], ==, 0.0f);
  g_assert_cmpfloat (audio->samples[2], ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (audio->samples[3], -0.5f, 1e-6f);
}

/* An hour of callbacks, delivered 120 times faster than real time (30 s): nothing is lost on the way to the disk,
 * and the file (476 MB of 24-bit WAV) holds the hour exactly. */
static void
test_an_hour_is_recorded_without_losing_a_sample (void)
{
  g_autofree char *path = g_build_filename (scratch, "hour.wav", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrRecording) recording = sr_recording_new (path, RATE, &error);
  gsize hour = (gsize) 3600 * RATE;
  record (recording, hour, 120);
  g_assert_true (sr_recording_stop (recording, &error));
  g_assert_cmpuint (sr_recording_frames_dropped (recording), ==, 0);
  g_assert_cmpuint (sr_recording_frames_written (recording), ==, hour);
  assert_file_holds_the_ramp (path, hour);
  g_unlink (path);
}

/* The disk fills up mid-way (a file-size limit stands in for it): stop reports the error, and the file is still a
 * finalised WAV holding what fitted. */
static void
test_a_full_disk_gives_an_error_and_keeps_what_was_written (void)
{
  g_autofree char *path = g_build_filename (scratch, "full.wav", NULL);
  if (g_test_subprocess ())
    {
      signal (SIGXFSZ, SIG_IGN);
      struct rlimit limit = { 300000, 300000 };
      setrlimit (RLIMIT_FSIZE, &limit);
      g_autoptr(GError) error = NULL;
      g_autoptr(SrRecording) recording = sr_recording_new (path, RATE, &error);
      record (recording, 5 * RATE, 0);
      g_assert_false (sr_recording_stop (recording, &error));
      g_printerr ("%s\n", error->message);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*full.wav: cannot write*");
  SF_INFO info = { 0 };
  SNDFILE *file = sf_open (path, SFM_READ, &info);
  if (file == NULL)
    g_error ("%s: %s", path, sf_strerror (NULL));
  sf_close (file);
  g_assert_cmpint (info.frames, >, 50000);
  g_assert_cmpint (info.frames, <, 100000);
  assert_file_holds_the_ramp (path, (gsize) info.frames);
}

static void
test_a_file_that_cannot_be_created_is_an_error_before_recording (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrRecording) recording = sr_recording_new ("/nonexistent-folder/take.wav", RATE, &error);
  g_assert_null (recording);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  recording = sr_recording_new ("take.mp4", RATE, &error);
  g_assert_null (recording);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The full-disk case runs in a child process, which must write where the parent looks. */
  if (g_test_subprocess ())
    scratch = g_strdup (g_getenv ("SIGHTREAD_TEST_SCRATCH"));
  else
    {
      scratch = g_dir_make_tmp ("sightread-recording-XXXXXX", NULL);
      g_setenv ("SIGHTREAD_TEST_SCRATCH", scratch, TRUE);
    }
  g_test_add_func ("/audio-recording/in-order", test_every_pushed_sample_reaches_the_file_in_order);
  g_test_add_func ("/audio-recording/set-length", test_a_set_length_is_kept_to_the_sample);
  g_test_add_func ("/audio-recording/level", test_the_level_meter_reports_the_peak_since_it_was_last_read);
  g_test_add_func ("/audio-recording/not-a-number", test_nan_and_infinity_from_the_sound_system_are_recorded_as_silence);
  g_test_add_func ("/audio-recording/full-disk", test_a_full_disk_gives_an_error_and_keeps_what_was_written);
  g_test_add_func ("/audio-recording/cannot-create", test_a_file_that_cannot_be_created_is_an_error_before_recording);
  g_test_add_func ("/audio-recording/an-hour", test_an_hour_is_recorded_without_losing_a_sample);
  int status = g_test_run ();
  if (g_test_subprocess ())
    return status;
  g_autoptr(GDir) folder = g_dir_open (scratch, 0, NULL);
  for (const char *name; folder != NULL && (name = g_dir_read_name (folder)) != NULL;)
    {
      g_autofree char *path = g_build_filename (scratch, name, NULL);
      g_unlink (path);
    }
  g_rmdir (scratch);
  return status;
}
