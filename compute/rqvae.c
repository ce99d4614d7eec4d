/* The RQVAE encoder and residual quantiser; see rqvae.h. Feature maps are [1, C, H, W] on the model's backend; the
 * last 1×1 convolution is done as a GEMM that writes one row per cell, the layout the codebook search reads. */
#include "rqvae.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model-weights.h"

#define RQVAE_FORMAT "1"
#define GROUP_NORM_EPS 1e-5f
enum { MAX_LEVELS = 8, DEPTH = 4, MAX_PIXELS = 1 << 24 };

typedef struct {
  SrTensor *norm1_weight, *norm1_bias, *conv1_weight, *conv1_bias;
  SrTensor *norm2_weight, *norm2_bias, *conv2_weight, *conv2_bias;
} ResBlock;

struct SrRqvae {
  SrBackend *backend;
  int channels[MAX_LEVELS], levels, code_dim, codebook_size, groups;
  SrTensor *conv_in_weight, *conv_in_bias;
  ResBlock blocks[MAX_LEVELS];
  SrTensor *down_weight[MAX_LEVELS], *down_bias[MAX_LEVELS];
  SrTensor *norm_out_weight, *norm_out_bias;
  SrTensor *conv_out_weight, *conv_out_bias; /* [channels, code_dim] (transposed 1×1 kernel), [code_dim] */
  SrTensor *codebooks[DEPTH], *negated[DEPTH]; /* [codebook_size, code_dim] */
  /* the decoder: its levels mirror the encoder's (channels reversed), upsampling then a 3×3 convolution between */
  SrTensor *all_codebooks;                      /* [DEPTH · codebook_size, code_dim]: one gather sums a cell */
  SrTensor *identity;                           /* fp32 [code_dim, code_dim]: rows of cells → channels */
  SrTensor *decoder_in_weight, *decoder_in_bias;
  ResBlock decoder_blocks[MAX_LEVELS];
  SrTensor *up_weight[MAX_LEVELS], *up_bias[MAX_LEVELS];
  SrTensor *decoder_norm_weight, *decoder_norm_bias, *decoder_out_weight, *decoder_out_bias;
  GPtrArray *owned;
};

static bool
load_conv (SrWeightLoader *loader, const char *prefix, int64_t in, int64_t out, int64_t kernel, SrTensor **weight,
           SrTensor **bias)
{
  g_autofree char *weight_name = g_strconcat (prefix, ".weight", NULL);
  g_autofree char *bias_name = g_strconcat (prefix, ".bias", NULL);
  int64_t shape[4] = { out, in, kernel, kernel };
  return (*weight = sr_weights_load (loader, weight_name, 4, shape)) != NULL
         && (*bias = sr_weights_load (loader, bias_name, 1, &out)) != NULL;
}

static bool
load_norm (SrWeightLoader *loader, const char *prefix, int64_t channels, SrTensor **weight, SrTensor **bias)
{
  g_autofree char *weight_name = g_strconcat (prefix, ".weight", NULL);
  g_autofree char *bias_name = g_strconcat (prefix, ".bias", NULL);
  return (*weight = sr_weights_load (loader, weight_name, 1, &channels)) != NULL
         && (*bias = sr_weights_load (loader, bias_name, 1, &channels)) != NULL;
}

