/* The progress line: silent for work done within a second, then the share done, where the work is and the time left;
 * a line every few seconds when stderr is no terminal (as here); nothing when quiet. */
#include "progress.h"

static void
test_quick_work_shows_nothing (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(SrProgress) progress = sr_progress_new ("reading", FALSE);
      sr_progress_set (progress, 0.5, NULL);
      sr_progress_set (progress, 1.0, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("");
}

static void
test_long_work_shows_share_place_and_time_left (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(SrProgress) progress = sr_progress_new ("reading the systems", FALSE);
      g_usleep (1100 * 1000);
      sr_progress_set (progress, 0.5, "page 1 of 2");
      /* Within the next few seconds a log gets no second line. */
      sr_progress_set (progress, 0.6, "page 2 of 2");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("sightread: reading the systems:  50 % (page 1 of 2), about 0:01 left\n");
}

static void
test_quiet_work_shows_nothing (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(SrProgress) progress = sr_progress_new ("reading", TRUE);
      g_usleep (1100 * 1000);
      sr_progress_set (progress, 0.5, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("");
}

static void
test_durations_read_as_clock_times (void)
{
  g_autofree char *seconds = sr_progress_format_duration (13.4);
  g_autofree char *minutes = sr_progress_format_duration (62);
  g_autofree char *hours = sr_progress_format_duration (3723);
  g_assert_cmpstr (seconds, ==, "0:13");
  g_assert_cmpstr (minutes, ==, "1:02");
  g_assert_cmpstr (hours, ==, "1:02:03");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/progress/quick", test_quick_work_shows_nothing);
  g_test_add_func ("/progress/long", test_long_work_shows_share_place_and_time_left);
  g_test_add_func ("/progress/quiet", test_quiet_work_shows_nothing);
  g_test_add_func ("/progress/durations", test_durations_read_as_clock_times);
  return g_test_run ();
}
