/* The operations on a Vulkan device: each fills its kernel's push constants (the structs mirror the shaders'
 * blocks, field for field) and the grid of work groups. Operands were checked in backend.c. */
#include "vulkan-backend.h"

#include <math.h>
#include <string.h>

/* From this many 128 × 128 tiles on, they keep a GPU busy and beat 64 × 64 ones (a sweep of 30 shapes on an H200:
 * README) */
enum { SR_TILED_BIG_GRID = 128 };

#define DISPATCH(vk, kernel, push, x, y, z, ...) \
  sr_vulkan_dispatch (vk, kernel, (const SrTensor *const[SR_MAX_BINDINGS]) { __VA_ARGS__ }, &(push), sizeof (push), \
                      x, y, z)

static uint32_t
ceil_div (uint64_t a, uint64_t b)
{
  return (uint32_t) ((a + b - 1) / b);
}

static int64_t
dim_from_end (const SrTensor *t, int from_end)
{
  return t->dims >= from_end ? t->shape[t->dims - from_end] : 1;
}

/* One invocation per element of COUNT, in a 2-D grid where it is large. */
static bool
dispatch_linear (SrVulkanBackend *vk, SrKernel kernel, uint64_t count, const SrTensor *const bindings[],
                 void *push, size_t push_size)
{
  uint32_t x, y;
  sr_vulkan_grid (vk, ceil_div (count, sr_vulkan_lanes (vk, kernel)), &x, &y);
  return sr_vulkan_dispatch (vk, kernel, bindings, push, push_size, x, y, 1);
}

static bool
vk_gemm (SrBackend *backend, const SrGemm *gemm)
{
  SrVulkanBackend *vk = (SrVulkanBackend *) backend;
  const SrTensor *a = gemm->a, *b = gemm->b;
  uint32_t ra = (uint32_t) dim_from_end (a, 2), ca = (uint32_t) dim_from_end (a, 1);
  uint32_t rb = (uint32_t) dim_from_end (b, 2), cb = (uint32_t) dim_from_end (b, 1);
  uint32_t m = gemm->transpose_a ? ca : ra, k = gemm->transpose_a ? ra : ca, n = gemm->transpose_b ? rb : cb;
  struct {
    uint32_t halves, m, n, k, a_batch, a_row, a_inner, b_batch, b_inner, b_col, c_batch;
    float alpha;
    uint32_t flags;
  } push = {
    0, m, n, k, m * k, gemm->transpose_a ? 1 : ca, gemm->transpose_a ? ca : 1,
    b->dims == 2 ? 0 : k * n, gemm->transpose_b ? 1 : cb, gemm->transpose_b ? cb : 1, m * n,
    gemm->alpha != 0 ? gemm->alpha : 1.0f,
    (gemm->bias != NULL) | (gemm->accumulate << 1) | ((uint32_t) gemm->activation << 8),
  };
  uint32_t batch = (uint32_t) sr_tensor_batch (a, 2);
  /* a few rows (a decoder step) on a GPU: each work group splits the inner dimension over its invocations, where B's
   * rows are contiguous and in fours */
  if (m < 8 && vk->gemm_kernels != SR_GEMM_LANES && !gemm->transpose_b && n % 4 == 0)
    return DISPATCH (vk, SR_KERNEL_GEMV_SPLIT, push, m, ceil_div (n, sr_kernel_info (SR_KERNEL_GEMV_SPLIT)->columns),
                     batch, a, b, gemm->bias, gemm->c);
  if (m >= 8 && vk->gemm_kernels != SR_GEMM_LANES)
    {
      /* 128-wide tiles keep twice the sums per value read, but a grid of few of them leaves a GPU's cores idle */
      uint64_t big_tiles = (uint64_t) ceil_div (m, 128) * ceil_div (n, 128) * batch;
      bool big = vk->gemm_kernels == SR_GEMM_TILED128
                 || (vk->gemm_kernels == SR_GEMM_TILED && big_tiles >= SR_TILED_BIG_GRID);
      SrKernel tiled = big ? SR_KERNEL_GEMM_TILED : SR_KERNEL_GEMM_TILED64;
      uint32_t tile = sr_kernel_info (tiled)->rows;
      return DISPATCH (vk, tiled, push, ceil_div (m, tile), ceil_div (n, tile), batch, a, b, gemm->bias, gemm->c);
    }
  /* four adjacent columns per invocation where B's rows are contiguous and vec4-aligned */
  bool vec4 = !gemm->transpose_b && n % 4 == 0;
  SrKernel kernel = !vec4 ? SR_KERNEL_GEMM : b->dtype == SR_DTYPE_F16 ? SR_KERNEL_GEMM_VEC4_HALF : SR_KERNEL_GEMM_VEC4;
  /* a few rows (a decoder step): one row per invocation rather than 31 clamped copies of the last */
  if (m < 8)
    kernel += SR_KERNEL_GEMV - SR_KERNEL_GEMM;
  const SrKernelInfo *info = sr_kernel_info (kernel);
  uint32_t lanes = sr_vulkan_lanes (vk, kernel);
  /* work groups down the rows first, so that consecutive ones share a panel of B in the cache */
  return DISPATCH (vk, kernel, push, ceil_div (m, info->rows), ceil_div (n, lanes * info->columns), batch,
                   a, b, gemm->bias, gemm->c);
}