static bool
read_config (SrWeightLoader *loader, SrRqvae *model)
{
  JsonObject *config = sr_weight_loader_config (loader);
  JsonArray *channels = config && json_object_has_member (config, "channels")
                          ? json_object_get_array_member (config, "channels") : NULL;
  bool ok = channels != NULL && json_array_get_length (channels) >= 1 && json_array_get_length (channels) <= MAX_LEVELS;
  model->levels = ok ? (int) json_array_get_length (channels) : 0;
  for (int i = 0; ok && i < model->levels; i++)
    {
      model->channels[i] = (int) json_array_get_int_element (channels, (guint) i);
      ok = model->channels[i] >= 1 && model->channels[i] <= 4096;
    }
  if (ok)
    {
      model->code_dim = (int) json_object_get_int_member_with_default (config, "code_dim", 0);
      model->codebook_size = (int) json_object_get_int_member_with_default (config, "codebook_size", 0);
      model->groups = (int) json_object_get_int_member_with_default (config, "groups", 0);
      ok = json_object_get_int_member_with_default (config, "codebooks", 0) == DEPTH
           && json_object_get_int_member_with_default (config, "res_blocks", 0) == 1 && model->code_dim >= 1
           && model->code_dim <= 4096 && model->codebook_size >= 1 && model->codebook_size <= 65536
           && model->groups >= 1;
      for (int i = 0; ok && i < model->levels; i++)
        ok = model->channels[i] % model->groups == 0;
    }
  if (!ok)
    snprintf (loader->message, SR_MESSAGE_SIZE, "%s: sightread.config is not an RQVAE this program can run",
              sr_safetensors_name (loader->file));
  return ok;
}

static bool
load_block (SrWeightLoader *loader, const char *prefix, int64_t ch, ResBlock *block)
{
  g_autofree char *norm1 = g_strconcat (prefix, ".norm1", NULL), *norm2 = g_strconcat (prefix, ".norm2", NULL);
  g_autofree char *conv1 = g_strconcat (prefix, ".conv1", NULL), *conv2 = g_strconcat (prefix, ".conv2", NULL);
  return load_norm (loader, norm1, ch, &block->norm1_weight, &block->norm1_bias)
         && load_conv (loader, conv1, ch, ch, 3, &block->conv1_weight, &block->conv1_bias)
         && load_norm (loader, norm2, ch, &block->norm2_weight, &block->norm2_bias)
         && load_conv (loader, conv2, ch, ch, 3, &block->conv2_weight, &block->conv2_bias);
}

static bool
load_decoder (SrWeightLoader *loader, SrRqvae *model)
{
  int levels = model->levels;
  int64_t top = model->channels[levels - 1], dim = model->code_dim;
  if (!load_conv (loader, "decoder.conv_in", dim, top, 3, &model->decoder_in_weight, &model->decoder_in_bias))
    return false;
  for (int i = 0; i < levels; i++)
    {
      int64_t ch = model->channels[levels - 1 - i];
      g_autofree char *prefix = g_strdup_printf ("decoder.levels.%d.0", i);
      if (!load_block (loader, prefix, ch, &model->decoder_blocks[i]))
        return false;
      if (i + 1 < levels)
        {
          g_autofree char *up = g_strdup_printf ("decoder.levels.%d.2", i);
          if (!load_conv (loader, up, ch, model->channels[levels - 2 - i], 3, &model->up_weight[i], &model->up_bias[i]))
            return false;
        }
    }
  int64_t bottom = model->channels[0];
  if (!load_norm (loader, "decoder.norm_out", bottom, &model->decoder_norm_weight, &model->decoder_norm_bias)
      || !load_conv (loader, "decoder.conv_out", bottom, 1, 3, &model->decoder_out_weight, &model->decoder_out_bias))
    return false;
  return (model->identity = sr_weights_identity (loader, dim)) != NULL;
}

