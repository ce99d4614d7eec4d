/* Reading safetensors files; see safetensors.h. The header is JSON (json-glib); the data follows it, 8-byte aligned
 * by our exporter but not required to be. */
#include "safetensors.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "half.h"

/* Far beyond any header we write (a few kB a hundred tensors), small enough to parse without concern. */
#define MAX_HEADER_BYTES ((guint64) 16 << 20)

struct SrSafetensors {
  char *name;
  GMappedFile *mapping; /* or NULL when bytes were given */
  GBytes *bytes;
  const guint8 *data;   /* the tensors' bytes */
  size_t data_size;
  GHashTable *metadata; /* key → value */
  GArray *tensors;      /* SrSafetensor, names owned by names */
  GPtrArray *names;
};

void
sr_safetensors_close (SrSafetensors *file)
{
  if (file == NULL)
    return;
  g_free (file->name);
  g_clear_pointer (&file->bytes, g_bytes_unref);
  g_clear_pointer (&file->mapping, g_mapped_file_unref);
  g_clear_pointer (&file->metadata, g_hash_table_unref);
  g_clear_pointer (&file->tensors, g_array_unref);
  g_clear_pointer (&file->names, g_ptr_array_unref);
  g_free (file);
}

static bool
fail (SrSafetensors *file, char message[SR_MESSAGE_SIZE], const char *format, ...) G_GNUC_PRINTF (3, 4);

static bool
fail (SrSafetensors *file, char message[SR_MESSAGE_SIZE], const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  snprintf (message, SR_MESSAGE_SIZE, "%s: %s", file->name, what);
  return false;
}

static bool
read_shape (SrSafetensors *file, const char *name, JsonNode *node, SrSafetensor *tensor,
            char message[SR_MESSAGE_SIZE])
{
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return fail (file, message, "tensor '%s' has no shape", name);
  JsonArray *shape = json_node_get_array (node);
  guint dims = json_array_get_length (shape);
  if (dims > SR_MAX_DIMS)
    return fail (file, message, "tensor '%s' has %u dimensions (at most %d)", name, dims, SR_MAX_DIMS);
  tensor->dims = (int) dims;
  guint64 count = 1;
  for (guint i = 0; i < dims; i++)
    {
      JsonNode *size = json_array_get_element (shape, i);
      gint64 value = JSON_NODE_HOLDS_VALUE (size) && json_node_get_value_type (size) == G_TYPE_INT64
                       ? json_node_get_int (size) : -1;
      if (value < 0 || value > ((gint64) 1 << 40) || (value > 0 && count > (G_MAXUINT64 >> 1) / (guint64) value))
        return fail (file, message, "tensor '%s' has a bad size in its shape", name);
      tensor->shape[i] = value;
      count *= (guint64) value;
    }
  tensor->count = (size_t) count;
  return true;
}

