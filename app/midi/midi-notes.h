/* Notes in seconds, as the metrics and the MIDI tokens see them, derived from a MIDI file's events and tempo map;
 * and a MIDI file made from notes. */
#pragma once

#include "midi-file.h"

G_BEGIN_DECLS

typedef struct {
  double onset;    /* seconds */
  double offset;   /* seconds, > onset */
  guint8 pitch;    /* MIDI note number */
  guint8 velocity; /* 1–127 */
  guint8 program;  /* General MIDI program 0–127 */
  guint8 channel;
  gboolean is_drum; /* channel 10 */
  guint64 onset_tick;  /* in the file's ticks, when read from a file; 0 otherwise */
  guint64 offset_tick;
} SrNote;

typedef enum {
  SR_MIDI_NOTES_DEFAULT = 0,
  /* Notes released while the sustain pedal (CC 64 ≥ 64) is down sound until it is lifted, as MAESTRO labels them. */
  SR_MIDI_NOTES_SUSTAIN = 1 << 0,
} SrMidiNotesFlags;

/* Seconds at TICK, through the file's tempo map (set-tempo events of every track; 120 bpm before the first). */
double sr_midi_file_tick_to_seconds (const SrMidiFile *file, guint64 tick);

/* Every note of every track, sorted by onset, pitch. A note-off closes the oldest open note of its channel and pitch;
 * notes left open end at their track's last event. */
GArray *sr_midi_file_get_notes (const SrMidiFile *file, SrMidiNotesFlags flags);

/* A format-1 MIDI file holding NOTES at 120 bpm and 500 ticks per quarter, so that one tick is one millisecond:
 * times are rounded to the millisecond. Programs get channels of their own (drums on channel 10). */
SrMidiFile *sr_midi_file_new_from_notes (const SrNote *notes, guint n_notes);

int sr_note_compare (gconstpointer a, gconstpointer b);

G_END_DECLS
