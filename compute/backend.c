/* The checks every operation makes before a backend runs it, and the tensor bookkeeping shared by all backends. */
#include "backend-private.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "half.h"

/* Keeps one tensor's element count far from size_t overflow and any backend's addressing. */
#define MAX_TENSOR_ELEMENTS (INT64_C (1) << 34)

bool
sr_backend_fail (SrBackend *backend, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  vsnprintf (backend->error, sizeof backend->error, format, args);
  va_end (args);
  return false;
}

SrBackend *
sr_backend_open_cpu (int threads)
{
  return sr_cpu_backend_new (threads);
}

SrBackend *
sr_backend_open (const SrDeviceChoice *choice, char notice[SR_MESSAGE_SIZE])
{
  notice[0] = '\0';
  if (choice->kind != SR_DEVICE_CPU)
    {
      char reason[SR_MESSAGE_SIZE] = "";
      SrBackend *vulkan = sr_vulkan_backend_new (choice, reason);
      if (vulkan != NULL)
        return vulkan;
      /* auto without a GPU is the ordinary CPU-only machine: only a request that was not met deserves a notice. */
      if (choice->kind == SR_DEVICE_VULKAN || reason[0] != '\0')
        snprintf (notice, SR_MESSAGE_SIZE, "%s; using the CPU backend", reason[0] ? reason : "no Vulkan device");
    }
  return sr_cpu_backend_new (0);
}

void
sr_backend_free (SrBackend *backend)
{
  if (backend != NULL)
    backend->ops->destroy (backend);
}

const char *
sr_backend_name (const SrBackend *backend)
{
  return backend->ops->name;
}

const char *
sr_backend_device_name (const SrBackend *backend)
{
  return backend->device_name;
}

const char *
sr_backend_error (const SrBackend *backend)
{
  return backend->error;
}

bool
sr_backend_lost (const SrBackend *backend)
{
  return backend->lost;
}

bool
sr_backend_sync (SrBackend *backend)
{
  return backend->ops->sync (backend);
}

size_t
sr_dtype_size (SrDType dtype)
{
  return dtype == SR_DTYPE_F16 ? 2 : 4;
}

SrTensor *
sr_tensor_new (SrBackend *backend, SrDType dtype, int dims, const int64_t *shape)
{
  if (dims < 1 || dims > SR_MAX_DIMS)
    {
      sr_backend_fail (backend, "a tensor has 1 to %d dimensions, not %d", SR_MAX_DIMS, dims);
      return NULL;
    }
  SrTensor *tensor = calloc (1, sizeof *tensor);
  if (tensor == NULL)
    return NULL;
  tensor->backend = backend;
  tensor->dtype = dtype;
  tensor->dims = dims;
  int64_t count = 1;
  for (int i = 0; i < dims; i++)
    {
      if (shape[i] < 1 || shape[i] > MAX_TENSOR_ELEMENTS || count > MAX_TENSOR_ELEMENTS / shape[i])
        {
          sr_backend_fail (backend, "tensor dimension %d of %lld is out of range", i, (long long) shape[i]);
          free (tensor);
          return NULL;
        }
      tensor->shape[i] = shape[i];
      count *= shape[i];
    }
  tensor->count = (size_t) count;
  if (!backend->ops->tensor_alloc (backend, tensor))
    {
      free (tensor);
      return NULL;
    }
  return tensor;
}

SrTensor *
sr_tensor_new_2d (SrBackend *backend, SrDType dtype, int64_t rows, int64_t columns)
{
  int64_t shape[2] = { rows, columns };
  return sr_tensor_new (backend, dtype, 2, shape);
}

void
sr_tensor_free (SrTensor *tensor)
{
  if (tensor == NULL)
    return;
  tensor->backend->ops->tensor_release (tensor->backend, tensor);
  free (tensor);
}

