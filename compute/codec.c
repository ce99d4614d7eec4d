/* The codec's encoder, factorised residual quantiser and decoder; see codec.h. Feature maps are [1, C, T] on the
 * codec's backend. The quantiser works on rows of steps ([T, dim]): the encoder's last output is turned into rows
 * by a product with the identity (exact: one non-zero term per sum), and the decoder's first input back. */
#include "codec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model-weights.h"

#define CODEC_FORMAT "1"
#define INPUT_RMS_DBFS (-20.0)
#define SILENCE_DBFS (-70.0)
enum { MAX_STRIDES = 8, DEPTH = 4, UNITS = 3, MAX_STEPS = 1 << 20, ENCODE_CHUNK_STEPS = 512 };
static const int dilations[UNITS] = { 1, 3, 9 };

typedef struct {
  SrTensor *alpha1, *conv1_weight, *conv1_bias, *alpha2, *conv2_weight, *conv2_bias;
} ResidualUnit;

typedef struct {
  ResidualUnit units[UNITS];
  SrTensor *alpha, *conv_weight, *conv_bias; /* the strided (or transposed) convolution and the Snake before it */
} Block;

typedef struct {
  SrTensor *project_in, *project_in_bias;   /* [latent, code_dim], [code_dim] */
  SrTensor *project_out, *project_out_bias; /* [code_dim, latent], [latent] */
  SrTensor *negated_out, *negated_out_bias; /* the same, negated: taking a stage's vector off the residual */
  SrTensor *codebook, *normalised;          /* [size, code_dim] */
} Stage;

struct SrCodec {
  SrBackend *backend;
  int channels, strides[MAX_STRIDES], n_strides, latent, codebook_size, code_dim, sample_rate, hop;
  SrTensor *encoder_in_weight, *encoder_in_bias;
  Block encoder[MAX_STRIDES], decoder[MAX_STRIDES];
  SrTensor *encoder_alpha, *encoder_out_weight, *encoder_out_bias;
  Stage stages[DEPTH];
  SrTensor *decoder_in_weight, *decoder_in_bias, *decoder_alpha, *decoder_out_weight, *decoder_out_bias;
  SrTensor *identity; /* [latent, latent] */
  GPtrArray *owned;
};

/* ---- loading ---- */

static SrTensor *
alpha (SrWeightLoader *loader, const char *name, int64_t channels)
{
  int64_t stored[3] = { 1, channels, 1 };
  return sr_weights_load_as (loader, name, 3, stored, 1, &channels);
}

static bool
conv (SrWeightLoader *loader, const char *prefix, int64_t first, int64_t second, int64_t kernel, SrTensor **weight,
      SrTensor **bias, int64_t bias_size)
{
  g_autofree char *weight_name = g_strconcat (prefix, ".weight", NULL);
  g_autofree char *bias_name = g_strconcat (prefix, ".bias", NULL);
  int64_t shape[3] = { first, second, kernel };
  return (*weight = sr_weights_load (loader, weight_name, 3, shape)) != NULL
         && (*bias = sr_weights_load (loader, bias_name, 1, &bias_size)) != NULL;
}

static bool
residual_unit (SrWeightLoader *loader, const char *prefix, int64_t channels, ResidualUnit *unit)
{
  g_autofree char *a1 = g_strconcat (prefix, ".block.0.alpha", NULL), *c1 = g_strconcat (prefix, ".block.1", NULL);
  g_autofree char *a2 = g_strconcat (prefix, ".block.2.alpha", NULL), *c2 = g_strconcat (prefix, ".block.3", NULL);
  return (unit->alpha1 = alpha (loader, a1, channels)) != NULL
         && conv (loader, c1, channels, channels, 7, &unit->conv1_weight, &unit->conv1_bias, channels)
         && (unit->alpha2 = alpha (loader, a2, channels)) != NULL
         && conv (loader, c2, channels, channels, 1, &unit->conv2_weight, &unit->conv2_bias, channels);
}

