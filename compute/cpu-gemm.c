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
      if (m == 1)
        /* a row vector times B (a decoder step): OpenBLAS's matrix-vector kernel, not a 1-row GEMM */
        cblas_sgemv (CblasRowMajor, gemm->transpose_b ? CblasNoTrans : CblasTrans, (int) rows_b, (int) cols_b, alpha,
                     pb, (int) cols_b, pa, gemm->transpose_a ? (int) cols_a : 1, beta, out, 1);
      else
        cblas_sgemm (CblasRowMajor, gemm->transpose_a ? CblasTrans : CblasNoTrans,
                     gemm->transpose_b ? CblasTrans : CblasNoTrans, (int) m, (int) n, (int) k, alpha, pa,
                     (int) cols_a, pb, (int) cols_b, beta, out, (int) n);
      if (gemm->activation != SR_ACTIVATION_NONE)
        sr_cpu_activate_values (cpu, gemm->activation, out, out, m * n);
      if (separate)
        for (int64_t j = 0; j < m * n; j++)
          pc[j] += product[j];
    }
  return true;
}
