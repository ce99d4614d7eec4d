/* Loading an exported translator: the metadata checked (kind, format, config), every tensor checked against the
 * config by name, shape and type, then uploaded once to the backend in fp16 (as stored). */
#include "translator-private.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model-weights.h"

#define TRANSLATOR_FORMAT "1"

/* The loader and the model being filled. */
typedef struct {
  SrWeightLoader weights;
  SrTranslator *model;
} Loader;

struct SrTranslatorMetadata {
  GHashTable *values;
  GPtrArray *tensors;
};

static float *
read_values (Loader *loader, const char *name, int dims, const int64_t *shape)
{
  return sr_weights_read (&loader->weights, name, dims, shape);
}

static SrTensor *
upload (Loader *loader, const float *values, int dims, const int64_t *shape)
{
  return sr_weights_upload (&loader->weights, values, dims, shape);
}

static SrTensor *
load_as_is (Loader *loader, const char *name, int dims, const int64_t *shape)
{
  return sr_weights_load (&loader->weights, name, dims, shape);
}

static SrTensor *
transposed_rows (Loader *loader, const float *weight, int64_t first, int64_t rows, int64_t in)
{
  return sr_weights_transposed (&loader->weights, weight, first, rows, in, 1.0f);
}

static bool
load_linear (Loader *loader, const char *prefix, int64_t in, int64_t out, SrLinear *linear)
{
  g_autofree char *weight_name = g_strconcat (prefix, ".weight", NULL);
  g_autofree char *bias_name = g_strconcat (prefix, ".bias", NULL);
  int64_t shape[2] = { out, in };
  g_autofree float *weight = read_values (loader, weight_name, 2, shape);
  if (weight == NULL || (linear->weight = transposed_rows (loader, weight, 0, out, in)) == NULL)
    return false;
  linear->bias = load_as_is (loader, bias_name, 1, &out);
  return linear->bias != NULL;
}

static bool
load_attention (Loader *loader, const char *prefix, int64_t d, SrAttentionWeights *attention)
{
  g_autofree char *weight_name = g_strconcat (prefix, ".in_proj_weight", NULL);
  g_autofree char *bias_name = g_strconcat (prefix, ".in_proj_bias", NULL);
  g_autofree char *out_name = g_strconcat (prefix, ".out_proj", NULL);
  int64_t shape[2] = { 3 * d, d }, bias_shape = 3 * d;
  g_autofree float *weight = read_values (loader, weight_name, 2, shape);
  g_autofree float *bias = weight ? read_values (loader, bias_name, 1, &bias_shape) : NULL;
  if (bias == NULL)
    return false;
  SrLinear *parts[3] = { &attention->query, &attention->key, &attention->value };
  for (int i = 0; i < 3; i++)
    {
      parts[i]->weight = transposed_rows (loader, weight, i * d, d, d);
      parts[i]->bias = parts[i]->weight ? upload (loader, bias + i * d, 1, &d) : NULL;
      if (parts[i]->bias == NULL)
        return false;
    }
  return load_linear (loader, out_name, d, d, &attention->out);
}

static bool
load_norm (Loader *loader, const char *prefix, int64_t d, SrTensor **weight, SrTensor **bias)
{
  g_autofree char *weight_name = g_strconcat (prefix, ".weight", NULL);
  g_autofree char *bias_name = g_strconcat (prefix, ".bias", NULL);
  *weight = load_as_is (loader, weight_name, 1, &d);
  *bias = *weight ? load_as_is (loader, bias_name, 1, &d) : NULL;
  return *bias != NULL;
}

static bool
load_layer (Loader *loader, const char *prefix, bool decoder, SrLayerWeights *layer)
{
  const SrTranslatorConfig *c = &loader->model->config;
  g_autofree char *self = g_strconcat (prefix, ".self_attn", NULL);
  g_autofree char *cross = g_strconcat (prefix, ".multihead_attn", NULL);
  g_autofree char *ffn_in = g_strconcat (prefix, ".linear1", NULL);
  g_autofree char *ffn_out = g_strconcat (prefix, ".linear2", NULL);
  if (!load_attention (loader, self, c->d_model, &layer->self)
      || (decoder && !load_attention (loader, cross, c->d_model, &layer->cross))
      || !load_linear (loader, ffn_in, c->d_model, c->ffn, &layer->ffn_in)
      || !load_linear (loader, ffn_out, c->ffn, c->d_model, &layer->ffn_out))
    return false;
  for (int i = 0; i < (decoder ? 3 : 2); i++)
    {
      g_autofree char *norm = g_strdup_printf ("%s.norm%d", prefix, i + 1);
      if (!load_norm (loader, norm, c->d_model, &layer->norm_weight[i], &layer->norm_bias[i]))
        return false;
    }
  return true;
}

