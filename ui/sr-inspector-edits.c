/* Corrections in the inspector: each edit replaces the current system's reading (LMX tokens, lmx-edit.h) and pushes
 * the one it replaced onto the undo stack. The reader's focus belongs to the tokens it read; after corrections, tokens
 * are matched back to the original reading by an edit-distance alignment, so a corrected note still lights up where
 * it was read. */
#include "sr-inspector-private.h"

#include <glib/gi18n.h>

#include "lmx-vocabulary.h"

void
sr_inspector_edit_free (gpointer data)
{
  Edit *edit = data;
  g_array_unref (edit->tokens);
  g_free (edit);
}

/* For each token of NOW, the index of the token of WAS it stands for (equal or substituted), or -1 (inserted): the
 * cheapest alignment by edit distance. */
GArray *
sr_inspector_align (const GArray *was, const GArray *now)
{
  guint n = was->len, m = now->len;
  guint *cost = g_new (guint, (gsize) (n + 1) * (m + 1));
#define COST(i, j) cost[(gsize) (i) * (m + 1) + (j)]
  for (guint i = 0; i <= n; i++)
    for (guint j = 0; j <= m; j++)
      {
        if (i == 0 || j == 0)
          {
            COST (i, j) = i + j;
            continue;
          }
        guint same = g_array_index (was, guint16, i - 1) == g_array_index (now, guint16, j - 1) ? 0 : 1;
        COST (i, j) = MIN (COST (i - 1, j - 1) + same, MIN (COST (i - 1, j), COST (i, j - 1)) + 1);
      }
  GArray *origins = g_array_new (FALSE, FALSE, sizeof (int));
  g_array_set_size (origins, m);
  for (guint i = n, j = m; j > 0;)
    {
      guint same = i > 0 && g_array_index (was, guint16, i - 1) == g_array_index (now, guint16, j - 1) ? 0 : 1;
      if (i > 0 && COST (i, j) == COST (i - 1, j - 1) + same)
        {
          g_array_index (origins, int, --j) = (int) --i;
        }
      else if (i > 0 && COST (i, j) == COST (i - 1, j) + 1)
        i--;
      else
        g_array_index (origins, int, --j) = -1;
    }
#undef COST
  g_free (cost);
  return origins;
}

/* Replaces the current system's reading by TOKENS (transfer full), the old one going onto the undo stack. */
void
sr_inspector_commit (SrInspector *self, GArray *tokens)
{
  Edit *edit = g_new0 (Edit, 1);
  edit->system = self->current;
  edit->tokens = self->readings->pdata[self->current];
  self->readings->pdata[self->current] = tokens;
  g_ptr_array_add (self->undo, edit);
  g_ptr_array_set_size (self->redo, 0);
  const SrOmrSystem *system = sr_inspector_current_system (self);
  g_array_unref (self->origins->pdata[self->current]);
  self->origins->pdata[self->current] = sr_inspector_align (system->lmx, tokens);
  sr_inspector_refresh (self);
  sr_inspector_readings_changed (self);
}

static void
swap_edit (SrInspector *self, GPtrArray *from, GPtrArray *to)
{
  if (from->len == 0)
    return;
  Edit *edit = g_ptr_array_steal_index (from, from->len - 1);
  GArray *now = self->readings->pdata[edit->system];
  self->readings->pdata[edit->system] = edit->tokens;
  edit->tokens = now;
  g_ptr_array_add (to, edit);
  const SrOmrSystem *system = &g_array_index (self->systems, SrOmrSystem, edit->system);
  g_array_unref (self->origins->pdata[edit->system]);
  self->origins->pdata[edit->system] = sr_inspector_align (system->lmx, self->readings->pdata[edit->system]);
  self->current = edit->system;
  sr_inspector_refresh (self);
  sr_inspector_readings_changed (self);
}

