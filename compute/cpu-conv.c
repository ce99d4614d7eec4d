/* Convolutions on the CPU as GEMMs: im2col gathers each output position's receptive field into a column and OpenBLAS
 * multiplies the weight by those columns; a transposed convolution multiplies first and scatters the columns back
 * (col2im). 1-D is 2-D with a height of 1. Columns are built for a span of output positions at a time, so the
 * temporary stays bounded on a minute of audio. */
#include "cpu-backend.h"

#include <string.h>

enum { MAX_COLUMN_VALUES = 1 << 22 }; /* 16 MiB of columns at a time */

typedef struct {
  int64_t in_channels, out_channels, in_h, in_w, out_h, out_w, kernel_h, kernel_w;
  int stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
} Geometry;

static Geometry
geometry_of (const SrConv *conv)
{
  int spatial = conv->weight->dims - 2;
  const SrTensor *x = conv->x, *y = conv->y, *w = conv->weight;
  Geometry g = { 0 };
  g.in_channels = x->shape[x->dims - spatial - 1];
  g.out_channels = y->shape[y->dims - spatial - 1];
  g.in_h = spatial == 2 ? x->shape[x->dims - 2] : 1;
  g.in_w = x->shape[x->dims - 1];
  g.out_h = spatial == 2 ? y->shape[y->dims - 2] : 1;
  g.out_w = y->shape[y->dims - 1];
  g.kernel_h = spatial == 2 ? w->shape[2] : 1;
  g.kernel_w = w->shape[w->dims - 1];
  int last = spatial - 1; /* the parameters' index of W */
  g.stride_h = spatial == 2 && conv->stride[0] ? conv->stride[0] : 1;
  g.stride_w = conv->stride[last] ? conv->stride[last] : 1;
  g.pad_h = spatial == 2 ? conv->padding[0] : 0;
  g.pad_w = conv->padding[last];
  g.dilation_h = spatial == 2 && conv->dilation[0] ? conv->dilation[0] : 1;
  g.dilation_w = conv->dilation[last] ? conv->dilation[last] : 1;
  return g;
}

typedef struct {
  const Geometry *g;
  const float *x;   /* one batch item */
  float *columns;   /* [Cin·kh·kw, span] */
  int64_t first, span;
} Im2colJob;

static int64_t
clamp_span (int64_t value, int64_t low, int64_t high)
{
  return value < low ? low : value > high ? high : value;
}

/* COUNT values of a column row along one input row (SIGNAL): the input at (FIRST + s)·stride + offset for output
 * columns FIRST … FIRST + COUNT − 1, zero outside it. The columns that read inside form one stretch, so this is two
 * zero runs around a copy (a memcpy at stride 1): a division and two bounds tests per value had made im2col take
 * longer than the GEMM on the codec's encoder. */
static void
im2col_stretch (const Geometry *g, const float *signal, int64_t kj, float *out, int64_t first, int64_t count)
{
  int64_t stride = g->stride_w, offset = kj * g->dilation_w - g->pad_w;
  int64_t begin = offset >= 0 ? 0 : (-offset + stride - 1) / stride; /* the first column reading inside */
  int64_t end = g->in_w - 1 - offset < 0 ? 0 : (g->in_w - 1 - offset) / stride + 1; /* one past the last */
  int64_t inside = clamp_span (begin - first, 0, count), after = clamp_span (end - first, inside, count);
  memset (out, 0, (size_t) inside * sizeof *out);
  if (after > inside && stride == 1)
    memcpy (out + inside, signal + first + inside + offset, (size_t) (after - inside) * sizeof *out);
  for (int64_t s = inside; stride > 1 && s < after; s++)
    out[s] = signal[(first + s) * stride + offset];
  memset (out + after, 0, (size_t) (count - after) * sizeof *out);
}

static void
im2col_rows (void *context, int64_t begin, int64_t end)
{
  const Im2colJob *job = context;
  const Geometry *g = job->g;
  int64_t taps = g->kernel_h * g->kernel_w;
  for (int64_t row = begin; row < end; row++)
    {
      int64_t c = row / taps, ki = (row % taps) / g->kernel_w, kj = row % g->kernel_w;
      const float *plane = job->x + c * g->in_h * g->in_w;
      float *out = job->columns + row * job->span;
      /* the span's positions, an output row's stretch at a time */
      for (int64_t s = 0; s < job->span;)
        {
          int64_t p = job->first + s, oh = p / g->out_w, ow = p % g->out_w;
          int64_t count = clamp_span (g->out_w - ow, 0, job->span - s);
          int64_t ih = oh * g->stride_h - g->pad_h + ki * g->dilation_h;
          if (ih >= 0 && ih < g->in_h)
            im2col_stretch (g, plane + ih * g->in_w, kj, out + s, ow, count);
          else
            memset (out + s, 0, (size_t) count * sizeof *out);
          s += count;
        }
    }
}

/* How many positions' columns are built at a time: the bound on the temporary, within 1 … POSITIONS. */
static int64_t
column_span (int64_t depth, int64_t positions)
{
  int64_t span = MAX_COLUMN_VALUES / depth;
  return span < 1 ? 1 : (span > positions ? positions : span);
}

