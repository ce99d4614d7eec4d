/* Opening a Vulkan device: the instance, the choice among physical devices (a discrete GPU, then an integrated or
 * virtual one; a CPU implementation such as lavapipe only when Vulkan was asked for by name), a compute queue, and
 * the features the kernels rely on. */
#include "vulkan-backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
type_rank (VkPhysicalDeviceType type)
{
  switch (type)
    {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return 3;
    default:
      return 4;
    }
}

static const char *
type_name (VkPhysicalDeviceType type)
{
  static const char *names[] = { "other", "integrated GPU", "discrete GPU", "virtual GPU", "CPU" };
  return type <= VK_PHYSICAL_DEVICE_TYPE_CPU ? names[type] : "other";
}

static bool
compute_queue_family (VkPhysicalDevice physical, uint32_t *family)
{
  uint32_t count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties (physical, &count, NULL);
  VkQueueFamilyProperties families[32];
  if (count > 32)
    count = 32;
  vkGetPhysicalDeviceQueueFamilyProperties (physical, &count, families);
  /* A compute-only family first: on GPUs it runs beside graphics work. */
  for (int pass = 0; pass < 2; pass++)
    for (uint32_t i = 0; i < count; i++)
      if ((families[i].queueFlags & VK_QUEUE_COMPUTE_BIT)
          && (pass == 1 || !(families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)))
        {
          *family = i;
          return true;
        }
  return false;
}

static VkInstance
create_instance (char message[SR_MESSAGE_SIZE])
{
  VkApplicationInfo app = { .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO, .pApplicationName = "Sightread",
                            .pEngineName = "sightread-compute", .apiVersion = VK_API_VERSION_1_1 };
  VkInstanceCreateInfo info = { .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, .pApplicationInfo = &app };
  VkInstance instance = VK_NULL_HANDLE;
  VkResult result = vkCreateInstance (&info, NULL, &instance);
  if (result != VK_SUCCESS)
    {
      snprintf (message, SR_MESSAGE_SIZE, "no Vulkan driver (vkCreateInstance: %d)", (int) result);
      return VK_NULL_HANDLE;
    }
  return instance;
}

/* The instance's physical devices, at most 64. */
static uint32_t
enumerate_devices (VkInstance instance, VkPhysicalDevice devices[64])
{
  uint32_t count = 0;
  vkEnumeratePhysicalDevices (instance, &count, NULL);
  if (count > 64)
    count = 64;
  vkEnumeratePhysicalDevices (instance, &count, devices);
  return count;
}

int
sr_backend_list_devices (SrDeviceVisitor visit, void *context, char message[SR_MESSAGE_SIZE])
{
  message[0] = '\0';
  VkInstance instance = create_instance (message);
  if (instance == VK_NULL_HANDLE)
    return 0;
  VkPhysicalDevice devices[64];
  uint32_t count = enumerate_devices (instance, devices);
  for (uint32_t i = 0; i < count; i++)
    {
      VkPhysicalDeviceProperties properties;
      vkGetPhysicalDeviceProperties (devices[i], &properties);
      visit (context, (int) i, properties.deviceName, type_name (properties.deviceType));
    }
  vkDestroyInstance (instance, NULL);
  return (int) count;
}

/* The device to open, or -1 with the reason in MESSAGE. */
static int
choose_device (VkPhysicalDevice *devices, uint32_t count, const SrDeviceChoice *choice,
               char message[SR_MESSAGE_SIZE])
{
  if (choice->kind == SR_DEVICE_VULKAN && choice->vulkan_index >= 0)
    {
      if ((uint32_t) choice->vulkan_index >= count)
        {
          snprintf (message, SR_MESSAGE_SIZE, "there is no Vulkan device %d (%u found)", choice->vulkan_index, count);
          return -1;
        }
      return choice->vulkan_index;
    }
  int best = -1, best_rank = 99;
  for (uint32_t i = 0; i < count; i++)
    {
      VkPhysicalDeviceProperties properties;
      vkGetPhysicalDeviceProperties (devices[i], &properties);
      int rank = type_rank (properties.deviceType);
      uint32_t family;
      if (properties.apiVersion < VK_API_VERSION_1_1 || !compute_queue_family (devices[i], &family))
        continue;
      /* auto leaves CPU implementations to the CPU backend, which is faster on the same cores */
      if (choice->kind == SR_DEVICE_AUTO && rank >= 3)
        continue;
      if (rank < best_rank)
        {
          best = (int) i;
          best_rank = rank;
        }
    }
  if (best < 0 && choice->kind == SR_DEVICE_VULKAN)
    snprintf (message, SR_MESSAGE_SIZE, "no usable Vulkan device (%u found, none with Vulkan 1.1 compute)", count);
  return best;
}

/* GPUs get the shared-memory tiles and CPU drivers the kernel written for them (each is several times slower on the
 * other), unless SIGHTREAD_VULKAN_GEMM names one; tiles only where the device has room for them. A named kernel the
 * device cannot run is an error: the tests that name one must not quietly test the other. */
