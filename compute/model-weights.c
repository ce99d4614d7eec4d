/* See model-weights.h. */
#include "model-weights.h"

#include <stdio.h>
#include <string.h>

bool
sr_weight_loader_open (SrWeightLoader *loader, SrBackend *backend, const char *path, const char *kind,
                       const char *format, char message[SR_MESSAGE_SIZE])
{
  memset (loader, 0, sizeof *loader);
  loader->backend = backend;
  loader->message = message;
  loader->file = sr_safetensors_open (path, message);
  if (loader->file == NULL)
    return false;
  loader->owned = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_tensor_free);
  const char *file_kind = sr_safetensors_metadata (loader->file, "sightread.kind");
  const char *file_format = sr_safetensors_metadata (loader->file, "sightread.format");
  if (file_kind == NULL || file_format == NULL || !g_str_equal (file_kind, kind) || !g_str_equal (file_format, format))
    {
      snprintf (message, SR_MESSAGE_SIZE, "%s: kind %s format %s, expected %s format %s", path,
                file_kind ? file_kind : "(none)", file_format ? file_format : "(none)", kind, format);
      return false;
    }
  return true;
}

GPtrArray *
sr_weight_loader_close (SrWeightLoader *loader)
{
  sr_safetensors_close (loader->file);
  loader->file = NULL;
  g_clear_object (&loader->config_parser);
  GPtrArray *owned = loader->owned;
  loader->owned = NULL;
  return owned;
}

JsonObject *
sr_weight_loader_config (SrWeightLoader *loader)
{
  const char *text = sr_safetensors_metadata (loader->file, "sightread.config");
  if (loader->config_parser == NULL)
    loader->config_parser = json_parser_new ();
  JsonNode *root = text && json_parser_load_from_data (loader->config_parser, text, -1, NULL)
                     ? json_parser_get_root (loader->config_parser) : NULL;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      snprintf (loader->message, SR_MESSAGE_SIZE, "%s: sightread.config is missing or not JSON",
                sr_safetensors_name (loader->file));
      return NULL;
    }
  return json_node_get_object (root);
}

float *
sr_weights_read (SrWeightLoader *loader, const char *name, int dims, const int64_t *shape)
{
  const SrSafetensor *stored = sr_safetensors_expect (loader->file, name, dims, shape, loader->message);
  if (stored == NULL)
    return NULL;
  float *values = g_new (float, stored->count);
  sr_safetensor_to_f32 (stored, values);
  return values;
}

SrTensor *
sr_weights_upload (SrWeightLoader *loader, const float *values, int dims, const int64_t *shape)
{
  SrTensor *tensor = sr_tensor_new (loader->backend, SR_DTYPE_F16, dims, shape);
  if (tensor == NULL || !sr_tensor_write_f32 (tensor, values))
    {
      snprintf (loader->message, SR_MESSAGE_SIZE, "%s: %s", sr_safetensors_name (loader->file),
                sr_backend_error (loader->backend));
      sr_tensor_free (tensor);
      return NULL;
    }
  g_ptr_array_add (loader->owned, tensor);
  return tensor;
}

SrTensor *
sr_weights_load_as (SrWeightLoader *loader, const char *name, int stored_dims, const int64_t *stored_shape, int dims,
                    const int64_t *shape)
{
  g_autofree float *values = sr_weights_read (loader, name, stored_dims, stored_shape);
  return values != NULL ? sr_weights_upload (loader, values, dims, shape) : NULL;
}

SrTensor *
sr_weights_load (SrWeightLoader *loader, const char *name, int dims, const int64_t *stored_shape)
{
  return sr_weights_load_as (loader, name, dims, stored_shape, dims, stored_shape);
}

SrTensor *
sr_weights_transposed (SrWeightLoader *loader, const float *weight, int64_t first, int64_t rows, int64_t in,
                       float scale)
{
  g_autofree float *flipped = g_new (float, rows * in);
  for (int64_t r = 0; r < rows; r++)
    for (int64_t c = 0; c < in; c++)
      flipped[c * rows + r] = scale * weight[(first + r) * in + c];
  int64_t shape[2] = { in, rows };
  return sr_weights_upload (loader, flipped, 2, shape);
}

SrTensor *
sr_weights_identity (SrWeightLoader *loader, int64_t size)
{
  int64_t shape[2] = { size, size };
  g_autofree float *values = g_new0 (float, size * size);
  for (int64_t i = 0; i < size; i++)
    values[i * size + i] = 1.0f;
  SrTensor *identity = sr_tensor_new (loader->backend, SR_DTYPE_F32, 2, shape);
  if (identity == NULL || !sr_tensor_write (identity, values))
    {
      snprintf (loader->message, SR_MESSAGE_SIZE, "%s: %s", sr_safetensors_name (loader->file),
                sr_backend_error (loader->backend));
      sr_tensor_free (identity);
      return NULL;
    }
  g_ptr_array_add (loader->owned, identity);
  return identity;
}
