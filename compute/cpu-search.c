/* Searches on the CPU: the nearest codebook entry for residual quantisation (scores by one GEMM, then a scan per
 * row) and the k largest entries of a row (argmax and top-k sampling). */
#include "cpu-backend.h"

#include <math.h>

enum { SEARCH_BLOCK = 256 }; /* vectors scored at a time */

typedef struct {
  const float *scores, *norms; /* norms: ‖c‖² for L2, NULL for the dot product */
  int32_t *ids;
  int64_t codes, first;
} CodeJob;

static void
best_codes (void *context, int64_t begin, int64_t end)
{
  const CodeJob *job = context;
  for (int64_t r = begin; r < end; r++)
    {
      const float *row = job->scores + r * job->codes;
      int64_t best = 0;
      float best_value = -INFINITY;
      for (int64_t j = 0; j < job->codes; j++)
        {
          /* argmin ‖x − c‖² = argmax (2 x·c − ‖c‖²): ‖x‖² is the same for every code */
          float value = job->norms ? 2.0f * row[j] - job->norms[j] : row[j];
          if (value > best_value)
            {
              best_value = value;
              best = j;
            }
        }
      job->ids[job->first + r] = (int32_t) best;
    }
}

bool
sr_cpu_nearest_code (SrBackend *backend, const SrTensor *x, const SrTensor *codebook, SrCodeMetric metric,
                     SrTensor *ids)
{
  SrCpuBackend *cpu = (SrCpuBackend *) backend;
  int64_t rows = sr_tensor_rows (x), width = sr_tensor_columns (x), codes = codebook->shape[0];
  int64_t block = rows < SEARCH_BLOCK ? rows : SEARCH_BLOCK;
  float *scratch = sr_cpu_scratch (cpu, (size_t) (block * codes + codes));
  if (scratch == NULL)
    return sr_backend_fail (backend, "out of memory for code scores");
  float *norms = NULL;
  if (metric == SR_CODE_NEAREST_L2)
    {
      norms = scratch + block * codes;
      for (int64_t j = 0; j < codes; j++)
        {
          const float *c = cpu_f (codebook) + j * width;
          float sum = 0.0f;
          for (int64_t d = 0; d < width; d++)
            sum += c[d] * c[d];
          norms[j] = sum;
        }
    }
  for (int64_t first = 0; first < rows; first += block)
    {
      int64_t count = rows - first < block ? rows - first : block;
      sr_cpu_sgemm (cpu, false, true, count, codes, width, 1.0f, cpu_f (x) + first * width, width,
                    cpu_f (codebook), width, 0.0f, scratch, codes);
      CodeJob job = { scratch, norms, cpu_i (ids), codes, first };
      sr_parallel_for (cpu->pool, count, 16, best_codes, &job);
    }
  return true;
}

typedef struct {
  const float *x;
  float *values;
  int32_t *indices;
  int64_t columns;
  int k;
} TopKJob;

static void
top_k_rows (void *context, int64_t begin, int64_t end)
{
  const TopKJob *job = context;
  int k = job->k;
  for (int64_t r = begin; r < end; r++)
    {
      const float *x = job->x + r * job->columns;
      float best[64];
      int32_t where[64];
      int held = 0;
      for (int64_t j = 0; j < job->columns; j++)
        {
          float value = x[j];
          if (value != value)
            continue; /* NaN never wins */
          if (held == k && !(value > best[k - 1]))
            continue;
          int slot = held < k ? held++ : k - 1;
          /* strictly larger moves up: an equal value stays behind the earlier index */
          while (slot > 0 && value > best[slot - 1])
            {
              best[slot] = best[slot - 1];
              where[slot] = where[slot - 1];
              slot--;
            }
          best[slot] = value;
          where[slot] = (int32_t) j;
        }
      for (int i = held; i < k; i++) /* an all-NaN row */
        {
          best[i] = NAN;
          where[i] = i;
        }
      for (int i = 0; i < k; i++)
        {
          job->indices[r * k + i] = where[i];
          if (job->values != NULL)
            job->values[r * k + i] = best[i];
        }
    }
}

bool
sr_cpu_top_k (SrBackend *backend, const SrTensor *x, int k, SrTensor *values, SrTensor *indices)
{
  SrCpuBackend *cpu = (SrCpuBackend *) backend;
  TopKJob job = { cpu_f (x), values ? cpu_f (values) : NULL, cpu_i (indices), sr_tensor_columns (x), k };
  sr_parallel_for (cpu->pool, sr_tensor_rows (x), 4, top_k_rows, &job);
  return true;
}
