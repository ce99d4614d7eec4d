/* The compute engine's one API: tensors that live on a backend (the CPU, or a Vulkan device) and the operations the
 * models are built from. Every operation checks its operands' shapes and types here, once, and then runs on the
 * backend that owns them; a backend may queue work (Vulkan records a command buffer) until sr_backend_sync or a read.
 * Layouts are row-major with shape[0] outermost; a "row" is the last dimension. No music here, and no GLib: this is
 * called from app/ and from tests alike. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device-choice.h"

typedef enum {
  SR_DTYPE_F32,
  SR_DTYPE_F16, /* storage only: arithmetic is always fp32 */
  SR_DTYPE_I32,
} SrDType;

enum { SR_MAX_DIMS = 4, SR_MESSAGE_SIZE = 256 };

typedef struct SrBackend SrBackend;

typedef struct {
  SrBackend *backend;
  SrDType dtype;
  int dims;
  int64_t shape[SR_MAX_DIMS];
  size_t count;     /* elements */
  void *storage;    /* the backend's own */
} SrTensor;

typedef enum {
  SR_ACTIVATION_NONE,
  SR_ACTIVATION_GELU, /* the exact (erf) form, as PyTorch's default */
  SR_ACTIVATION_SILU,
  SR_ACTIVATION_TANH,
} SrActivation;

/* C = act(alpha · op(A) · op(B) + bias), or C += that with accumulate (residual connections).
 * A: [M, K] (or [K, M] with transpose_a), optionally with a leading batch dimension;
 * B: [K, N] (or [N, K] with transpose_b — PyTorch's Linear weight), batched like A or shared by every batch;
 * bias: [N] or NULL; C: [M, N] with A's batch. A and C are fp32; B and bias fp32 or fp16. */
typedef struct {
  const SrTensor *a, *b, *bias;
  SrTensor *c;
  bool transpose_a, transpose_b, accumulate;
  SrActivation activation;
  float alpha; /* 0 means 1 */
} SrGemm;

/* Multi-head scaled dot-product attention, heads side by side in a row (PyTorch's layout):
 * q: [B, Tq, H·Dh]; k, v: [B, Tk, H·Dh] of which the first key_count rows are used (a KV cache is a tensor with room
 * for more); out: [B, Tq, H·Dh]. key_lengths (i32 [B], optional) marks keys at or past it as padding. With causal,
 * query i sits at position query_offset + i and sees keys up to that position. probabilities (optional, fp32
 * [B, key_count]) receives the softmax of query probability_query averaged over heads: the overlay's heat map. */
typedef struct {
  const SrTensor *q, *k, *v, *key_lengths;
  SrTensor *out, *probabilities;
  int heads, key_count, query_offset, probability_query;
  bool causal;
  float scale; /* 0 means 1/sqrt(Dh) */
} SrAttention;

/* Convolution over the last one (conv1d) or two (conv2d) dimensions, PyTorch's semantics and weight layouts:
 * x: [B, Cin, T] or [B, Cin, H, W] (B may be left out); weight: [Cout, Cin, K…], transposed: [Cin, Cout, K…];
 * bias: [Cout] or NULL. Index 0 of the parameter pairs is H (or T), index 1 is W. */
typedef struct {
  const SrTensor *x, *weight, *bias;
  SrTensor *y;
  bool transposed;
  int stride[2], padding[2], dilation[2], output_padding[2]; /* 0 stride or dilation means 1 */
} SrConv;

typedef enum {
  SR_CODE_NEAREST_L2,  /* argmin ‖x − c‖² */
  SR_CODE_LARGEST_DOT, /* argmax x · c: cosine similarity when the caller normalised the codebook */
} SrCodeMetric;

typedef enum {
  SR_BINARY_ADD,
  SR_BINARY_MUL,
} SrBinaryOp;

/* Opens the backend the user chose. A Vulkan choice that cannot be met falls back to the CPU backend and says why
 * in NOTICE (empty when nothing was given up); only a CPU backend that cannot start returns NULL. */
SrBackend *sr_backend_open (const SrDeviceChoice *choice, char notice[SR_MESSAGE_SIZE]);
SrBackend *sr_backend_open_cpu (int threads); /* threads ≤ 0: one per core */
typedef void (*SrDeviceVisitor) (void *context, int index, const char *name, const char *type);
/* Visits every Vulkan device (index as in --device vulkan:N); returns how many, with MESSAGE set when Vulkan itself
 * is missing. */