bool
sr_tensor_reshape (SrTensor *tensor, int dims, const int64_t *shape)
{
  int64_t count = 1;
  for (int i = 0; i < dims; i++)
    count *= shape[i] > 0 ? shape[i] : 0;
  if (dims < 1 || dims > SR_MAX_DIMS || count != (int64_t) tensor->count)
    return sr_backend_fail (tensor->backend, "cannot reshape %zu values into that shape", tensor->count);
  tensor->dims = dims;
  for (int i = 0; i < SR_MAX_DIMS; i++)
    tensor->shape[i] = i < dims ? shape[i] : 0;
  return true;
}

int64_t
sr_tensor_columns (const SrTensor *tensor)
{
  return tensor->shape[tensor->dims - 1];
}

int64_t
sr_tensor_rows (const SrTensor *tensor)
{
  return (int64_t) tensor->count / sr_tensor_columns (tensor);
}

int64_t
sr_tensor_batch (const SrTensor *tensor, int inner_dims)
{
  int64_t batch = 1;
  for (int i = 0; i < tensor->dims - inner_dims; i++)
    batch *= tensor->shape[i];
  return batch;
}

bool
sr_tensor_write (SrTensor *tensor, const void *host)
{
  return tensor->backend->ops->tensor_write (tensor->backend, tensor, host);
}

bool
sr_tensor_read (const SrTensor *tensor, void *host)
{
  return tensor->backend->ops->tensor_read (tensor->backend, tensor, host);
}

bool
sr_tensor_write_f32 (SrTensor *tensor, const float *host)
{
  if (tensor->dtype == SR_DTYPE_F32)
    return sr_tensor_write (tensor, host);
  if (tensor->dtype == SR_DTYPE_I32)
    return sr_backend_fail (tensor->backend, "an integer tensor is written with sr_tensor_write");
  uint16_t *half = malloc (tensor->count * sizeof *half);
  if (half == NULL)
    return sr_backend_fail (tensor->backend, "out of memory converting %zu values to fp16", tensor->count);
  for (size_t i = 0; i < tensor->count; i++)
    half[i] = sr_float_to_half (host[i]);
  bool written = sr_tensor_write (tensor, half);
  free (half);
  return written;
}

bool
sr_tensor_read_f32 (const SrTensor *tensor, float *host)
{
  if (tensor->dtype == SR_DTYPE_F32)
    return sr_tensor_read (tensor, host);
  if (tensor->dtype == SR_DTYPE_I32)
    return sr_backend_fail (tensor->backend, "an integer tensor is read with sr_tensor_read");
  uint16_t *half = malloc (tensor->count * sizeof *half);
  if (half == NULL)
    return sr_backend_fail (tensor->backend, "out of memory converting %zu values from fp16", tensor->count);
  bool read = sr_tensor_read (tensor, half);
  for (size_t i = 0; read && i < tensor->count; i++)
    host[i] = sr_half_to_float (half[i]);
  free (half);
  return read;
}

/* ---- operand checks ---- */

static bool
same_backend (SrBackend *backend, const SrTensor *tensor, const char *name)
{
  if (tensor != NULL && tensor->backend != backend)
    return sr_backend_fail (backend, "%s lives on another backend", name);
  return true;
}

static bool
has_dtype (SrBackend *backend, const SrTensor *tensor, const char *name, bool f32, bool f16, bool i32)
{
  if (tensor == NULL)
    return sr_backend_fail (backend, "%s is missing", name);
  bool fits = (tensor->dtype == SR_DTYPE_F32 && f32) || (tensor->dtype == SR_DTYPE_F16 && f16)
              || (tensor->dtype == SR_DTYPE_I32 && i32);
  return fits || sr_backend_fail (backend, "%s has the wrong element type", name);
}

#define CHECK(condition, ...) \
  do { if (!(condition)) return sr_backend_fail (backend, __VA_ARGS__); } while (0)
#define FLOAT_OPERAND(t, name) \
  do { if (!same_backend (backend, t, name) || !has_dtype (backend, t, name, true, true, false)) return false; } \
  while (0)
