/* See sr-inspector.h: the panel, navigation between systems, the selected note and where it was read, playing and
 * export. Corrections and their undo: sr-inspector-edits.c. */
#include "sr-inspector-private.h"

#include <glib/gi18n.h>

#include "lmx-delinearize.h"
#include "lmx-vocabulary.h"
#include "musicxml-read.h"
#include "musicxml-write.h"
#include "performance.h"

G_DEFINE_FINAL_TYPE (SrInspector, sr_inspector, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_CURRENT,
  PROP_PLAYING,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

enum {
  READINGS_CHANGED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

void
sr_inspector_readings_changed (SrInspector *self)
{
  g_signal_emit (self, signals[READINGS_CHANGED], 0);
}

GArray *
sr_inspector_copy_tokens (const GArray *tokens)
{
  return g_array_copy ((GArray *) tokens);
}

const SrOmrSystem *
sr_inspector_current_system (SrInspector *self)
{
  return self->systems != NULL && self->current < self->systems->len
           ? &g_array_index (self->systems, SrOmrSystem, self->current) : NULL;
}

/* The tokens as text, a space between them; where each starts is kept, so the list and the engraving can point at
 * each other. */
static void
show_text (SrInspector *self, const GArray *tokens)
{
  if (self->token_chars == NULL)
    return; /* disposed */
  GString *text = g_string_new (NULL);
  g_array_set_size (self->token_chars, 0);
  int chars = 0;
  for (guint i = 0; i < tokens->len; i++)
    {
      const char *token = sr_lmx_token_text (g_array_index (tokens, guint16, i));
      if (i > 0)
        {
          g_string_append_c (text, ' ');
          chars++;
        }
      g_array_append_val (self->token_chars, chars);
      g_string_append (text, token);
      chars += (int) g_utf8_strlen (token, -1);
    }
  g_array_append_val (self->token_chars, chars);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text);
  self->showing_text = TRUE;
  gtk_text_buffer_set_text (buffer, text->str, (int) text->len);
  gtk_text_buffer_set_modified (buffer, FALSE);
  self->showing_text = FALSE;
  g_string_free (text, TRUE);
}

/* The tokens of the note rooted at ROOT: its prefixes before, its suffixes after. */
static void
note_tokens (const GArray *tokens, guint root, guint *first, guint *end)
{
  *first = root;
  while (*first > 0 && sr_lmx_token_class (sr_lmx_token_text (g_array_index (tokens, guint16, *first - 1)))
                         == SR_LMX_CLASS_PREFIX)
    (*first)--;
  *end = root + 1;
  while (*end < tokens->len && sr_lmx_token_class (sr_lmx_token_text (g_array_index (tokens, guint16, *end)))
                                 == SR_LMX_CLASS_SUFFIX)
    (*end)++;
}

/* The selected note's tokens marked in the list, and scrolled into view. */
static void
mark_selected_tokens (SrInspector *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text);
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag_by_name (buffer, "selected", &start, &end);
  gint64 root = sr_engraving_view_get_selected_token (self->engraving);
  const GArray *reading = sr_inspector_current_system (self) != NULL ? self->readings->pdata[self->current] : NULL;
  if (root < 0 || reading == NULL || self->token_chars == NULL || gtk_text_buffer_get_modified (buffer)
      || self->token_chars->len != reading->len + 1 || (guint64) root >= reading->len)
    return;
  guint first, last;
  note_tokens (reading, (guint) root, &first, &last);
  int from = g_array_index (self->token_chars, int, first);
  int to = g_array_index (self->token_chars, int, last) - (last < reading->len ? 1 : 0);
  gtk_text_buffer_get_iter_at_offset (buffer, &start, from);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, to);
  gtk_text_buffer_apply_tag_by_name (buffer, "selected", &start, &end);
  gtk_text_view_scroll_to_iter (self->text, &start, 0.1, FALSE, 0, 0);
}

