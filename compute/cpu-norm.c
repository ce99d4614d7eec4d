/* Row-wise normalisations on the CPU: LayerNorm, GroupNorm and softmax, each row (or group) independent, so the
 * thread pool splits rows. Statistics are two-pass (mean, then the squared deviations) for accuracy on rows with a
 * large mean. */
#include "cpu-backend.h"

#include <math.h>

#include "cpu-math.h"

/* Static: clang makes no callable symbol of an extern function with target clones (only its ifunc). */
static SR_VECTORIZED void
softmax_row (float *row, int64_t count)
{
  float largest = sr_max (row, count);
  if (largest == -INFINITY)
    {
      for (int64_t j = 0; j < count; j++)
        row[j] = 0.0f;
      return;
    }
  for (int64_t j = 0; j < count; j++)
    row[j] = sr_exp_approx (row[j] - largest);
  float inverse = 1.0f / sr_sum (row, count);
  for (int64_t j = 0; j < count; j++)
    row[j] *= inverse;
}

void
sr_cpu_softmax_row (float *row, int64_t count)
{
  softmax_row (row, count);
}

typedef struct {
  const float *x;
  float *y;
  const float *gamma, *beta; /* per column (LayerNorm) or per channel (GroupNorm); may be NULL */
  int64_t width;             /* values normalised together */
  int64_t channel_size;      /* GroupNorm: values per channel; LayerNorm: 0 */
  int64_t channels_per_group, channels;
  float eps;
} NormJob;

static inline void
row_statistics (const float *x, int64_t count, float eps, float *mean_out, float *inv_out)
{
  float mean = sr_sum (x, count) / (float) count;
  float squares = sr_squared_deviation_sum (x, count, mean);
  *mean_out = mean;
  *inv_out = 1.0f / sqrtf (squares / (float) count + eps);
}

SR_VECTORIZED static void
layer_norm_rows (void *context, int64_t begin, int64_t end)
{
  const NormJob *job = context;
  for (int64_t r = begin; r < end; r++)
    {
      const float *x = job->x + r * job->width;
      float *y = job->y + r * job->width;
      float mean, inv;
      row_statistics (x, job->width, job->eps, &mean, &inv);
      for (int64_t j = 0; j < job->width; j++)
        {
          float value = (x[j] - mean) * inv;
          if (job->gamma != NULL)
            value *= job->gamma[j];
          if (job->beta != NULL)
            value += job->beta[j];
          y[j] = value;
        }
    }
}

bool
sr_cpu_layer_norm (SrBackend *backend, const SrTensor *x, const SrTensor *gamma, const SrTensor *beta, float eps,
                   SrTensor *y)
{
  SrCpuBackend *cpu = (SrCpuBackend *) backend;
  NormJob job = { cpu_f (x), cpu_f (y), gamma ? cpu_f (gamma) : NULL, beta ? cpu_f (beta) : NULL,
                  sr_tensor_columns (x), 0, 0, 0, eps };
  sr_parallel_for (cpu->pool, sr_tensor_rows (x), 16, layer_norm_rows, &job);
  return true;
}

SR_VECTORIZED static void
group_norm_groups (void *context, int64_t begin, int64_t end)
{
  const NormJob *job = context;
  int64_t groups = job->channels / job->channels_per_group;
  for (int64_t g = begin; g < end; g++)
    {
      const float *x = job->x + g * job->width;
      float *y = job->y + g * job->width;
      float mean, inv;
      row_statistics (x, job->width, job->eps, &mean, &inv);
      int64_t first_channel = (g % groups) * job->channels_per_group;
      for (int64_t c = 0; c < job->channels_per_group; c++)
        {
          float gain = job->gamma[first_channel + c] * inv;
          float shift = job->beta[first_channel + c] - mean * gain;
          const float *xc = x + c * job->channel_size;
          float *yc = y + c * job->channel_size;
          for (int64_t j = 0; j < job->channel_size; j++)
            yc[j] = xc[j] * gain + shift;
        }
    }
}

bool
sr_cpu_group_norm (SrBackend *backend, const SrTensor *x, int groups, const SrTensor *gamma, const SrTensor *beta,
                   float eps, SrTensor *y)
{
  SrCpuBackend *cpu = (SrCpuBackend *) backend;
  int64_t channels = x->shape[1];
  int64_t channel_size = (int64_t) x->count / (x->shape[0] * channels);
  NormJob job = { cpu_f (x), cpu_f (y), cpu_f (gamma), cpu_f (beta), channel_size * (channels / groups),
                  channel_size, channels / groups, channels, eps };
  sr_parallel_for (cpu->pool, x->shape[0] * groups, 1, group_norm_groups, &job);
  return true;
}

typedef struct {
  const float *x;
  float *y;
  int64_t width;
} SoftmaxJob;

SR_VECTORIZED static void
softmax_rows (void *context, int64_t begin, int64_t end)
{
  const SoftmaxJob *job = context;
  for (int64_t r = begin; r < end; r++)
    {
      float *y = job->y + r * job->width;
      if (y != job->x + r * job->width)
        for (int64_t j = 0; j < job->width; j++)
          y[j] = job->x[r * job->width + j];
      sr_cpu_softmax_row (y, job->width);
    }
}

bool
sr_cpu_softmax (SrBackend *backend, const SrTensor *x, SrTensor *y)
{
  SrCpuBackend *cpu = (SrCpuBackend *) backend;
  SoftmaxJob job = { cpu_f (x), cpu_f (y), sr_tensor_columns (x) };
  sr_parallel_for (cpu->pool, sr_tensor_rows (x), 16, softmax_rows, &job);
  return true;
}
