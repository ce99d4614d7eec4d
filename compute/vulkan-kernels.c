/* The embedded SPIR-V of every kernel variant (see shaders/meson.build) and its dispatch facts. */
#include "vulkan-kernels.h"

static const uint32_t gemm_spv[] =
#include "gemm.spv.inc"
;
static const uint32_t gemm_vec4_spv[] =
#include "gemm_vec4.spv.inc"
;
static const uint32_t gemm_vec4_half_spv[] =
#include "gemm_vec4_half.spv.inc"
;
static const uint32_t gemm_tiled_spv[] =
#include "gemm_tiled.spv.inc"
;
static const uint32_t gemm_tiled64_spv[] =
#include "gemm_tiled64.spv.inc"
;
static const uint32_t gemv_split_spv[] =
#include "gemv_split.spv.inc"
;
static const uint32_t attention_spv[] =
#include "attention.spv.inc"
;
static const uint32_t attention_head64_spv[] =
#include "attention_head64.spv.inc"
;
static const uint32_t attention_probabilities_spv[] =
#include "attention_probabilities.spv.inc"
;
static const uint32_t norm_spv[] =
#include "norm.spv.inc"
;
static const uint32_t softmax_spv[] =
#include "softmax.spv.inc"
;
static const uint32_t elementwise_spv[] =
#include "elementwise.spv.inc"
;
static const uint32_t embed_spv[] =
#include "embed.spv.inc"
;
static const uint32_t conv_spv[] =
#include "conv.spv.inc"
;
static const uint32_t nearest_code_spv[] =
#include "nearest_code.spv.inc"
;
static const uint32_t top_k_spv[] =
#include "top_k.spv.inc"
;

/* Push-constant sizes: 4-byte fields, `halves` first, as declared in each shader. */
#define WORDS(n) ((size_t) (n) * 4)
#define KERNEL(id, spv, bindings, words, lanes, rows, columns) \
  [id] = { #spv, spv##_spv, sizeof spv##_spv, bindings, WORDS (words), lanes, rows, columns, 0 }
/* gemm_tiled.comp: a tile of A and one of B, each DEPTH rows of TILE + 4 floats (as in shaders/meson.build) */
#define TILED_KERNEL(id, spv, tile, depth) \
  [id] = { #spv, spv##_spv, sizeof spv##_spv, 4, WORDS (13), SR_LANES_TILE, tile, tile, 2 * (depth) * ((tile) + 4) * 4 }

static const SrKernelInfo kernels[SR_N_KERNELS] = {
  KERNEL (SR_KERNEL_GEMM, gemm, 4, 13, SR_LANES_GEMM, 32, 1),
  KERNEL (SR_KERNEL_GEMM_VEC4, gemm_vec4, 4, 13, SR_LANES_GEMM, 32, 8),
  KERNEL (SR_KERNEL_GEMM_VEC4_HALF, gemm_vec4_half, 4, 13, SR_LANES_GEMM, 32, 8),
  KERNEL (SR_KERNEL_GEMV, gemm, 4, 13, SR_LANES_GEMM, 1, 1),
  KERNEL (SR_KERNEL_GEMV_VEC4, gemm_vec4, 4, 13, SR_LANES_GEMM, 1, 8),
  KERNEL (SR_KERNEL_GEMV_VEC4_HALF, gemm_vec4_half, 4, 13, SR_LANES_GEMM, 1, 8),
  TILED_KERNEL (SR_KERNEL_GEMM_TILED, gemm_tiled, 128, 16),
  TILED_KERNEL (SR_KERNEL_GEMM_TILED64, gemm_tiled64, 64, 16),
  /* gemv_split.comp: 32 columns of one row a work group, its 32 × 8 partial quads in shared memory */
  [SR_KERNEL_GEMV_SPLIT] = { "gemv_split", gemv_split_spv, sizeof gemv_split_spv, 4, WORDS (13), SR_LANES_TILE, 1, 32,
                             32 * 8 * 16 },
  KERNEL (SR_KERNEL_ATTENTION, attention, 6, 11, SR_LANES_DEVICE, 0, 0),
  KERNEL (SR_KERNEL_ATTENTION_HEAD64, attention_head64, 6, 11, SR_LANES_DEVICE, 0, 0),
  KERNEL (SR_KERNEL_ATTENTION_PROBABILITIES, attention_probabilities, 7, 11, SR_LANES_DEVICE, 0, 0),
  KERNEL (SR_KERNEL_NORM, norm, 4, 7, SR_LANES_DEVICE, 0, 0),
  KERNEL (SR_KERNEL_SOFTMAX, softmax, 2, 2, SR_LANES_DEVICE, 0, 0),
  KERNEL (SR_KERNEL_ELEMENTWISE, elementwise, 3, 10, SR_LANES_DEVICE, 0, 0),
  KERNEL (SR_KERNEL_EMBED, embed, 3, 5, SR_LANES_DEVICE, 0, 0),
  KERNEL (SR_KERNEL_CONV, conv, 4, 17, SR_LANES_DEVICE, 0, 0),
  KERNEL (SR_KERNEL_NEAREST_CODE, nearest_code, 3, 5, SR_LANES_DEVICE, 0, 0),
  KERNEL (SR_KERNEL_TOP_K, top_k, 3, 5, SR_LANES_DEVICE, 0, 0),
};

const SrKernelInfo *
sr_kernel_info (SrKernel kernel)
{
  return &kernels[kernel];
}