/* The cursor put on a token of the list (a click, the arrow keys) selects the note the token belongs to. */
static void
cursor_moved (SrInspector *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text);
  const GArray *reading = sr_inspector_current_system (self) != NULL ? self->readings->pdata[self->current] : NULL;
  if (self->showing_text || reading == NULL || reading->len == 0 || self->token_chars == NULL || gtk_text_buffer_get_modified (buffer)
      || self->token_chars->len != reading->len + 1 || !gtk_widget_has_focus (GTK_WIDGET (self->text)))
    return;
  int offset;
  g_object_get (buffer, "cursor-position", &offset, NULL);
  guint token = 0;
  while (token + 1 < reading->len && g_array_index (self->token_chars, int, token + 1) <= offset)
    token++;
  /* To the note's root: forward over prefixes, back over suffixes. */
  SrLmxClass class = sr_lmx_token_class (sr_lmx_token_text (g_array_index (reading, guint16, token)));
  while (class == SR_LMX_CLASS_PREFIX && token + 1 < reading->len)
    class = sr_lmx_token_class (sr_lmx_token_text (g_array_index (reading, guint16, ++token)));
  while (class == SR_LMX_CLASS_SUFFIX && token > 0)
    class = sr_lmx_token_class (sr_lmx_token_text (g_array_index (reading, guint16, --token)));
  graphene_rect_t drawn;
  if (class == SR_LMX_CLASS_ROOT && sr_engraving_view_get_token_bounds (self->engraving, token, &drawn))
    sr_engraving_view_set_selected_token (self->engraving, token);
}

static void
update_actions (SrInspector *self)
{
  guint n = self->systems != NULL ? self->systems->len : 0;
  gboolean note = sr_engraving_view_get_selected_token (self->engraving) >= 0;
  struct {
    const char *name;
    gboolean enabled;
  } states[] = {
    { "previous", self->current > 0 },        { "next", self->current + 1 < n },
    { "undo", self->undo->len > 0 },          { "redo", self->redo->len > 0 },
    { "note-up", note },                      { "note-down", note },
    { "silence-note", note },                 { "apply-text", n > 0 },
    { "longer", note },                       { "shorter", note },
    { "accidental", note },                   { "add-chord-note", note },
    { "delete-measure", note },
    { "export", n > 0 },                      { "play", n > 0 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (states); i++)
    g_simple_action_set_enabled (
      G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), states[i].name)), states[i].enabled);
}

/* The reader's focus for the note rooted at TOKEN of the current reading, in crop pixels. */
static gboolean
focus_of_token (SrInspector *self, gint64 token, graphene_rect_t *rect)
{
  const SrOmrSystem *system = sr_inspector_current_system (self);
  const GArray *origins = system != NULL ? self->origins->pdata[self->current] : NULL;
  if (origins == NULL || token < 0 || token >= (gint64) origins->len)
    return FALSE;
  int origin = g_array_index (origins, int, token);
  if (origin < 0 || system->focus == NULL || (guint) origin >= system->focus->len)
    return FALSE;
  const SrOmrFocus *focus = &g_array_index (system->focus, SrOmrFocus, origin);
  const SrCropPlacement *place = &system->placement;
  graphene_rect_init (rect, (focus->box.x - place->origin_x) * place->scale,
                      (focus->box.y - place->origin_y) * place->scale, focus->box.width * place->scale,
                      focus->box.height * place->scale);
  return TRUE;
}

static void
selection_changed (SrInspector *self)
{
  graphene_rect_t rect;
  gboolean found = focus_of_token (self, sr_engraving_view_get_selected_token (self->engraving), &rect);
  sr_crop_view_set_highlight (self->crop, found ? &rect : NULL);
  mark_selected_tokens (self);
  update_actions (self);
}

/* Each measure of the engraving starts where the reader looked when it began that measure on the crop, so that scan
 * and engraving line up measure by measure. Measures read anew (by a text edit) have no such place: then the
 * engraving keeps its own spacing. */
static void
align_measures (SrInspector *self, const GArray *reading)
{
  g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (double));
  int measure_id = sr_lmx_token_id ("measure");
  double crop_space = SR_SYSTEM_STAFF_HEIGHT / 4; /* crop pixels per staff space */
  for (guint t = 0; t < reading->len; t++)
    {
      if (g_array_index (reading, guint16, t) != measure_id)
        continue;
      graphene_rect_t focus;
      if (!focus_of_token (self, t, &focus))
        {
          sr_engraving_view_set_measure_starts (self->engraving, NULL, 0);
          return;
        }
      double start = focus.origin.x / crop_space;
      g_array_append_val (starts, start);
    }
  sr_engraving_view_set_measure_starts (self->engraving, (const double *) starts->data, starts->len);
}

