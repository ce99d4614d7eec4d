/* A workstation window: one score, its pages, and the commands on it. */
#pragma once

#include <gtk/gtk.h>

#include "sr-application.h"
#include "sr-inspector.h"
#include "sr-page-view.h"

G_BEGIN_DECLS

#define SR_TYPE_WINDOW (sr_window_get_type ())
G_DECLARE_FINAL_TYPE (SrWindow, sr_window, SR, WINDOW, GtkApplicationWindow)

SrWindow *sr_window_new (SrApplication *application);

/* Opens FILE in this window, replacing what it shows; a file that cannot be opened leaves the window as it was
 * and shows why. */
void sr_window_open_file (SrWindow *self, GFile *file);

/* Saves the work in this window — the score, the systems read, the corrections, the system inspected — as a project
 * (`.sightread`) at FILE, where Save (Ctrl+S) writes from then on. Opening a project (sr_window_open_file) brings it
 * back. */
gboolean sr_window_save_project (SrWindow *self, GFile *file, GError **error);

/* When a Sightread that ended without closing (a crash) left work behind, says so in the window with a button that
 * opens it (win.recover-autosave); TRUE when there was some. */
gboolean sr_window_offer_recovery (SrWindow *self);

/* TRUE when the window shows no score and is not loading one. */
gboolean sr_window_is_empty (SrWindow *self);

SrPageView *sr_window_get_page_view (SrWindow *self);
/* The inspector beside the pages; shown once win.read-page has read a page. */
SrInspector *sr_window_get_inspector (SrWindow *self);
/* The PERCENTILE (0–100) of the work the live overlay did per frame while the inspector last played (or plays), in ms;
 * *N_FRAMES (may be NULL) gets how many frames it drew. */
double sr_window_get_overlay_frame_ms (SrWindow *self, double percentile, guint *n_frames);
/* TRUE while win.read-page is reading (win.cancel-reading stops it). */
gboolean sr_window_is_reading (SrWindow *self);

/* The message shown in the window's banner, or NULL when none is shown. */
const char *sr_window_get_message (SrWindow *self);

G_END_DECLS
