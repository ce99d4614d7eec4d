/* What a backend implements. backend.c checks every operation's operands before it calls in here, so a backend may
 * trust shapes and dtypes; it reports failures of its own (a lost device, memory) through sr_backend_fail. */
#pragma once

#include "backend.h"

typedef struct {
  const char *name;
  void (*destroy) (SrBackend *backend);
  bool (*tensor_alloc) (SrBackend *backend, SrTensor *tensor);
  void (*tensor_release) (SrBackend *backend, SrTensor *tensor);
  bool (*tensor_write) (SrBackend *backend, SrTensor *tensor, const void *host);
  bool (*tensor_read) (SrBackend *backend, const SrTensor *tensor, void *host);
  bool (*sync) (SrBackend *backend);

  bool (*gemm) (SrBackend *backend, const SrGemm *gemm);
  bool (*attention) (SrBackend *backend, const SrAttention *attention);
  bool (*conv) (SrBackend *backend, const SrConv *conv);
  bool (*layer_norm) (SrBackend *backend, const SrTensor *x, const SrTensor *gamma, const SrTensor *beta, float eps,
                      SrTensor *y);
  bool (*group_norm) (SrBackend *backend, const SrTensor *x, int groups, const SrTensor *gamma,
                      const SrTensor *beta, float eps, SrTensor *y);
  bool (*softmax) (SrBackend *backend, const SrTensor *x, SrTensor *y);
  bool (*activation) (SrBackend *backend, SrActivation activation, const SrTensor *x, SrTensor *y);
  bool (*snake) (SrBackend *backend, const SrTensor *x, const SrTensor *alpha, SrTensor *y);
  bool (*binary) (SrBackend *backend, SrBinaryOp op, const SrTensor *a, const SrTensor *b, SrTensor *y);
  bool (*embed_sum) (SrBackend *backend, const SrTensor *table, const SrTensor *ids, SrTensor *y);
  bool (*upsample2x) (SrBackend *backend, const SrTensor *x, SrTensor *y);
  bool (*nearest_code) (SrBackend *backend, const SrTensor *x, const SrTensor *codebook, SrCodeMetric metric,
                        SrTensor *ids);
  bool (*top_k) (SrBackend *backend, const SrTensor *x, int k, SrTensor *values, SrTensor *indices);
  bool (*copy_rows) (SrBackend *backend, const SrTensor *src, SrTensor *dst, int64_t first_row);
} SrBackendOps;

struct SrBackend {
  const SrBackendOps *ops;
  char device_name[SR_MESSAGE_SIZE];
  char error[SR_MESSAGE_SIZE];
  bool lost; /* the device is gone (a GPU reset, a driver crash): nothing more will run here */
};

bool sr_backend_fail (SrBackend *backend, const char *format, ...) __attribute__ ((format (printf, 2, 3)));

/* Derived sizes every backend needs. */
int64_t sr_tensor_batch (const SrTensor *tensor, int inner_dims); /* product of all dims before the last INNER_DIMS */

SrBackend *sr_cpu_backend_new (int threads);
SrBackend *sr_vulkan_backend_new (const SrDeviceChoice *choice, char message[SR_MESSAGE_SIZE]);
