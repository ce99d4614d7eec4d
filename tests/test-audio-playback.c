/* Playback as the audio callback sees it, without a sound card: sr_playback_pull is the callback's body, called here
 * by hand. The stream's samples come out in order with the gain applied; a shortfall while the stream is still being
 * made is silence and counts as an underrun, the end of the stream does not; pause holds the clock; seek moves it. */
#include <glib.h>

#include "audio-playback.h"

#define RATE 44100
#define BUFFER 256

/* Sample i of the test streams: distinct, exact in a float, within ±1. */
static float
ramp (gsize i)
{
  return (float) (i % 65536) / 65536.0f;
}

static SrAudioStream *
ramp_stream (gsize frames, gboolean finished)
{
  SrAudioStream *stream = sr_audio_stream_new (RATE);
  float *samples = g_new (float, frames);
  for (gsize i = 0; i < frames; i++)
    samples[i] = ramp (i);
  if (finished)
    sr_audio_stream_append_last (stream, samples, frames);
  else
    sr_audio_stream_append (stream, samples, frames);
  g_free (samples);
  return stream;
}

/* Waits (up to 5 s) until the producer thread has queued WANTED frames ahead of the clock. */
static void
let_the_producer_fill (SrPlayback *playback, gsize wanted)
{
  for (int i = 0; i < 5000 && sr_playback_buffered (playback) < wanted; i++)
    g_usleep (1000);
  g_assert_cmpuint (sr_playback_buffered (playback), >=, wanted);
}

static void
pull_checked (SrPlayback *playback, gsize first, gsize frames, float gain)
{
  float out[BUFFER];
  for (gsize done = 0; done < frames; done += BUFFER)
    {
      sr_playback_pull (playback, out, BUFFER, 0);
      for (gsize i = 0; i < BUFFER; i++)
        if (out[i] != ramp (first + done + i) * gain)
          g_error ("sample %" G_GSIZE_FORMAT " is %g, not %g", first + done + i, out[i],
                   ramp (first + done + i) * gain);
    }
}

static void
test_a_finished_stream_plays_in_order_to_its_end_without_underruns (void)
{
  gsize length = 10 * BUFFER + 100;
  g_autoptr(SrAudioStream) stream = ramp_stream (length, TRUE);
  g_autoptr(SrPlayback) playback = sr_playback_new (stream);
  let_the_producer_fill (playback, length);
  pull_checked (playback, 0, 10 * BUFFER, 1.0f);
  g_assert_cmpuint (sr_playback_clock (playback), ==, 10 * BUFFER);
  g_assert_false (sr_playback_finished (playback));

  float out[BUFFER];
  sr_playback_pull (playback, out, BUFFER, 0);
  for (gsize i = 0; i < 100; i++)
    g_assert_cmpfloat (out[i], ==, ramp (10 * BUFFER + i));
  for (gsize i = 100; i < BUFFER; i++)
    g_assert_cmpfloat (out[i], ==, 0.0f);
  g_assert_cmpuint (sr_playback_clock (playback), ==, length);
  g_assert_true (sr_playback_finished (playback));
  g_assert_cmpuint (sr_playback_underruns (playback), ==, 0);
}

static void
test_the_gain_scales_every_sample (void)
{
  g_autoptr(SrAudioStream) stream = ramp_stream (4 * BUFFER, TRUE);
  g_autoptr(SrPlayback) playback = sr_playback_new (stream);
  sr_playback_set_gain (playback, 0.5f);
  let_the_producer_fill (playback, 4 * BUFFER);
  pull_checked (playback, 0, 4 * BUFFER, 0.5f);
}