static bool
vk_attention (SrBackend *backend, const SrAttention *at)
{
  SrVulkanBackend *vk = (SrVulkanBackend *) backend;
  uint32_t batch = (uint32_t) at->q->shape[0], queries = (uint32_t) at->q->shape[1];
  uint32_t width = (uint32_t) at->q->shape[2], head_size = width / (uint32_t) at->heads;
  if (head_size > 256)
    return sr_backend_fail (backend, "attention heads of %u values are beyond the Vulkan kernel's 256", head_size);
  struct {
    uint32_t halves, queries, width, heads, head_size, key_count, capacity, query_offset, probability_query, flags;
    float scale;
  } push = {
    0, queries, width, (uint32_t) at->heads, head_size, (uint32_t) at->key_count, (uint32_t) at->k->shape[1],
    (uint32_t) at->query_offset, (uint32_t) at->probability_query,
    (uint32_t) at->causal | ((at->key_lengths != NULL) << 1) | ((at->probabilities != NULL) << 2),
    at->scale != 0 ? at->scale : 1.0f / sqrtf ((float) head_size),
  };
  SrTensor *statistics = NULL;
  if (at->probabilities != NULL)
    {
      int64_t shape[1] = { 2 * (int64_t) batch * at->heads };
      statistics = sr_tensor_new (backend, SR_DTYPE_F32, 1, shape);
      if (statistics == NULL)
        return false;
    }
  SrKernel kernel = head_size == 64 ? SR_KERNEL_ATTENTION_HEAD64 : SR_KERNEL_ATTENTION;
  uint32_t queries_per_lane = kernel == SR_KERNEL_ATTENTION_HEAD64 ? 2 : 1;
  bool ok = DISPATCH (vk, kernel, push, ceil_div (queries, sr_vulkan_lanes (vk, kernel) * queries_per_lane),
                      (uint32_t) at->heads, batch,
                      at->q, at->k, at->v, at->out, at->key_lengths, statistics);
  if (ok && statistics != NULL)
    {
      uint32_t lanes = sr_vulkan_lanes (vk, SR_KERNEL_ATTENTION_PROBABILITIES);
      ok = DISPATCH (vk, SR_KERNEL_ATTENTION_PROBABILITIES, push, ceil_div ((uint32_t) at->key_count, lanes), 1, batch,
                     at->q, at->k, NULL, NULL, at->key_lengths, statistics, at->probabilities);
    }
  sr_tensor_free (statistics); /* back to the pool; reused only by work recorded after this */
  return ok;
}

static bool
vk_conv (SrBackend *backend, const SrConv *conv)
{
  SrVulkanBackend *vk = (SrVulkanBackend *) backend;
  int spatial = conv->weight->dims - 2, last = spatial - 1;
  const SrTensor *x = conv->x, *y = conv->y;
  struct {
    uint32_t halves, batch, in_channels, out_channels, in_h, in_w, out_h, out_w, kernel_h, kernel_w;
    uint32_t stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w, flags;
  } push = {
    0, (uint32_t) sr_tensor_batch (x, spatial + 1), (uint32_t) dim_from_end (x, spatial + 1),
    (uint32_t) dim_from_end (y, spatial + 1), spatial == 2 ? (uint32_t) dim_from_end (x, 2) : 1,
    (uint32_t) dim_from_end (x, 1), spatial == 2 ? (uint32_t) dim_from_end (y, 2) : 1, (uint32_t) dim_from_end (y, 1),
    spatial == 2 ? (uint32_t) conv->weight->shape[2] : 1, (uint32_t) dim_from_end (conv->weight, 1),
    spatial == 2 && conv->stride[0] ? (uint32_t) conv->stride[0] : 1,
    conv->stride[last] ? (uint32_t) conv->stride[last] : 1,
    spatial == 2 ? (uint32_t) conv->padding[0] : 0, (uint32_t) conv->padding[last],
    spatial == 2 && conv->dilation[0] ? (uint32_t) conv->dilation[0] : 1,
    conv->dilation[last] ? (uint32_t) conv->dilation[last] : 1,
    (uint32_t) conv->transposed | ((conv->bias != NULL) << 1),
  };
  return dispatch_linear (vk, SR_KERNEL_CONV, y->count, (const SrTensor *const[SR_MAX_BINDINGS]) {
                            x, conv->weight, conv->bias, y }, &push, sizeof push);
}