static bool
stage (SrWeightLoader *loader, SrCodec *codec, int k, Stage *stage)
{
  int64_t latent = codec->latent, dim = codec->code_dim, size = codec->codebook_size;
  g_autofree char *in_name = g_strdup_printf ("quantizers.%d.project_in.weight", k);
  g_autofree char *in_bias = g_strdup_printf ("quantizers.%d.project_in.bias", k);
  g_autofree char *out_name = g_strdup_printf ("quantizers.%d.project_out.weight", k);
  g_autofree char *out_bias = g_strdup_printf ("quantizers.%d.project_out.bias", k);
  g_autofree char *book_name = g_strdup_printf ("quantizers.%d.codebook.weight", k);
  int64_t in_shape[3] = { dim, latent, 1 }, out_shape[3] = { latent, dim, 1 }, book_shape[2] = { size, dim };
  g_autofree float *w_in = sr_weights_read (loader, in_name, 3, in_shape);
  g_autofree float *w_out = w_in ? sr_weights_read (loader, out_name, 3, out_shape) : NULL;
  g_autofree float *b_out = w_out ? sr_weights_read (loader, out_bias, 1, &latent) : NULL;
  g_autofree float *book = b_out ? sr_weights_read (loader, book_name, 2, book_shape) : NULL;
  if (book == NULL || (stage->project_in = sr_weights_transposed (loader, w_in, 0, dim, latent, 1.0f)) == NULL
      || (stage->project_in_bias = sr_weights_load (loader, in_bias, 1, &dim)) == NULL
      || (stage->project_out = sr_weights_transposed (loader, w_out, 0, latent, dim, 1.0f)) == NULL
      || (stage->negated_out = sr_weights_transposed (loader, w_out, 0, latent, dim, -1.0f)) == NULL
      || (stage->project_out_bias = sr_weights_upload (loader, b_out, 1, &latent)) == NULL
      || (stage->codebook = sr_weights_upload (loader, book, 2, book_shape)) == NULL)
    return false;
  for (int64_t i = 0; i < latent; i++)
    b_out[i] = -b_out[i];
  /* the cosine search: each code scaled to unit length, so the largest dot product is the nearest direction */
  for (int64_t c = 0; c < size; c++)
    {
      double norm = 0;
      for (int64_t d = 0; d < dim; d++)
        norm += (double) book[c * dim + d] * book[c * dim + d];
      norm = sqrt (norm) > 1e-12 ? sqrt (norm) : 1e-12; /* F.normalize's eps */
      for (int64_t d = 0; d < dim; d++)
        book[c * dim + d] = (float) (book[c * dim + d] / norm);
    }
  return (stage->negated_out_bias = sr_weights_upload (loader, b_out, 1, &latent)) != NULL
         && (stage->normalised = sr_weights_upload (loader, book, 2, book_shape)) != NULL;
}

static bool
read_config (SrWeightLoader *loader, SrCodec *codec)
{
  JsonObject *config = sr_weight_loader_config (loader);
  JsonArray *strides = config && json_object_has_member (config, "strides")
                         ? json_object_get_array_member (config, "strides") : NULL;
  bool ok = strides != NULL && json_array_get_length (strides) >= 1 && json_array_get_length (strides) <= MAX_STRIDES;
  codec->n_strides = ok ? (int) json_array_get_length (strides) : 0;
  codec->hop = 1;
  for (int i = 0; ok && i < codec->n_strides; i++)
    {
      codec->strides[i] = (int) json_array_get_int_element (strides, (guint) i);
      ok = codec->strides[i] >= 1 && codec->strides[i] <= 64;
      codec->hop *= codec->strides[i];
    }
  if (ok)
    {
      codec->channels = (int) json_object_get_int_member_with_default (config, "channels", 0);
      codec->latent = (int) json_object_get_int_member_with_default (config, "latent_dim", 0);
      codec->codebook_size = (int) json_object_get_int_member_with_default (config, "codebook_size", 0);
      codec->code_dim = (int) json_object_get_int_member_with_default (config, "code_dim", 0);
      codec->sample_rate = (int) json_object_get_int_member_with_default (config, "sample_rate", 0);
      ok = json_object_get_int_member_with_default (config, "codebooks", 0) == DEPTH && codec->channels >= 1
           && codec->channels << codec->n_strides <= 8192 && codec->latent >= 1 && codec->latent <= 4096
           && codec->codebook_size >= 1 && codec->codebook_size <= 65536 && codec->code_dim >= 1
           && codec->code_dim <= 1024 && codec->sample_rate >= 8000 && codec->sample_rate <= 192000;
    }
  if (!ok && config != NULL)
    snprintf (loader->message, SR_MESSAGE_SIZE, "%s: sightread.config is not a codec this program can run",
              sr_safetensors_name (loader->file));
  return ok;
}

