/* The translator's weights (translator-weights.c loads them) as the forward pass (translator.c) uses them. Linear
 * weights are stored transposed, [in, out], so that every product is A · B with B's rows contiguous: the layout the
 * Vulkan GEMM kernel reads fastest, and OpenBLAS does not mind. The attention input projections are split into
 * their query, key and value parts. */
#pragma once

#include "translator.h"

typedef struct {
  SrTensor *weight, *bias; /* [in, out], [out] */
} SrLinear;

typedef struct {
  SrLinear query, key, value, out;
} SrAttentionWeights;

typedef struct {
  SrTensor *norm_weight[3], *norm_bias[3]; /* norm1 … norm3 (encoder layers use two) */
  SrAttentionWeights self, cross;          /* cross: decoder layers only */
  SrLinear ffn_in, ffn_out;
} SrLayerWeights;

typedef struct {
  SrTensor *linear[SR_N_MODALITIES]; /* [max_positions, d] */
  SrTensor *grid;                    /* image: columns then rows, [image_columns + image_rows, d] */
} SrPositionWeights;

struct SrTranslator {
  SrBackend *backend;
  SrTranslatorConfig config;
  struct SrTranslatorMetadata *metadata;
  SrTensor *embed;                                  /* [vocabulary, d] */
  SrTensor *target_modality[SR_N_MODALITIES];       /* [d] each */
  SrPositionWeights source_positions, target_positions;
  SrLayerWeights *encoder, *decoder, sub_decoder;
  SrTensor *encoder_norm[2], *decoder_norm[2], *sub_decoder_norm[2]; /* weight, bias */
  SrTensor *sub_position;                           /* [4, d] */
  /* The output layer in the parts a step can use: the special tokens (ends, separator) and each target's block per
   * codebook slot; a step multiplies by these alone, not by the whole vocabulary. */
  SrLinear output_specials;                          /* [d, SR_VOCAB_LMX_START] */
  SrLinear output_blocks[SR_N_MODALITIES][SR_VOCAB_CODEBOOKS]; /* single-stream targets: slot 0 only */
};

/* The vocabulary range [*START, *START + *SIZE) slot K of a MODALITY step holds (ends and separator aside). */
void sr_translator_block (SrModality modality, int k, int *start, int *size);

bool sr_translator_weights_load (SrTranslator *model, const char *path, char message[SR_MESSAGE_SIZE]);
void sr_translator_weights_free (SrTranslator *model);
