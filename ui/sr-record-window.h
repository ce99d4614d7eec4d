/* Record an instrument: pick an input, watch its level, record and stop; the take is kept as a FLAC file in the
 * Music folder (Sightread/). Turning it into a draft score needs the audio → MIDI model, which is not trained yet:
 * the window says so instead of pretending. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SR_TYPE_RECORD_WINDOW (sr_record_window_get_type ())
G_DECLARE_FINAL_TYPE (SrRecordWindow, sr_record_window, SR, RECORD_WINDOW, GtkWindow)

SrRecordWindow *sr_record_window_new (GtkWindow *parent);

/* Starts recording from the chosen input, or stops and keeps the take. */
void sr_record_window_toggle (SrRecordWindow *self);
gboolean sr_record_window_get_recording (SrRecordWindow *self);
/* The file of the last take (NULL before any), and its seconds so far. */
const char *sr_record_window_get_path (SrRecordWindow *self);
double sr_record_window_get_seconds (SrRecordWindow *self);
/* What the window tells the user now (the input's state, the file kept, an error). */
const char *sr_record_window_get_status (SrRecordWindow *self);

G_END_DECLS