typedef struct {
  uint32_t halves, width, channel_size, groups, channels_per_group, flags;
  float eps;
} NormPush;

static bool
dispatch_rows (SrVulkanBackend *vk, SrKernel kernel, uint64_t rows, const SrTensor *const bindings[], void *push,
               size_t push_size)
{
  uint32_t x, y;
  sr_vulkan_grid (vk, rows, &x, &y);
  return sr_vulkan_dispatch (vk, kernel, bindings, push, push_size, x, y, 1);
}

static bool
vk_layer_norm (SrBackend *backend, const SrTensor *x, const SrTensor *gamma, const SrTensor *beta, float eps,
               SrTensor *y)
{
  NormPush push = { 0, (uint32_t) sr_tensor_columns (x), 0, 1, 1, (gamma != NULL) | ((beta != NULL) << 1), eps };
  return dispatch_rows ((SrVulkanBackend *) backend, SR_KERNEL_NORM, (uint64_t) sr_tensor_rows (x),
                        (const SrTensor *const[SR_MAX_BINDINGS]) { x, gamma, beta, y }, &push, sizeof push);
}

static bool
vk_group_norm (SrBackend *backend, const SrTensor *x, int groups, const SrTensor *gamma, const SrTensor *beta,
               float eps, SrTensor *y)
{
  uint32_t channels = (uint32_t) x->shape[1];
  uint32_t channel_size = (uint32_t) (x->count / ((size_t) x->shape[0] * channels));
  NormPush push = { 0, channel_size * (channels / (uint32_t) groups), channel_size, (uint32_t) groups,
                    channels / (uint32_t) groups, 3, eps };
  return dispatch_rows ((SrVulkanBackend *) backend, SR_KERNEL_NORM, (uint64_t) x->shape[0] * (uint64_t) groups,
                        (const SrTensor *const[SR_MAX_BINDINGS]) { x, gamma, beta, y }, &push, sizeof push);
}

static bool
vk_softmax (SrBackend *backend, const SrTensor *x, SrTensor *y)
{
  struct { uint32_t halves, width; } push = { 0, (uint32_t) sr_tensor_columns (x) };
  return dispatch_rows ((SrVulkanBackend *) backend, SR_KERNEL_SOFTMAX, (uint64_t) sr_tensor_rows (x),
                        (const SrTensor *const[SR_MAX_BINDINGS]) { x, y }, &push, sizeof push);
}

typedef struct {
  uint32_t halves, op, activation, count, columns, b_kind, channels, steps, height, width;
} ElementPush;

enum { OP_ACTIVATION, OP_SNAKE, OP_ADD, OP_MUL, OP_UPSAMPLE };

static bool
elementwise (SrBackend *backend, ElementPush push, const SrTensor *x, const SrTensor *b, SrTensor *y)
{
  return dispatch_linear ((SrVulkanBackend *) backend, SR_KERNEL_ELEMENTWISE, push.count,
                          (const SrTensor *const[SR_MAX_BINDINGS]) { x, b, y }, &push, sizeof push);
}

static bool
vk_activation (SrBackend *backend, SrActivation activation, const SrTensor *x, SrTensor *y)
{
  ElementPush push = { .op = OP_ACTIVATION, .activation = activation, .count = (uint32_t) x->count };
  return elementwise (backend, push, x, NULL, y);
}

static bool
vk_snake (SrBackend *backend, const SrTensor *x, const SrTensor *alpha, SrTensor *y)
{
  ElementPush push = { .op = OP_SNAKE, .count = (uint32_t) x->count, .channels = (uint32_t) alpha->count,
                       .steps = (uint32_t) sr_tensor_columns (x) };
  return elementwise (backend, push, x, alpha, y);
}

