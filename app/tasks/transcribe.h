/* Turning a recording into notes (DESIGN §3 `transcribe`): the sound brought to the codec's level and encoded
 * once, then read window by window — windows of the length the A2I model learned (its metadata's segment_seconds) —
 * by the model's audio → MIDI task, and the windows' event tokens decoded together as consecutive segments, so that a
 * note held across a window's edge (its tie section) stays one note. */
#pragma once

#include <gio/gio.h>

#include "device-choice.h"
#include "midi-notes.h"
#include "progress.h"

G_BEGIN_DECLS

typedef struct _SrTranscriber SrTranscriber;

#define SR_TRANSCRIBE_SILENT_MESSAGE N_("the recording is silent (below -70 dBFS): there is nothing to transcribe")

typedef struct {
  guint windows;          /* read */
  guint windows_cut;      /* of which the reading reached its length limit */
  guint misplaced_tokens; /* that made no sense where the model put them, skipped */
  double seconds;         /* of sound heard */
} SrTranscribeSummary;

/* The codec and the A2I model of MODELS_FOLDER on DEVICE. *NOTICE (may be NULL) gets what the user should know
 * (a GPU that was not found, a model trained on another codec's tokens), or NULL. */
SrTranscriber *sr_transcriber_new (const SrDeviceChoice *device, const char *models_folder, char **notice,
                                   GError **error);
void sr_transcriber_free (SrTranscriber *transcriber);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrTranscriber, sr_transcriber_free)

void sr_transcriber_set_progress (SrTranscriber *transcriber, SrProgressFunc func, gpointer user_data);
void sr_transcriber_set_cancellable (SrTranscriber *transcriber, GCancellable *cancellable);

/* Whether FRAMES samples hold nothing to hear (below -70 dBFS RMS, or none at all): checked before the models load. */
gboolean sr_transcribe_is_silent (const float *samples, gsize frames);

/* The notes (SrNote, by onset) of FRAMES samples of mono sound at 44.1 kHz. NULL with an error when the sound is
 * silent, the models fail or the work is cancelled. */
GArray *sr_transcriber_run (SrTranscriber *transcriber, const float *samples, gsize frames,
                            SrTranscribeSummary *summary, GError **error);

G_END_DECLS
