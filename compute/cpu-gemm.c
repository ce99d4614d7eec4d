/* GEMM on the CPU: OpenBLAS multiplies; bias, activation and accumulation are folded around its call so that C is
 * written once where possible (bias pre-filled and beta = 1, activation applied in place). */
#include "cpu-backend.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

float
sr_cpu_activate (SrActivation activation, float value)
{
  switch (activation)
    {
    case SR_ACTIVATION_GELU:
      return 0.5f * value * (1.0f + erff (value * (float) M_SQRT1_2));
    case SR_ACTIVATION_SILU:
      return value / (1.0f + expf (-value));
    case SR_ACTIVATION_TANH:
      return tanhf (value);
    case SR_ACTIVATION_NONE:
    default:
      return value;
    }
}

typedef struct {
  bool transpose_a, transpose_b;
  int64_t m, n, k, lda, ldb, ldc, block;
  float alpha, beta;
  const float *a, *b;
  float *c;
} SgemmJob;

static void
sgemm_columns (void *context, int64_t piece, int64_t piece_end)
{
  const SgemmJob *job = context;
  int64_t first = piece * job->block, count = job->n - first < job->block ? job->n - first : job->block;
  if (count <= 0)
    return;
  /* columns FIRST … of B: further along a row, or further down when B is stored transposed */
  const float *b = job->b + (job->transpose_b ? first * job->ldb : first);
  if (job->m == 1)
    cblas_sgemv (CblasRowMajor, job->transpose_b ? CblasNoTrans : CblasTrans,
                 (int) (job->transpose_b ? count : job->k), (int) (job->transpose_b ? job->k : count), job->alpha, b,
                 (int) job->ldb, job->a, job->transpose_a ? (int) job->lda : 1, job->beta, job->c + first, 1);
  else
    cblas_sgemm (CblasRowMajor, job->transpose_a ? CblasTrans : CblasNoTrans,
                 job->transpose_b ? CblasTrans : CblasNoTrans, (int) job->m, (int) count, (int) job->k, job->alpha,
                 job->a, (int) job->lda, b, (int) job->ldb, job->beta, job->c + first, (int) job->ldc);
}

void
sr_cpu_sgemm (SrCpuBackend *cpu, bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
              const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc)
{
  /* Below about a quarter of a million multiply-adds (a million for a matrix-vector product, which memory bounds) a
   * hand-over to the other threads costs more than it saves. */
  int threads = sr_thread_pool_size (cpu->pool);
  int pieces = (double) m * n * k < (m == 1 ? 1 << 20 : 1 << 18) ? 1 : threads;
  int64_t block = (n + pieces - 1) / pieces;
  block = (block + 15) / 16 * 16; /* whole cache lines of C and B */
  pieces = (int) ((n + block - 1) / block);
  SgemmJob job = { transpose_a, transpose_b, m, n, k, lda, ldb, ldc, block, alpha, beta, a, b, c };
  sr_parallel_for (cpu->pool, pieces, 1, sgemm_columns, &job);
}

bool
sr_cpu_gemm (SrBackend *backend, const SrGemm *gemm)
{
  SrCpuBackend *cpu = (SrCpuBackend *) backend;
  const SrTensor *a = gemm->a, *b = gemm->b;
  int64_t cols_a = sr_tensor_columns (a), rows_a = a->shape[a->dims - 2];
  int64_t cols_b = sr_tensor_columns (b), rows_b = b->shape[b->dims - 2];
  int64_t m = gemm->transpose_a ? cols_a : rows_a, k = gemm->transpose_a ? rows_a : cols_a;
  int64_t n = gemm->transpose_b ? rows_b : cols_b;
  int64_t batch = sr_tensor_batch (a, 2);
  bool shared_b = b->dims == 2;
  float alpha = gemm->alpha != 0 ? gemm->alpha : 1.0f;
  /* An activation over an accumulated result needs the product on its own first. */
  bool separate = gemm->accumulate && gemm->activation != SR_ACTIVATION_NONE;
  float *product = separate ? sr_cpu_scratch (cpu, (size_t) (m * n)) : NULL;
  if (separate && product == NULL)
    return sr_backend_fail (backend, "out of memory for a %lld × %lld product", (long long) m, (long long) n);

  for (int64_t i = 0; i < batch; i++)
    {
      const float *pa = cpu_f (a) + i * m * k;
      const float *pb = cpu_f (b) + (shared_b ? 0 : i * k * n);
      float *pc = cpu_f (gemm->c) + i * m * n;
      float *out = separate ? product : pc;
      float beta = gemm->accumulate && !separate ? 1.0f : 0.0f;
      if (gemm->bias != NULL)
        {
          const float *bias = cpu_f (gemm->bias);
          for (int64_t r = 0; r < m; r++)
            {
              float *row = out + r * n;
              if (beta == 0.0f)
                memcpy (row, bias, (size_t) n * sizeof *row);
              else
                for (int64_t j = 0; j < n; j++)
                  row[j] += bias[j];
            }
          beta = 1.0f;
        }
      sr_cpu_sgemm (cpu, gemm->transpose_a, gemm->transpose_b, m, n, k, alpha, pa, cols_a, pb, cols_b, beta, out, n);
      if (gemm->activation != SR_ACTIVATION_NONE)
        sr_cpu_activate_values (cpu, gemm->activation, out, out, m * n);
      if (separate)
        for (int64_t j = 0; j < m * n; j++)
          pc[j] += product[j];
    }
  return true;
}
