/* The key of a performance, and how its pitches are spelled in it. */
#pragma once

#include "midi-notes.h"

G_BEGIN_DECLS

typedef struct {
  int fifths;      /* key signature: sharps > 0, flats < 0 */
  gboolean minor;
} SrKey;

/* The key whose Krumhansl–Kessler profile best matches the notes' pitch classes weighed by length. C major when
 * there are no notes. */
SrKey sr_key_estimate (const SrNote *notes, guint n_notes);

/* PITCH (a MIDI note number) spelled in KEY: a step letter 'A'–'G', its alteration in semitones and its octave.
 * Each pitch class takes its place in a window of twelve fifths around the key: in C major A♭ to C♯ (F♯ and C♯,
 * the common raised notes, but B♭, E♭ and A♭); in A minor E♭ to G♯ (the raised sixth and seventh). */
void sr_key_spell (SrKey key, int pitch, char *step, int *alter, int *octave);

/* The alteration the key signature of FIFTHS gives STEP ('A'–'G'): 1, -1 or 0. */
int sr_key_signature_alter (int fifths, char step);

G_END_DECLS
