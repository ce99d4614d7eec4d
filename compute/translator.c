/* The translator's forward pass; see translator.h. Activations are [1, T, d] tensors on the model's backend; the
 * host sees only the token ids going in and the logits (and the attention map) coming out of each step. */
#include "translator-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAYER_NORM_EPS 1e-5f

struct SrTranslatorState {
  SrTranslator *model;
  SrBackend *backend;
  int max_source, max_steps;
  int source_steps, steps_done;
  SrModality source, target;
  char error[SR_MESSAGE_SIZE];

  SrTensor *memory;                 /* [1, S, d] */
  SrTensor **cross_key, **cross_value; /* per decoder layer, [1, S, d] */
  SrTensor **self_key, **self_value;   /* per decoder layer, [1, max_steps, d] */
  /* encoder scratch, [1, S, …] */
  SrTensor *x, *h, *q, *k, *v, *a, *f, *ids, *position_ids, *position_sum;
  /* decoder-step scratch, [1, 1, …] */
  SrTensor *step_ids, *step_position_ids, *sx, *sh, *sq, *sk, *sv, *sa, *sf, *state_out;
  /* the parts of the output layer a step uses: specials and blocks, for one row and for the sub-decoder's four */
  SrTensor *special_logits, *lmx_logits, *midi_logits, *sub_special_logits, *sub_block_logits;
  /* sub-decoder scratch, [1, 4, …] */
  SrTensor *sub_ids, *sub_slot_ids, *sub_x, *sub_h, *sub_q, *sub_k, *sub_v, *sub_a, *sub_f;
  SrTensor *attention_map;          /* [1, S] */
  int watched_layer;
  bool attention_valid;
  float *host_logits, *host_attention, *host_part; /* host_part: a part's logits as read, before they are placed */
  float *host_first_slot;                          /* the last step's first-slot logits, for the caller */
};

static void free_source_tensors (SrTranslatorState *state);

/* ---- loading ---- */

SrTranslator *
sr_translator_load (SrBackend *backend, const char *path, char message[SR_MESSAGE_SIZE])
{
  SrTranslator *model = calloc (1, sizeof *model);
  if (model == NULL)
    return NULL;
  model->backend = backend;
  if (!sr_translator_weights_load (model, path, message))
    {
      sr_translator_free (model);
      return NULL;
    }
  return model;
}

void
sr_translator_free (SrTranslator *model)
{
  if (model == NULL)
    return;
  sr_translator_weights_free (model);
  free (model);
}

const SrTranslatorConfig *
sr_translator_config (const SrTranslator *model)
{
  return &model->config;
}

/* ---- run states ---- */

static SrTensor *
activation (SrTranslatorState *state, SrDType dtype, int64_t rows, int64_t columns)
{
  int64_t shape[3] = { 1, rows, columns };
  return sr_tensor_new (state->backend, dtype, 3, shape);
}

static void
free_tensors (SrTensor **tensors, int count)
{
  for (int i = 0; tensors != NULL && i < count; i++)
    sr_tensor_free (tensors[i]);
  free (tensors);
}

void
sr_translator_state_free (SrTranslatorState *state)
{
  if (state == NULL)
    return;
  int layers = state->model->config.decoder_layers;
  if (state->cross_key != NULL && state->cross_value != NULL)
    free_source_tensors (state);
  free (state->cross_key);
  free (state->cross_value);
  free_tensors (state->self_key, layers);
  free_tensors (state->self_value, layers);
  SrTensor *owned[] = { state->step_ids,
                        state->step_position_ids, state->sx, state->sh, state->sq, state->sk, state->sv, state->sa,
                        state->sf, state->state_out, state->special_logits, state->lmx_logits, state->midi_logits,
                        state->sub_special_logits, state->sub_block_logits, state->sub_ids, state->sub_slot_ids,
                        state->sub_x, state->sub_h,
                        state->sub_q, state->sub_k, state->sub_v, state->sub_a, state->sub_f };
  for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
    sr_tensor_free (owned[i]);
  free (state->host_logits);
  free (state->host_part);
  free (state->host_first_slot);
  free (state);
}

