/* A progress line on stderr for work that outlasts a second: what is being done, the share done and the time left.
 * On a terminal the line is redrawn in place (at most ten times a second) and wiped at the end; into a file or a pipe
 * a line is written every few seconds instead, so that logs stay readable. Nothing at all when quiet. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SrProgress SrProgress;

/* WHAT names the work ("reading the systems"); the share done runs from 0 to 1. */
SrProgress *sr_progress_new (const char *what, gboolean quiet);

/* The share DONE (0 … 1) and, optionally, a few words on where the work is ("page 2 of 3"; may be NULL). */
void sr_progress_set (SrProgress *progress, double done, const char *where);

/* Ends the line (wiped from a terminal) and frees PROGRESS. */
void sr_progress_free (SrProgress *progress);

/* "0:13", "1:02:03": seconds as a reader wants them. */
char *sr_progress_format_duration (double seconds);

/* How work below the CLI reports: the share done and where it is. */
typedef void (*SrProgressFunc) (double done, const char *where, gpointer user_data);

/* From a worker thread: FUNC (DONE, WHERE, USER_DATA) called soon in CONTEXT (the main context of the thread that
 * started the work), so that a window can show it. USER_DATA must outlive the call. */
void sr_progress_invoke_in (GMainContext *context, SrProgressFunc func, gpointer user_data, double done,
                            const char *where);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrProgress, sr_progress_free)

G_END_DECLS