static bool
vk_binary (SrBackend *backend, SrBinaryOp op, const SrTensor *a, const SrTensor *b, SrTensor *y)
{
  uint32_t columns = (uint32_t) sr_tensor_columns (a);
  uint32_t kind = b->count == a->count && sr_tensor_columns (b) == columns ? 0 : b->count == columns ? 1 : 2;
  ElementPush push = { .op = op == SR_BINARY_ADD ? OP_ADD : OP_MUL, .count = (uint32_t) a->count,
                       .columns = columns, .b_kind = kind };
  return elementwise (backend, push, a, b, y);
}

static bool
vk_upsample2x (SrBackend *backend, const SrTensor *x, SrTensor *y)
{
  ElementPush push = { .op = OP_UPSAMPLE, .count = (uint32_t) y->count, .height = (uint32_t) dim_from_end (x, 2),
                       .width = (uint32_t) dim_from_end (x, 1) };
  return elementwise (backend, push, x, NULL, y);
}

static bool
vk_embed_sum (SrBackend *backend, const SrTensor *table, const SrTensor *ids, SrTensor *y)
{
  struct { uint32_t halves, steps, width, books, vocabulary; } push = {
    0, (uint32_t) sr_tensor_rows (ids), (uint32_t) table->shape[1], (uint32_t) sr_tensor_columns (ids),
    (uint32_t) table->shape[0] };
  return dispatch_linear ((SrVulkanBackend *) backend, SR_KERNEL_EMBED, y->count,
                          (const SrTensor *const[SR_MAX_BINDINGS]) { table, ids, y }, &push, sizeof push);
}

static bool
vk_nearest_code (SrBackend *backend, const SrTensor *x, const SrTensor *codebook, SrCodeMetric metric,
                 SrTensor *ids)
{
  struct { uint32_t halves, rows, width, codes, metric; } push = {
    0, (uint32_t) sr_tensor_rows (x), (uint32_t) sr_tensor_columns (x), (uint32_t) codebook->shape[0],
    metric == SR_CODE_LARGEST_DOT };
  return dispatch_linear ((SrVulkanBackend *) backend, SR_KERNEL_NEAREST_CODE, push.rows,
                          (const SrTensor *const[SR_MAX_BINDINGS]) { x, codebook, ids }, &push, sizeof push);
}

static bool
vk_top_k (SrBackend *backend, const SrTensor *x, int k, SrTensor *values, SrTensor *indices)
{
  struct { uint32_t halves, rows, columns, k, flags; } push = {
    0, (uint32_t) sr_tensor_rows (x), (uint32_t) sr_tensor_columns (x), (uint32_t) k, values != NULL };
  return dispatch_linear ((SrVulkanBackend *) backend, SR_KERNEL_TOP_K, push.rows,
                          (const SrTensor *const[SR_MAX_BINDINGS]) { x, values, indices }, &push, sizeof push);
}

static bool
vk_copy_rows (SrBackend *backend, const SrTensor *src, SrTensor *dst, int64_t first_row)
{
  const SrVulkanBuffer *from = src->storage, *to = dst->storage;
  size_t element = sr_dtype_size (src->dtype);
  return sr_vulkan_record_copy ((SrVulkanBackend *) backend, from->buffer, 0, to->buffer,
                                (VkDeviceSize) first_row * (VkDeviceSize) sr_tensor_columns (dst) * element,
                                src->count * element);
}

const SrBackendOps sr_vulkan_ops = {
  .name = "vulkan",
  .destroy = sr_vulkan_destroy,
  .tensor_alloc = sr_vulkan_tensor_alloc,
  .tensor_release = sr_vulkan_tensor_release,
  .tensor_write = sr_vulkan_tensor_write,
  .tensor_read = sr_vulkan_tensor_read,
  .sync = sr_vulkan_sync,
  .gemm = vk_gemm,
  .attention = vk_attention,
  .conv = vk_conv,
  .layer_norm = vk_layer_norm,
  .group_norm = vk_group_norm,
  .softmax = vk_softmax,
  .activation = vk_activation,
  .snake = vk_snake,
  .binary = vk_binary,
  .embed_sum = vk_embed_sum,
  .upsample2x = vk_upsample2x,
  .nearest_code = vk_nearest_code,
  .top_k = vk_top_k,
  .copy_rows = vk_copy_rows,
};