static bool
read_tensor (SrSafetensors *file, const char *name, JsonNode *node, char message[SR_MESSAGE_SIZE])
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (file, message, "tensor '%s' is not described by an object", name);
  JsonObject *object = json_node_get_object (node);
  SrSafetensor tensor = { 0 };
  const char *dtype = json_object_has_member (object, "dtype")
                          && JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "dtype"))
                        ? json_object_get_string_member (object, "dtype") : NULL;
  if (dtype == NULL)
    return fail (file, message, "tensor '%s' has no dtype", name);
  size_t element = 0;
  static const struct { const char *name; size_t size; SrSafetensorType type; } types[] = {
    { "F16", 2, SR_SAFETENSOR_F16 }, { "F32", 4, SR_SAFETENSOR_F32 }, { "BF16", 2, SR_SAFETENSOR_OTHER },
    { "F64", 8, SR_SAFETENSOR_OTHER }, { "I64", 8, SR_SAFETENSOR_OTHER }, { "I32", 4, SR_SAFETENSOR_OTHER },
    { "I16", 2, SR_SAFETENSOR_OTHER }, { "I8", 1, SR_SAFETENSOR_OTHER }, { "U8", 1, SR_SAFETENSOR_OTHER },
    { "BOOL", 1, SR_SAFETENSOR_OTHER },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (dtype, types[i].name))
      {
        element = types[i].size;
        tensor.type = types[i].type;
      }
  if (element == 0)
    return fail (file, message, "tensor '%s' has the unknown dtype '%s'", name, dtype);
  if (!read_shape (file, name, json_object_get_member (object, "shape"), &tensor, message))
    return false;
  JsonNode *offsets_node = json_object_get_member (object, "data_offsets");
  JsonArray *offsets = offsets_node && JSON_NODE_HOLDS_ARRAY (offsets_node) ? json_node_get_array (offsets_node)
                                                                             : NULL;
  if (offsets == NULL || json_array_get_length (offsets) != 2)
    return fail (file, message, "tensor '%s' has no data_offsets pair", name);
  gint64 bounds[2];
  for (guint i = 0; i < 2; i++)
    {
      JsonNode *value = json_array_get_element (offsets, i);
      bounds[i] = JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_INT64
                    ? json_node_get_int (value) : -1;
    }
  if (bounds[0] < 0 || bounds[1] < bounds[0] || (guint64) bounds[1] > file->data_size)
    return fail (file, message, "tensor '%s' lies outside the file's %zu data bytes (truncated?)", name,
                 file->data_size);
  tensor.bytes = (size_t) (bounds[1] - bounds[0]);
  if (tensor.count > G_MAXSIZE / element || tensor.bytes != tensor.count * element)
    return fail (file, message, "tensor '%s' has %zu bytes for %zu values of %s", name, tensor.bytes, tensor.count,
                 dtype);
  tensor.data = file->data + bounds[0];
  char *owned = g_strdup (name);
  g_ptr_array_add (file->names, owned);
  tensor.name = owned;
  g_array_append_val (file->tensors, tensor);
  return true;
}

static bool
read_metadata (SrSafetensors *file, JsonNode *node, char message[SR_MESSAGE_SIZE])
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (file, message, "__metadata__ is not an object");
  JsonObject *object = json_node_get_object (node);
  g_autoptr(GList) members = json_object_get_members (object);
  for (GList *m = members; m != NULL; m = m->next)
    {
      JsonNode *value = json_object_get_member (object, m->data);
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        return fail (file, message, "metadata '%s' is not a string", (const char *) m->data);
      g_hash_table_insert (file->metadata, g_strdup (m->data), g_strdup (json_node_get_string (value)));
    }
  return true;
}

static bool
read_header (SrSafetensors *file, const guint8 *bytes, size_t size, char message[SR_MESSAGE_SIZE])
{
  if (size < 8)
    return fail (file, message, "too short for a safetensors file (%zu bytes)", size);
  guint64 header_size = 0;
  for (int i = 7; i >= 0; i--)
    header_size = (header_size << 8) | bytes[i];
  if (header_size < 2 || header_size > MAX_HEADER_BYTES || header_size > size - 8)
    return fail (file, message, "not a safetensors file, or truncated (header of %" G_GUINT64_FORMAT " bytes in a "
                 "file of %zu)", header_size, size);
  file->data = bytes + 8 + header_size;
  file->data_size = size - 8 - (size_t) header_size;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  if (!json_parser_load_from_data (parser, (const char *) bytes + 8, (gssize) header_size, &error))
    return fail (file, message, "its header is not JSON (%s)", error->message);
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fail (file, message, "its header is not a JSON object");
  JsonObject *header = json_node_get_object (root);
  g_autoptr(GList) members = json_object_get_members (header);
  for (GList *m = members; m != NULL; m = m->next)
    {
      JsonNode *node = json_object_get_member (header, m->data);
      bool ok = g_str_equal (m->data, "__metadata__") ? read_metadata (file, node, message)
                                                      : read_tensor (file, m->data, node, message);
      if (!ok)
        return false;
    }
  return true;
}

static SrSafetensors *
parse (SrSafetensors *file, const guint8 *bytes, size_t size, char message[SR_MESSAGE_SIZE])
{
  file->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  file->tensors = g_array_new (FALSE, TRUE, sizeof (SrSafetensor));
  file->names = g_ptr_array_new_with_free_func (g_free);
  if (read_header (file, bytes, size, message))
    return file;
  sr_safetensors_close (file);
  return NULL;
}