static bool
load_all (SrWeightLoader *loader, SrRqvae *model)
{
  if (!read_config (loader, model) || !load_conv (loader, "encoder.conv_in", 1, model->channels[0], 3,
                                           &model->conv_in_weight, &model->conv_in_bias))
    return false;
  for (int i = 0; i < model->levels; i++)
    {
      int64_t ch = model->channels[i];
      g_autofree char *prefix = g_strdup_printf ("encoder.levels.%d.0", i);
      if (!load_block (loader, prefix, ch, &model->blocks[i]))
        return false;
      if (i + 1 < model->levels)
        {
          g_autofree char *down = g_strdup_printf ("encoder.levels.%d.1", i);
          if (!load_conv (loader, down, ch, model->channels[i + 1], 4, &model->down_weight[i], &model->down_bias[i]))
            return false;
        }
    }
  int64_t top = model->channels[model->levels - 1], dim = model->code_dim;
  if (!load_norm (loader, "encoder.norm_out", top, &model->norm_out_weight, &model->norm_out_bias))
    return false;
  int64_t out_shape[4] = { dim, top, 1, 1 };
  const SrSafetensor *out = sr_safetensors_expect (loader->file, "encoder.conv_out.weight", 4, out_shape,
                                                   loader->message);
  if (out == NULL)
    return false;
  g_autofree float *kernel = g_new (float, out->count);
  g_autofree float *flipped = g_new (float, out->count);
  sr_safetensor_to_f32 (out, kernel);
  for (int64_t o = 0; o < dim; o++)
    for (int64_t c = 0; c < top; c++)
      flipped[c * dim + o] = kernel[o * top + c];
  int64_t flipped_shape[2] = { top, dim };
  if ((model->conv_out_weight = sr_weights_upload (loader, flipped, 2, flipped_shape)) == NULL
      || (model->conv_out_bias = sr_weights_load (loader, "encoder.conv_out.bias", 1, &dim)) == NULL)
    return false;
  int64_t books_shape[3] = { DEPTH, model->codebook_size, dim };
  g_autofree float *values = sr_weights_read (loader, "quantizer.codebooks", 3, books_shape);
  if (values == NULL)
    return false;
  int64_t book_shape[2] = { model->codebook_size, dim }, book_size = model->codebook_size * dim;
  int64_t all_shape[2] = { DEPTH * model->codebook_size, dim };
  if ((model->all_codebooks = sr_weights_upload (loader, values, 2, all_shape)) == NULL)
    return false;
  for (int d = 0; d < DEPTH; d++)
    {
      float *book = values + d * book_size;
      if ((model->codebooks[d] = sr_weights_upload (loader, book, 2, book_shape)) == NULL)
        return false;
      for (int64_t i = 0; i < book_size; i++)
        book[i] = -book[i];
      if ((model->negated[d] = sr_weights_upload (loader, book, 2, book_shape)) == NULL)
        return false;
    }
  return load_decoder (loader, model);
}

SrRqvae *
sr_rqvae_load (SrBackend *backend, const char *path, char message[SR_MESSAGE_SIZE])
{
  SrWeightLoader loader;
  SrRqvae *model = g_new0 (SrRqvae, 1);
  model->backend = backend;
  bool loaded = sr_weight_loader_open (&loader, backend, path, "rqvae", RQVAE_FORMAT, message)
                && load_all (&loader, model);
  model->owned = sr_weight_loader_close (&loader);
  if (!loaded)
    {
      sr_rqvae_free (model);
      return NULL;
    }
  return model;
}

void
sr_rqvae_free (SrRqvae *model)
{
  if (model == NULL)
    return;
  if (model->owned != NULL)
    g_ptr_array_unref (model->owned);
  g_free (model);
}


/* ---- encoding ---- */

typedef struct {
  SrRqvae *model;
  SrBackend *backend;
  GPtrArray *made; /* the pass's own tensors */
} Pass;

static SrTensor *
feature_map (Pass *pass, int64_t channels, int64_t height, int64_t width)
{
  int64_t shape[4] = { 1, channels, height, width };
  SrTensor *tensor = sr_tensor_new (pass->backend, SR_DTYPE_F32, 4, shape);
  if (tensor != NULL)
    g_ptr_array_add (pass->made, tensor);
  return tensor;
}

static bool
conv (Pass *pass, const SrTensor *x, const SrTensor *weight, const SrTensor *bias, int stride, int padding,
      SrTensor *y)
{
  SrConv c = { .x = x, .weight = weight, .bias = bias, .y = y, .stride = { stride, stride },
               .padding = { padding, padding } };
  return sr_conv (pass->backend, &c);
}

