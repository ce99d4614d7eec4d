/* A translator's input as token ids; see translator-source.h. */
#include "translator-source.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

static const char *const modality_names[SR_N_MODALITIES] = { "image", "lmx", "midi", "audio" };

/* "image", "lmx", "midi", "audio" → the modality; -1 for anything else. */
static int
modality_from_name (const char *name)
{
  for (int m = 0; name != NULL && m < SR_N_MODALITIES; m++)
    if (g_str_equal (name, modality_names[m]))
      return m;
  return -1;
}

void
sr_translator_source_free (SrTranslatorSource *source)
{
  if (source == NULL)
    return;
  if (source->tokens != NULL)
    g_array_unref (source->tokens);
  if (source->positions != NULL)
    g_array_unref (source->positions);
  g_free (source);
}

static int
modality_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE || json_node_get_value_type (node) != G_TYPE_STRING)
    return -1;
  return modality_from_name (json_node_get_string (node));
}

/* The whole numbers in [LOW, HIGH] of the array member NAME; NULL when it is missing or holds anything else. */
static GArray *
whole_numbers (JsonObject *object, const char *name, gint64 low, gint64 high)
{
  JsonNode *node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  JsonArray *array = json_node_get_array (node);
  guint n = json_array_get_length (array);
  g_autoptr(GArray) values = g_array_sized_new (FALSE, FALSE, sizeof (int32_t), n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      if (JSON_NODE_TYPE (element) != JSON_NODE_VALUE || json_node_get_value_type (element) != G_TYPE_INT64)
        return NULL;
      gint64 value = json_node_get_int (element);
      if (value < low || value > high)
        return NULL;
      int32_t narrow = (int32_t) value;
      g_array_append_val (values, narrow);
    }
  return g_steal_pointer (&values);
}

static gboolean
fail (GError **error, const char *message)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, message);
  return FALSE;
}

/* Fills SOURCE from OBJECT; FALSE with an error naming the first member that is wrong. */
static gboolean
read_members (JsonObject *object, SrTranslatorSource *source, GError **error)
{
  int from = modality_member (object, "source"), to = modality_member (object, "target");
  if (from < 0 || to < 0)
    return fail (error, _("\"source\" and \"target\" must each be one of image, lmx, midi, audio"));
  if (to != SR_MODALITY_LMX && to != SR_MODALITY_MIDI)
    return fail (error, _("only notation (lmx) and MIDI targets are read token by token here"));
  source->source = from;
  source->target = to;
  source->tokens = whole_numbers (object, "tokens", 0, SR_VOCAB_SIZE - 1);
  if (source->tokens == NULL || source->tokens->len == 0 || source->tokens->len % SR_VOCAB_CODEBOOKS != 0
      || source->tokens->len / SR_VOCAB_CODEBOOKS > SR_TRANSLATOR_SOURCE_MAX_STEPS)
    return fail (error, _("\"tokens\" must be unified token ids, 4 a step, at least one step and at most 65536"));
  source->steps = (int) (source->tokens->len / SR_VOCAB_CODEBOOKS);
  guint per_step = from == SR_MODALITY_IMAGE ? 2 : 1;
  source->positions = whole_numbers (object, "positions", 0, G_MAXINT32);
  if (source->positions == NULL || source->positions->len != per_step * (guint) source->steps)
    return fail (error, from == SR_MODALITY_IMAGE ? _("\"positions\" must hold a column and a row for every step")
                                                  : _("\"positions\" must hold one whole number ≥ 0 for every step"));
  JsonNode *limit = json_object_get_member (object, "limit");
  if (limit == NULL || JSON_NODE_TYPE (limit) != JSON_NODE_VALUE || json_node_get_value_type (limit) != G_TYPE_INT64
      || json_node_get_int (limit) < 1 || json_node_get_int (limit) > SR_TRANSLATOR_SOURCE_MAX_LIMIT)
    return fail (error, _("\"limit\" must be the most tokens to read, 1 to 65536"));
  source->limit = (int) json_node_get_int (limit);
  return TRUE;
}

SrTranslatorSource *
sr_translator_source_from_json (const char *text, gssize length, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, length, error))
    return NULL;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      fail (error, _("expected a JSON object with source, target, tokens, positions and limit"));
      return NULL;
    }
  g_autoptr(SrTranslatorSource) source = g_new0 (SrTranslatorSource, 1);
  if (!read_members (json_node_get_object (root), source, error))
    return NULL;
  return g_steal_pointer (&source);
}