/* Redraws the current system from its reading. */
void
sr_inspector_refresh (SrInspector *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT]);
  const SrOmrSystem *system = sr_inspector_current_system (self);
  if (system == NULL)
    {
      gtk_label_set_text (self->title, _("Nothing read yet"));
      sr_crop_view_set_image (self->crop, NULL);
      sr_engraving_view_set_lmx (self->engraving, NULL);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text), "", 0);
      gtk_label_set_text (self->status, "");
      update_actions (self);
      return;
    }
  g_autofree char *title = g_strdup_printf (_("Page %u, system %u of %u"), system->page_index + 1, self->current + 1,
                                            self->systems->len);
  gtk_label_set_text (self->title, title);
  sr_crop_view_set_image (self->crop, system->crop);
  const GArray *reading = self->readings->pdata[self->current];
  align_measures (self, reading);
  guint repairs = sr_engraving_view_set_lmx (self->engraving, reading);
  show_text (self, reading);
  GString *status = g_string_new (NULL);
  guint repaired_measures = sr_engraving_view_get_n_repaired_measures (self->engraving);
  if (repairs > 0)
    g_string_append_printf (status, ngettext ("%u token did not fit and was repaired or dropped",
                                              "%u tokens did not fit and were repaired or dropped", repairs),
                            repairs);
  if (repaired_measures > 0)
    g_string_append_printf (status, ngettext (" (the measure marked red).", " (the %u measures marked red).",
                                              repaired_measures), repaired_measures);
  else if (repairs > 0)
    g_string_append (status, ".");
  if (system->reached_limit)
    g_string_append_printf (status, "%s%s", status->len > 0 ? " " : "",
                            _("The reading stopped at its length limit: the end of the system may be missing."));
  gtk_label_set_text (self->status, status->str);
  g_string_free (status, TRUE);
  selection_changed (self);
}

static void
previous_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrInspector *self = user_data;
  if (self->current > 0)
    sr_inspector_show_system (self, self->current - 1);
}

static void
next_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrInspector *self = user_data;
  sr_inspector_show_system (self, self->current + 1);
}

/* Plays the current system as it reads now, corrections and all; again: stops. */
static void
play_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrInspector *self = user_data;
  if (sr_reading_player_get_playing (self->player))
    {
      sr_reading_player_stop (self->player);
      return;
    }
  if (sr_inspector_current_system (self) == NULL)
    return;
  /* From the system shown to the last one read, one reading after the other. */
  g_autoptr(GArray) tokens = g_array_new (FALSE, FALSE, sizeof (guint16));
  g_clear_pointer (&self->played_from, g_array_unref);
  g_clear_pointer (&self->token_chars, g_array_unref);
  self->played_from = g_array_new (FALSE, FALSE, 2 * sizeof (guint));
  for (guint system = self->current; system < self->readings->len; system++)
    {
      const GArray *reading = self->readings->pdata[system];
      g_array_append_vals (tokens, reading->data, reading->len);
      for (guint t = 0; t < reading->len; t++)
        {
          guint from[2] = { system, t };
          g_array_append_vals (self->played_from, from, 1);
        }
    }
  sr_reading_player_play (self->player, tokens);
}

