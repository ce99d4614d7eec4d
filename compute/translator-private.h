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
  SrLinear output;                                  /* [d, vocabulary] */
};

bool sr_translator_weights_load (SrTranslator *model, const char *path, char message[SR_MESSAGE_SIZE]);
void sr_translator_weights_free (SrTranslator *model);