static bool
load_all (SrWeightLoader *loader, SrCodec *codec)
{
  if (!read_config (loader, codec))
    return false;
  int64_t c = codec->channels;
  if (!conv (loader, "encoder.0", c, 1, 7, &codec->encoder_in_weight, &codec->encoder_in_bias, c))
    return false;
  for (int i = 0; i < codec->n_strides; i++, c *= 2)
    {
      Block *block = &codec->encoder[i];
      for (int u = 0; u < UNITS; u++)
        {
          g_autofree char *prefix = g_strdup_printf ("encoder.%d.block.%d", i + 1, u);
          if (!residual_unit (loader, prefix, c, &block->units[u]))
            return false;
        }
      g_autofree char *a = g_strdup_printf ("encoder.%d.block.3.alpha", i + 1);
      g_autofree char *down = g_strdup_printf ("encoder.%d.block.4", i + 1);
      if ((block->alpha = alpha (loader, a, c)) == NULL
          || !conv (loader, down, 2 * c, c, 2 * codec->strides[i], &block->conv_weight, &block->conv_bias, 2 * c))
        return false;
    }
  g_autofree char *a_out = g_strdup_printf ("encoder.%d.alpha", codec->n_strides + 1);
  g_autofree char *c_out = g_strdup_printf ("encoder.%d", codec->n_strides + 2);
  if ((codec->encoder_alpha = alpha (loader, a_out, c)) == NULL
      || !conv (loader, c_out, codec->latent, c, 3, &codec->encoder_out_weight, &codec->encoder_out_bias,
                codec->latent))
    return false;
  for (int k = 0; k < DEPTH; k++)
    if (!stage (loader, codec, k, &codec->stages[k]))
      return false;
  if (!conv (loader, "decoder.0", c, codec->latent, 7, &codec->decoder_in_weight, &codec->decoder_in_bias, c))
    return false;
  for (int i = 0; i < codec->n_strides; i++, c /= 2)
    {
      Block *block = &codec->decoder[i];
      g_autofree char *a = g_strdup_printf ("decoder.%d.block.0.alpha", i + 1);
      g_autofree char *up = g_strdup_printf ("decoder.%d.block.1", i + 1);
      int stride = codec->strides[codec->n_strides - 1 - i];
      if ((block->alpha = alpha (loader, a, c)) == NULL
          || !conv (loader, up, c, c / 2, 2 * stride, &block->conv_weight, &block->conv_bias, c / 2))
        return false;
      for (int u = 0; u < UNITS; u++)
        {
          g_autofree char *prefix = g_strdup_printf ("decoder.%d.block.%d", i + 1, u + 2);
          if (!residual_unit (loader, prefix, c / 2, &block->units[u]))
            return false;
        }
    }
  g_autofree char *da = g_strdup_printf ("decoder.%d.alpha", codec->n_strides + 1);
  g_autofree char *dc = g_strdup_printf ("decoder.%d", codec->n_strides + 2);
  if ((codec->decoder_alpha = alpha (loader, da, c)) == NULL
      || !conv (loader, dc, 1, c, 7, &codec->decoder_out_weight, &codec->decoder_out_bias, 1))
    return false;
  return (codec->identity = sr_weights_identity (loader, codec->latent)) != NULL;
}

SrCodec *
sr_codec_load (SrBackend *backend, const char *path, char message[SR_MESSAGE_SIZE])
{
  SrWeightLoader loader;
  SrCodec *codec = g_new0 (SrCodec, 1);
  codec->backend = backend;
  bool loaded = sr_weight_loader_open (&loader, backend, path, "dac", CODEC_FORMAT, message)
                && load_all (&loader, codec);
  codec->owned = sr_weight_loader_close (&loader);
  if (!loaded)
    {
      sr_codec_free (codec);
      return NULL;
    }
  return codec;
}

void
sr_codec_free (SrCodec *codec)
{
  if (codec == NULL)
    return;
  if (codec->owned != NULL)
    g_ptr_array_unref (codec->owned);
  g_free (codec);
}

int
sr_codec_hop (const SrCodec *codec)
{
  return codec->hop;
}

int
sr_codec_codebook_size (const SrCodec *codec)
{
  return codec->codebook_size;
}

