/* A device-machine harness (tools/device/README.md): the tiled GEMM's two tile sizes over a sweep of shapes, to place
 * the switch between them (SR_TILED_BIG_GRID in compute/vulkan-ops.c). Twenty GEMMs a submission, median of five; the
 * device's memory heaps first. Not part of the product. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vulkan/vulkan.h>

#include "backend.h"
#include "harness.h"

static void
print_heaps (void)
{
  VkInstanceCreateInfo info = { .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO };
  VkInstance instance;
  if (vkCreateInstance (&info, NULL, &instance) != VK_SUCCESS)
    return;
  VkPhysicalDevice devices[8];
  uint32_t count = 8;
  vkEnumeratePhysicalDevices (instance, &count, devices);
  for (uint32_t d = 0; d < count; d++)
    {
      VkPhysicalDeviceMemoryProperties m;
      vkGetPhysicalDeviceMemoryProperties (devices[d], &m);
      for (uint32_t h = 0; h < m.memoryHeapCount; h++)
        printf ("device %u heap %u: %.1f MiB flags %#x\n", d, h, m.memoryHeaps[h].size / 1048576.0,
                m.memoryHeaps[h].flags);
      for (uint32_t t = 0; t < m.memoryTypeCount; t++)
        printf ("device %u type %u: heap %u flags %#x\n", d, t, m.memoryTypes[t].heapIndex,
                m.memoryTypes[t].propertyFlags);
    }
  vkDestroyInstance (instance, NULL);
}

int
main (void)
{
  print_heaps ();
  static const char *kernels[] = { "tiled64", "tiled128" };
  static const int ms[] = { 128, 256, 512, 1024, 2048, 4096 };
  static const int kn[][2] = { { 512, 512 }, { 512, 2048 }, { 2048, 512 }, { 1024, 1024 }, { 4096, 4096 } };
  SrBackend *backends[2];
  for (int v = 0; v < 2; v++)
    {
      setenv ("SIGHTREAD_VULKAN_GEMM", kernels[v], 1);
      SrDeviceChoice choice = { SR_DEVICE_VULKAN, 0 };
      char message[SR_MESSAGE_SIZE];
      backends[v] = sr_backend_open (&choice, message);
    }
  float *values = calloc ((size_t) 4096 * 4096, sizeof *values);
  for (size_t i = 0; i < (size_t) 4096 * 4096; i++)
    values[i] = (float) (i % 17) * 0.01f;
  for (size_t s = 0; s < sizeof ms / sizeof ms[0]; s++)
    for (size_t q = 0; q < sizeof kn / sizeof kn[0]; q++)
      {
        int m = ms[s], k = kn[q][0], n = kn[q][1];
        if (getenv ("SWEEP_MAX") && (double) m * n * k > atof (getenv ("SWEEP_MAX")))
          continue;
        printf ("%5d×%5d×%5d", m, k, n);
        for (int v = 0; v < 2; v++)
          {
            SrBackend *vk = backends[v];
            int64_t sa[2] = { m, k }, sb[2] = { k, n }, sc[2] = { m, n };
            SrTensor *a = sr_tensor_new (vk, SR_DTYPE_F32, 2, sa), *b = sr_tensor_new (vk, SR_DTYPE_F32, 2, sb);
            SrTensor *c = sr_tensor_new (vk, SR_DTYPE_F32, 2, sc);
            sr_tensor_write_f32 (a, values), sr_tensor_write_f32 (b, values);
            SrGemm g = { .a = a, .b = b, .c = c };
            int reps = m * (double) n * k > 1e10 ? 4 : 20;
            double times[5];
            sr_gemm (vk, &g), sr_backend_sync (vk);
            for (int t = 0; t < 5; t++)
              {
                double t0 = harness_now ();
                for (int r = 0; r < reps; r++)
                  sr_gemm (vk, &g);
                if (!sr_backend_sync (vk))
                  printf (" failed: %s", sr_backend_error (vk));
                times[t] = (harness_now () - t0) / reps;
              }
            qsort (times, 5, sizeof times[0], harness_compare_doubles);
            printf ("   %s %8.1f GFLOP/s", kernels[v], 2.0 * m * n * k / times[2] * 1e-9);
            sr_tensor_free (a), sr_tensor_free (b), sr_tensor_free (c);
          }
        printf ("\n");
        fflush (stdout);
      }
  free (values);
  sr_backend_free (backends[0]), sr_backend_free (backends[1]);
  return 0;
}