SrSafetensors *
sr_safetensors_open (const char *path, char message[SR_MESSAGE_SIZE])
{
  SrSafetensors *file = g_new0 (SrSafetensors, 1);
  file->name = g_strdup (path);
  g_autoptr(GError) error = NULL;
  file->mapping = g_mapped_file_new (path, FALSE, &error);
  if (file->mapping == NULL)
    {
      fail (file, message, "%s", error->message);
      sr_safetensors_close (file);
      return NULL;
    }
  return parse (file, (const guint8 *) g_mapped_file_get_contents (file->mapping),
                g_mapped_file_get_length (file->mapping), message);
}

SrSafetensors *
sr_safetensors_parse (const void *data, size_t size, const char *name, char message[SR_MESSAGE_SIZE])
{
  SrSafetensors *file = g_new0 (SrSafetensors, 1);
  file->name = g_strdup (name);
  file->bytes = g_bytes_new (data, size);
  gsize length = 0;
  const guint8 *bytes = g_bytes_get_data (file->bytes, &length);
  return parse (file, bytes, length, message);
}

const char *
sr_safetensors_name (const SrSafetensors *file)
{
  return file->name;
}

const char *
sr_safetensors_metadata (const SrSafetensors *file, const char *key)
{
  return g_hash_table_lookup (file->metadata, key);
}

size_t
sr_safetensors_count (const SrSafetensors *file)
{
  return file->tensors->len;
}

const SrSafetensor *
sr_safetensors_at (const SrSafetensors *file, size_t index)
{
  return index < file->tensors->len ? &g_array_index (file->tensors, SrSafetensor, index) : NULL;
}

const SrSafetensor *
sr_safetensors_find (const SrSafetensors *file, const char *name)
{
  for (guint i = 0; i < file->tensors->len; i++)
    if (g_str_equal (g_array_index (file->tensors, SrSafetensor, i).name, name))
      return &g_array_index (file->tensors, SrSafetensor, i);
  return NULL;
}

const SrSafetensor *
sr_safetensors_expect (const SrSafetensors *file, const char *name, int dims, const int64_t *shape,
                       char message[SR_MESSAGE_SIZE])
{
  const SrSafetensor *tensor = sr_safetensors_find (file, name);
  if (tensor == NULL)
    {
      snprintf (message, SR_MESSAGE_SIZE, "%s: the tensor '%s' is missing", file->name, name);
      return NULL;
    }
  if (tensor->type == SR_SAFETENSOR_OTHER)
    {
      snprintf (message, SR_MESSAGE_SIZE, "%s: the tensor '%s' is neither fp16 nor fp32", file->name, name);
      return NULL;
    }
  bool same = tensor->dims == dims;
  for (int i = 0; same && i < dims; i++)
    same = tensor->shape[i] == shape[i];
  if (!same)
    {
      char want[96] = "", have[96] = "";
      for (int i = 0; i < dims; i++)
        g_snprintf (want + strlen (want), sizeof want - strlen (want), "%s%" G_GINT64_FORMAT, i ? "×" : "", shape[i]);
      for (int i = 0; i < tensor->dims; i++)
        g_snprintf (have + strlen (have), sizeof have - strlen (have), "%s%" G_GINT64_FORMAT, i ? "×" : "",
                    tensor->shape[i]);
      snprintf (message, SR_MESSAGE_SIZE, "%s: the tensor '%s' is %s where the model needs %s", file->name, name,
                have[0] ? have : "a scalar", want[0] ? want : "a scalar");
      return NULL;
    }
  return tensor;
}

void
sr_safetensor_to_f32 (const SrSafetensor *tensor, float *out)
{
  const guint8 *bytes = tensor->data;
  for (size_t i = 0; i < tensor->count; i++)
    if (tensor->type == SR_SAFETENSOR_F16)
      out[i] = sr_half_to_float ((uint16_t) (bytes[2 * i] | (bytes[2 * i + 1] << 8)));
    else
      {
        uint32_t bits = (uint32_t) bytes[4 * i] | (uint32_t) bytes[4 * i + 1] << 8
                        | (uint32_t) bytes[4 * i + 2] << 16 | (uint32_t) bytes[4 * i + 3] << 24;
        memcpy (out + i, &bits, sizeof bits);
      }
}
