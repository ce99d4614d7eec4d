/* Record an instrument: pick an input, watch its level, record and stop; the take is kept as a FLAC file in the
 * Music folder (Sightread/), or a sound file is opened as the take. Transcribe hears the take on a worker thread
 * (progress shown, Cancel stops it), writes its notes as MIDI and a draft score as MusicXML beside it, and shows the
 * draft engraved. */
#pragma once

#include <gtk/gtk.h>

#include "sr-engraving-view.h"

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
/* A take recorded elsewhere (a sound file; Open… asks for one), to transcribe as one recorded here; its notes and
 * draft go beside it, or into the takes folder where its own folder is not writable. FALSE with ERROR for what is no
 * sound file we read, and while recording or transcribing. */
gboolean sr_record_window_open_take (SrRecordWindow *self, const char *path, GError **error);
/* Starts transcribing the last take, or cancels the transcription under way. */
void sr_record_window_transcribe (SrRecordWindow *self);
gboolean sr_record_window_get_transcribing (SrRecordWindow *self);
/* The draft score written (NULL until one is shown) and the view showing it. */
const char *sr_record_window_get_draft_path (SrRecordWindow *self);
SrEngravingView *sr_record_window_get_draft (SrRecordWindow *self);
/* What the window tells the user now (the input's state, the file kept, an error). */
const char *sr_record_window_get_status (SrRecordWindow *self);

G_END_DECLS