static bool
is_pointwise (const Geometry *g)
{
  return g->kernel_h == 1 && g->kernel_w == 1 && g->stride_h == 1 && g->stride_w == 1 && g->pad_h == 0
         && g->pad_w == 0;
}

static void
fill_bias (float *y, const float *bias, int64_t channels, int64_t size)
{
  for (int64_t c = 0; c < channels; c++)
    for (int64_t j = 0; j < size; j++)
      y[c * size + j] = bias != NULL ? bias[c] : 0.0f;
}

static bool
conv_forward (SrCpuBackend *cpu, const SrConv *conv, const Geometry *g, int64_t batch)
{
  int64_t depth = g->in_channels * g->kernel_h * g->kernel_w, positions = g->out_h * g->out_w;
  int64_t span = column_span (depth, positions);
  float *columns = is_pointwise (g) ? NULL : sr_cpu_scratch (cpu, (size_t) (depth * span));
  if (!is_pointwise (g) && columns == NULL)
    return sr_backend_fail (&cpu->base, "out of memory for convolution columns");
  const float *bias = conv->bias ? cpu_f (conv->bias) : NULL;
  for (int64_t b = 0; b < batch; b++)
    {
      const float *x = cpu_f (conv->x) + b * g->in_channels * g->in_h * g->in_w;
      float *y = cpu_f (conv->y) + b * g->out_channels * positions;
      fill_bias (y, bias, g->out_channels, positions);
      for (int64_t first = 0; first < positions; first += span)
        {
          int64_t count = positions - first < span ? positions - first : span;
          const float *source = x + first;
          int64_t ld = positions;
          if (columns != NULL)
            {
              Im2colJob job = { g, x, columns, first, count };
              sr_parallel_for (cpu->pool, depth, 4, im2col_rows, &job);
              source = columns;
              ld = count;
            }
          sr_cpu_sgemm (cpu, false, false, g->out_channels, count, depth, 1.0f, cpu_f (conv->weight), depth, source,
                        ld, 1.0f, y + first, positions);
        }
    }
  return true;
}

typedef struct {
  const Geometry *g;
  const float *columns; /* [Cout·kh·kw, span] for input positions first … first + span */
  float *y;             /* one batch item */
  int64_t first, span;
} Col2imJob;

static void
col2im_channels (void *context, int64_t begin, int64_t end)
{
  const Col2imJob *job = context;
  const Geometry *g = job->g;
  int64_t taps = g->kernel_h * g->kernel_w;
  for (int64_t c = begin; c < end; c++)
    {
      float *plane = job->y + c * g->out_h * g->out_w;
      for (int64_t t = 0; t < taps; t++)
        {
          int64_t ki = t / g->kernel_w, kj = t % g->kernel_w;
          const float *column = job->columns + (c * taps + t) * job->span;
          for (int64_t s = 0; s < job->span; s++)
            {
              int64_t p = job->first + s, ih = p / g->in_w, iw = p % g->in_w;
              int64_t oh = ih * g->stride_h - g->pad_h + ki * g->dilation_h;
              int64_t ow = iw * g->stride_w - g->pad_w + kj * g->dilation_w;
              if (oh >= 0 && oh < g->out_h && ow >= 0 && ow < g->out_w)
                plane[oh * g->out_w + ow] += column[s];
            }
        }
    }
}

static bool
conv_transposed (SrCpuBackend *cpu, const SrConv *conv, const Geometry *g, int64_t batch)
{
  int64_t depth = g->out_channels * g->kernel_h * g->kernel_w, positions = g->in_h * g->in_w;
  int64_t span = column_span (depth, positions);
  float *columns = sr_cpu_scratch (cpu, (size_t) (depth * span));
  if (columns == NULL)
    return sr_backend_fail (&cpu->base, "out of memory for convolution columns");
  const float *bias = conv->bias ? cpu_f (conv->bias) : NULL;
  for (int64_t b = 0; b < batch; b++)
    {
      const float *x = cpu_f (conv->x) + b * g->in_channels * positions;
      float *y = cpu_f (conv->y) + b * g->out_channels * g->out_h * g->out_w;
      fill_bias (y, bias, g->out_channels, g->out_h * g->out_w);
      for (int64_t first = 0; first < positions; first += span)
        {
          int64_t count = positions - first < span ? positions - first : span;
          /* weight [Cin, Cout·kh·kw]ᵀ · x[:, first …] */
          sr_cpu_sgemm (cpu, true, false, depth, count, g->in_channels, 1.0f, cpu_f (conv->weight), depth,
                        x + first, positions, 0.0f, columns, count);
          Col2imJob job = { g, columns, y, first, count };
          sr_parallel_for (cpu->pool, g->out_channels, 1, col2im_channels, &job);
        }
    }
  return true;
}

bool
sr_cpu_conv (SrBackend *backend, const SrConv *conv)
{
  SrCpuBackend *cpu = (SrCpuBackend *) backend;
  Geometry g = geometry_of (conv);
  int64_t batch = sr_tensor_batch (conv->x, conv->weight->dims - 1);
  return conv->transposed ? conv_transposed (cpu, conv, &g, batch) : conv_forward (cpu, conv, &g, batch);
}
