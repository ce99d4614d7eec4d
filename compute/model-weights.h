/* Loading an exported model's weights onto a backend, shared by the RQVAE, the codec and the translator: the kind
 * and format check of spec §6, the config JSON, and tensors checked by name and shape, then uploaded once in fp16
 * (as stored). Every failure leaves a message naming the file and the fault. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "backend.h"
#include "safetensors.h"

typedef struct {
  SrBackend *backend;
  SrSafetensors *file;
  char *message;     /* SR_MESSAGE_SIZE */
  GPtrArray *owned;  /* the tensors made; the model frees them */
  JsonParser *config_parser;
} SrWeightLoader;

/* Opens PATH and checks `sightread.kind` and `sightread.format`; the loader's OWNED array is created here. */
bool sr_weight_loader_open (SrWeightLoader *loader, SrBackend *backend, const char *path, const char *kind,
                            const char *format, char message[SR_MESSAGE_SIZE]);
/* Closes the file (the uploaded tensors stay, in OWNED); returns OWNED for the model to keep. */
GPtrArray *sr_weight_loader_close (SrWeightLoader *loader);
/* The parsed `sightread.config` object, or NULL with the message set. */
JsonObject *sr_weight_loader_config (SrWeightLoader *loader);

/* Host fp32 copy of tensor NAME, checked to be SHAPE; g_free it. NULL with the message set. */
float *sr_weights_read (SrWeightLoader *loader, const char *name, int dims, const int64_t *shape);
/* VALUES uploaded as an fp16 tensor of SHAPE, owned by the loader. */
SrTensor *sr_weights_upload (SrWeightLoader *loader, const float *values, int dims, const int64_t *shape);
/* Tensor NAME (checked to be STORED_SHAPE) uploaded as it is, or reshaped to SHAPE (same count) when SHAPE is
 * given: Snake's [1, C, 1] alpha as [C]. */
SrTensor *sr_weights_load (SrWeightLoader *loader, const char *name, int dims, const int64_t *stored_shape);
SrTensor *sr_weights_load_as (SrWeightLoader *loader, const char *name, int stored_dims,
                              const int64_t *stored_shape, int dims, const int64_t *shape);
/* The SIZE × SIZE identity in fp32, owned by the loader: a transpose between rows of positions and channels as an
 * exact product (one non-zero term per sum), and fp32 so that it may be GEMM's A. */
SrTensor *sr_weights_identity (SrWeightLoader *loader, int64_t size);
/* A PyTorch [out, in(, 1)] weight's rows FIRST … FIRST + ROWS, transposed to [in, ROWS], so that x · W reads B
 * row-major (and a 1×1 convolution becomes a GEMM over rows of positions). */
SrTensor *sr_weights_transposed (SrWeightLoader *loader, const float *weight, int64_t first, int64_t rows,
                                 int64_t in, float scale);