/* y = SiLU(GroupNorm(x)) */
static bool
norm_silu (Pass *pass, const SrTensor *x, const SrTensor *weight, const SrTensor *bias, SrTensor *y)
{
  return sr_group_norm (pass->backend, x, pass->model->groups, weight, bias, GROUP_NORM_EPS, y)
         && sr_activation (pass->backend, SR_ACTIVATION_SILU, y, y);
}

/* h += conv2(SiLU(GN2(conv1(SiLU(GN1(h)))))) */
static bool
res_block (Pass *pass, const ResBlock *block, SrTensor *h)
{
  int64_t c = h->shape[1], height = h->shape[2], width = h->shape[3];
  SrTensor *t = feature_map (pass, c, height, width), *u = feature_map (pass, c, height, width);
  return t && u && norm_silu (pass, h, block->norm1_weight, block->norm1_bias, t)
         && conv (pass, t, block->conv1_weight, block->conv1_bias, 1, 1, u)
         && norm_silu (pass, u, block->norm2_weight, block->norm2_bias, t)
         && conv (pass, t, block->conv2_weight, block->conv2_bias, 1, 1, u)
         && sr_binary (pass->backend, SR_BINARY_ADD, h, u, h);
}

/* The encoder's output as rows, one per cell (row-major cells): [cells, code_dim]. */
static SrTensor *
encode_rows (Pass *pass, const float *ink, int64_t height, int64_t width)
{
  SrRqvae *model = pass->model;
  SrTensor *x = feature_map (pass, 1, height, width);
  SrTensor *h = feature_map (pass, model->channels[0], height, width);
  if (x == NULL || h == NULL || !sr_tensor_write (x, ink)
      || !conv (pass, x, model->conv_in_weight, model->conv_in_bias, 1, 1, h))
    return NULL;
  for (int i = 0; i < model->levels; i++)
    {
      if (!res_block (pass, &model->blocks[i], h))
        return NULL;
      if (i + 1 < model->levels)
        {
          SrTensor *down = feature_map (pass, model->channels[i + 1], h->shape[2] / 2, h->shape[3] / 2);
          if (down == NULL || !conv (pass, h, model->down_weight[i], model->down_bias[i], 2, 1, down))
            return NULL;
          h = down;
        }
    }
  int64_t top = model->channels[model->levels - 1], cells = h->shape[2] * h->shape[3];
  SrTensor *features = feature_map (pass, top, h->shape[2], h->shape[3]);
  int64_t flat[2] = { top, cells }, rows_shape[2] = { cells, model->code_dim };
  SrTensor *rows = sr_tensor_new (pass->backend, SR_DTYPE_F32, 2, rows_shape);
  if (rows != NULL)
    g_ptr_array_add (pass->made, rows);
  /* the 1×1 convolution as featuresᵀ · W: one row per cell */
  SrGemm gemm = { .a = features, .b = model->conv_out_weight, .bias = model->conv_out_bias, .c = rows,
                  .transpose_a = true };
  bool ok = features && rows && norm_silu (pass, h, model->norm_out_weight, model->norm_out_bias, features)
            && sr_tensor_reshape (features, 2, flat) && sr_gemm (pass->backend, &gemm);
  return ok ? rows : NULL;
}