static void
test_a_stream_still_being_made_underruns_when_it_falls_behind_and_plays_on (void)
{
  g_autoptr(SrAudioStream) stream = ramp_stream (2 * BUFFER, FALSE);
  g_autoptr(SrPlayback) playback = sr_playback_new (stream);
  let_the_producer_fill (playback, 2 * BUFFER);
  pull_checked (playback, 0, 2 * BUFFER, 1.0f);

  float out[BUFFER];
  sr_playback_pull (playback, out, BUFFER, 0);
  for (gsize i = 0; i < BUFFER; i++)
    g_assert_cmpfloat (out[i], ==, 0.0f);
  g_assert_cmpuint (sr_playback_underruns (playback), ==, 1);
  g_assert_cmpuint (sr_playback_clock (playback), ==, 2 * BUFFER);
  g_assert_false (sr_playback_finished (playback));

  /* the generator catches up: playback goes on from where it stopped */
  float more[BUFFER];
  for (gsize i = 0; i < BUFFER; i++)
    more[i] = ramp (2 * BUFFER + i);
  sr_audio_stream_append_last (stream, more, BUFFER);
  let_the_producer_fill (playback, BUFFER);
  pull_checked (playback, 2 * BUFFER, BUFFER, 1.0f);
  sr_playback_pull (playback, out, BUFFER, 0);
  g_assert_true (sr_playback_finished (playback));
  g_assert_cmpuint (sr_playback_underruns (playback), ==, 1);
}

static void
test_pause_gives_silence_and_holds_the_clock (void)
{
  g_autoptr(SrAudioStream) stream = ramp_stream (8 * BUFFER, TRUE);
  g_autoptr(SrPlayback) playback = sr_playback_new (stream);
  let_the_producer_fill (playback, 8 * BUFFER);
  pull_checked (playback, 0, BUFFER, 1.0f);
  sr_playback_set_paused (playback, TRUE);
  float out[BUFFER];
  for (int i = 0; i < 3; i++)
    {
      sr_playback_pull (playback, out, BUFFER, 0);
      for (gsize j = 0; j < BUFFER; j++)
        g_assert_cmpfloat (out[j], ==, 0.0f);
    }
  g_assert_cmpuint (sr_playback_clock (playback), ==, BUFFER);
  g_assert_cmpuint (sr_playback_underruns (playback), ==, 0);
  sr_playback_set_paused (playback, FALSE);
  pull_checked (playback, BUFFER, BUFFER, 1.0f);
}

/* Seeks to TARGET while the callback keeps being called, as it is in a running stream; the buffer in which the seek
 * takes effect starts at TARGET. */
static void
seek_and_check (SrPlayback *playback, gsize target)
{
  sr_playback_seek (playback, target);
  float out[BUFFER];
  gsize clock = 0;
  for (int i = 0; i < 5000; i++)
    {
      sr_playback_pull (playback, out, BUFFER, 0);
      clock = sr_playback_clock (playback);
      if (clock >= target && clock <= target + BUFFER)
        break;
      g_usleep (200);
    }
  g_assert_cmpuint (clock, >=, target);
  g_assert_cmpuint (clock, <=, target + BUFFER);
  for (gsize i = 0; i < clock - target; i++)
    g_assert_cmpfloat (out[i], ==, ramp (target + i));
  let_the_producer_fill (playback, BUFFER);
}

static void
test_seek_plays_from_the_new_place_and_moves_the_clock (void)
{
  gsize length = 200000; /* more than the ring holds */
  g_autoptr(SrAudioStream) stream = ramp_stream (length, TRUE);
  g_autoptr(SrPlayback) playback = sr_playback_new (stream);
  let_the_producer_fill (playback, SR_PLAYBACK_RING_FRAMES / 2);
  pull_checked (playback, 0, BUFFER, 1.0f);

  seek_and_check (playback, 150000);
  pull_checked (playback, sr_playback_clock (playback), 4 * BUFFER, 1.0f);
  /* and back again */
  seek_and_check (playback, 10);
  g_assert_cmpuint (sr_playback_underruns (playback), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio-playback/in-order-to-the-end", test_a_finished_stream_plays_in_order_to_its_end_without_underruns);
  g_test_add_func ("/audio-playback/gain", test_the_gain_scales_every_sample);
  g_test_add_func ("/audio-playback/streaming-underrun", test_a_stream_still_being_made_underruns_when_it_falls_behind_and_plays_on);
  g_test_add_func ("/audio-playback/pause", test_pause_gives_silence_and_holds_the_clock);
  g_test_add_func ("/audio-playback/seek", test_seek_plays_from_the_new_place_and_moves_the_clock);
  return g_test_run ();
}