int sr_backend_list_devices (SrDeviceVisitor visit, void *context, char message[SR_MESSAGE_SIZE]);
void sr_backend_free (SrBackend *backend);
const char *sr_backend_name (const SrBackend *backend);          /* "cpu" or "vulkan" */
const char *sr_backend_device_name (const SrBackend *backend);   /* e.g. "llvmpipe (LLVM 15.0.6, 256 bits)" */
const char *sr_backend_error (const SrBackend *backend);         /* why the last failed call failed */
bool sr_backend_sync (SrBackend *backend);                       /* waits for all queued work */
/* True once the device is lost: the caller's way back is another backend (the CPU), with the models loaded again. */
bool sr_backend_lost (const SrBackend *backend);

SrTensor *sr_tensor_new (SrBackend *backend, SrDType dtype, int dims, const int64_t *shape);
SrTensor *sr_tensor_new_2d (SrBackend *backend, SrDType dtype, int64_t rows, int64_t columns);
void sr_tensor_free (SrTensor *tensor);
/* Gives TENSOR another shape with the same number of values (its storage is row-major, so nothing moves). */
bool sr_tensor_reshape (SrTensor *tensor, int dims, const int64_t *shape);
size_t sr_dtype_size (SrDType dtype);
int64_t sr_tensor_rows (const SrTensor *tensor);     /* product of all but the last dimension */
int64_t sr_tensor_columns (const SrTensor *tensor);  /* the last dimension */
/* Host ↔ tensor, whole tensors in the tensor's own dtype (fp16 as IEEE half bits). Reading waits for queued work. */
bool sr_tensor_write (SrTensor *tensor, const void *host);
bool sr_tensor_read (const SrTensor *tensor, void *host);
bool sr_tensor_write_f32 (SrTensor *tensor, const float *host); /* converts to the tensor's dtype */
bool sr_tensor_read_f32 (const SrTensor *tensor, float *host);

bool sr_gemm (SrBackend *backend, const SrGemm *gemm);
bool sr_attention (SrBackend *backend, const SrAttention *attention);
bool sr_conv (SrBackend *backend, const SrConv *conv);
/* y = (x − mean) / sqrt(var + eps) · gamma + beta over each row; gamma and beta [columns] or NULL. */
bool sr_layer_norm (SrBackend *backend, const SrTensor *x, const SrTensor *gamma, const SrTensor *beta, float eps,
                    SrTensor *y);
/* GroupNorm of x [B, C, …]: statistics over each group of C/groups channels, then per-channel gamma and beta. */
bool sr_group_norm (SrBackend *backend, const SrTensor *x, int groups, const SrTensor *gamma, const SrTensor *beta,
                    float eps, SrTensor *y);
bool sr_softmax (SrBackend *backend, const SrTensor *x, SrTensor *y); /* over each row; -inf entries give 0 */
bool sr_activation (SrBackend *backend, SrActivation activation, const SrTensor *x, SrTensor *y);
/* Snake of x [B, C, T] with alpha [C]: x + sin²(αx)/(α + 1e-9). */
bool sr_snake (SrBackend *backend, const SrTensor *x, const SrTensor *alpha, SrTensor *y);
/* y = a ∘ b; b has a's shape or is one row [columns] repeated for every row of a, or one value per row (a [R, C]
 * with b [R, 1]). y may be a. */
bool sr_binary (SrBackend *backend, SrBinaryOp op, const SrTensor *a, const SrTensor *b, SrTensor *y);
/* y[t] = Σ_books table[ids[t, book]] for ids i32 [T, books]; table [V, D] fp32 or fp16; y [T, D]. */
bool sr_embed_sum (SrBackend *backend, const SrTensor *table, const SrTensor *ids, SrTensor *y);
/* Nearest-neighbour upsampling of x [B, C, H, W] by 2 in both directions. */
bool sr_upsample2x (SrBackend *backend, const SrTensor *x, SrTensor *y);
/* ids i32 [N] ← the best code of codebook [K, D] for each row of x [N, D]. */
bool sr_nearest_code (SrBackend *backend, const SrTensor *x, const SrTensor *codebook, SrCodeMetric metric,
                      SrTensor *ids);
/* The k largest entries of each row of x [R, C], largest first: values fp32 [R, k], indices i32 [R, k]
 * (values may be NULL). k = 1 is argmax. Ties go to the lower index. */
bool sr_top_k (SrBackend *backend, const SrTensor *x, int k, SrTensor *values, SrTensor *indices);
/* Copies all rows of src [R, C] into dst [R', C] from row first_row on (appending to a KV cache). */
bool sr_copy_rows (SrBackend *backend, const SrTensor *src, SrTensor *dst, int64_t first_row);