static void
playing_changed (SrInspector *self)
{
  gboolean playing = sr_reading_player_get_playing (self->player);
  gtk_button_set_icon_name (self->play_button, playing ? "media-playback-stop-symbolic"
                                                       : "media-playback-start-symbolic");
  const char *tooltip = playing ? _("Stop (P)") : _("Play the system as it reads now (P)");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

static void
playing_failed (SrInspector *self, const char *message)
{
  g_autofree char *text = g_strdup_printf (_("Could not play: %s."), message);
  gtk_label_set_text (self->status, text);
}


static const GActionEntry inspector_actions[] = {
  { "previous", previous_activated },         { "next", next_activated },
  { "undo", sr_inspector_undo_activated },                 { "redo", sr_inspector_redo_activated },
  { "note-up", sr_inspector_note_up_activated },           { "note-down", sr_inspector_note_down_activated },
  { "silence-note", sr_inspector_silence_note_activated }, { "apply-text", sr_inspector_apply_text_activated },
  { "longer", sr_inspector_longer_activated },             { "shorter", sr_inspector_shorter_activated },
  { "accidental", sr_inspector_accidental_activated, "s" },
  { "add-chord-note", sr_inspector_add_chord_note_activated, "i" },
  { "delete-measure", sr_inspector_delete_measure_activated },
  { "play", play_activated },
  { "export", sr_inspector_export_activated },
};

/* A click on the crop selects the note whose focus lies nearest. */
static void
crop_point_activated (SrInspector *self, double x, double y)
{
  const GArray *reading = sr_inspector_current_system (self) != NULL ? self->readings->pdata[self->current] : NULL;
  gint64 best = -1;
  double best_distance = G_MAXDOUBLE;
  for (guint t = 0; reading != NULL && t < reading->len; t++)
    {
      graphene_rect_t rect, drawn;
      if (!sr_engraving_view_get_token_bounds (self->engraving, t, &drawn) || !focus_of_token (self, t, &rect))
        continue;
      double dx = rect.origin.x + rect.size.width / 2 - x, dy = rect.origin.y + rect.size.height / 2 - y;
      if (dx * dx + dy * dy < best_distance)
        {
          best_distance = dx * dx + dy * dy;
          best = t;
        }
    }
  sr_engraving_view_set_selected_token (self->engraving, best);
}

const GArray *
sr_inspector_get_reading (SrInspector *self, guint index)
{
  g_return_val_if_fail (self->readings != NULL && index < self->readings->len, NULL);
  return self->readings->pdata[index];
}


void
sr_inspector_set_systems (SrInspector *self, GArray *systems)
{
  g_clear_pointer (&self->systems, g_array_unref);
  g_ptr_array_set_size (self->readings, 0);
  g_ptr_array_set_size (self->origins, 0);
  g_ptr_array_set_size (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  self->systems = systems;
  for (guint i = 0; systems != NULL && i < systems->len; i++)
    {
      const SrOmrSystem *system = &g_array_index (systems, SrOmrSystem, i);
      g_ptr_array_add (self->readings, sr_inspector_copy_tokens (system->lmx));
      g_ptr_array_add (self->origins, sr_inspector_align (system->lmx, system->lmx));
    }
  self->current = 0;
  sr_engraving_view_set_selected_token (self->engraving, -1);
  sr_inspector_refresh (self);
  sr_inspector_readings_changed (self);
}

GArray *
sr_inspector_get_sounding (SrInspector *self)
{
  GArray *sounding = g_array_new (FALSE, FALSE, sizeof (SrInspectorSpot));
  double seconds = sr_reading_player_get_seconds (self->player);
  if (seconds < 0 || self->played_from == NULL)
    return sounding;
  g_autoptr(GArray) tokens = sr_reading_player_tokens_at (self->player, seconds);
  for (guint i = 0; i < tokens->len; i++)
    {
      gint64 played = g_array_index (tokens, gint64, i);
      if (played < 0 || (guint64) played >= self->played_from->len)
        continue;
      const guint *from = (const guint *) self->played_from->data + 2 * played;
      const SrOmrSystem *system = &g_array_index (self->systems, SrOmrSystem, from[0]);
      const GArray *origins = self->origins->pdata[from[0]];
      int origin = from[1] < origins->len ? g_array_index (origins, int, from[1]) : -1;
      if (origin < 0 || system->focus == NULL || (guint) origin >= system->focus->len)
        continue;
      SrInspectorSpot spot = { system->page_index, system->skew_degrees,
                               g_array_index (system->focus, SrOmrFocus, origin).box };
      g_array_append_val (sounding, spot);
    }
  return sounding;
}

double
sr_inspector_get_position (SrInspector *self)
{
  return sr_reading_player_get_seconds (self->player);
}

double
sr_inspector_get_duration (SrInspector *self)
{
  g_return_val_if_fail (SR_IS_INSPECTOR (self), 0);
  return sr_reading_player_get_duration (self->player);
}

SrReadingPlayer *
sr_inspector_get_player (SrInspector *self)
{
  g_return_val_if_fail (SR_IS_INSPECTOR (self), NULL);
  return self->player;
}

GtkWidget *
sr_inspector_get_transport (SrInspector *self)
{
  g_return_val_if_fail (SR_IS_INSPECTOR (self), NULL);
  return GTK_WIDGET (self->transport);
}

gboolean
sr_inspector_get_playing (SrInspector *self)
{
  return sr_reading_player_get_playing (self->player);
}

const char *
sr_inspector_get_status (SrInspector *self)
{
  return gtk_label_get_text (self->status);
}

void
sr_inspector_restore (SrInspector *self, GArray *systems, GPtrArray *corrected, guint current)
{
  g_return_if_fail (systems != NULL && corrected != NULL && corrected->len == systems->len);
  sr_inspector_set_systems (self, systems);
  for (guint i = 0; i < corrected->len; i++)
    {
      const SrOmrSystem *system = &g_array_index (systems, SrOmrSystem, i);
      g_array_unref (self->readings->pdata[i]);
      self->readings->pdata[i] = g_array_copy (corrected->pdata[i]);
      g_array_unref (self->origins->pdata[i]);
      self->origins->pdata[i] = sr_inspector_align (system->lmx, self->readings->pdata[i]);
    }
  g_ptr_array_unref (corrected);
  sr_inspector_show_system (self, MIN (current, systems->len > 0 ? systems->len - 1 : 0));
  sr_inspector_readings_changed (self);
}

const GArray *
sr_inspector_get_systems (SrInspector *self)
{
  return self->systems;
}

guint
sr_inspector_get_n_systems (SrInspector *self)
{
  return self->systems != NULL ? self->systems->len : 0;
}

guint
sr_inspector_get_current (SrInspector *self)
{
  return self->current;
}

void
sr_inspector_show_system (SrInspector *self, guint index)
{
  if (self->systems == NULL || index >= self->systems->len)
    return;
  self->current = index;
  sr_engraving_view_set_selected_token (self->engraving, -1);
  sr_inspector_refresh (self);
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static GtkWidget *
button (const char *icon, const char *action, const char *tooltip)
{
  GtkWidget *widget = gtk_button_new_from_icon_name (icon);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (widget), action);
  gtk_widget_set_tooltip_text (widget, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  return widget;
}

static GtkWidget *
text_button (const char *label, const char *detailed_action, const char *tooltip)
{
  GtkWidget *widget = gtk_button_new_with_label (label);
  gtk_actionable_set_detailed_action_name (GTK_ACTIONABLE (widget), detailed_action);
  gtk_widget_set_tooltip_text (widget, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  return widget;
}

static GtkWidget *
scrolled (GtkWidget *child, GtkPolicyType vertical)
{
  GtkWidget *window = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (window), GTK_POLICY_AUTOMATIC, vertical);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (window), child);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (window), TRUE);
  return window;
}

static void
follow_scroll (GtkAdjustment *leader, GtkAdjustment *follower)
{
  double value = gtk_adjustment_get_value (leader);
  if (gtk_adjustment_get_value (follower) != value) /* the follower's own signal then finds them equal */
    gtk_adjustment_set_value (follower, value);
}

static void
add_shortcut (GtkShortcutController *controller, const char *trigger, const char *action)
{
  gtk_shortcut_controller_add_shortcut (controller, gtk_shortcut_new (gtk_shortcut_trigger_parse_string (trigger),
                                                                      gtk_named_action_new (action)));
}

static void
sr_inspector_dispose (GObject *object)
{
  SrInspector *self = SR_INSPECTOR (object);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->player != NULL)
    sr_reading_player_stop (self->player);
  g_clear_object (&self->player);
  g_clear_pointer (&self->played_from, g_array_unref);
  g_clear_pointer (&self->token_chars, g_array_unref);
  g_clear_pointer (&self->systems, g_array_unref);
  g_clear_pointer (&self->readings, g_ptr_array_unref);
  g_clear_pointer (&self->origins, g_ptr_array_unref);
  g_clear_pointer (&self->undo, g_ptr_array_unref);
  g_clear_pointer (&self->redo, g_ptr_array_unref);
  g_clear_object (&self->actions);
  G_OBJECT_CLASS (sr_inspector_parent_class)->dispose (object);
}