int
sr_codec_sample_rate (const SrCodec *codec)
{
  return codec->sample_rate;
}

int
sr_codec_decode_margin (const SrCodec *codec)
{
  /* The decoder's receptive field each side, in samples: the first convolution (3 steps), then per upsampling block
   * the transposed convolution (2 of its output units) and three residual units of kernel 7 at dilations 1, 3, 9
   * (39 units), a unit being hop / (the strides so far) samples; then the last convolution (3 samples). Two steps
   * more for safety; tests/codec-parity.c checks a chunked decode against a whole one. */
  double samples = 3.0 * codec->hop, unit = codec->hop;
  for (int i = 0; i < codec->n_strides; i++)
    {
      unit /= codec->strides[codec->n_strides - 1 - i];
      samples += (2.0 + 39.0) * unit;
    }
  samples += 3;
  return (int) ceil (samples / codec->hop) + 2;
}

/* ---- running ---- */

typedef struct {
  SrCodec *codec;
  SrBackend *backend;
  GPtrArray *made;
} Pass;

static SrTensor *
make (Pass *pass, int dims, int64_t a, int64_t b, int64_t c)
{
  int64_t shape[3] = { a, b, c };
  SrTensor *tensor = sr_tensor_new (pass->backend, SR_DTYPE_F32, dims, shape);
  if (tensor != NULL)
    g_ptr_array_add (pass->made, tensor);
  return tensor;
}

static bool
run_conv (Pass *pass, const SrTensor *x, const SrTensor *weight, const SrTensor *bias, int stride, int padding,
          int dilation, int output_padding, bool transposed, SrTensor *y)
{
  SrConv c = { .x = x, .weight = weight, .bias = bias, .y = y, .transposed = transposed, .stride = { stride, 0 },
               .padding = { padding, 0 }, .dilation = { dilation, 0 }, .output_padding = { output_padding, 0 } };
  return sr_conv (pass->backend, &c);
}

/* x += conv1x1(Snake(conv7(Snake(x)))) */
static bool
residual (Pass *pass, const ResidualUnit *unit, int dilation, SrTensor *x)
{
  int64_t channels = x->shape[1], steps = x->shape[2];
  SrTensor *t = make (pass, 3, 1, channels, steps), *u = make (pass, 3, 1, channels, steps);
  return t && u && sr_snake (pass->backend, x, unit->alpha1, t)
         && run_conv (pass, t, unit->conv1_weight, unit->conv1_bias, 1, 3 * dilation, dilation, 0, false, u)
         && sr_snake (pass->backend, u, unit->alpha2, t)
         && run_conv (pass, t, unit->conv2_weight, unit->conv2_bias, 1, 0, 1, 0, false, u)
         && sr_binary (pass->backend, SR_BINARY_ADD, x, u, x);
}

/* PCM [1, 1, N] → the latent as rows [T, latent]. */
static SrTensor *
encode_rows (Pass *pass, SrTensor *x)
{
  SrCodec *codec = pass->codec;
  int64_t c = codec->channels, n = x->shape[2];
  SrTensor *h = make (pass, 3, 1, c, n);
  if (h == NULL || !run_conv (pass, x, codec->encoder_in_weight, codec->encoder_in_bias, 1, 3, 1, 0, false, h))
    return NULL;
  for (int i = 0; i < codec->n_strides; i++, c *= 2)
    {
      const Block *block = &codec->encoder[i];
      for (int u = 0; u < UNITS; u++)
        if (!residual (pass, &block->units[u], dilations[u], h))
          return NULL;
      int stride = codec->strides[i];
      SrTensor *t = make (pass, 3, 1, c, n), *down = make (pass, 3, 1, 2 * c, n / stride);
      if (t == NULL || down == NULL || !sr_snake (pass->backend, h, block->alpha, t)
          || !run_conv (pass, t, block->conv_weight, block->conv_bias, stride, (stride + 1) / 2, 1, 0, false, down))
        return NULL;
      h = down;
      n /= stride;
    }
  SrTensor *t = make (pass, 3, 1, c, n), *z = make (pass, 3, 1, codec->latent, n);
  SrTensor *rows = make (pass, 2, n, codec->latent, 0);
  int64_t flat[2] = { codec->latent, n };
  SrGemm transpose = { .a = z, .b = codec->identity, .c = rows, .transpose_a = true };
  bool ok = t && z && rows && sr_snake (pass->backend, h, codec->encoder_alpha, t)
            && run_conv (pass, t, codec->encoder_out_weight, codec->encoder_out_bias, 1, 1, 1, 0, false, z)
            && sr_tensor_reshape (z, 2, flat) && sr_gemm (pass->backend, &transpose);
  return ok ? rows : NULL;
}