#define F32_OPERAND(t, name) \
  do { if (!same_backend (backend, t, name) || !has_dtype (backend, t, name, true, false, false)) return false; } \
  while (0)
#define I32_OPERAND(t, name) \
  do { if (!same_backend (backend, t, name) || !has_dtype (backend, t, name, false, false, true)) return false; } \
  while (0)

static int64_t
dim_from_end (const SrTensor *t, int from_end)
{
  return t->dims >= from_end ? t->shape[t->dims - from_end] : 1;
}

bool
sr_gemm (SrBackend *backend, const SrGemm *gemm)
{
  const SrTensor *a = gemm->a, *b = gemm->b;
  SrTensor *c = gemm->c;
  F32_OPERAND (a, "GEMM's A");
  FLOAT_OPERAND (b, "GEMM's B");
  F32_OPERAND (c, "GEMM's C");
  CHECK (a->dims >= 2 && a->dims <= 3 && b->dims >= 2 && b->dims <= 3 && c->dims == a->dims,
         "GEMM takes matrices or one batch of them");
  int64_t m = gemm->transpose_a ? dim_from_end (a, 1) : dim_from_end (a, 2);
  int64_t k = gemm->transpose_a ? dim_from_end (a, 2) : dim_from_end (a, 1);
  int64_t kb = gemm->transpose_b ? dim_from_end (b, 1) : dim_from_end (b, 2);
  int64_t n = gemm->transpose_b ? dim_from_end (b, 2) : dim_from_end (b, 1);
  CHECK (k == kb, "GEMM's inner sizes differ (%lld and %lld)", (long long) k, (long long) kb);
  CHECK (dim_from_end (c, 2) == m && dim_from_end (c, 1) == n, "GEMM's C is not %lld × %lld", (long long) m,
         (long long) n);
  int64_t batch = sr_tensor_batch (a, 2);
  CHECK (sr_tensor_batch (c, 2) == batch, "GEMM's C has another batch than A");
  CHECK (b->dims == 2 || sr_tensor_batch (b, 2) == batch, "GEMM's B has another batch than A");
  if (gemm->bias != NULL)
    {
      FLOAT_OPERAND (gemm->bias, "GEMM's bias");
      CHECK (gemm->bias->count == (size_t) n, "GEMM's bias has %zu values for %lld columns", gemm->bias->count,
             (long long) n);
    }
  CHECK (c != a && c != b, "GEMM writes over its own operand");
  return backend->ops->gemm (backend, gemm);
}

bool
sr_attention (SrBackend *backend, const SrAttention *attention)
{
  const SrTensor *q = attention->q, *k = attention->k, *v = attention->v;
  F32_OPERAND (q, "attention's queries");
  F32_OPERAND (k, "attention's keys");
  F32_OPERAND (v, "attention's values");
  F32_OPERAND (attention->out, "attention's output");
  CHECK (q->dims == 3 && k->dims == 3 && v->dims == 3 && attention->out->dims == 3,
         "attention takes [batch, steps, heads·head size] tensors");
  int64_t batch = q->shape[0], width = q->shape[2];
  CHECK (attention->heads > 0 && width % attention->heads == 0, "%d heads do not divide a row of %lld",
         attention->heads, (long long) width);
  CHECK (k->shape[0] == batch && v->shape[0] == batch && k->shape[2] == width && v->shape[2] == width
         && v->shape[1] == k->shape[1], "attention's keys and values do not match its queries");
  CHECK (attention->out->shape[0] == batch && attention->out->shape[1] == q->shape[1]
         && attention->out->shape[2] == width, "attention's output is not shaped like its queries");
  CHECK (attention->key_count > 0 && attention->key_count <= k->shape[1], "attention uses %d of %lld keys",
         attention->key_count, (long long) k->shape[1]);
  CHECK (attention->query_offset >= 0, "a negative query offset");
  if (attention->key_lengths != NULL)
    {
      I32_OPERAND (attention->key_lengths, "attention's key lengths");
      CHECK (attention->key_lengths->count == (size_t) batch, "one key length per sequence");
    }
  if (attention->probabilities != NULL)
    {
      F32_OPERAND (attention->probabilities, "attention's probabilities");
      CHECK (attention->probabilities->count == (size_t) (batch * attention->key_count),
             "attention's probabilities hold [batch, key count]");
      CHECK (attention->probability_query >= 0 && attention->probability_query < q->shape[1],
             "the probabilities' query is not among the queries");
    }
  CHECK (attention->out != q && attention->out != k && attention->out != v, "attention writes over its input");
  return backend->ops->attention (backend, attention);
}

