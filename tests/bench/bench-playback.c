/* Benchmark: playing a read page with the live overlay, in the window under Xvfb and a dummy JACK sound card
 * (tests/with-jackd.sh). Measures the main loop's work per frame while it plays (from the frame clock's update to
 * its after-paint: the overlay, layout, drawing; target: 95th percentile < 16 ms) and the time from pressing play to
 * the first sound with the shipped models (reported; the aim is < 1.5 s). The page is read before, untimed.
 * Run: meson test -C build --benchmark playback-overlay --verbose */
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <stdio.h>

#include "sr-application.h"
#include "sr-window.h"
#include "test-files.h"

#define PLAY_SECONDS 6
#define TARGET_P95_MS 16.0

typedef struct {
  SrApplication *application;
  SrWindow *window;
  gboolean asked_to_read, pressed;
  gint64 pressed_at, first_sound_at, frame_started;
  GArray *frame_ms; /* double */
  gboolean measuring;
  int status;
} Bench;

static void
frame_update (GdkFrameClock *clock, Bench *bench)
{
  bench->frame_started = g_get_monotonic_time ();
}

static void
frame_painted (GdkFrameClock *clock, Bench *bench)
{
  if (!bench->measuring || bench->frame_started == 0)
    return;
  double ms = (g_get_monotonic_time () - bench->frame_started) / 1000.0;
  g_array_append_val (bench->frame_ms, ms);
  bench->frame_started = 0;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static gboolean
step (gpointer user_data)
{
  Bench *bench = user_data;
  if (bench->window == NULL)
    return G_SOURCE_CONTINUE;
  SrPageView *page_view = sr_window_get_page_view (bench->window);
  if (sr_page_view_get_document (page_view) == NULL || !gtk_widget_get_mapped (GTK_WIDGET (page_view)))
    return G_SOURCE_CONTINUE;
  SrInspector *inspector = sr_window_get_inspector (bench->window);
  if (!bench->asked_to_read)
    {
      g_action_group_activate_action (G_ACTION_GROUP (bench->window), "read-page", NULL);
      bench->asked_to_read = TRUE;
      return G_SOURCE_CONTINUE;
    }
  if (sr_window_is_reading (bench->window) || sr_inspector_get_n_systems (inspector) == 0)
    return G_SOURCE_CONTINUE;
  if (!bench->pressed)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench->window));
      g_signal_connect (clock, "update", G_CALLBACK (frame_update), bench);
      g_signal_connect (clock, "after-paint", G_CALLBACK (frame_painted), bench);
      bench->pressed_at = g_get_monotonic_time ();
      g_action_group_activate_action (G_ACTION_GROUP (bench->window), "play", NULL);
      bench->pressed = TRUE;
      return G_SOURCE_CONTINUE;
    }
  if (bench->first_sound_at == 0)
    {
      if (sr_inspector_get_position (inspector) > 0)
        {
          bench->first_sound_at = g_get_monotonic_time ();
          bench->measuring = TRUE;
        }
      else if (!sr_inspector_get_playing (inspector))
        {
          fprintf (stderr, "playing stopped before it sounded: %s\n", sr_inspector_get_status (inspector));
          bench->status = 1;
          g_application_quit (G_APPLICATION (bench->application));
          return G_SOURCE_REMOVE;
        }
      return G_SOURCE_CONTINUE;
    }
  if (g_get_monotonic_time () - bench->first_sound_at < PLAY_SECONDS * G_USEC_PER_SEC
      && sr_inspector_get_playing (inspector))
    return G_SOURCE_CONTINUE;
  bench->measuring = FALSE;
  g_array_sort (bench->frame_ms, compare_doubles);
  guint n = bench->frame_ms->len;
  double median = n > 0 ? g_array_index (bench->frame_ms, double, n / 2) : 0;
  double p95 = n > 0 ? g_array_index (bench->frame_ms, double, MIN (n * 95 / 100, n - 1)) : 0;
  double first_sound = (bench->first_sound_at - bench->pressed_at) / 1e6;
  guint over = 0;
  for (guint i = 0; i < n; i++)
    over += g_array_index (bench->frame_ms, double, i) >= TARGET_P95_MS;
  printf ("playback-overlay: %u of %u frames took %.0f ms or more\n", over, n, TARGET_P95_MS);
  printf ("playback-overlay: %u frames while playing, main-loop work per frame median %.2f ms, 95th percentile "
          "%.2f ms (target < %.0f ms); play to first sound %.2f s (aim < 1.5 s)\n", n, median, p95, TARGET_P95_MS,
          first_sound);
  bench->status = n >= 30 && p95 < TARGET_P95_MS ? 0 : 1;
  if (sr_inspector_get_playing (inspector))
    gtk_widget_activate_action (GTK_WIDGET (inspector), "inspector.play", NULL);
  g_application_quit (G_APPLICATION (bench->application));
  return G_SOURCE_REMOVE;
}

static void
window_added (GtkApplication *application, GtkWindow *window, Bench *bench)
{
  if (SR_IS_WINDOW (window) && bench->window == NULL)
    bench->window = SR_WINDOW (window);
}

int
main (int argc, char **argv)
{
  sr_test_isolate_home ();
  g_autofree char *sample = sr_test_sample_path ("minuet-in-g.pdf");
  Bench bench = { .frame_ms = g_array_new (FALSE, FALSE, sizeof (double)), .status = 1 };
  bench.application = sr_application_new (NULL, NULL);
  g_application_set_flags (G_APPLICATION (bench.application), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_signal_connect (bench.application, "window-added", G_CALLBACK (window_added), &bench);
  g_timeout_add (20, step, &bench);
  char *args[] = { (char *) "sightread", sample, NULL };
  g_application_run (G_APPLICATION (bench.application), 2, args);
  g_object_unref (bench.application);
  g_array_unref (bench.frame_ms);
  return bench.status;
}