typedef enum {
  EDIT_MOVE,       /* by ARGUMENT scale steps */
  EDIT_SILENCE,
  EDIT_VALUE,      /* ARGUMENT values longer (or shorter) */
  EDIT_ACCIDENTAL, /* ACCIDENTAL, or none */
  EDIT_CHORD_NOTE, /* a note ARGUMENT scale steps away added to the chord */
  EDIT_DELETE_MEASURE,
} EditKind;

static void
edit_selected_note (SrInspector *self, EditKind kind, int argument, const char *accidental)
{
  gint64 token = sr_engraving_view_get_selected_token (self->engraving);
  if (token < 0)
    return;
  g_autoptr(GArray) tokens = sr_inspector_copy_tokens (self->readings->pdata[self->current]);
  gboolean changed = FALSE;
  switch (kind)
    {
    case EDIT_MOVE:
      changed = sr_lmx_edit_move_note (tokens, (guint) token, argument);
      break;
    case EDIT_SILENCE:
      changed = sr_lmx_edit_silence_note (tokens, (guint) token);
      break;
    case EDIT_VALUE:
      changed = sr_lmx_edit_change_value (tokens, (guint) token, argument);
      break;
    case EDIT_ACCIDENTAL:
      changed = sr_lmx_edit_set_accidental (tokens, (guint) token, accidental);
      break;
    case EDIT_CHORD_NOTE:
      changed = sr_lmx_edit_add_chord_note (tokens, (guint) token, argument);
      break;
    case EDIT_DELETE_MEASURE:
      changed = sr_lmx_edit_delete_measure (tokens, (guint) token);
      break;
    }
  if (!changed)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  sr_inspector_commit (self, g_steal_pointer (&tokens));
  /* The note keeps its root token unless it left its chord or its measure went. */
  sr_engraving_view_set_selected_token (self->engraving, kind == EDIT_DELETE_MEASURE ? -1 : token);
}

void
sr_inspector_undo_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrInspector *self = user_data;
  swap_edit (self, self->undo, self->redo);
}

void
sr_inspector_redo_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrInspector *self = user_data;
  swap_edit (self, self->redo, self->undo);
}

void
sr_inspector_note_up_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  edit_selected_note (user_data, EDIT_MOVE, 1, NULL);
}

void
sr_inspector_note_down_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  edit_selected_note (user_data, EDIT_MOVE, -1, NULL);
}

void
sr_inspector_silence_note_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  edit_selected_note (user_data, EDIT_SILENCE, 0, NULL);
}

void
sr_inspector_longer_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  edit_selected_note (user_data, EDIT_VALUE, 1, NULL);
}

void
sr_inspector_shorter_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  edit_selected_note (user_data, EDIT_VALUE, -1, NULL);
}

/* The parameter: how many scale steps above the selected note (negative: below). */
void
sr_inspector_add_chord_note_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  edit_selected_note (user_data, EDIT_CHORD_NOTE, g_variant_get_int32 (parameter), NULL);
}

void
sr_inspector_delete_measure_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  edit_selected_note (user_data, EDIT_DELETE_MEASURE, 0, NULL);
}

/* The parameter names the accidental ("sharp", "flat", "natural" …), or "" for none. */
void
sr_inspector_accidental_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  const char *accidental = g_variant_get_string (parameter, NULL);
  edit_selected_note (user_data, EDIT_ACCIDENTAL, 0, accidental[0] != '\0' ? accidental : NULL);
}

void
sr_inspector_apply_text_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrInspector *self = user_data;
  if (sr_inspector_current_system (self) == NULL)
    return;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text);
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  g_autofree char *text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  guint unknown = 0;
  GArray *tokens = sr_lmx_tokens_from_text (text, &unknown);
  sr_inspector_commit (self, tokens);
  if (unknown > 0)
    {
      g_autofree char *message = g_strdup_printf (ngettext ("%u word is no LMX token and was left out.",
                                                            "%u words are no LMX tokens and were left out.", unknown),
                                                  unknown);
      gtk_label_set_text (self->status, message);
    }
}