SrTranslatorState *
sr_translator_state_new (SrTranslator *model, int max_source, int max_steps, char message[SR_MESSAGE_SIZE])
{
  const SrTranslatorConfig *c = &model->config;
  if (max_source < 1 || max_steps < 1 || max_steps > c->max_positions)
    {
      snprintf (message, SR_MESSAGE_SIZE, "a run state takes 1 to %d output steps and at least one source step",
                c->max_positions);
      return NULL;
    }
  SrTranslatorState *state = calloc (1, sizeof *state);
  if (state == NULL)
    return NULL;
  state->model = model;
  state->backend = model->backend;
  state->max_source = max_source;
  state->max_steps = max_steps;
  state->watched_layer = -1;
  int64_t d = c->d_model, layers = c->decoder_layers;
  state->cross_key = calloc ((size_t) layers, sizeof (SrTensor *));
  state->cross_value = calloc ((size_t) layers, sizeof (SrTensor *));
  state->self_key = calloc ((size_t) layers, sizeof (SrTensor *));
  state->self_value = calloc ((size_t) layers, sizeof (SrTensor *));
  bool ok = state->cross_key && state->cross_value && state->self_key && state->self_value;
  for (int64_t l = 0; ok && l < layers; l++)
    ok = (state->self_key[l] = activation (state, SR_DTYPE_F32, max_steps, d))
         && (state->self_value[l] = activation (state, SR_DTYPE_F32, max_steps, d));
  int64_t step_ids_shape[2] = { 1, SR_VOCAB_CODEBOOKS }, step_position_shape[2] = { 1, 2 };
  int64_t sub_ids_shape[2] = { SR_VOCAB_CODEBOOKS, 1 };
  ok = ok && (state->step_ids = sr_tensor_new (state->backend, SR_DTYPE_I32, 2, step_ids_shape))
       && (state->step_position_ids = sr_tensor_new (state->backend, SR_DTYPE_I32, 2, step_position_shape))
       && (state->sx = activation (state, SR_DTYPE_F32, 1, d)) && (state->sh = activation (state, SR_DTYPE_F32, 1, d))
       && (state->sq = activation (state, SR_DTYPE_F32, 1, d)) && (state->sk = activation (state, SR_DTYPE_F32, 1, d))
       && (state->sv = activation (state, SR_DTYPE_F32, 1, d)) && (state->sa = activation (state, SR_DTYPE_F32, 1, d))
       && (state->sf = activation (state, SR_DTYPE_F32, 1, c->ffn))
       && (state->state_out = activation (state, SR_DTYPE_F32, 1, d))
       && (state->special_logits = activation (state, SR_DTYPE_F32, 1, SR_VOCAB_LMX_START))
       && (state->lmx_logits = activation (state, SR_DTYPE_F32, 1, SR_VOCAB_LMX_SIZE))
       && (state->midi_logits = activation (state, SR_DTYPE_F32, 1, SR_VOCAB_MIDI_SIZE))
       && (state->sub_special_logits = activation (state, SR_DTYPE_F32, SR_VOCAB_CODEBOOKS, SR_VOCAB_LMX_START))
       && (state->sub_block_logits = activation (state, SR_DTYPE_F32, SR_VOCAB_CODEBOOKS, SR_VOCAB_CODEBOOK_SIZE))
       && (state->sub_ids = sr_tensor_new (state->backend, SR_DTYPE_I32, 2, sub_ids_shape))
       && (state->sub_slot_ids = sr_tensor_new (state->backend, SR_DTYPE_I32, 2, sub_ids_shape))
       && (state->sub_x = activation (state, SR_DTYPE_F32, SR_VOCAB_CODEBOOKS, d))
       && (state->sub_h = activation (state, SR_DTYPE_F32, SR_VOCAB_CODEBOOKS, d))
       && (state->sub_q = activation (state, SR_DTYPE_F32, SR_VOCAB_CODEBOOKS, d))
       && (state->sub_k = activation (state, SR_DTYPE_F32, SR_VOCAB_CODEBOOKS, d))
       && (state->sub_v = activation (state, SR_DTYPE_F32, SR_VOCAB_CODEBOOKS, d))
       && (state->sub_a = activation (state, SR_DTYPE_F32, SR_VOCAB_CODEBOOKS, d))
       && (state->sub_f = activation (state, SR_DTYPE_F32, SR_VOCAB_CODEBOOKS, c->ffn))
       && (state->host_logits = malloc ((size_t) c->vocabulary * sizeof (float)))
       && (state->host_first_slot = malloc ((size_t) c->vocabulary * sizeof (float)))
       && (state->host_part = malloc ((size_t) (SR_VOCAB_CODEBOOKS * SR_VOCAB_MIDI_SIZE) /* the largest part */
                                      * sizeof (float)));
  int32_t slots[SR_VOCAB_CODEBOOKS] = { 0, 1, 2, 3 };
  ok = ok && sr_tensor_write (state->sub_slot_ids, slots);
  if (!ok)
    {
      snprintf (message, SR_MESSAGE_SIZE, "cannot make a run state: %s", sr_backend_error (state->backend));
      sr_translator_state_free (state);
      return NULL;
    }
  return state;
}

