/* The OMR inspector: for each system read, the crop the model saw above our engraving of what it read, and the LMX
 * tokens as text; the engraving lines up with the crop measure by measure, measures the decoder had to repair on red.
 * Selecting a note lights up where the reader looked for it (its cross-attention focus); clicking the crop selects the
 * note read there. Corrections — a note up or down a step, a note made a rest, another value or accidental, a note
 * added to a chord, a measure deleted, the LMX text edited — redraw at once, can be undone and redone, and are what
 * export writes.
 *
 * "readings-changed" is emitted whenever a reading is corrected, undone, redone or replaced.
 *
 * Actions (group "inspector"): previous, next, undo, redo, note-up, note-down, silence-note, longer, shorter,
 * accidental (a string: "sharp", "flat", "natural", "double-sharp", "flat-flat", or "" for none), add-chord-note (an
 * int32: scale steps from the selected note), delete-measure, apply-text, play (from the system shown to the last, as
 * they read now; again: stop), export. */
#pragma once

#include <gtk/gtk.h>

#include "sr-reading-player.h"

#include "omr.h"

G_BEGIN_DECLS

#define SR_TYPE_INSPECTOR (sr_inspector_get_type ())
G_DECLARE_FINAL_TYPE (SrInspector, sr_inspector, SR, INSPECTOR, GtkBox)

GtkWidget *sr_inspector_new (void);

/* Takes SYSTEMS (SrOmrSystem, as sr_omr_read_page gives them; transfer full) and shows the first. Earlier readings
 * and their corrections go. */
void sr_inspector_set_systems (SrInspector *self, GArray *systems);
/* Takes SYSTEMS and their CORRECTED readings (transfer full; as a project keeps them) and shows system CURRENT. */
void sr_inspector_restore (SrInspector *self, GArray *systems, GPtrArray *corrected, guint current);
/* The systems read (SrOmrSystem; owned by the inspector), or NULL. */
const GArray *sr_inspector_get_systems (SrInspector *self);
guint sr_inspector_get_n_systems (SrInspector *self);
guint sr_inspector_get_current (SrInspector *self);
void sr_inspector_show_system (SrInspector *self, guint index);

/* The reading of system INDEX with its corrections (guint16 LMX ids; owned by the inspector). */
const GArray *sr_inspector_get_reading (SrInspector *self, guint index);

/* Where a sounding note was read: the page rectangle the reader looked at most (on the page straightened by
 * SKEW_DEGREES, as SrOmrSystem boxes are). */
typedef struct {
  guint page_index;
  double skew_degrees;
  SrPageBox box;
} SrInspectorSpot;

/* The spots of the notes sounding now while inspector.play plays (an empty array otherwise): the live overlay. */
GArray *sr_inspector_get_sounding (SrInspector *self);

/* Seconds of the playing sound reaching the ears now, or -1 before it sounds (while rendering) and when stopped. */
double sr_inspector_get_position (SrInspector *self);
/* Seconds of what plays (0 while nothing is rendered); the transport under the title that sets route, position,
 * tempo and volume. */
double sr_inspector_get_duration (SrInspector *self);
GtkWidget *sr_inspector_get_transport (SrInspector *self);
/* What plays the reading (its tempo, volume, position). */
SrReadingPlayer *sr_inspector_get_player (SrInspector *self);
/* TRUE while inspector.play renders or plays (from the current system to the last). */
gboolean sr_inspector_get_playing (SrInspector *self);
/* The line under the engraving: repairs, limits, what went wrong (playing, exporting). */
const char *sr_inspector_get_status (SrInspector *self);

/* Every system's corrected reading as one score, the kind by FILE's name: a MIDI performance (.mid), the engraving
 * (.png, .svg, .pdf) or MusicXML (anything else). */
gboolean sr_inspector_export (SrInspector *self, GFile *file, GError **error);

G_END_DECLS
