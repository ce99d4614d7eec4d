/* A device-machine harness (tools/device/README.md): one build of it per variant of shaders/gemm_tiled.comp
 * (gemm-variants.sh links each against its own SPIR-V). `gemm-NAME NAME [tiled64|tiled128] [SIZE]` first checks the
 * variant's tiles against the CPU backend on odd shapes (every operand layout the kernel reads differently), then
 * times SIZE³ (default 4096) fp32, fp16 B and B transposed with ten GEMMs a submission, median of five. Not part of
 * the product. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "harness.h"

static void
fill (float *values, size_t count, unsigned seed)
{
  for (size_t i = 0; i < count; i++)
    {
      seed = seed * 1103515245u + 12345u;
      values[i] = (float) ((seed >> 9) & 0xffff) / 65536.0f - 0.5f;
    }
}

/* The largest difference from the CPU backend over the largest CPU value, for C = op(A)·op(B) (+ bias) */
static double
check (SrBackend *vk, SrBackend *cpu, int m, int k, int n, bool transpose_a, bool transpose_b, SrDType b_type,
       bool bias)
{
  int64_t sa[2] = { transpose_a ? k : m, transpose_a ? m : k }, sb[2] = { transpose_b ? n : k, transpose_b ? k : n };
  int64_t sc[2] = { m, n }, sbias[1] = { n };
  float *ha = malloc (sizeof (float) * m * k), *hb = malloc (sizeof (float) * k * n);
  float *hbias = malloc (sizeof (float) * n);
  float *c0 = malloc (sizeof (float) * m * n), *c1 = malloc (sizeof (float) * m * n);
  fill (ha, (size_t) m * k, 1), fill (hb, (size_t) k * n, 2), fill (hbias, n, 3);
  SrBackend *backends[2] = { cpu, vk };
  float *results[2] = { c0, c1 };
  for (int i = 0; i < 2; i++)
    {
      SrTensor *a = sr_tensor_new (backends[i], SR_DTYPE_F32, 2, sa), *b = sr_tensor_new (backends[i], b_type, 2, sb);
      SrTensor *c = sr_tensor_new (backends[i], SR_DTYPE_F32, 2, sc);
      SrTensor *t = sr_tensor_new (backends[i], SR_DTYPE_F32, 1, sbias);
      sr_tensor_write_f32 (a, ha), sr_tensor_write_f32 (b, hb), sr_tensor_write_f32 (t, hbias);
      SrGemm g = { .a = a, .b = b, .c = c, .bias = bias ? t : NULL, .transpose_a = transpose_a,
                   .transpose_b = transpose_b };
      if (!sr_gemm (backends[i], &g) || !sr_backend_sync (backends[i]) || !sr_tensor_read_f32 (c, results[i]))
        printf ("failed on %s: %s\n", sr_backend_name (backends[i]), sr_backend_error (backends[i]));
      sr_tensor_free (a), sr_tensor_free (b), sr_tensor_free (c), sr_tensor_free (t);
    }
  double worst = 0, scale = 1e-30;
  for (size_t i = 0; i < (size_t) m * n; i++)
    {
      worst = fmax (worst, fabs ((double) c0[i] - c1[i]));
      scale = fmax (scale, fabs ((double) c0[i]));
      if (!isfinite (c1[i]))
        worst = INFINITY;
    }
  free (ha), free (hb), free (hbias), free (c0), free (c1);
  return worst / scale;
}

static double
rate (SrBackend *vk, int size, SrDType b_type, bool transpose_b)
{
  int64_t s[2] = { size, size };
  float *values = malloc (sizeof (float) * size * size);
  fill (values, (size_t) size * size, 7);
  SrTensor *a = sr_tensor_new (vk, SR_DTYPE_F32, 2, s), *b = sr_tensor_new (vk, b_type, 2, s);
  SrTensor *c = sr_tensor_new (vk, SR_DTYPE_F32, 2, s);
  sr_tensor_write_f32 (a, values), sr_tensor_write_f32 (b, values);
  free (values);
  SrGemm g = { .a = a, .b = b, .c = c, .transpose_b = transpose_b };
  enum { PER_SUBMISSION = 10, TIMES = 5 };
  double times[TIMES];
  sr_gemm (vk, &g), sr_backend_sync (vk);
  for (int t = 0; t < TIMES; t++)
    {
      double t0 = harness_now ();
      for (int r = 0; r < PER_SUBMISSION; r++)
        sr_gemm (vk, &g);
      sr_backend_sync (vk);
      times[t] = (harness_now () - t0) / PER_SUBMISSION;
    }
  qsort (times, TIMES, sizeof times[0], harness_compare_doubles);
  sr_tensor_free (a), sr_tensor_free (b), sr_tensor_free (c);
  return 2.0 * size * size * (double) size / times[TIMES / 2] * 1e-12;
}

int
main (int argc, char **argv)
{
  const char *variant = argc > 1 ? argv[1] : "?", *kernels = argc > 2 ? argv[2] : "tiled128";
  int size = argc > 3 ? atoi (argv[3]) : 4096;
  setenv ("SIGHTREAD_VULKAN_GEMM", kernels, 1);
  SrDeviceChoice choice = { SR_DEVICE_VULKAN, 0 };
  char message[SR_MESSAGE_SIZE];
  SrBackend *vk = sr_backend_open (&choice, message), *cpu = sr_backend_open_cpu (0);
  if (strcmp (sr_backend_name (vk), "vulkan") != 0)
    {
      printf ("%s: no Vulkan device: %s\n", variant, message);
      return 1;
    }
  double worst = 0;
  static const int shapes[][3] = { { 517, 1031, 769 }, { 128, 256, 384 }, { 1, 300, 129 }, { 700, 64, 1000 } };
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    for (int layout = 0; layout < 5; layout++)
      {
        double e = check (vk, cpu, shapes[s][0], shapes[s][1], shapes[s][2], layout == 1, layout == 2,
                          layout == 3 ? SR_DTYPE_F16 : SR_DTYPE_F32, layout == 4);
        worst = fmax (worst, e);
      }
  printf ("%-14s %s on %s: worst error %.2e (%s); %d³ fp32 %.2f TFLOP/s, fp16 B %.2f, B transposed %.2f\n",
          variant, kernels, sr_backend_device_name (vk), worst, worst < 1e-4 ? "ok" : "WRONG", size,
          rate (vk, size, SR_DTYPE_F32, false), rate (vk, size, SR_DTYPE_F16, false),
          rate (vk, size, SR_DTYPE_F32, true));
  sr_backend_free (vk), sr_backend_free (cpu);
  return worst < 1e-4 ? 0 : 1;
}
