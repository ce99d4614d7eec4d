/* The Vulkan kernels: their SPIR-V (compiled from shaders/ at build time) and the dispatch facts each pipeline
 * carries, so that a dispatch with the wrong number of bindings or push-constant bytes is caught before the driver
 * sees it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef enum {
  SR_KERNEL_GEMM,
  SR_KERNEL_GEMM_VEC4,
  SR_KERNEL_GEMM_VEC4_HALF,
  /* the same three with one row per invocation: matrix-vector products (a decoder step) */
  SR_KERNEL_GEMV,
  SR_KERNEL_GEMV_VEC4,
  SR_KERNEL_GEMV_VEC4_HALF,
  /* shared-memory tiles of 128 × 128 and 64 × 64 for GPUs (the ones above are written for CPU drivers) */
  SR_KERNEL_GEMM_TILED,
  SR_KERNEL_GEMM_TILED64,
  SR_KERNEL_GEMV_SPLIT,
  SR_KERNEL_ATTENTION,
  SR_KERNEL_ATTENTION_HEAD64,
  SR_KERNEL_ATTENTION_PROBABILITIES,
  SR_KERNEL_NORM,
  SR_KERNEL_SOFTMAX,
  SR_KERNEL_ELEMENTWISE,
  SR_KERNEL_EMBED,
  SR_KERNEL_CONV,
  SR_KERNEL_NEAREST_CODE,
  SR_KERNEL_TOP_K,
  SR_N_KERNELS,
} SrKernel;

enum { SR_MAX_BINDINGS = 7 };

typedef enum {
  SR_LANES_GEMM,     /* 8: one lavapipe subgroup; see shaders/gemm.comp */
  SR_LANES_DEVICE,   /* the device's subgroup size, at least 8 */
  SR_LANES_TILE,     /* 256: the 16 × 16 invocations of shaders/gemm_tiled.comp */
} SrLaneRule;

typedef struct {
  const char *name;
  const uint32_t *spirv;
  size_t spirv_size;
  int bindings;          /* the highest binding used + 1 */
  size_t push_size;
  SrLaneRule lanes;
  uint32_t rows;         /* GEMM: rows per invocation (specialisation constant 1), or per work group (tiled);
                          * 0 otherwise */
  uint32_t columns;      /* GEMM: columns per invocation (1, or 8 for the vec4 variants: two groups of four), or per
                          * work group (tiled) */
  uint32_t shared_bytes; /* the shared memory it declares, checked against the device's limit */
} SrKernelInfo;

const SrKernelInfo *sr_kernel_info (SrKernel kernel);
