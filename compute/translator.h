/* The translation Transformer at inference (../shared/specs/model.md §3 and §5), exactly the maths of
 * train/sightread_train/translator.py: a loaded model (config and weights on a backend, shared) and run states
 * (one per inference: the encoder's memory, the cross-attention keys and values of every decoder layer, made once,
 * and the decoder's self-attention cache). The encoder runs once; then one decoder step per output step, each
 * choosing the step's tokens (one for LMX and MIDI, four codebook tokens through the sub-decoder for images and
 * audio) by greedy or seeded sampling. */
#pragma once

#include "backend.h"
#include "sampling.h"
#include "vocabulary.h"

typedef struct {
  int d_model, heads, ffn, encoder_layers, decoder_layers, sub_decoder_heads;
  int max_positions, image_columns, image_rows;
  int vocabulary;
} SrTranslatorConfig;

typedef struct SrTranslator SrTranslator;
typedef struct SrTranslatorState SrTranslatorState;

/* Loads an exported translator (`sightread.kind` seq2seq, format 1) onto BACKEND, which must outlive it. */
SrTranslator *sr_translator_load (SrBackend *backend, const char *path, char message[SR_MESSAGE_SIZE]);
void sr_translator_free (SrTranslator *model);
const SrTranslatorConfig *sr_translator_config (const SrTranslator *model);
/* A metadata value of the file it was loaded from ("sightread.direction", "sightread.steps", …), or NULL. */
const char *sr_translator_metadata (const SrTranslator *model, const char *key);

/* A run state for sources of up to MAX_SOURCE steps and outputs of up to MAX_STEPS steps. */
SrTranslatorState *sr_translator_state_new (SrTranslator *model, int max_source, int max_steps,
                                            char message[SR_MESSAGE_SIZE]);
void sr_translator_state_free (SrTranslatorState *state);
const char *sr_translator_state_error (const SrTranslatorState *state);

/* Runs the encoder over STEPS source steps: TOKENS holds 4 unified token ids a step (PAD where a step has fewer),
 * POSITIONS 2 a step for an image source (column, row) and 1 for the others. Resets the decoder. */
bool sr_translator_encode (SrTranslatorState *state, SrModality source, SrModality target, const int32_t *tokens,
                           const int32_t *positions, int steps);

/* One decoder step: PREVIOUS is the output step before (4 slots; the start token and PAD for the first), POSITION
 * this step's position (column and row for an image target, else POSITION[0]). Chooses the step's tokens into
 * CHOSEN (slots beyond a single-stream target's first are PAD). */
bool sr_translator_step (SrTranslatorState *state, const int32_t previous[SR_VOCAB_CODEBOOKS],
                         const int32_t position[2], const SrSampling *sampling, SrRng *rng,
                         int32_t chosen[SR_VOCAB_CODEBOOKS]);
/* The masked logits of the last step's first slot (config.vocabulary values; -inf where masked). */
const float *sr_translator_last_logits (const SrTranslatorState *state);

/* Which decoder layer's cross-attention to keep after each step (-1, the default: none; the last layer is usual). */
void sr_translator_watch_layer (SrTranslatorState *state, int layer);
/* The kept cross-attention of the last step, averaged over heads: one weight per source step. NULL when none. */
const float *sr_translator_attention (const SrTranslatorState *state);

/* Greedy (or sampled) reading of a single-stream target (LMX, MIDI) after sr_translator_encode: the tokens before
 * EOS into OUT (at most MAX), their count returned; -1 on failure. */
int sr_translator_read (SrTranslatorState *state, const SrSampling *sampling, SrRng *rng, int32_t *out, int max);
