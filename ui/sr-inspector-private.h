/* What the inspector's files share (sr-inspector.c: the panel, navigation, selection, playing, export;
 * sr-inspector-edits.c: corrections, undo and redo). */
#pragma once

#include "lmx-edit.h"
#include "sr-crop-view.h"
#include "sr-engraving-view.h"
#include "sr-inspector.h"
#include "sr-reading-player.h"
#include "sr-transport-bar.h"

G_BEGIN_DECLS

typedef struct {
  guint system;
  GArray *tokens; /* the reading before (undo) or after (redo) */
} Edit;

struct _SrInspector {
  GtkBox parent_instance;

  GArray *systems;     /* SrOmrSystem */
  GPtrArray *readings; /* GArray of guint16, the corrected reading of each system */
  GPtrArray *origins;  /* GArray of int per system: the original token each token stems from, or -1 */
  GPtrArray *undo;     /* Edit */
  GPtrArray *redo;
  guint current;

  GtkLabel *title;
  GtkLabel *status;
  SrCropView *crop;
  SrEngravingView *engraving;
  GtkTextView *text;
  GArray *token_chars;     /* int: where each token of the text shown starts (characters), then its end */
  gboolean showing_text;   /* the list is being refilled: its cursor moves by itself */
  GSimpleActionGroup *actions;
  GtkFileChooserNative *chooser;
  SrReadingPlayer *player;
  SrTransportBar *transport;
  GtkButton *play_button;
  GArray *played_from; /* for each token played: (system, token) it came from, as guint pairs */
};

/* sr-inspector.c */
const SrOmrSystem *sr_inspector_current_system (SrInspector *self);
GArray *sr_inspector_copy_tokens (const GArray *tokens);
/* Redraws the current system from its reading. */
void sr_inspector_refresh (SrInspector *self);
/* Emits "readings-changed": a reading was corrected, undone or replaced (the window autosaves). */
void sr_inspector_readings_changed (SrInspector *self);

/* sr-inspector-edits.c */
void sr_inspector_edit_free (gpointer edit);
GArray *sr_inspector_align (const GArray *was, const GArray *now);
void sr_inspector_commit (SrInspector *self, GArray *tokens);
/* sr-inspector-export.c: the Export dialog. */
void sr_inspector_export_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_inspector_undo_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_inspector_redo_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_inspector_note_up_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_inspector_note_down_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_inspector_silence_note_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_inspector_longer_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_inspector_shorter_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_inspector_add_chord_note_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_inspector_delete_measure_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_inspector_accidental_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_inspector_apply_text_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);

G_END_DECLS