const char *
sr_translator_state_error (const SrTranslatorState *state)
{
  return state->error;
}

static bool
failed (SrTranslatorState *state)
{
  snprintf (state->error, sizeof state->error, "%s", sr_backend_error (state->backend));
  return false;
}

/* ---- the building blocks ---- */

/* OUT (=, or += with ACCUMULATE) = act(IN · W + b). */
static bool
linear (SrTranslatorState *state, const SrLinear *weights, const SrTensor *in, SrTensor *out, SrActivation act,
        bool accumulate)
{
  SrGemm gemm = { .a = in, .b = weights->weight, .bias = weights->bias, .c = out, .activation = act,
                  .accumulate = accumulate };
  return sr_gemm (state->backend, &gemm);
}

/* X += attention(LN(X) as queries; KEYS, VALUES) · W_out, the self- or cross-attention sub-layer after its keys
 * and values are made. */
typedef struct {
  SrTensor *x, *h, *q, *a;
} Rows;

static bool
attention_block (SrTranslatorState *state, const SrAttentionWeights *weights, const Rows *rows, SrTensor *keys,
                 SrTensor *values, int key_count, int heads, bool causal, SrTensor *probabilities)
{
  SrAttention attention = { .q = rows->q, .k = keys, .v = values, .out = rows->a, .heads = heads,
                            .key_count = key_count, .causal = causal, .probabilities = probabilities };
  return linear (state, &weights->query, rows->h, rows->q, SR_ACTIVATION_NONE, false)
         && sr_attention (state->backend, &attention)
         && linear (state, &weights->out, rows->a, rows->x, SR_ACTIVATION_NONE, true);
}

static bool
norm (SrTranslatorState *state, const SrLayerWeights *layer, int which, const SrTensor *x, SrTensor *h)
{
  return sr_layer_norm (state->backend, x, layer->norm_weight[which], layer->norm_bias[which], LAYER_NORM_EPS, h);
}

/* X += FFN(LN(X)) with the given norm. */
static bool
feed_forward (SrTranslatorState *state, const SrLayerWeights *layer, int which, const Rows *rows, SrTensor *f)
{
  return norm (state, layer, which, rows->x, rows->h)
         && linear (state, &layer->ffn_in, rows->h, f, SR_ACTIVATION_GELU, false)
         && linear (state, &layer->ffn_out, f, rows->x, SR_ACTIVATION_NONE, true);
}

/* A pre-LayerNorm encoder layer over all rows of ROWS->x (the encoder, and the sub-decoder with CAUSAL). */
static bool
encoder_layer (SrTranslatorState *state, const SrLayerWeights *layer, const Rows *rows, SrTensor *k, SrTensor *v,
               SrTensor *f, int count, int heads, bool causal)
{
  return norm (state, layer, 0, rows->x, rows->h)
         && linear (state, &layer->self.key, rows->h, k, SR_ACTIVATION_NONE, false)
         && linear (state, &layer->self.value, rows->h, v, SR_ACTIVATION_NONE, false)
         && attention_block (state, &layer->self, rows, k, v, count, heads, causal, NULL)
         && feed_forward (state, layer, 1, rows, f);
}

