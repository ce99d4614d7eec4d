/* Notes as JSON; see note-list-json.h. */
#include "note-list-json.h"

#include <glib/gi18n.h>
#include <math.h>

/* A number member; FALLBACK when absent, NAN when present but not a number. */
static double
number_member (JsonObject *object, const char *name, double fallback)
{
  JsonNode *node = json_object_get_member (object, name);
  if (node == NULL)
    return fallback;
  if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return NAN;
  GType type = json_node_get_value_type (node);
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return NAN;
  return json_node_get_double (node);
}

static gboolean
whole_in (double value, double low, double high)
{
  return isfinite (value) && value == floor (value) && value >= low && value <= high;
}

/* The notes of ARRAY, sorted. */
static GArray *
notes_from_array (JsonArray *array, GError **error)
{
  guint n = json_array_get_length (array);
  g_autoptr(GArray) notes = g_array_sized_new (FALSE, TRUE, sizeof (SrNote), n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      double onset = object != NULL ? number_member (object, "onset", NAN) : NAN;
      double offset = object != NULL ? number_member (object, "offset", NAN) : NAN;
      double pitch = object != NULL ? number_member (object, "pitch", NAN) : NAN;
      double velocity = object != NULL ? number_member (object, "velocity", 64) : NAN;
      double program = object != NULL ? number_member (object, "program", 0) : NAN;
      JsonNode *drum = object != NULL ? json_object_get_member (object, "drum") : NULL;
      gboolean drum_ok = drum == NULL || (JSON_NODE_TYPE (drum) == JSON_NODE_VALUE &&
                                          json_node_get_value_type (drum) == G_TYPE_BOOLEAN);
      /* Times up to ten days: enough for anything played, and far from where doubles lose the 10-ms grid. */
      gboolean sane = isfinite (onset) && isfinite (offset) && onset >= 0 && offset > onset && offset < 864000 &&
                      whole_in (pitch, 0, 127) && whole_in (velocity, 1, 127) && whole_in (program, 0, 127) && drum_ok;
      if (!sane)
        {
          g_set_error (error, SR_MIDI_ERROR, SR_MIDI_ERROR_DAMAGED,
                       _("note %u needs onset ≥ 0 and offset > onset in seconds, pitch 0–127, velocity 1–127, "
                         "program 0–127"), i + 1);
          return NULL;
        }
      SrNote note = { onset, offset, (guint8) pitch, (guint8) velocity, (guint8) program, 0,
                      drum != NULL && json_node_get_boolean (drum), 0, 0 };
      note.channel = note.is_drum ? 9 : 0;
      g_array_append_val (notes, note);
    }
  g_array_sort (notes, sr_note_compare);
  return g_steal_pointer (&notes);
}

/* The root array of TEXT, or NULL with an error. */
static JsonArray *
root_array (JsonParser *parser, const char *text, gssize length, const char *expected, GError **error)
{
  if (!json_parser_load_from_data (parser, text, length, error))
    return NULL;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, SR_MIDI_ERROR, SR_MIDI_ERROR_DAMAGED, expected);
      return NULL;
    }
  return json_node_get_array (root);
}

GArray *
sr_note_list_from_json (const char *text, gssize length, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *array = root_array (parser, text, length, _("expected a JSON array of notes"), error);
  if (array == NULL)
    return NULL;
  if (json_array_get_length (array) > SR_NOTE_LIST_MAX_NOTES)
    {
      g_set_error (error, SR_MIDI_ERROR, SR_MIDI_ERROR_UNSUPPORTED, _("%u notes: more than the %u a list may hold"),
                   json_array_get_length (array), SR_NOTE_LIST_MAX_NOTES);
      return NULL;
    }
  return notes_from_array (array, error);
}

GPtrArray *
sr_note_lists_from_json (const char *text, gssize length, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *lists = root_array (parser, text, length, _("expected a JSON array of note lists"), error);
  if (lists == NULL)
    return NULL;
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  guint total = 0;
  for (guint l = 0; l < json_array_get_length (lists); l++)
    {
      JsonNode *node = json_array_get_element (lists, l);
      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_set_error (error, SR_MIDI_ERROR, SR_MIDI_ERROR_DAMAGED, _("list %u is not a JSON array of notes"), l + 1);
          return NULL;
        }
      JsonArray *array = json_node_get_array (node);
      if (json_array_get_length (array) > SR_NOTE_LIST_MAX_NOTES - total)
        {
          g_set_error (error, SR_MIDI_ERROR, SR_MIDI_ERROR_UNSUPPORTED,
                       _("more than the %u notes the lists may hold together"), SR_NOTE_LIST_MAX_NOTES);
          return NULL;
        }
      GArray *notes = notes_from_array (array, error);
      if (notes == NULL)
        {
          g_prefix_error (error, _("list %u: "), l + 1);
          return NULL;
        }
      total += notes->len;
      g_ptr_array_add (result, notes);
    }
  return g_steal_pointer (&result);
}

void
sr_note_list_to_json (JsonBuilder *builder, const SrNote *notes, guint n_notes)
{
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_notes; i++)
    {
      const SrNote *note = &notes[i];
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "onset");
      json_builder_add_double_value (builder, note->onset);
      json_builder_set_member_name (builder, "offset");
      json_builder_add_double_value (builder, note->offset);
      json_builder_set_member_name (builder, "pitch");
      json_builder_add_int_value (builder, note->pitch);
      json_builder_set_member_name (builder, "velocity");
      json_builder_add_int_value (builder, note->velocity);
      json_builder_set_member_name (builder, "program");
      json_builder_add_int_value (builder, note->program);
      json_builder_set_member_name (builder, "drum");
      json_builder_add_boolean_value (builder, note->is_drum);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}