bool
sr_rqvae_encode (SrRqvae *model, const uint8_t *pixels, int height, int width, int32_t **codes, int *rows,
                 int *columns, char message[SR_MESSAGE_SIZE])
{
  *codes = NULL;
  if (height < 1 || width < 1 || (int64_t) height * width > MAX_PIXELS)
    {
      snprintf (message, SR_MESSAGE_SIZE, "a crop of %d × %d pixels is outside what the image tokenizer takes",
                height, width);
      return false;
    }
  int downsampling = 1 << (model->levels - 1);
  int64_t padded_h = (height + downsampling - 1) / downsampling * downsampling;
  int64_t padded_w = (width + downsampling - 1) / downsampling * downsampling;
  float *ink = calloc ((size_t) (padded_h * padded_w), sizeof *ink); /* paper (0) outside the crop */
  if (ink == NULL)
    {
      snprintf (message, SR_MESSAGE_SIZE, "out of memory for a %d × %d crop", height, width);
      return false;
    }
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      ink[y * padded_w + x] = 1.0f - (float) pixels[(size_t) y * width + x] / 255.0f;
  Pass pass = { model, model->backend, g_ptr_array_new_with_free_func ((GDestroyNotify) sr_tensor_free) };
  SrTensor *residual = encode_rows (&pass, ink, padded_h, padded_w);
  free (ink);
  int64_t grid_h = padded_h / downsampling, grid_w = padded_w / downsampling, cells = grid_h * grid_w;
  int64_t ids_shape[2] = { cells, 1 }, rows_shape[2] = { cells, model->code_dim };
  SrTensor *ids[DEPTH] = { NULL }, *chosen = sr_tensor_new (model->backend, SR_DTYPE_F32, 2, rows_shape);
  bool ok = residual != NULL && chosen != NULL;
  if (chosen != NULL)
    g_ptr_array_add (pass.made, chosen);
  /* residual quantisation: the nearest code of each depth, then its vector taken off the residual */
  for (int d = 0; ok && d < DEPTH; d++)
    {
      ids[d] = sr_tensor_new (model->backend, SR_DTYPE_I32, 2, ids_shape);
      ok = ids[d] != NULL;
      if (ok)
        g_ptr_array_add (pass.made, ids[d]);
      ok = ok && sr_nearest_code (model->backend, residual, model->codebooks[d], SR_CODE_NEAREST_L2, ids[d])
           && (d + 1 == DEPTH || (sr_embed_sum (model->backend, model->negated[d], ids[d], chosen)
                                  && sr_binary (model->backend, SR_BINARY_ADD, residual, chosen, residual)));
    }
  int32_t *by_depth = ok ? malloc ((size_t) (DEPTH * cells) * sizeof *by_depth) : NULL;
  for (int d = 0; ok && d < DEPTH; d++)
    ok = by_depth != NULL && sr_tensor_read (ids[d], by_depth + d * cells);
  if (!ok)
    snprintf (message, SR_MESSAGE_SIZE, "the image tokenizer failed: %s", sr_backend_error (model->backend));
  else if ((*codes = malloc ((size_t) (DEPTH * cells) * sizeof **codes)) != NULL)
    /* column by column, top to bottom inside a column */
    for (int64_t x = 0; x < grid_w; x++)
      for (int64_t y = 0; y < grid_h; y++)
        for (int d = 0; d < DEPTH; d++)
          (*codes)[(x * grid_h + y) * DEPTH + d] = by_depth[d * cells + y * grid_w + x];
  free (by_depth);
  g_ptr_array_unref (pass.made);
  *rows = (int) grid_h;
  *columns = (int) grid_w;
  return ok && *codes != NULL;
}