static void
sr_inspector_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_CURRENT:
      g_value_set_uint (value, SR_INSPECTOR (object)->current);
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, sr_reading_player_get_playing (SR_INSPECTOR (object)->player));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_inspector_class_init (SrInspectorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sr_inspector_dispose;
  G_OBJECT_CLASS (klass)->get_property = sr_inspector_get_property;
  properties[PROP_CURRENT] = g_param_spec_uint ("current", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAYING] = g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, properties);
  signals[READINGS_CHANGED] = g_signal_new ("readings-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "inspector");
}

static void
sr_inspector_init (SrInspector *self)
{
  self->readings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  self->token_chars = g_array_new (FALSE, FALSE, sizeof (int));
  self->origins = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  self->undo = g_ptr_array_new_with_free_func (sr_inspector_edit_free);
  self->redo = g_ptr_array_new_with_free_func (sr_inspector_edit_free);
  self->player = sr_reading_player_new ();
  g_signal_connect_object (self->player, "notify::playing", G_CALLBACK (playing_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "failed", G_CALLBACK (playing_failed), self, G_CONNECT_SWAPPED);
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), inspector_actions, G_N_ELEMENTS (inspector_actions),
                                   self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "inspector", G_ACTION_GROUP (self->actions));

  GtkBox *box = GTK_BOX (self);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (box, 6);
  gtk_widget_set_margin_start (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 12);

  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (bar), button ("go-previous-symbolic", "inspector.previous", _("Previous system")));
  self->title = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_hexpand (GTK_WIDGET (self->title), TRUE);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->title));
  gtk_box_append (GTK_BOX (bar), button ("go-next-symbolic", "inspector.next", _("Next system")));
  self->play_button = GTK_BUTTON (button ("media-playback-start-symbolic", "inspector.play",
                                          _("Play the system as it reads now (P)")));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->play_button));
  gtk_box_append (GTK_BOX (bar), button ("edit-undo-symbolic", "inspector.undo", _("Undo (Ctrl+Z)")));
  gtk_box_append (GTK_BOX (bar), button ("edit-redo-symbolic", "inspector.redo", _("Redo (Ctrl+Shift+Z)")));
  gtk_box_append (GTK_BOX (bar), button ("document-save-as-symbolic", "inspector.export",
                                         _("Export the corrected reading as MusicXML")));
  gtk_box_append (box, bar);
  self->transport = SR_TRANSPORT_BAR (sr_transport_bar_new (self->player));
  gtk_box_append (box, GTK_WIDGET (self->transport));

  gtk_box_append (box, heading (_("What the model saw")));
  self->crop = SR_CROP_VIEW (sr_crop_view_new ());
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->crop), GTK_ACCESSIBLE_PROPERTY_LABEL, _("System image"), -1);
  g_signal_connect_object (self->crop, "point-activated", G_CALLBACK (crop_point_activated), self,
                           G_CONNECT_SWAPPED);
  GtkWidget *crop_window = scrolled (GTK_WIDGET (self->crop), GTK_POLICY_NEVER);
  gtk_box_append (box, crop_window);

  GtkWidget *reading_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *reading_heading = heading (_("What it read"));
  gtk_widget_set_hexpand (reading_heading, TRUE);
  gtk_box_append (GTK_BOX (reading_bar), reading_heading);
  gtk_box_append (GTK_BOX (reading_bar), button ("go-up-symbolic", "inspector.note-up", _("Note a step up (Up)")));
  gtk_box_append (GTK_BOX (reading_bar), button ("go-down-symbolic", "inspector.note-down",
                                                 _("Note a step down (Down)")));
  gtk_box_append (GTK_BOX (reading_bar), button ("edit-delete-symbolic", "inspector.silence-note",
                                                 _("Make the note a rest (Delete)")));
  gtk_box_append (GTK_BOX (reading_bar), text_button ("♯", "inspector.accidental::sharp", _("Sharp (S)")));
  gtk_box_append (GTK_BOX (reading_bar), text_button ("♭", "inspector.accidental::flat", _("Flat (F)")));
  gtk_box_append (GTK_BOX (reading_bar), text_button ("♮", "inspector.accidental::natural", _("Natural (N)")));
  gtk_box_append (GTK_BOX (reading_bar), text_button ("×2", "inspector.longer", _("Twice as long (W)")));
  gtk_box_append (GTK_BOX (reading_bar), text_button ("÷2", "inspector.shorter", _("Half as long (Q)")));
  gtk_box_append (GTK_BOX (reading_bar), text_button ("+3", "inspector.add-chord-note(2)",
                                                      _("Add a third above to the chord (Insert)")));
  gtk_box_append (GTK_BOX (reading_bar), button ("list-remove-symbolic", "inspector.delete-measure",
                                                 _("Delete the note's measure (Ctrl+Delete)")));
  gtk_box_append (box, reading_bar);
  self->engraving = SR_ENGRAVING_VIEW (sr_engraving_view_new ());
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->engraving), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Engraved reading"), -1);
  g_signal_connect_object (self->engraving, "notify::selected-token", G_CALLBACK (selection_changed), self,
                           G_CONNECT_SWAPPED);
  GtkWidget *engraving_window = scrolled (GTK_WIDGET (self->engraving), GTK_POLICY_NEVER);
  /* They scroll together: they show the same measures at the same places. */
  GtkAdjustment *crop_scroll = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (crop_window));
  GtkAdjustment *engraving_scroll = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (engraving_window));
  g_signal_connect_object (crop_scroll, "value-changed", G_CALLBACK (follow_scroll), engraving_scroll, 0);
  g_signal_connect_object (engraving_scroll, "value-changed", G_CALLBACK (follow_scroll), crop_scroll, 0);
  gtk_box_append (box, engraving_window);

  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status, TRUE);
  gtk_label_set_xalign (self->status, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "dim-label");
  gtk_box_append (box, GTK_WIDGET (self->status));

  GtkWidget *text_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *text_heading = heading (_("LMX tokens"));
  gtk_widget_set_hexpand (text_heading, TRUE);
  gtk_box_append (GTK_BOX (text_bar), text_heading);
  GtkWidget *apply = gtk_button_new_with_mnemonic (_("_Apply"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (apply), "inspector.apply-text");
  gtk_widget_set_tooltip_text (apply, _("Read the edited tokens as the system's reading"));
  gtk_box_append (GTK_BOX (text_bar), apply);
  gtk_box_append (box, text_bar);
  self->text = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_wrap_mode (self->text, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_monospace (self->text, TRUE);
  gtk_text_buffer_create_tag (gtk_text_view_get_buffer (self->text), "selected", "background", "#99c1f1", NULL);
  g_signal_connect_object (gtk_text_view_get_buffer (self->text), "notify::cursor-position", G_CALLBACK (cursor_moved),
                           self, G_CONNECT_SWAPPED);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text), GTK_ACCESSIBLE_PROPERTY_LABEL, _("LMX tokens"), -1);
  GtkWidget *text_window = scrolled (GTK_WIDGET (self->text), GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (text_window, TRUE);
  gtk_box_append (box, text_window);

  /* Keys for the selected note act while the engraving has the focus; undo and redo anywhere in the panel. */
  GtkEventController *note_keys = gtk_shortcut_controller_new ();
  add_shortcut (GTK_SHORTCUT_CONTROLLER (note_keys), "Up", "inspector.note-up");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (note_keys), "Down", "inspector.note-down");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (note_keys), "Delete", "inspector.silence-note");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (note_keys), "w", "inspector.longer");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (note_keys), "q", "inspector.shorter");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (note_keys), "<Control>Delete", "inspector.delete-measure");
  gtk_shortcut_controller_add_shortcut (
    GTK_SHORTCUT_CONTROLLER (note_keys),
    gtk_shortcut_new_with_arguments (gtk_shortcut_trigger_parse_string ("Insert"),
                                     gtk_named_action_new ("inspector.add-chord-note"), "i", 2));
  const char *accidental_keys[][2] = { { "s", "sharp" }, { "f", "flat" }, { "n", "natural" } };
  for (gsize i = 0; i < G_N_ELEMENTS (accidental_keys); i++)
    gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (note_keys),
      gtk_shortcut_new_with_arguments (gtk_shortcut_trigger_parse_string (accidental_keys[i][0]),
                                       gtk_named_action_new ("inspector.accidental"), "s", accidental_keys[i][1]));
  gtk_widget_add_controller (GTK_WIDGET (self->engraving), note_keys);
  GtkEventController *keys = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (keys), GTK_SHORTCUT_SCOPE_LOCAL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (keys), "<Control>z", "inspector.undo");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (note_keys), "p", "inspector.play");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (keys), "<Control><Shift>z", "inspector.redo");
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  sr_inspector_refresh (self);
}

GtkWidget *
sr_inspector_new (void)
{
  return g_object_new (SR_TYPE_INSPECTOR, NULL);
}