static double
rms_dbfs (const float *pcm, size_t samples)
{
  double sum = 0;
  for (size_t i = 0; i < samples; i++)
    sum += (double) pcm[i] * pcm[i];
  double rms = samples ? sqrt (sum / (double) samples) : 0;
  return rms > 0 ? 20 * log10 (rms) : -INFINITY;
}

void
sr_codec_level (const float *pcm, size_t samples, float *out)
{
  double db = rms_dbfs (pcm, samples);
  double gain = db > SILENCE_DBFS ? pow (10.0, (INPUT_RMS_DBFS - db) / 20.0) : 1.0;
  for (size_t i = 0; i < samples; i++)
    out[i] = db > SILENCE_DBFS ? (float) fmax (-1.0, fmin (1.0, pcm[i] * gain)) : pcm[i];
}

/* One pass of the encoder and quantiser over PCM (SAMPLES values, silence after them up to STEPS whole steps) →
 * CODES (STEPS × 4). */
static bool
encode_pass (SrCodec *codec, const float *pcm, size_t samples, int64_t n, int32_t *codes,
             char message[SR_MESSAGE_SIZE])
{
  size_t padded = (size_t) n * (size_t) codec->hop;
  float *level = calloc (padded, sizeof *level); /* silence after the end */
  if (level == NULL)
    {
      snprintf (message, SR_MESSAGE_SIZE, "out of memory for %zu samples", samples);
      return false;
    }
  memcpy (level, pcm, samples * sizeof *level);
  Pass pass = { codec, codec->backend, g_ptr_array_new_with_free_func ((GDestroyNotify) sr_tensor_free) };
  SrTensor *x = make (&pass, 3, 1, 1, (int64_t) padded);
  bool ok = x != NULL && sr_tensor_write (x, level);
  free (level);
  SrTensor *residual_rows = ok ? encode_rows (&pass, x) : NULL;
  SrTensor *e = make (&pass, 2, n, codec->code_dim, 0), *looked = make (&pass, 2, n, codec->code_dim, 0);
  SrTensor *ids[DEPTH];
  int64_t ids_shape[2] = { n, 1 };
  ok = residual_rows && e && looked;
  for (int k = 0; ok && k < DEPTH; k++)
    {
      const Stage *s = &codec->stages[k];
      ids[k] = sr_tensor_new (codec->backend, SR_DTYPE_I32, 2, ids_shape);
      ok = ids[k] != NULL;
      if (ok)
        g_ptr_array_add (pass.made, ids[k]);
      SrGemm project = { .a = residual_rows, .b = s->project_in, .bias = s->project_in_bias, .c = e };
      SrGemm take_off = { .a = looked, .b = s->negated_out, .bias = s->negated_out_bias, .c = residual_rows,
                          .accumulate = true };
      ok = ok && sr_gemm (codec->backend, &project)
           && sr_nearest_code (codec->backend, e, s->normalised, SR_CODE_LARGEST_DOT, ids[k])
           && (k + 1 == DEPTH || (sr_embed_sum (codec->backend, s->codebook, ids[k], looked)
                                  && sr_gemm (codec->backend, &take_off)));
    }
  int32_t *by_stage = ok ? malloc ((size_t) (DEPTH * n) * sizeof *by_stage) : NULL;
  for (int k = 0; ok && k < DEPTH; k++)
    ok = by_stage != NULL && sr_tensor_read (ids[k], by_stage + k * n);
  if (!ok)
    snprintf (message, SR_MESSAGE_SIZE, "the audio tokenizer failed: %s", sr_backend_error (codec->backend));
  for (int64_t t = 0; ok && t < n; t++)
    for (int k = 0; k < DEPTH; k++)
      codes[t * DEPTH + k] = by_stage[k * n + t];
  free (by_stage);
  g_ptr_array_unref (pass.made);
  return ok;
}