static bool
choose_gemm_kernels (SrVulkanBackend *vk, char message[SR_MESSAGE_SIZE])
{
  static const char *const names[] = { "lanes", "tiled", "tiled64", "tiled128" };
  const VkPhysicalDeviceLimits *limits = &vk->properties.limits;
  bool room = limits->maxComputeWorkGroupInvocations >= 256 && limits->maxComputeWorkGroupSize[0] >= 256
              && limits->maxComputeSharedMemorySize >= sr_kernel_info (SR_KERNEL_GEMM_TILED)->shared_bytes
              && limits->maxComputeSharedMemorySize >= sr_kernel_info (SR_KERNEL_GEMM_TILED64)->shared_bytes;
  vk->gemm_kernels = vk->properties.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU || !room ? SR_GEMM_LANES : SR_GEMM_TILED;
  const char *wanted = getenv ("SIGHTREAD_VULKAN_GEMM");
  if (wanted == NULL || wanted[0] == '\0')
    return true;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp (wanted, names[i]) == 0)
      {
        vk->gemm_kernels = (SrGemmKernels) i;
        if (vk->gemm_kernels == SR_GEMM_LANES || room)
          return true;
        snprintf (message, SR_MESSAGE_SIZE, "%.100s: SIGHTREAD_VULKAN_GEMM=%s, but the device has no room for the "
                  "tiles (%u bytes of shared memory, %u invocations a work group)", vk->properties.deviceName, wanted,
                  limits->maxComputeSharedMemorySize, limits->maxComputeWorkGroupInvocations);
        return false;
      }
  snprintf (message, SR_MESSAGE_SIZE, "SIGHTREAD_VULKAN_GEMM=%.60s: not one of lanes, tiled, tiled64, tiled128",
            wanted);
  return false;
}

static bool
open_device (SrVulkanBackend *vk, char message[SR_MESSAGE_SIZE])
{
  VkPhysicalDeviceFeatures supported;
  vkGetPhysicalDeviceFeatures (vk->physical, &supported);
  const char *robust = getenv ("SIGHTREAD_VULKAN_ROBUST");
  vk->robust = robust != NULL && strcmp (robust, "1") == 0 && supported.robustBufferAccess;
  VkPhysicalDeviceFeatures features = { .robustBufferAccess = vk->robust };
  float priority = 1.0f;
  VkDeviceQueueCreateInfo queue = { .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
                                    .queueFamilyIndex = vk->queue_family, .queueCount = 1,
                                    .pQueuePriorities = &priority };
  VkDeviceCreateInfo info = { .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .queueCreateInfoCount = 1,
                              .pQueueCreateInfos = &queue, .pEnabledFeatures = &features };
  VkResult result = vkCreateDevice (vk->physical, &info, NULL, &vk->device);
  if (result != VK_SUCCESS)
    {
      snprintf (message, SR_MESSAGE_SIZE, "%.100s: vkCreateDevice failed (%d)", vk->properties.deviceName, (int) result);
      vk->device = VK_NULL_HANDLE;
      return false;
    }
  vkGetDeviceQueue (vk->device, vk->queue_family, 0, &vk->queue);
  return true;
}

static void
vulkan_destroy (SrBackend *backend)
{
  SrVulkanBackend *vk = (SrVulkanBackend *) backend;
  if (vk->device != VK_NULL_HANDLE)
    {
      if (!vk->base.lost)
        vkDeviceWaitIdle (vk->device);
      sr_vulkan_dispatch_destroy (vk);
      sr_vulkan_buffers_destroy (vk);
      vkDestroyDevice (vk->device, NULL);
    }
  if (vk->instance != VK_NULL_HANDLE)
    vkDestroyInstance (vk->instance, NULL);
  free (vk);
}

SrBackend *
sr_vulkan_backend_new (const SrDeviceChoice *choice, char message[SR_MESSAGE_SIZE])
{
  message[0] = '\0';
  SrVulkanBackend *vk = calloc (1, sizeof *vk);
  if (vk == NULL)
    return NULL;
  vk->base.ops = &sr_vulkan_ops;
  vk->instance = create_instance (message);
  if (vk->instance == VK_NULL_HANDLE)
    {
      free (vk);
      return NULL;
    }
  VkPhysicalDevice devices[64];
  uint32_t count = enumerate_devices (vk->instance, devices);
  int chosen = choose_device (devices, count, choice, message);
  if (chosen < 0)
    {
      vulkan_destroy (&vk->base);
      return NULL;
    }
  vk->physical = devices[chosen];
  vkGetPhysicalDeviceProperties (vk->physical, &vk->properties);
  vkGetPhysicalDeviceMemoryProperties (vk->physical, &vk->memory_properties);
  VkPhysicalDeviceSubgroupProperties subgroup = { .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES };
  VkPhysicalDeviceProperties2 properties2 = { .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
                                              .pNext = &subgroup };
  vkGetPhysicalDeviceProperties2 (vk->physical, &properties2);
  vk->subgroup_size = subgroup.subgroupSize ? subgroup.subgroupSize : 32;
  if (!compute_queue_family (vk->physical, &vk->queue_family))
    {
      snprintf (message, SR_MESSAGE_SIZE, "%.100s has no compute queue", vk->properties.deviceName);
      vulkan_destroy (&vk->base);
      return NULL;
    }
  if (!choose_gemm_kernels (vk, message) || !open_device (vk, message) || !sr_vulkan_dispatch_init (vk))
    {
      if (message[0] == '\0')
        snprintf (message, SR_MESSAGE_SIZE, "%.100s: %.140s", vk->properties.deviceName, vk->base.error);
      vulkan_destroy (&vk->base);
      return NULL;
    }
  const char *lose_after = getenv ("SIGHTREAD_VULKAN_LOSE_AFTER");
  vk->lose_after = lose_after != NULL ? (unsigned) strtoul (lose_after, NULL, 10) : 0;
  snprintf (vk->base.device_name, sizeof vk->base.device_name, "%.200s (%s, Vulkan %u.%u)", vk->properties.deviceName,
            type_name (vk->properties.deviceType), VK_API_VERSION_MAJOR (vk->properties.apiVersion),
            VK_API_VERSION_MINOR (vk->properties.apiVersion));
  return &vk->base;
}

void
sr_vulkan_destroy (SrBackend *backend)
{
  vulkan_destroy (backend);
}