bool
sr_rqvae_decode (SrRqvae *model, const int32_t *codes, int rows, int columns, float **ink,
                 char message[SR_MESSAGE_SIZE])
{
  *ink = NULL;
  int64_t cells = (int64_t) rows * columns, dim = model->code_dim;
  int downsampling = 1 << (model->levels - 1);
  if (rows < 1 || columns < 1 || cells * downsampling * downsampling > MAX_PIXELS)
    {
      snprintf (message, SR_MESSAGE_SIZE, "a grid of %d × %d cells is outside what the image decoder takes", rows,
                columns);
      return false;
    }
  /* cells row by row, each its four codes offset into the joined codebooks */
  int32_t *ids = malloc ((size_t) (cells * DEPTH) * sizeof *ids);
  if (ids == NULL)
    {
      snprintf (message, SR_MESSAGE_SIZE, "out of memory for %lld cells", (long long) cells);
      return false;
    }
  bool valid = true;
  for (int x = 0; x < columns; x++)
    for (int y = 0; y < rows; y++)
      for (int d = 0; d < DEPTH; d++)
        {
          int32_t code = codes[((int64_t) x * rows + y) * DEPTH + d];
          valid &= code >= 0 && code < model->codebook_size;
          ids[((int64_t) y * columns + x) * DEPTH + d] = d * model->codebook_size + code;
        }
  if (!valid)
    {
      free (ids);
      snprintf (message, SR_MESSAGE_SIZE, "a code outside the codebooks (0 … %d)", model->codebook_size - 1);
      return false;
    }
  Pass pass = { model, model->backend, g_ptr_array_new_with_free_func ((GDestroyNotify) sr_tensor_free) };
  int64_t ids_shape[2] = { cells, DEPTH }, rows_shape[2] = { cells, dim }, z_shape[2] = { dim, cells };
  SrTensor *id_tensor = sr_tensor_new (model->backend, SR_DTYPE_I32, 2, ids_shape);
  SrTensor *vectors = sr_tensor_new (model->backend, SR_DTYPE_F32, 2, rows_shape);
  SrTensor *z = sr_tensor_new (model->backend, SR_DTYPE_F32, 2, z_shape);
  SrTensor *made[] = { id_tensor, vectors, z };
  for (int i = 0; i < 3; i++)
    if (made[i] != NULL)
      g_ptr_array_add (pass.made, made[i]);
  SrGemm transpose = { .a = model->identity, .b = vectors, .c = z, .transpose_b = true };
  int64_t map_shape[4] = { 1, dim, rows, columns };
  int levels = model->levels, top = model->channels[levels - 1];
  SrTensor *h = feature_map (&pass, top, rows, columns);
  bool ok = id_tensor && vectors && z && h && sr_tensor_write (id_tensor, ids)
            && sr_embed_sum (model->backend, model->all_codebooks, id_tensor, vectors)
            && sr_gemm (model->backend, &transpose) && sr_tensor_reshape (z, 4, map_shape)
            && conv (&pass, z, model->decoder_in_weight, model->decoder_in_bias, 1, 1, h);
  free (ids);
  for (int i = 0; ok && i < levels; i++)
    {
      ok = res_block (&pass, &model->decoder_blocks[i], h);
      if (ok && i + 1 < levels)
        {
          int64_t ch = h->shape[1], height = 2 * h->shape[2], width = 2 * h->shape[3];
          SrTensor *big = feature_map (&pass, ch, height, width);
          SrTensor *next = feature_map (&pass, model->channels[levels - 2 - i], height, width);
          ok = big && next && sr_upsample2x (model->backend, h, big)
               && conv (&pass, big, model->up_weight[i], model->up_bias[i], 1, 1, next);
          h = next;
        }
    }
  int64_t height = (int64_t) rows * downsampling, width = (int64_t) columns * downsampling;
  SrTensor *t = ok ? feature_map (&pass, model->channels[0], height, width) : NULL;
  SrTensor *out = ok ? feature_map (&pass, 1, height, width) : NULL;
  ok = ok && t && out && norm_silu (&pass, h, model->decoder_norm_weight, model->decoder_norm_bias, t)
       && conv (&pass, t, model->decoder_out_weight, model->decoder_out_bias, 1, 1, out)
       && (*ink = malloc ((size_t) (height * width) * sizeof **ink)) != NULL && sr_tensor_read (out, *ink);
  if (!ok)
    {
      free (*ink);
      *ink = NULL;
      snprintf (message, SR_MESSAGE_SIZE, "the image decoder failed: %s", sr_backend_error (model->backend));
    }
  g_ptr_array_unref (pass.made);
  return ok;
}