static int64_t
conv_output_size (int64_t in, int64_t kernel, int stride, int padding, int dilation, int output_padding,
                  bool transposed)
{
  if (transposed)
    return (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1;
  return (in + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
}

bool
sr_conv (SrBackend *backend, const SrConv *conv)
{
  FLOAT_OPERAND (conv->weight, "the convolution's weight");
  F32_OPERAND (conv->x, "the convolution's input");
  F32_OPERAND (conv->y, "the convolution's output");
  int spatial = conv->weight->dims - 2;
  CHECK (spatial == 1 || spatial == 2, "convolutions are 1-D or 2-D");
  CHECK (conv->x->dims == spatial + 1 || conv->x->dims == spatial + 2, "the convolution's input has %d dimensions",
         conv->x->dims);
  CHECK (conv->y->dims == conv->x->dims, "the convolution's output has %d dimensions", conv->y->dims);
  int64_t in_channels = dim_from_end (conv->x, spatial + 1);
  int64_t out_channels = dim_from_end (conv->y, spatial + 1);
  int64_t w_in = conv->weight->shape[conv->transposed ? 0 : 1];
  int64_t w_out = conv->weight->shape[conv->transposed ? 1 : 0];
  CHECK (w_in == in_channels && w_out == out_channels, "the convolution's weight is for %lld → %lld channels, not "
         "%lld → %lld", (long long) w_in, (long long) w_out, (long long) in_channels, (long long) out_channels);
  CHECK (sr_tensor_batch (conv->x, spatial + 1) == sr_tensor_batch (conv->y, spatial + 1),
         "the convolution's input and output batches differ");
  for (int d = 0; d < spatial; d++)
    {
      int stride = conv->stride[d] ? conv->stride[d] : 1, dilation = conv->dilation[d] ? conv->dilation[d] : 1;
      CHECK (stride > 0 && dilation > 0 && conv->padding[d] >= 0 && conv->output_padding[d] >= 0
             && (conv->output_padding[d] == 0 || conv->transposed), "bad convolution parameters");
      int64_t in = dim_from_end (conv->x, spatial - d);
      int64_t expected = conv_output_size (in, conv->weight->shape[2 + d], stride, conv->padding[d], dilation,
                                           conv->output_padding[d], conv->transposed);
      CHECK (expected > 0 && dim_from_end (conv->y, spatial - d) == expected,
             "the convolution's output has size %lld where %lld is expected",
             (long long) dim_from_end (conv->y, spatial - d), (long long) expected);
    }
  if (conv->bias != NULL)
    {
      FLOAT_OPERAND (conv->bias, "the convolution's bias");
      CHECK (conv->bias->count == (size_t) out_channels, "the convolution's bias is not one per output channel");
    }
  CHECK (conv->y != conv->x, "a convolution writes over its input");
  return backend->ops->conv (backend, conv);
}

static bool
same_shape (const SrTensor *a, const SrTensor *b)
{
  if (a->dims != b->dims)
    return false;
  for (int i = 0; i < a->dims; i++)
    if (a->shape[i] != b->shape[i])
      return false;
  return true;
}

bool
sr_layer_norm (SrBackend *backend, const SrTensor *x, const SrTensor *gamma, const SrTensor *beta, float eps,
               SrTensor *y)
{
  F32_OPERAND (x, "LayerNorm's input");
  F32_OPERAND (y, "LayerNorm's output");
  CHECK (same_shape (x, y), "LayerNorm's output is not shaped like its input");
  int64_t columns = sr_tensor_columns (x);
  if (gamma != NULL)
    {
      FLOAT_OPERAND (gamma, "LayerNorm's gamma");
      CHECK (gamma->count == (size_t) columns, "LayerNorm's gamma is not one per column");
    }
  if (beta != NULL)
    {
      FLOAT_OPERAND (beta, "LayerNorm's beta");
      CHECK (beta->count == (size_t) columns, "LayerNorm's beta is not one per column");
    }
  CHECK (eps >= 0, "a negative epsilon");
  return backend->ops->layer_norm (backend, x, gamma, beta, eps, y);
}

bool
sr_group_norm (SrBackend *backend, const SrTensor *x, int groups, const SrTensor *gamma, const SrTensor *beta,
               float eps, SrTensor *y)
{
  F32_OPERAND (x, "GroupNorm's input");
  F32_OPERAND (y, "GroupNorm's output");
  CHECK (same_shape (x, y), "GroupNorm's output is not shaped like its input");
  CHECK (x->dims >= 2, "GroupNorm takes [batch, channels, …]");
  int64_t channels = x->shape[1];
  CHECK (groups > 0 && channels % groups == 0, "%d groups do not divide %lld channels", groups, (long long) channels);
  FLOAT_OPERAND (gamma, "GroupNorm's gamma");
  FLOAT_OPERAND (beta, "GroupNorm's beta");
  CHECK (gamma->count == (size_t) channels && beta->count == (size_t) channels,
         "GroupNorm's gamma and beta are one per channel");
  return backend->ops->group_norm (backend, x, groups, gamma, beta, eps, y);
}

bool
sr_softmax (SrBackend *backend, const SrTensor *x, SrTensor *y)
{
  F32_OPERAND (x, "softmax's input");
  F32_OPERAND (y, "softmax's output");
  CHECK (same_shape (x, y), "softmax's output is not shaped like its input");
  return backend->ops->softmax (backend, x, y);
}

bool
sr_activation (SrBackend *backend, SrActivation activation, const SrTensor *x, SrTensor *y)
{
  F32_OPERAND (x, "the activation's input");
  F32_OPERAND (y, "the activation's output");
  CHECK (x->count == y->count, "the activation's output is not as large as its input");
  CHECK (activation >= SR_ACTIVATION_NONE && activation <= SR_ACTIVATION_TANH, "unknown activation");
  return backend->ops->activation (backend, activation, x, y);
}

bool
sr_snake (SrBackend *backend, const SrTensor *x, const SrTensor *alpha, SrTensor *y)
{
  F32_OPERAND (x, "Snake's input");
  F32_OPERAND (y, "Snake's output");
  FLOAT_OPERAND (alpha, "Snake's alpha");
  CHECK (same_shape (x, y) && x->dims >= 2, "Snake takes and gives [batch, channels, steps]");
  CHECK (alpha->count == (size_t) dim_from_end (x, 2), "Snake's alpha is not one per channel");
  return backend->ops->snake (backend, x, alpha, y);
}

bool
sr_binary (SrBackend *backend, SrBinaryOp op, const SrTensor *a, const SrTensor *b, SrTensor *y)
{
  F32_OPERAND (a, "the element-wise op's first operand");
  FLOAT_OPERAND (b, "the element-wise op's second operand");
  F32_OPERAND (y, "the element-wise op's output");
  CHECK (same_shape (a, y), "the element-wise op's output is not shaped like its first operand");
  bool whole = b->count == a->count && sr_tensor_columns (b) == sr_tensor_columns (a);
  bool row = b->count == (size_t) sr_tensor_columns (a);
  bool per_row = sr_tensor_columns (b) == 1 && b->count == (size_t) sr_tensor_rows (a);
  CHECK (whole || row || per_row, "the element-wise op's second operand neither matches nor broadcasts");
  CHECK (op == SR_BINARY_ADD || op == SR_BINARY_MUL, "unknown element-wise op");
  CHECK (y != b || whole, "the element-wise op writes over its broadcast operand");
  return backend->ops->binary (backend, op, a, b, y);
}

bool
sr_embed_sum (SrBackend *backend, const SrTensor *table, const SrTensor *ids, SrTensor *y)
{
  FLOAT_OPERAND (table, "the embedding table");
  I32_OPERAND (ids, "the embedding ids");
  F32_OPERAND (y, "the embeddings");
  CHECK (table->dims == 2, "an embedding table is [vocabulary, width]");
  CHECK (sr_tensor_rows (y) == sr_tensor_rows (ids) && sr_tensor_columns (y) == table->shape[1],
         "the embeddings are not [steps, width]");
  return backend->ops->embed_sum (backend, table, ids, y);
}

bool
sr_upsample2x (SrBackend *backend, const SrTensor *x, SrTensor *y)
{
  F32_OPERAND (x, "the upsampling's input");
  F32_OPERAND (y, "the upsampling's output");
  CHECK (x->dims == y->dims && x->dims >= 2, "upsampling takes [… , H, W]");
  for (int i = 0; i < x->dims - 2; i++)
    CHECK (x->shape[i] == y->shape[i], "upsampling keeps the outer dimensions");
  CHECK (dim_from_end (y, 1) == 2 * dim_from_end (x, 1) && dim_from_end (y, 2) == 2 * dim_from_end (x, 2),
         "upsampling doubles H and W");
  return backend->ops->upsample2x (backend, x, y);
}

bool
sr_nearest_code (SrBackend *backend, const SrTensor *x, const SrTensor *codebook, SrCodeMetric metric,
                 SrTensor *ids)
{
  F32_OPERAND (x, "the vectors to quantise");
  FLOAT_OPERAND (codebook, "the codebook");
  I32_OPERAND (ids, "the codes");
  CHECK (codebook->dims == 2 && sr_tensor_columns (x) == codebook->shape[1], "the codebook's width is not the "
         "vectors'");
  CHECK (ids->count == (size_t) sr_tensor_rows (x), "one code per vector");
  CHECK (metric == SR_CODE_NEAREST_L2 || metric == SR_CODE_LARGEST_DOT, "unknown code metric");
  return backend->ops->nearest_code (backend, x, codebook, metric, ids);
}

bool
sr_top_k (SrBackend *backend, const SrTensor *x, int k, SrTensor *values, SrTensor *indices)
{
  F32_OPERAND (x, "top-k's input");
  I32_OPERAND (indices, "top-k's indices");
  CHECK (k >= 1 && k <= 64 && k <= sr_tensor_columns (x), "top-k takes 1 to 64 (and at most a row's) entries, not "
         "%d", k);
  CHECK (indices->count == (size_t) (sr_tensor_rows (x) * k), "top-k's indices are not [rows, k]");
  if (values != NULL)
    {
      F32_OPERAND (values, "top-k's values");
      CHECK (values->count == indices->count, "top-k's values are not [rows, k]");
    }
  return backend->ops->top_k (backend, x, k, values, indices);
}

bool
sr_copy_rows (SrBackend *backend, const SrTensor *src, SrTensor *dst, int64_t first_row)
{
  CHECK (src != NULL && dst != NULL, "copying rows from or to a missing tensor");
  CHECK (src->backend == backend && dst->backend == backend, "copying between backends");
  CHECK (src->dtype == dst->dtype && sr_tensor_columns (src) == sr_tensor_columns (dst),
         "copied rows differ in type or width");
  CHECK (first_row >= 0 && first_row + sr_tensor_rows (src) <= sr_tensor_rows (dst),
         "%lld rows from row %lld do not fit in %lld", (long long) sr_tensor_rows (src), (long long) first_row,
         (long long) sr_tensor_rows (dst));
  CHECK (src != dst, "copying rows onto themselves");
  return backend->ops->copy_rows (backend, src, dst, first_row);
}
