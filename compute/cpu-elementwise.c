/* Element-wise kernels on the CPU: activations, Snake, add and multiply with broadcasting, the codebook-summed
 * embedding gather, nearest-neighbour upsampling and row copies. Loops are plain so the compiler vectorises them. */
#include "cpu-backend.h"
#include "cpu-math.h"

#include <math.h>
#include <string.h>

enum { ELEMENT_GRAIN = 32768 };

typedef struct {
  SrActivation activation;
  const float *x;
  float *y;
} ActivationJob;

static void
activation_range (void *context, int64_t begin, int64_t end)
{
  const ActivationJob *job = context;
  for (int64_t i = begin; i < end; i++)
    job->y[i] = sr_cpu_activate (job->activation, job->x[i]);
}

void
sr_cpu_activate_values (SrCpuBackend *cpu, SrActivation activation, const float *x, float *y, int64_t count)
{
  ActivationJob job = { activation, x, y };
  sr_parallel_for (cpu->pool, count, ELEMENT_GRAIN, activation_range, &job);
}

bool
sr_cpu_activation (SrBackend *backend, SrActivation activation, const SrTensor *x, SrTensor *y)
{
  sr_cpu_activate_values ((SrCpuBackend *) backend, activation, cpu_f (x), cpu_f (y), (int64_t) x->count);
  return true;
}

typedef struct {
  const float *x, *alpha;
  float *y;
  int64_t channels, steps;
} SnakeJob;

SR_VECTORIZED static void
snake_rows (void *context, int64_t begin, int64_t end)
{
  const SnakeJob *job = context;
  for (int64_t r = begin; r < end; r++)
    {
      float alpha = job->alpha[r % job->channels];
      float inverse = 1.0f / (alpha + 1e-9f);
      const float *x = job->x + r * job->steps;
      float *y = job->y + r * job->steps;
      for (int64_t t = 0; t < job->steps; t++)
        {
          float s = sinf (alpha * x[t]);
          y[t] = x[t] + inverse * s * s;
        }
    }
}

bool
sr_cpu_snake (SrBackend *backend, const SrTensor *x, const SrTensor *alpha, SrTensor *y)
{
  SrCpuBackend *cpu = (SrCpuBackend *) backend;
  int64_t steps = sr_tensor_columns (x);
  SnakeJob job = { cpu_f (x), cpu_f (alpha), cpu_f (y), (int64_t) alpha->count, steps };
  sr_parallel_for (cpu->pool, sr_tensor_rows (x), 1 + ELEMENT_GRAIN / steps, snake_rows, &job);
  return true;
}

typedef struct {
  SrBinaryOp op;
  const float *a, *b;
  float *y;
  int64_t columns;
  int b_kind; /* 0: same shape, 1: one row for all, 2: one value per row */
} BinaryJob;

SR_VECTORIZED static void
binary_rows (void *context, int64_t begin, int64_t end)
{
  const BinaryJob *job = context;
  int64_t n = job->columns;
  for (int64_t r = begin; r < end; r++)
    {
      const float *a = job->a + r * n;
      float *y = job->y + r * n;
      if (job->b_kind == 2)
        {
          float b = job->b[r];
          if (job->op == SR_BINARY_ADD)
            for (int64_t j = 0; j < n; j++)
              y[j] = a[j] + b;
          else
            for (int64_t j = 0; j < n; j++)
              y[j] = a[j] * b;
          continue;
        }
      const float *b = job->b + (job->b_kind == 0 ? r * n : 0);
      if (job->op == SR_BINARY_ADD)
        for (int64_t j = 0; j < n; j++)
          y[j] = a[j] + b[j];
      else
        for (int64_t j = 0; j < n; j++)
          y[j] = a[j] * b[j];
    }
}

bool
sr_cpu_binary (SrBackend *backend, SrBinaryOp op, const SrTensor *a, const SrTensor *b, SrTensor *y)
{
  SrCpuBackend *cpu = (SrCpuBackend *) backend;
  int64_t columns = sr_tensor_columns (a);
  int kind = b->count == a->count && sr_tensor_columns (b) == columns ? 0
             : b->count == (size_t) columns ? 1 : 2;
  BinaryJob job = { op, cpu_f (a), cpu_f (b), cpu_f (y), columns, kind };
  sr_parallel_for (cpu->pool, sr_tensor_rows (a), 1 + ELEMENT_GRAIN / columns, binary_rows, &job);
  return true;
}

typedef struct {
  const float *table;
  const int32_t *ids;
  float *y;
  int64_t books, width, vocabulary;
} EmbedJob;

SR_VECTORIZED static void
embed_rows (void *context, int64_t begin, int64_t end)
{
  const EmbedJob *job = context;
  for (int64_t t = begin; t < end; t++)
    {
      float *y = job->y + t * job->width;
      memset (y, 0, (size_t) job->width * sizeof *y);
      for (int64_t k = 0; k < job->books; k++)
        {
          int32_t id = job->ids[t * job->books + k];
          if (id < 0 || id >= job->vocabulary)
            continue; /* an id outside the table adds nothing (checked by the model runtime before it gets here) */
          const float *row = job->table + (int64_t) id * job->width;
          for (int64_t j = 0; j < job->width; j++)
            y[j] += row[j];
        }
    }
}

bool
sr_cpu_embed_sum (SrBackend *backend, const SrTensor *table, const SrTensor *ids, SrTensor *y)
{
  SrCpuBackend *cpu = (SrCpuBackend *) backend;
  EmbedJob job = { cpu_f (table), cpu_i (ids), cpu_f (y), sr_tensor_columns (ids), table->shape[1],
                   table->shape[0] };
  sr_parallel_for (cpu->pool, sr_tensor_rows (ids), 64, embed_rows, &job);
  return true;
}

typedef struct {
  const float *x;
  float *y;
  int64_t height, width;
} UpsampleJob;

SR_VECTORIZED static void
upsample_rows (void *context, int64_t begin, int64_t end)
{
  const UpsampleJob *job = context;
  for (int64_t r = begin; r < end; r++) /* r: an output row, over all planes */
    {
      int64_t plane = r / (2 * job->height), row = (r % (2 * job->height)) / 2;
      const float *x = job->x + (plane * job->height + row) * job->width;
      float *y = job->y + r * 2 * job->width;
      for (int64_t j = 0; j < 2 * job->width; j++)
        y[j] = x[j / 2];
    }
}

bool
sr_cpu_upsample2x (SrBackend *backend, const SrTensor *x, SrTensor *y)
{
  SrCpuBackend *cpu = (SrCpuBackend *) backend;
  int64_t height = x->shape[x->dims - 2], width = x->shape[x->dims - 1];
  UpsampleJob job = { cpu_f (x), cpu_f (y), height, width };
  sr_parallel_for (cpu->pool, sr_tensor_rows (y), 64, upsample_rows, &job);
  return true;
}

bool
sr_cpu_copy_rows (SrBackend *backend, const SrTensor *src, SrTensor *dst, int64_t first_row)
{
  memcpy ((char *) dst->storage + first_row * sr_tensor_columns (dst) * 4, src->storage, src->count * 4);
  return true;
}