/* X += the position embeddings of MODALITY at the given ids. */
static bool
add_positions (SrTranslatorState *state, const SrPositionWeights *positions, SrModality modality, SrTensor *ids,
               SrTensor *sum, SrTensor *x)
{
  const SrTensor *table = modality == SR_MODALITY_IMAGE ? positions->grid : positions->linear[modality];
  return sr_embed_sum (state->backend, table, ids, sum) && sr_binary (state->backend, SR_BINARY_ADD, x, sum, x);
}

/* Position ids for the gather: (column, columns + row) for images, the index for the others. */
static bool
write_position_ids (SrTranslatorState *state, SrTensor *ids, SrModality modality, const int32_t *positions,
                    int steps, int limit_rows)
{
  const SrTranslatorConfig *c = &state->model->config;
  int32_t *values = malloc ((size_t) (2 * limit_rows) * sizeof *values);
  if (values == NULL)
    return false;
  for (int i = 0; i < limit_rows; i++)
    {
      int32_t first = 0, second = 0;
      if (i < steps && modality == SR_MODALITY_IMAGE)
        {
          first = positions[2 * i] < 0 || positions[2 * i] >= c->image_columns ? -1 : positions[2 * i];
          second = positions[2 * i + 1] < 0 || positions[2 * i + 1] >= c->image_rows
                     ? -1 : c->image_columns + positions[2 * i + 1];
        }
      else if (i < steps)
        {
          first = positions[i] < 0 || positions[i] >= c->max_positions ? -1 : positions[i];
          second = -1; /* a second id outside the table adds nothing */
        }
      values[2 * i] = first;
      values[2 * i + 1] = second;
    }
  bool ok = sr_tensor_write (ids, values);
  free (values);
  return ok;
}

/* ---- the encoder ---- */

static void
free_source_tensors (SrTranslatorState *state)
{
  SrTensor **owned[] = { &state->memory, &state->x, &state->h, &state->q, &state->k, &state->v, &state->a, &state->f,
                         &state->ids, &state->position_ids, &state->position_sum, &state->attention_map };
  for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
    {
      sr_tensor_free (*owned[i]);
      *owned[i] = NULL;
    }
  for (int l = 0; l < state->model->config.decoder_layers; l++)
    {
      sr_tensor_free (state->cross_key[l]);
      sr_tensor_free (state->cross_value[l]);
      state->cross_key[l] = state->cross_value[l] = NULL;
    }
  free (state->host_attention);
  state->host_attention = NULL;
}

/* The encoder's tensors, sized to this source: no work is spent on rows that are not there. */
static bool
make_source_tensors (SrTranslatorState *state, int steps)
{
  const SrTranslatorConfig *c = &state->model->config;
  free_source_tensors (state);
  int64_t d = c->d_model, s = steps;
  int64_t ids_shape[2] = { s, SR_VOCAB_CODEBOOKS }, position_shape[2] = { s, 2 }, map_shape[2] = { 1, s };
  bool ok = (state->memory = activation (state, SR_DTYPE_F32, s, d)) && (state->x = activation (state, SR_DTYPE_F32, s, d))
            && (state->h = activation (state, SR_DTYPE_F32, s, d)) && (state->q = activation (state, SR_DTYPE_F32, s, d))
            && (state->k = activation (state, SR_DTYPE_F32, s, d)) && (state->v = activation (state, SR_DTYPE_F32, s, d))
            && (state->a = activation (state, SR_DTYPE_F32, s, d))
            && (state->f = activation (state, SR_DTYPE_F32, s, c->ffn))
            && (state->ids = sr_tensor_new (state->backend, SR_DTYPE_I32, 2, ids_shape))
            && (state->position_ids = sr_tensor_new (state->backend, SR_DTYPE_I32, 2, position_shape))
            && (state->position_sum = activation (state, SR_DTYPE_F32, s, d))
            && (state->attention_map = sr_tensor_new (state->backend, SR_DTYPE_F32, 2, map_shape))
            && (state->host_attention = malloc ((size_t) s * sizeof (float)));
  for (int l = 0; ok && l < c->decoder_layers; l++)
    ok = (state->cross_key[l] = activation (state, SR_DTYPE_F32, s, d))
         && (state->cross_value[l] = activation (state, SR_DTYPE_F32, s, d));
  return ok;
}

