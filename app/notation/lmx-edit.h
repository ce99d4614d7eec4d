/* Corrections to a reading, made on its LMX tokens (the reading's one source of truth, so that what the inspector
 * shows, exports and plays is always the delinearized tokens): a note moved by scale steps, a note made a rest (or,
 * in a chord, removed). A note is named by the index of its root token (sr_lmx_note_token). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Moves the note whose root is TOKENS[ROOT] by STEPS scale steps (C4 +1 → D4), dropping its printed accidentals so
 * that the key signature speaks. FALSE (TOKENS untouched) when ROOT is no pitched note's root or the pitch would
 * leave C0 … B9. */
gboolean sr_lmx_edit_move_note (GArray *tokens, guint root, int steps);

/* The note whose root is TOKENS[ROOT] becomes a rest of its length; a note of a chord (not the chord's first) is
 * removed instead. FALSE (TOKENS untouched) when ROOT is no note's root. */
gboolean sr_lmx_edit_silence_note (GArray *tokens, guint root);

/* The note or rest rooted at TOKENS[ROOT] takes the next longer (STEPS > 0) or shorter (STEPS < 0) note value, its
 * dots kept. FALSE (TOKENS untouched) when ROOT is no note's root or no such value exists. */
gboolean sr_lmx_edit_change_value (GArray *tokens, guint root, int steps);

/* The note rooted at TOKENS[ROOT] gets ACCIDENTAL ("sharp", "flat", "natural", "double-sharp", "flat-flat") printed,
 * or none for NULL, in place of what it had. FALSE (TOKENS untouched) when ROOT is no pitched note's root. */
gboolean sr_lmx_edit_set_accidental (GArray *tokens, guint root, const char *accidental);

/* Adds a note STEPS scale steps above (or below) the note rooted at TOKENS[ROOT] to its chord, of the same value.
 * FALSE (TOKENS untouched) when ROOT is no pitched note's root or the pitch would leave C0 … B9. */
gboolean sr_lmx_edit_add_chord_note (GArray *tokens, guint root, int steps);

/* Removes the measure holding TOKENS[ROOT]; a first measure hands its key, time and clefs on to the next. FALSE
 * (TOKENS untouched) when ROOT lies in no measure or the measure is the only one. */
gboolean sr_lmx_edit_delete_measure (GArray *tokens, guint root);

G_END_DECLS
