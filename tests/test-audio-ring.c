/* The ring between the audio callback and its worker thread: what goes in comes out in order, once, never more than
 * fits; and two threads hammering it from both ends lose, repeat or reorder nothing (this test also runs under
 * ThreadSanitizer). */
#include <glib.h>

#include "audio-ring.h"

static void
test_capacity_is_rounded_up_to_a_power_of_two (void)
{
  g_autoptr(SrAudioRing) ring = sr_audio_ring_new (1000);
  g_assert_cmpuint (sr_audio_ring_capacity (ring), ==, 1024);
  g_assert_cmpuint (sr_audio_ring_writable (ring), ==, 1024);
  g_assert_cmpuint (sr_audio_ring_readable (ring), ==, 0);
}

static void
test_a_full_ring_takes_only_what_fits (void)
{
  g_autoptr(SrAudioRing) ring = sr_audio_ring_new (8);
  float samples[12];
  for (int i = 0; i < 12; i++)
    samples[i] = (float) i;
  g_assert_cmpuint (sr_audio_ring_write (ring, samples, 12), ==, 8);
  g_assert_cmpuint (sr_audio_ring_write (ring, samples, 1), ==, 0);
  float out[12] = { 0 };
  g_assert_cmpuint (sr_audio_ring_read (ring, out, 12), ==, 8);
  for (int i = 0; i < 8; i++)
    g_assert_cmpfloat (out[i], ==, (float) i);
  g_assert_cmpuint (sr_audio_ring_read (ring, out, 1), ==, 0);
}

static void
test_samples_wrap_around_the_end_in_order (void)
{
  g_autoptr(SrAudioRing) ring = sr_audio_ring_new (8);
  float samples[6] = { 1, 2, 3, 4, 5, 6 }, out[6];
  sr_audio_ring_write (ring, samples, 6);
  sr_audio_ring_read (ring, out, 5);
  /* the next six straddle the end of the storage */
  float more[6] = { 7, 8, 9, 10, 11, 12 };
  g_assert_cmpuint (sr_audio_ring_write (ring, more, 6), ==, 6);
  float all[7];
  g_assert_cmpuint (sr_audio_ring_read (ring, all, 7), ==, 7);
  for (int i = 0; i < 7; i++)
    g_assert_cmpfloat (all[i], ==, (float) (6 + i));
}

static void
test_discarding_empties_the_ring (void)
{
  g_autoptr(SrAudioRing) ring = sr_audio_ring_new (16);
  float samples[10] = { 0 };
  sr_audio_ring_write (ring, samples, 10);
  sr_audio_ring_discard (ring);
  g_assert_cmpuint (sr_audio_ring_readable (ring), ==, 0);
  g_assert_cmpuint (sr_audio_ring_writable (ring), ==, 16);
}

#define STRESS_SAMPLES (4 * 1000 * 1000)

typedef struct {
  SrAudioRing *ring;
  guint32 seed;
} Producer;

static gpointer
produce_counting (gpointer data)
{
  Producer *producer = data;
  GRand *sizes = g_rand_new_with_seed (producer->seed);
  float block[700];
  gsize next = 0;
  while (next < STRESS_SAMPLES)
    {
      /* drawn apart: MIN evaluates its arguments twice, and a second draw could overrun the last block */
      gsize size = (gsize) g_rand_int_range (sizes, 1, G_N_ELEMENTS (block));
      gsize want = MIN (size, STRESS_SAMPLES - next);
      for (gsize i = 0; i < want; i++)
        block[i] = (float) ((next + i) % 8388608); /* exact in a float */
      gsize put = sr_audio_ring_write (producer->ring, block, want);
      next += put;
      if (put < want)
        g_thread_yield ();
    }
  g_rand_free (sizes);
  return NULL;
}

static void
test_two_threads_pass_every_sample_once_and_in_order (void)
{
  g_autoptr(SrAudioRing) ring = sr_audio_ring_new (1024);
  Producer producer = { ring, 17 };
  GThread *thread = g_thread_new ("producer", produce_counting, &producer);
  GRand *sizes = g_rand_new_with_seed (29);
  float block[500];
  gsize expected = 0;
  gboolean in_order = TRUE;
  while (expected < STRESS_SAMPLES)
    {
      gsize got = sr_audio_ring_read (ring, block, (gsize) g_rand_int_range (sizes, 1, G_N_ELEMENTS (block)));
      for (gsize i = 0; i < got; i++, expected++)
        in_order &= block[i] == (float) (expected % 8388608);
      if (got == 0)
        g_thread_yield ();
    }
  g_thread_join (thread);
  g_rand_free (sizes);
  g_assert_true (in_order);
  g_assert_cmpuint (sr_audio_ring_readable (ring), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio-ring/capacity", test_capacity_is_rounded_up_to_a_power_of_two);
  g_test_add_func ("/audio-ring/full", test_a_full_ring_takes_only_what_fits);
  g_test_add_func ("/audio-ring/wrap-around", test_samples_wrap_around_the_end_in_order);
  g_test_add_func ("/audio-ring/discard", test_discarding_empties_the_ring);
  g_test_add_func ("/audio-ring/two-threads", test_two_threads_pass_every_sample_once_and_in_order);
  return g_test_run ();
}