bool
sr_translator_encode (SrTranslatorState *state, SrModality source, SrModality target, const int32_t *tokens,
                      const int32_t *positions, int steps)
{
  SrTranslator *model = state->model;
  const SrTranslatorConfig *c = &model->config;
  if (steps < 1 || steps > state->max_source || source >= SR_N_MODALITIES || target >= SR_N_MODALITIES)
    {
      snprintf (state->error, sizeof state->error, "a source of %d steps (this run state takes 1 to %d)", steps,
                state->max_source);
      return false;
    }
  for (int i = 0; i < steps * SR_VOCAB_CODEBOOKS; i++)
    if (tokens[i] < 0 || tokens[i] >= c->vocabulary)
      {
        snprintf (state->error, sizeof state->error, "source token %d is outside the vocabulary", tokens[i]);
        return false;
      }
  state->source = source;
  state->target = target;
  state->source_steps = steps;
  state->steps_done = 0;
  state->attention_valid = false;
  bool ok = make_source_tensors (state, steps) && sr_tensor_write (state->ids, tokens);
  Rows rows = { state->x, state->h, state->q, state->a };
  ok = ok && write_position_ids (state, state->position_ids, source, positions, steps, steps)
       && sr_embed_sum (state->backend, model->embed, state->ids, state->x)
       && add_positions (state, &model->source_positions, source, state->position_ids, state->position_sum,
                         state->x)
       && sr_binary (state->backend, SR_BINARY_ADD, state->x, model->target_modality[target], state->x);
  for (int l = 0; ok && l < c->encoder_layers; l++)
    ok = encoder_layer (state, &model->encoder[l], &rows, state->k, state->v, state->f, steps, c->heads, false);
  ok = ok && sr_layer_norm (state->backend, state->x, model->encoder_norm[0], model->encoder_norm[1],
                            LAYER_NORM_EPS, state->memory);
  for (int l = 0; ok && l < c->decoder_layers; l++)
    ok = linear (state, &model->decoder[l].cross.key, state->memory, state->cross_key[l], SR_ACTIVATION_NONE, false)
         && linear (state, &model->decoder[l].cross.value, state->memory, state->cross_value[l], SR_ACTIVATION_NONE,
                    false);
  return ok || failed (state);
}

/* ---- the decoder step ---- */

/* The allowed range of slot K's tokens for TARGET, and the extra tokens slot 0 may hold. */
static void
mask_logits (SrModality target, int slot, float *logits, int vocabulary)
{
  int start, end;
  switch (target)
    {
    case SR_MODALITY_LMX:
      start = SR_VOCAB_LMX_START, end = SR_VOCAB_LMX_START + SR_VOCAB_LMX_SIZE;
      break;
    case SR_MODALITY_MIDI:
      start = SR_VOCAB_MIDI_START, end = SR_VOCAB_MIDI_START + SR_VOCAB_MIDI_SIZE;
      break;
    case SR_MODALITY_IMAGE:
      start = SR_VOCAB_IMAGE_CODE (slot, 0), end = start + SR_VOCAB_CODEBOOK_SIZE;
      break;
    default:
      start = SR_VOCAB_AUDIO_CODE (slot, 0), end = start + SR_VOCAB_CODEBOOK_SIZE;
      break;
    }
  for (int i = 0; i < vocabulary; i++)
    {
      bool allowed = (i >= start && i < end) || (slot == 0 && i == SR_VOCAB_EOS (target))
                     || (slot == 0 && target == SR_MODALITY_IMAGE && i == SR_VOCAB_SEP);
      if (!allowed)
        logits[i] = -INFINITY;
    }
}

static bool
decoder_layers (SrTranslatorState *state, int position)
{
  SrTranslator *model = state->model;
  const SrTranslatorConfig *c = &model->config;
  Rows rows = { state->sx, state->sh, state->sq, state->sa };
  bool ok = true;
  for (int l = 0; ok && l < c->decoder_layers; l++)
    {
      const SrLayerWeights *layer = &model->decoder[l];
      ok = norm (state, layer, 0, state->sx, state->sh)
           && linear (state, &layer->self.key, state->sh, state->sk, SR_ACTIVATION_NONE, false)
           && linear (state, &layer->self.value, state->sh, state->sv, SR_ACTIVATION_NONE, false)
           && sr_copy_rows (state->backend, state->sk, state->self_key[l], position)
           && sr_copy_rows (state->backend, state->sv, state->self_value[l], position)
           && attention_block (state, &layer->self, &rows, state->self_key[l], state->self_value[l], position + 1,
                               c->heads, false, NULL)
           && norm (state, layer, 1, state->sx, state->sh)
           && attention_block (state, &layer->cross, &rows, state->cross_key[l], state->cross_value[l],
                               state->source_steps, c->heads, false,
                               l == state->watched_layer ? state->attention_map : NULL)
           && feed_forward (state, layer, 2, &rows, state->sf);
    }
  return ok && sr_layer_norm (state->backend, state->sx, model->decoder_norm[0], model->decoder_norm[1],
                              LAYER_NORM_EPS, state->state_out);
}