/* A row of a stored [rows, d] table as its own [d] tensor. */
static bool
load_rows (Loader *loader, const char *name, int64_t rows, SrTensor **out)
{
  int64_t d = loader->model->config.d_model, shape[2] = { rows, d };
  g_autofree float *values = read_values (loader, name, 2, shape);
  for (int64_t r = 0; values != NULL && r < rows; r++)
    if ((out[r] = upload (loader, values + r * d, 1, &d)) == NULL)
      return false;
  return values != NULL;
}

static bool
load_positions (Loader *loader, const char *prefix, SrPositionWeights *positions)
{
  const SrTranslatorConfig *c = &loader->model->config;
  int64_t d = c->d_model, linear_shape[2] = { c->max_positions, d };
  for (int m = 0; m < SR_N_MODALITIES; m++)
    {
      g_autofree char *name = g_strdup_printf ("%s.linear.%d.weight", prefix, m);
      if ((positions->linear[m] = load_as_is (loader, name, 2, linear_shape)) == NULL)
        return false;
    }
  /* columns and rows in one table, so that one gather with ids (column, columns + row) sums both */
  g_autofree char *columns_name = g_strconcat (prefix, ".columns.weight", NULL);
  g_autofree char *rows_name = g_strconcat (prefix, ".rows.weight", NULL);
  int64_t columns_shape[2] = { c->image_columns, d }, rows_shape[2] = { c->image_rows, d };
  g_autofree float *columns = read_values (loader, columns_name, 2, columns_shape);
  g_autofree float *rows = columns ? read_values (loader, rows_name, 2, rows_shape) : NULL;
  if (rows == NULL)
    return false;
  int64_t grid_shape[2] = { c->image_columns + c->image_rows, d };
  g_autofree float *grid = g_new (float, grid_shape[0] * d);
  memcpy (grid, columns, sizeof (float) * (size_t) (c->image_columns * d));
  memcpy (grid + c->image_columns * d, rows, sizeof (float) * (size_t) (c->image_rows * d));
  return (positions->grid = upload (loader, grid, 2, grid_shape)) != NULL;
}

void
sr_translator_block (SrModality modality, int k, int *start, int *size)
{
  switch (modality)
    {
    case SR_MODALITY_LMX:
      *start = SR_VOCAB_LMX_START, *size = SR_VOCAB_LMX_SIZE;
      break;
    case SR_MODALITY_MIDI:
      *start = SR_VOCAB_MIDI_START, *size = SR_VOCAB_MIDI_SIZE;
      break;
    case SR_MODALITY_IMAGE:
      *start = SR_VOCAB_IMAGE_CODE (k, 0), *size = SR_VOCAB_CODEBOOK_SIZE;
      break;
    default:
      *start = SR_VOCAB_AUDIO_CODE (k, 0), *size = SR_VOCAB_CODEBOOK_SIZE;
      break;
    }
}

/* One part of the output layer: rows FIRST … FIRST + SIZE of the stored [vocabulary, d] weight and bias. */
static bool
output_part (Loader *loader, const float *weight, const float *bias, int first, int size, SrLinear *part)
{
  int64_t d = loader->model->config.d_model, n = size;
  return (part->weight = transposed_rows (loader, weight, first, size, d)) != NULL
         && (part->bias = upload (loader, bias + first, 1, &n)) != NULL;
}

static bool
load_output (Loader *loader, SrTranslator *model)
{
  int64_t d = model->config.d_model, v = model->config.vocabulary, shape[2] = { v, d };
  g_autofree float *weight = read_values (loader, "output.weight", 2, shape);
  g_autofree float *bias = weight ? read_values (loader, "output.bias", 1, &v) : NULL;
  if (bias == NULL || !output_part (loader, weight, bias, 0, SR_VOCAB_LMX_START, &model->output_specials))
    return false;
  for (int m = 0; m < SR_N_MODALITIES; m++)
    for (int k = 0; k < (m == SR_MODALITY_LMX || m == SR_MODALITY_MIDI ? 1 : SR_VOCAB_CODEBOOKS); k++)
      {
        int start, size;
        sr_translator_block ((SrModality) m, k, &start, &size);
        if (!output_part (loader, weight, bias, start, size, &model->output_blocks[m][k]))
          return false;
      }
  return true;
}

