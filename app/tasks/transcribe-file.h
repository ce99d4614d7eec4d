/* A recording file turned into what the user keeps (DESIGN §3 `transcribe`, and the recorder's Transcribe): its notes
 * as a MIDI file and a draft score (`midi draft`'s beats, metre, key and quantisation) as MusicXML, written beside
 * each other. One implementation for the command line and, on a worker thread, for the window. */
#pragma once

#include "draft-score.h"
#include "transcribe.h"

G_BEGIN_DECLS

typedef struct {
  GArray *notes;               /* SrNote heard, by onset */
  GArray *draft;               /* the draft score's LMX tokens (guint16 ids) */
  SrDraftSummary draft_summary;
  SrTranscribeSummary summary;
  char *notice;                /* what the user should know (a GPU not found, a mismatched codec), or NULL */
} SrTranscription;

void sr_transcription_free (SrTranscription *transcription);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrTranscription, sr_transcription_free)

/* PATH (any sound file sr_audio_read opens) heard with the models of MODELS_FOLDER on DEVICE; the notes written to
 * MIDI_PATH and the draft to MUSICXML_PATH (either may be NULL: not written; the draft is made all the same). NULL
 * with an error for a file that is no sound, silence, missing or failing models, no note heard, a draft that cannot
 * be made, a file that cannot be written, or cancelling. The MIDI file is written before the draft is tried. */
SrTranscription *sr_transcribe_file (const char *path, const SrDeviceChoice *device, const char *models_folder,
                                     const char *midi_path, const char *musicxml_path, SrProgressFunc progress,
                                     gpointer progress_data, GCancellable *cancellable, GError **error);

/* The same on a worker thread; progress comes back to the caller's main context. */
void sr_transcribe_file_async (const char *path, const SrDeviceChoice *device, const char *models_folder,
                               const char *midi_path, const char *musicxml_path, SrProgressFunc progress,
                               gpointer progress_data, GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
SrTranscription *sr_transcribe_file_finish (GAsyncResult *result, GError **error);

G_END_DECLS