/* HOST_LOGITS ← the output layer's specials and the block of TARGET's slot K for row ROW of IN (ROWS rows), the rest
 * of the vocabulary -inf (masked). SPECIALS and BLOCK hold ROWS rows of those parts. */
static bool
part_logits (SrTranslatorState *state, const SrTensor *in, int row, SrModality target, int k, SrTensor *specials,
             SrTensor *block)
{
  SrTranslator *model = state->model;
  int start, size;
  sr_translator_block (target, k, &start, &size);
  float *logits = state->host_logits;
  for (int i = 0; i < model->config.vocabulary; i++)
    logits[i] = -INFINITY;
  if (!linear (state, &model->output_specials, in, specials, SR_ACTIVATION_NONE, false)
      || !linear (state, &model->output_blocks[target][k], in, block, SR_ACTIVATION_NONE, false)
      || !sr_tensor_read (specials, state->host_part))
    return false;
  memcpy (logits, state->host_part + (size_t) row * SR_VOCAB_LMX_START, SR_VOCAB_LMX_START * sizeof *logits);
  if (!sr_tensor_read (block, state->host_part))
    return false;
  memcpy (logits + start, state->host_part + (size_t) row * size, (size_t) size * sizeof *logits);
  return true;
}

/* The sub-decoder's logits for slot SLOT, given the codes chosen for the slots before it (CODES[0 … SLOT-1]):
 * its input row k is embed(code before k) + sub_position[k] + the decoder state, causal over the four rows. Returns
 * the slot's row of host_sub_logits, or NULL. */
static float *
sub_decoder_logits (SrTranslatorState *state, const int32_t *codes, int slot)
{
  SrTranslator *model = state->model;
  const SrTranslatorConfig *c = &model->config;
  int32_t earlier[SR_VOCAB_CODEBOOKS] = { SR_VOCAB_PAD };
  for (int k = 1; k <= slot; k++)
    earlier[k] = codes[k - 1];
  Rows rows = { state->sub_x, state->sub_h, state->sub_q, state->sub_a };
  bool ok = sr_tensor_write (state->sub_ids, earlier)
            && sr_embed_sum (state->backend, model->embed, state->sub_ids, state->sub_x);
  /* + sub_position[k] on row k, + the state on every row */
  ok = ok && sr_embed_sum (state->backend, model->sub_position, state->sub_slot_ids, state->sub_h)
       && sr_binary (state->backend, SR_BINARY_ADD, state->sub_x, state->sub_h, state->sub_x)
       && sr_binary (state->backend, SR_BINARY_ADD, state->sub_x, state->state_out, state->sub_x)
       && encoder_layer (state, &model->sub_decoder, &rows, state->sub_k, state->sub_v, state->sub_f,
                         SR_VOCAB_CODEBOOKS, c->sub_decoder_heads, true)
       && sr_layer_norm (state->backend, state->sub_x, model->sub_decoder_norm[0], model->sub_decoder_norm[1],
                         LAYER_NORM_EPS, state->sub_h)
       && part_logits (state, state->sub_h, slot, state->target, slot, state->sub_special_logits,
                       state->sub_block_logits);
  return ok ? state->host_logits : NULL;
}

