/* A device-machine harness (tools/device/README.md): the same library calls as `sightread bench` (cmd-compute.c),
 * without GTK, for a machine that has only the compute engine's libraries. Not part of the product. */
#include <stdio.h>
#include <string.h>
#include "benchmark.h"

static void
report (void *context, const SrBenchResult *r)
{
  (void) context;
  printf ("%-10s %-62s %-9s %-28s %10.2f %-8s %10.3f ms\n", r->group, r->name, r->backend, r->device, r->rate, r->unit,
          r->milliseconds);
  fflush (stdout);
}

int
main (int argc, char **argv)
{
  SrBackend *backends[2];
  int n = 0;
  backends[n++] = sr_backend_open_cpu (0);
  SrDeviceChoice choice = { SR_DEVICE_VULKAN, 0 };
  char message[SR_MESSAGE_SIZE];
  SrBackend *vk = sr_backend_open (&choice, message);
  printf ("vulkan open: %s (%s) %s\n", sr_backend_name (vk), sr_backend_device_name (vk), message);
  if (strcmp (sr_backend_name (vk), "vulkan") == 0)
    backends[n++] = vk;
  for (int i = 1; i < argc; i++)
    {
      bool ok = strcmp (argv[i], "translator") == 0
                  ? sr_bench_translator ("resources/models/i2a.safetensors", SR_MODALITY_IMAGE, 256, 128, backends, n,
                                         report, NULL, message)
                  : sr_bench_run (argv[i], backends, n, report, NULL, message);
      if (!ok)
        printf ("%s failed: %s\n", argv[i], message);
    }
  return 0;
}
