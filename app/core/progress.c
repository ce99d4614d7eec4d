/* See progress.h. */
#include "progress.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#define SILENT_START_US G_USEC_PER_SEC            /* work done within a second shows nothing */
#define TERMINAL_INTERVAL_US (G_USEC_PER_SEC / 10)
#define LOG_INTERVAL_US (5 * G_USEC_PER_SEC)

struct _SrProgress {
  char *what;
  gboolean quiet, terminal, shown;
  gint64 started, last_shown;
};

SrProgress *
sr_progress_new (const char *what, gboolean quiet)
{
  SrProgress *progress = g_new0 (SrProgress, 1);
  progress->what = g_strdup (what);
  progress->quiet = quiet;
  progress->terminal = isatty (STDERR_FILENO);
  progress->started = g_get_monotonic_time ();
  return progress;
}

char *
sr_progress_format_duration (double seconds)
{
  gint64 whole = (gint64) llround (MAX (seconds, 0.0));
  if (whole >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", whole / 3600, (int) (whole / 60 % 60), (int) (whole % 60));
  return g_strdup_printf ("%d:%02d", (int) (whole / 60), (int) (whole % 60));
}

void
sr_progress_set (SrProgress *progress, double done, const char *where)
{
  if (progress->quiet)
    return;
  gint64 now = g_get_monotonic_time ();
  gint64 interval = progress->terminal ? TERMINAL_INTERVAL_US : LOG_INTERVAL_US;
  if (now - progress->started < SILENT_START_US || (progress->shown && now - progress->last_shown < interval))
    return;
  done = CLAMP (done, 0.0, 1.0);
  double elapsed = (now - progress->started) / (double) G_USEC_PER_SEC;
  g_autofree char *left = done > 0.01 ? sr_progress_format_duration (elapsed * (1 - done) / done) : NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  g_string_append_printf (line, _("sightread: %s: %3.0f %%"), progress->what, floor (100 * done));
  if (where != NULL)
    g_string_append_printf (line, " (%s)", where);
  if (left != NULL)
    g_string_append_printf (line, _(", about %s left"), left);
  if (progress->terminal)
    fprintf (stderr, "\r%s\033[K", line->str);
  else
    fprintf (stderr, "%s\n", line->str);
  fflush (stderr);
  progress->shown = TRUE;
  progress->last_shown = now;
}

void
sr_progress_free (SrProgress *progress)
{
  if (progress == NULL)
    return;
  if (progress->shown && progress->terminal)
    {
      fprintf (stderr, "\r\033[K");
      fflush (stderr);
    }
  g_free (progress->what);
  g_free (progress);
}

typedef struct {
  SrProgressFunc func;
  gpointer user_data;
  double done;
  char *where;
} ProgressReport;

static gboolean
deliver_report (gpointer data)
{
  ProgressReport *report = data;
  report->func (report->done, report->where, report->user_data);
  return G_SOURCE_REMOVE;
}

static void
progress_report_free (gpointer data)
{
  ProgressReport *report = data;
  g_free (report->where);
  g_free (report);
}

void
sr_progress_invoke_in (GMainContext *context, SrProgressFunc func, gpointer user_data, double done,
                       const char *where)
{
  ProgressReport *report = g_new0 (ProgressReport, 1);
  report->func = func;
  report->user_data = user_data;
  report->done = done;
  report->where = g_strdup (where);
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, deliver_report, report, progress_report_free);
}