int
sr_codec_encode_margin (const SrCodec *codec)
{
  /* The encoder's receptive field each side, in samples: the first convolution (3), then per downsampling block three
   * residual units of kernel 7 at dilations 1, 3, 9 (39 units) and the strided convolution (kernel 2 × stride, at
   * most 2 × stride units past its centre), a unit being the strides so far in samples; then the last convolution
   * (one step). Two steps more for safety; tests/codec-parity.c checks a chunked encode against a whole one. */
  double samples = 3.0 + codec->hop, unit = 1;
  for (int i = 0; i < codec->n_strides; i++)
    {
      samples += (39.0 + 2.0 * codec->strides[i]) * unit;
      unit *= codec->strides[i];
    }
  return (int) ceil (samples / codec->hop) + 2;
}

static size_t
steps_of (const SrCodec *codec, size_t samples)
{
  return (samples + (size_t) codec->hop - 1) / (size_t) codec->hop;
}

bool
sr_codec_encode_range (SrCodec *codec, const float *pcm, size_t samples, int first, int count, int32_t *codes,
                       char message[SR_MESSAGE_SIZE])
{
  size_t total = steps_of (codec, samples);
  if (samples == 0 || total > MAX_STEPS || first < 0 || count < 1 || (size_t) first + (size_t) count > total)
    {
      snprintf (message, SR_MESSAGE_SIZE, "steps %d … %d of %zu samples are outside what the audio tokenizer takes",
                first, first + count, samples);
      return false;
    }
  int margin = sr_codec_encode_margin (codec);
  int start = first - margin > 0 ? first - margin : 0;
  int end = (size_t) (first + count + margin) < total ? first + count + margin : (int) total;
  size_t from = (size_t) start * (size_t) codec->hop;
  size_t upto = MIN (samples, (size_t) end * (size_t) codec->hop);
  int32_t *all = malloc ((size_t) (end - start) * DEPTH * sizeof *all);
  if (all == NULL)
    {
      snprintf (message, SR_MESSAGE_SIZE, "out of memory encoding %d steps", end - start);
      return false;
    }
  bool ok = encode_pass (codec, pcm + from, upto - from, end - start, all, message);
  if (ok)
    memcpy (codes, all + (size_t) (first - start) * DEPTH, (size_t) count * DEPTH * sizeof *codes);
  free (all);
  return ok;
}

bool
sr_codec_encode (SrCodec *codec, const float *pcm, size_t samples, int32_t **codes, int *steps,
                 char message[SR_MESSAGE_SIZE])
{
  *codes = NULL;
  *steps = 0;
  size_t total = steps_of (codec, samples);
  if (samples == 0 || total > MAX_STEPS)
    {
      snprintf (message, SR_MESSAGE_SIZE, "%zu samples are outside what the audio tokenizer takes", samples);
      return false;
    }
  int32_t *all = malloc (total * DEPTH * sizeof *all);
  if (all == NULL)
    {
      snprintf (message, SR_MESSAGE_SIZE, "out of memory for %zu samples", samples);
      return false;
    }
  /* In chunks, each with the context its receptive field needs: the memory of a pass grows with its length (about
   * 60 MB a second of sound), the codes are the same as one pass's. */
  bool ok = true;
  for (size_t first = 0; ok && first < total; first += ENCODE_CHUNK_STEPS)
    ok = sr_codec_encode_range (codec, pcm, samples, (int) first, (int) MIN (ENCODE_CHUNK_STEPS, total - first),
                                all + first * DEPTH, message);
  if (!ok)
    {
      free (all);
      return false;
    }
  *codes = all;
  *steps = (int) total;
  return true;
}

