/* Notes as JSON: the array `sightread midi notes --json` prints, read back so that a note list made elsewhere (the
 * data factory's per-system notes, another transcriber's output) reaches the same tokenizer and metrics as a MIDI
 * file. Each element: {"onset": s, "offset": s, "pitch": 0–127, "velocity": 1–127, "program": 0–127, "drum": bool};
 * program, drum and velocity may be left out (0, false, 64). */
#pragma once

#include <json-glib/json-glib.h>

#include "midi-notes.h"

G_BEGIN_DECLS

/* The longest note list read: more than a day of dense piano. */
#define SR_NOTE_LIST_MAX_NOTES 10000000

/* SrNote array sorted by sr_note_compare; NULL with an error naming the first bad element otherwise. */
GArray *sr_note_list_from_json (const char *text, gssize length, GError **error);

/* A JSON array of note lists (each as above) → a GPtrArray of SrNote GArrays, one a list, in order: many lists
 * (the data factory's systems) in one read; an error names the list and its note. */
GPtrArray *sr_note_lists_from_json (const char *text, gssize length, GError **error);

/* The array of notes (see above) for a JSON builder. */
void sr_note_list_to_json (JsonBuilder *builder, const SrNote *notes, guint n_notes);

G_END_DECLS