static bool
read_config (Loader *loader)
{
  JsonObject *object = sr_weight_loader_config (&loader->weights);
  if (object == NULL)
    return false;
  SrTranslatorConfig *c = &loader->model->config;
  struct { const char *key; int *value; int low, high; } fields[] = {
    { "d_model", &c->d_model, 8, 4096 }, { "heads", &c->heads, 1, 64 }, { "ffn", &c->ffn, 8, 16384 },
    { "encoder_layers", &c->encoder_layers, 1, 64 }, { "decoder_layers", &c->decoder_layers, 1, 64 },
    { "sub_decoder_heads", &c->sub_decoder_heads, 1, 64 }, { "max_positions", &c->max_positions, 1, 1 << 16 },
    { "image_columns", &c->image_columns, 1, 1 << 14 }, { "image_rows", &c->image_rows, 1, 1 << 10 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      JsonNode *node = json_object_get_member (object, fields[i].key);
      gint64 value = node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
                       ? json_node_get_int (node) : -1;
      if (value < fields[i].low || value > fields[i].high)
        {
          snprintf (loader->weights.message, SR_MESSAGE_SIZE, "%s: sightread.config has no sensible %s",
                    sr_safetensors_name (loader->weights.file), fields[i].key);
          return false;
        }
      *fields[i].value = (int) value;
    }
  if (c->d_model % c->heads != 0 || c->d_model % c->sub_decoder_heads != 0)
    {
      snprintf (loader->weights.message, SR_MESSAGE_SIZE, "%s: %d heads do not divide d_model %d",
                sr_safetensors_name (loader->weights.file), c->heads, c->d_model);
      return false;
    }
  c->vocabulary = SR_VOCAB_SIZE;
  return true;
}

static bool
load_all (Loader *loader)
{
  SrTranslator *model = loader->model;
  const SrTranslatorConfig *c = &model->config;
  if (!read_config (loader))
    return false;
  int64_t d = c->d_model, embed_shape[2] = { c->vocabulary, d }, sub_shape[2] = { SR_VOCAB_CODEBOOKS, d };
  if ((model->embed = load_as_is (loader, "embed.weight", 2, embed_shape)) == NULL
      || !load_rows (loader, "target_modality.weight", SR_N_MODALITIES, model->target_modality)
      || !load_positions (loader, "source_positions", &model->source_positions)
      || !load_positions (loader, "target_positions", &model->target_positions)
      || (model->sub_position = load_as_is (loader, "sub_position.weight", 2, sub_shape)) == NULL
      || !load_output (loader, model)
      || !load_norm (loader, "encoder.norm", d, &model->encoder_norm[0], &model->encoder_norm[1])
      || !load_norm (loader, "decoder.norm", d, &model->decoder_norm[0], &model->decoder_norm[1])
      || !load_norm (loader, "sub_decoder.norm", d, &model->sub_decoder_norm[0], &model->sub_decoder_norm[1])
      || !load_layer (loader, "sub_decoder.layers.0", false, &model->sub_decoder))
    return false;
  model->encoder = g_new0 (SrLayerWeights, c->encoder_layers);
  model->decoder = g_new0 (SrLayerWeights, c->decoder_layers);
  for (int i = 0; i < c->encoder_layers; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("encoder.layers.%d", i);
      if (!load_layer (loader, prefix, false, &model->encoder[i]))
        return false;
    }
  for (int i = 0; i < c->decoder_layers; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("decoder.layers.%d", i);
      if (!load_layer (loader, prefix, true, &model->decoder[i]))
        return false;
    }
  return true;
}

bool
sr_translator_weights_load (SrTranslator *model, const char *path, char message[SR_MESSAGE_SIZE])
{
  Loader loader = { .model = model };
  model->metadata = g_new0 (struct SrTranslatorMetadata, 1);
  model->metadata->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* the vocabulary is the compiled one; the file must agree (checked through embed.weight's shape) */
  model->config.vocabulary = SR_VOCAB_SIZE;
  bool loaded = sr_weight_loader_open (&loader.weights, model->backend, path, "seq2seq", TRANSLATOR_FORMAT, message)
                && load_all (&loader);
  const char *keys[] = { "sightread.direction", "sightread.steps", "sightread.tasks", "sightread.date",
                         "sightread.rqvae", "sightread.codec" };
  for (size_t i = 0; loader.weights.file != NULL && i < G_N_ELEMENTS (keys); i++)
    if (sr_safetensors_metadata (loader.weights.file, keys[i]) != NULL)
      g_hash_table_insert (model->metadata->values, g_strdup (keys[i]),
                           g_strdup (sr_safetensors_metadata (loader.weights.file, keys[i])));
  model->metadata->tensors = sr_weight_loader_close (&loader.weights);
  return loaded;
}

void
sr_translator_weights_free (SrTranslator *model)
{
  if (model->metadata != NULL)
    {
      g_hash_table_unref (model->metadata->values);
      if (model->metadata->tensors != NULL)
        g_ptr_array_unref (model->metadata->tensors);
      g_free (model->metadata);
    }
  g_free (model->encoder);
  g_free (model->decoder);
}

const char *
sr_translator_metadata (const SrTranslator *model, const char *key)
{
  return model->metadata ? g_hash_table_lookup (model->metadata->values, key) : NULL;
}
