/* The reference synthesizer (issue 11): notes → sound through FluidSynth and a General MIDI SoundFont from Debian's
 * packages. It is the yardstick the MIDI → audio model is measured against, and renders the notation route until
 * that model is trained. Offline and deterministic: no audio driver, no reverb or chorus. */
#pragma once

#include "audio-file.h"
#include "midi-notes.h"

G_BEGIN_DECLS

/* The SoundFont used when none is named: the first of Debian's General MIDI fonts that is installed. */
const char *sr_reference_synth_default_soundfont (void);

/* NOTES (onsets and offsets in seconds, programs, channels, velocities) rendered at RATE with SOUNDFONT (NULL: the
 * default), mono, with a second and a half after the last note for the release. */
SrAudio *sr_reference_synth_render (const SrNote *notes, guint n_notes, const char *soundfont, int rate,
                                    GError **error);

G_END_DECLS
