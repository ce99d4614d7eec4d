/* The CPU backend's insides, shared by its kernel files: fp16 tensors are widened to fp32 when written (OpenBLAS
 * multiplies fp32), so every float tensor's storage is a float array here. */
#pragma once

#include "backend-private.h"
#include "cpu-threads.h"

typedef struct {
  SrBackend base;
  SrThreadPool *pool;
  float *scratch;       /* grows to the largest temporary a kernel asked for */
  size_t scratch_count;
} SrCpuBackend;

static inline float *
cpu_f (const SrTensor *tensor)
{
  return (float *) tensor->storage;
}

static inline int32_t *
cpu_i (const SrTensor *tensor)
{
  return (int32_t *) tensor->storage;
}

/* A temporary of COUNT floats, valid until the next call (kernels run one at a time on a backend). */
float *sr_cpu_scratch (SrCpuBackend *cpu, size_t count);

float sr_cpu_activate (SrActivation activation, float value);
/* y = activation(x) over COUNT values on the thread pool; y may be x. */
void sr_cpu_activate_values (SrCpuBackend *cpu, SrActivation activation, const float *x, float *y, int64_t count);

/* cblas_sgemm (row-major), its columns split over the thread pool with OpenBLAS itself on one thread: one threading
 * model for the whole backend, no spinning OpenBLAS threads between the decoder's small products. With M = 1 it is
 * a matrix-vector product (sgemv). */
void sr_cpu_sgemm (SrCpuBackend *cpu, bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
                   const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);

bool sr_cpu_gemm (SrBackend *backend, const SrGemm *gemm);
bool sr_cpu_attention (SrBackend *backend, const SrAttention *attention);
bool sr_cpu_conv (SrBackend *backend, const SrConv *conv);
bool sr_cpu_layer_norm (SrBackend *backend, const SrTensor *x, const SrTensor *gamma, const SrTensor *beta,
                        float eps, SrTensor *y);
bool sr_cpu_group_norm (SrBackend *backend, const SrTensor *x, int groups, const SrTensor *gamma,
                        const SrTensor *beta, float eps, SrTensor *y);
bool sr_cpu_softmax (SrBackend *backend, const SrTensor *x, SrTensor *y);
void sr_cpu_softmax_row (float *row, int64_t count);
bool sr_cpu_activation (SrBackend *backend, SrActivation activation, const SrTensor *x, SrTensor *y);
bool sr_cpu_snake (SrBackend *backend, const SrTensor *x, const SrTensor *alpha, SrTensor *y);
bool sr_cpu_binary (SrBackend *backend, SrBinaryOp op, const SrTensor *a, const SrTensor *b, SrTensor *y);
bool sr_cpu_embed_sum (SrBackend *backend, const SrTensor *table, const SrTensor *ids, SrTensor *y);
bool sr_cpu_upsample2x (SrBackend *backend, const SrTensor *x, SrTensor *y);
bool sr_cpu_copy_rows (SrBackend *backend, const SrTensor *src, SrTensor *dst, int64_t first_row);
bool sr_cpu_nearest_code (SrBackend *backend, const SrTensor *x, const SrTensor *codebook, SrCodeMetric metric,
                          SrTensor *ids);
bool sr_cpu_top_k (SrBackend *backend, const SrTensor *x, int k, SrTensor *values, SrTensor *indices);
