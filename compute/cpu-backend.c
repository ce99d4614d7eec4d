/* The CPU backend: tensors in host memory, GEMM through OpenBLAS, the other kernels in plain C over a thread pool. */
#include "cpu-backend.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "half.h"

float *
sr_cpu_scratch (SrCpuBackend *cpu, size_t count)
{
  if (count > cpu->scratch_count)
    {
      float *grown = realloc (cpu->scratch, count * sizeof *grown);
      if (grown == NULL)
        return NULL;
      cpu->scratch = grown;
      cpu->scratch_count = count;
    }
  return cpu->scratch;
}

static void
cpu_destroy (SrBackend *backend)
{
  SrCpuBackend *cpu = (SrCpuBackend *) backend;
  sr_thread_pool_free (cpu->pool);
  free (cpu->scratch);
  free (cpu);
}

static bool
cpu_tensor_alloc (SrBackend *backend, SrTensor *tensor)
{
  /* 64-byte alignment: whole cache lines and AVX-512 vectors. */
  size_t bytes = (tensor->count * 4 + 63) / 64 * 64;
  tensor->storage = aligned_alloc (64, bytes);
  if (tensor->storage == NULL)
    return sr_backend_fail (backend, "out of memory for a tensor of %zu values", tensor->count);
  memset (tensor->storage, 0, bytes);
  return true;
}

static void
cpu_tensor_release (SrBackend *backend, SrTensor *tensor)
{
  free (tensor->storage);
}

static bool
cpu_tensor_write (SrBackend *backend, SrTensor *tensor, const void *host)
{
  if (tensor->dtype != SR_DTYPE_F16)
    memcpy (tensor->storage, host, tensor->count * 4);
  else
    for (size_t i = 0; i < tensor->count; i++)
      cpu_f (tensor)[i] = sr_half_to_float (((const uint16_t *) host)[i]);
  return true;
}

static bool
cpu_tensor_read (SrBackend *backend, const SrTensor *tensor, void *host)
{
  if (tensor->dtype != SR_DTYPE_F16)
    memcpy (host, tensor->storage, tensor->count * 4);
  else
    for (size_t i = 0; i < tensor->count; i++)
      ((uint16_t *) host)[i] = sr_float_to_half (cpu_f (tensor)[i]);
  return true;
}

static bool
cpu_sync (SrBackend *backend)
{
  return true; /* every kernel has finished when it returns */
}

static const SrBackendOps cpu_ops = {
  .name = "cpu",
  .destroy = cpu_destroy,
  .tensor_alloc = cpu_tensor_alloc,
  .tensor_release = cpu_tensor_release,
  .tensor_write = cpu_tensor_write,
  .tensor_read = cpu_tensor_read,
  .sync = cpu_sync,
  .gemm = sr_cpu_gemm,
  .attention = sr_cpu_attention,
  .conv = sr_cpu_conv,
  .layer_norm = sr_cpu_layer_norm,
  .group_norm = sr_cpu_group_norm,
  .softmax = sr_cpu_softmax,
  .activation = sr_cpu_activation,
  .snake = sr_cpu_snake,
  .binary = sr_cpu_binary,
  .embed_sum = sr_cpu_embed_sum,
  .upsample2x = sr_cpu_upsample2x,
  .nearest_code = sr_cpu_nearest_code,
  .top_k = sr_cpu_top_k,
  .copy_rows = sr_cpu_copy_rows,
};

SrBackend *
sr_cpu_backend_new (int threads)
{
  SrCpuBackend *cpu = calloc (1, sizeof *cpu);
  if (cpu == NULL)
    return NULL;
  cpu->base.ops = &cpu_ops;
  cpu->pool = sr_thread_pool_new (threads);
  if (cpu->pool == NULL)
    {
      free (cpu);
      return NULL;
    }
  /* OpenBLAS on one thread; the pool splits the products (see sr_cpu_sgemm). */
  openblas_set_num_threads (1);
  snprintf (cpu->base.device_name, sizeof cpu->base.device_name, "CPU, %d threads, OpenBLAS GEMM",
            sr_thread_pool_size (cpu->pool));
  return &cpu->base;
}