bool
sr_translator_step (SrTranslatorState *state, const int32_t previous[SR_VOCAB_CODEBOOKS], const int32_t position[2],
                    const SrSampling *sampling, SrRng *rng, int32_t chosen[SR_VOCAB_CODEBOOKS])
{
  SrTranslator *model = state->model;
  const SrTranslatorConfig *c = &model->config;
  if (state->source_steps == 0)
    {
      snprintf (state->error, sizeof state->error, "a decoder step before the encoder ran");
      return false;
    }
  if (state->steps_done >= state->max_steps)
    {
      snprintf (state->error, sizeof state->error, "the run state holds %d steps, all used", state->max_steps);
      return false;
    }
  for (int k = 0; k < SR_VOCAB_CODEBOOKS; k++)
    if (previous[k] < 0 || previous[k] >= c->vocabulary)
      {
        snprintf (state->error, sizeof state->error, "token %d is outside the vocabulary", previous[k]);
        return false;
      }
  int step = state->steps_done;
  bool ok = sr_tensor_write (state->step_ids, previous)
            && write_position_ids (state, state->step_position_ids, state->target, position, 1, 1)
            && sr_embed_sum (state->backend, model->embed, state->step_ids, state->sx)
            && add_positions (state, &model->target_positions, state->target, state->step_position_ids, state->sh,
                              state->sx)
            && decoder_layers (state, step);
  if (!ok)
    return failed (state);
  state->steps_done++;
  for (int k = 0; k < SR_VOCAB_CODEBOOKS; k++)
    chosen[k] = SR_VOCAB_PAD;
  if (state->target == SR_MODALITY_LMX || state->target == SR_MODALITY_MIDI)
    {
      SrTensor *block = state->target == SR_MODALITY_LMX ? state->lmx_logits : state->midi_logits;
      if (!part_logits (state, state->state_out, 0, state->target, 0, state->special_logits, block))
        return failed (state);
      mask_logits (state->target, 0, state->host_logits, c->vocabulary);
      chosen[0] = sr_sample (state->host_logits, c->vocabulary, sampling, rng);
      memcpy (state->host_first_slot, state->host_logits, (size_t) c->vocabulary * sizeof (float));
    }
  else
    for (int k = 0; k < SR_VOCAB_CODEBOOKS; k++)
      {
        float *logits = sub_decoder_logits (state, chosen, k);
        if (logits == NULL)
          return failed (state);
        mask_logits (state->target, k, logits, c->vocabulary);
        chosen[k] = sr_sample (logits, c->vocabulary, sampling, rng);
        if (k == 0) /* kept for sr_translator_last_logits */
          memcpy (state->host_first_slot, logits, (size_t) c->vocabulary * sizeof *logits);
        if (k == 0 && (chosen[0] == SR_VOCAB_EOS (state->target) || chosen[0] == SR_VOCAB_SEP))
          break; /* an end or a separator fills the step alone */
      }
  state->attention_valid = state->watched_layer >= 0;
  if (state->attention_valid && !sr_tensor_read (state->attention_map, state->host_attention))
    return failed (state);
  return true;
}

const float *
sr_translator_last_logits (const SrTranslatorState *state)
{
  return state->host_first_slot;
}

void
sr_translator_watch_layer (SrTranslatorState *state, int layer)
{
  state->watched_layer = layer >= 0 && layer < state->model->config.decoder_layers ? layer : -1;
  state->attention_valid = false;
}

const float *
sr_translator_attention (const SrTranslatorState *state)
{
  return state->attention_valid ? state->host_attention : NULL;
}

int
sr_translator_read (SrTranslatorState *state, const SrSampling *sampling, SrRng *rng, int32_t *out, int max)
{
  if (state->target != SR_MODALITY_LMX && state->target != SR_MODALITY_MIDI)
    {
      snprintf (state->error, sizeof state->error, "sr_translator_read reads LMX or MIDI targets");
      return -1;
    }
  int32_t previous[SR_VOCAB_CODEBOOKS] = { SR_VOCAB_SOS (state->target) };
  int count = 0;
  for (int t = 0; t < state->max_steps; t++)
    {
      int32_t position[2] = { t, 0 }, chosen[SR_VOCAB_CODEBOOKS];
      if (!sr_translator_step (state, previous, position, sampling, rng, chosen))
        return -1;
      if (chosen[0] < 0 || chosen[0] == SR_VOCAB_EOS (state->target))
        break;
      if (count < max)
        out[count++] = chosen[0];
      memcpy (previous, chosen, sizeof previous);
    }
  return count;
}