bool
sr_codec_decode (SrCodec *codec, const int32_t *codes, int steps, float *pcm, char message[SR_MESSAGE_SIZE])
{
  if (steps < 1 || steps > MAX_STEPS)
    {
      snprintf (message, SR_MESSAGE_SIZE, "%d steps are outside what the audio tokenizer decodes", steps);
      return false;
    }
  for (int i = 0; i < steps * DEPTH; i++)
    if (codes[i] < 0 || codes[i] >= codec->codebook_size)
      {
        snprintf (message, SR_MESSAGE_SIZE, "code %d is outside the codebooks (0 … %d)", codes[i],
                  codec->codebook_size - 1);
        return false;
      }
  Pass pass = { codec, codec->backend, g_ptr_array_new_with_free_func ((GDestroyNotify) sr_tensor_free) };
  int64_t n = steps, ids_shape[2] = { n, 1 };
  SrTensor *rows = make (&pass, 2, n, codec->latent, 0), *looked = make (&pass, 2, n, codec->code_dim, 0);
  int32_t *column = malloc ((size_t) n * sizeof *column);
  bool ok = rows && looked && column;
  for (int k = 0; ok && k < DEPTH; k++)
    {
      for (int64_t t = 0; t < n; t++)
        column[t] = codes[t * DEPTH + k];
      SrTensor *ids = sr_tensor_new (codec->backend, SR_DTYPE_I32, 2, ids_shape);
      ok = ids != NULL;
      if (ok)
        g_ptr_array_add (pass.made, ids);
      const Stage *s = &codec->stages[k];
      SrGemm out = { .a = looked, .b = s->project_out, .bias = s->project_out_bias, .c = rows, .accumulate = k > 0 };
      ok = ok && sr_tensor_write (ids, column) && sr_embed_sum (codec->backend, s->codebook, ids, looked)
           && sr_gemm (codec->backend, &out);
    }
  free (column);
  /* rows [T, latent] → [latent, T]: I · rowsᵀ */
  int64_t c = codec->channels << codec->n_strides;
  SrTensor *z = make (&pass, 2, codec->latent, n, 0), *h = make (&pass, 3, 1, c, n);
  SrGemm transpose = { .a = codec->identity, .b = rows, .c = z, .transpose_b = true };
  int64_t z_shape[3] = { 1, codec->latent, n };
  ok = ok && z && h && sr_gemm (codec->backend, &transpose) && sr_tensor_reshape (z, 3, z_shape)
       && run_conv (&pass, z, codec->decoder_in_weight, codec->decoder_in_bias, 1, 3, 1, 0, false, h);
  for (int i = 0; ok && i < codec->n_strides; i++, c /= 2)
    {
      const Block *block = &codec->decoder[i];
      int stride = codec->strides[codec->n_strides - 1 - i];
      SrTensor *t = make (&pass, 3, 1, c, n), *up = make (&pass, 3, 1, c / 2, n * stride);
      ok = t && up && sr_snake (codec->backend, h, block->alpha, t)
           && run_conv (&pass, t, block->conv_weight, block->conv_bias, stride, (stride + 1) / 2, 1, stride % 2, true,
                        up);
      h = up;
      n *= stride;
      for (int u = 0; ok && u < UNITS; u++)
        ok = residual (&pass, &block->units[u], dilations[u], h);
    }
  SrTensor *t = make (&pass, 3, 1, c, n), *y = make (&pass, 3, 1, 1, n);
  ok = ok && t && y && sr_snake (codec->backend, h, codec->decoder_alpha, t)
       && run_conv (&pass, t, codec->decoder_out_weight, codec->decoder_out_bias, 1, 3, 1, 0, false, y)
       && sr_activation (codec->backend, SR_ACTIVATION_TANH, y, y) && sr_tensor_read (y, pcm);
  if (!ok)
    snprintf (message, SR_MESSAGE_SIZE, "the audio decoder failed: %s", sr_backend_error (codec->backend));
  g_ptr_array_unref (pass.made);
  return ok;
}

bool
sr_codec_decode_range (SrCodec *codec, const int32_t *codes, int total, int first, int count, float *pcm,
                       char message[SR_MESSAGE_SIZE])
{
  if (first < 0 || count < 1 || first + count > total)
    {
      snprintf (message, SR_MESSAGE_SIZE, "steps %d … %d are not within the %d given", first, first + count, total);
      return false;
    }
  int margin = sr_codec_decode_margin (codec);
  int start = first - margin > 0 ? first - margin : 0;
  int end = first + count + margin < total ? first + count + margin : total;
  size_t hop = (size_t) codec->hop;
  float *all = malloc ((size_t) (end - start) * hop * sizeof *all);
  if (all == NULL)
    {
      snprintf (message, SR_MESSAGE_SIZE, "out of memory decoding %d steps", end - start);
      return false;
    }
  bool ok = sr_codec_decode (codec, codes + (size_t) start * DEPTH, end - start, all, message);
  if (ok)
    memcpy (pcm, all + (size_t) (first - start) * hop, (size_t) count * hop * sizeof *pcm);
  free (all);
  return ok;
}
