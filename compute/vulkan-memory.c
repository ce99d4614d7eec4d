/* Vulkan buffers: one per tensor, in device-local memory, mapped directly where the device shares its memory at
 * large with the host (lavapipe, integrated GPUs, resizable BAR) and filled through a staging buffer elsewhere. Released buffers
 * wait in a small pool for the next tensor of about their size, so a forward pass's activations stop allocating
 * after its first step. */
#include "vulkan-backend.h"

#include <stdlib.h>
#include <string.h>

enum { MIN_BUFFER_BYTES = 256 };
#define SPARE_BYTES_LIMIT ((VkDeviceSize) 256 << 20)

static int
find_memory_type (const SrVulkanBackend *vk, uint32_t allowed, VkMemoryPropertyFlags wanted)
{
  for (uint32_t i = 0; i < vk->memory_properties.memoryTypeCount; i++)
    if ((allowed & (1u << i)) && (vk->memory_properties.memoryTypes[i].propertyFlags & wanted) == wanted)
      return (int) i;
  return -1;
}

/* Device-local memory the host can map, where it is the device's memory at large (lavapipe, integrated GPUs,
 * resizable BAR): not the small window of a discrete GPU without resizable BAR (typically 256 MiB), where a driver
 * may place what does not fit in host memory behind the PCIe bus. */
static int
mappable_device_memory (const SrVulkanBackend *vk, uint32_t allowed)
{
  const VkPhysicalDeviceMemoryProperties *memory = &vk->memory_properties;
  VkDeviceSize largest = 0;
  for (uint32_t h = 0; h < memory->memoryHeapCount; h++)
    if ((memory->memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) && memory->memoryHeaps[h].size > largest)
      largest = memory->memoryHeaps[h].size;
  const VkMemoryPropertyFlags wanted = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT
                                       | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  for (uint32_t i = 0; i < memory->memoryTypeCount; i++)
    if ((allowed & (1u << i)) && (memory->memoryTypes[i].propertyFlags & wanted) == wanted
        && memory->memoryHeaps[memory->memoryTypes[i].heapIndex].size >= largest / 4 * 3)
      return (int) i;
  return -1;
}

static bool
buffer_create (SrVulkanBackend *vk, SrVulkanBuffer *out, VkDeviceSize size, bool staging)
{
  memset (out, 0, sizeof *out);
  VkBufferCreateInfo info = { .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, .size = size,
                              .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT
                                       | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                              .sharingMode = VK_SHARING_MODE_EXCLUSIVE };
  if (vkCreateBuffer (vk->device, &info, NULL, &out->buffer) != VK_SUCCESS)
    return sr_backend_fail (&vk->base, "cannot create a Vulkan buffer of %llu bytes", (unsigned long long) size);
  VkMemoryRequirements needs;
  vkGetBufferMemoryRequirements (vk->device, out->buffer, &needs);
  const VkMemoryPropertyFlags host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  int type = -1;
  if (staging)
    {
      type = find_memory_type (vk, needs.memoryTypeBits, host | VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
      if (type < 0)
        type = find_memory_type (vk, needs.memoryTypeBits, host);
    }
  else
    {
      type = mappable_device_memory (vk, needs.memoryTypeBits);
      if (type < 0)
        type = find_memory_type (vk, needs.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
      if (type < 0)
        type = find_memory_type (vk, needs.memoryTypeBits, 0);
    }
  VkMemoryAllocateInfo allocate = { .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
                                    .allocationSize = needs.size, .memoryTypeIndex = (uint32_t) type };
  if (type < 0 || vkAllocateMemory (vk->device, &allocate, NULL, &out->memory) != VK_SUCCESS)
    {
      vkDestroyBuffer (vk->device, out->buffer, NULL);
      return sr_backend_fail (&vk->base, "out of Vulkan memory for %llu bytes", (unsigned long long) size);
    }
  vkBindBufferMemory (vk->device, out->buffer, out->memory, 0);
  out->size = size;
  VkMemoryPropertyFlags flags = vk->memory_properties.memoryTypes[type].propertyFlags;
  if ((flags & host) == host && vkMapMemory (vk->device, out->memory, 0, VK_WHOLE_SIZE, 0, &out->mapped) != VK_SUCCESS)
    out->mapped = NULL;
  return true;
}

static void
buffer_destroy (SrVulkanBackend *vk, SrVulkanBuffer *buffer)
{
  if (buffer->buffer == VK_NULL_HANDLE)
    return;
  if (buffer->mapped != NULL)
    vkUnmapMemory (vk->device, buffer->memory);
  vkDestroyBuffer (vk->device, buffer->buffer, NULL);
  vkFreeMemory (vk->device, buffer->memory, NULL);
  memset (buffer, 0, sizeof *buffer);
}

SrVulkanBuffer *
sr_vulkan_buffer_get (SrVulkanBackend *vk, VkDeviceSize size)
{
  size = size < MIN_BUFFER_BYTES ? MIN_BUFFER_BYTES : (size + 255) / 256 * 256;
  if (size > vk->properties.limits.maxStorageBufferRange)
    {
      sr_backend_fail (&vk->base, "a tensor of %llu MiB is larger than the %s's largest storage binding (%u MiB)",
                       (unsigned long long) (size >> 20), vk->properties.deviceName,
                       vk->properties.limits.maxStorageBufferRange >> 20);
      return NULL;
    }
  /* the smallest spare that fits without wasting more than half of it */
  size_t best = vk->spare_count;
  for (size_t i = 0; i < vk->spare_count; i++)
    if (vk->spare[i]->size >= size && vk->spare[i]->size <= 2 * size
        && (best == vk->spare_count || vk->spare[i]->size < vk->spare[best]->size))
      best = i;
  if (best < vk->spare_count)
    {
      SrVulkanBuffer *buffer = vk->spare[best];
      vk->spare[best] = vk->spare[--vk->spare_count];
      vk->spare_bytes -= buffer->size;
      return buffer;
    }
  SrVulkanBuffer *buffer = malloc (sizeof *buffer);
  if (buffer == NULL || !buffer_create (vk, buffer, size, false))
    {
      free (buffer);
      return NULL;
    }
  return buffer;
}

void
sr_vulkan_buffer_put (SrVulkanBackend *vk, SrVulkanBuffer *buffer)
{
  /* Queued work may still use it: the pool hands it out again only to work recorded after that work. */
  if (vk->spare_bytes + buffer->size <= SPARE_BYTES_LIMIT)
    {
      if (vk->spare_count == vk->spare_capacity)
        {
          size_t capacity = vk->spare_capacity ? 2 * vk->spare_capacity : 64;
          SrVulkanBuffer **grown = realloc (vk->spare, capacity * sizeof *grown);
          if (grown != NULL)
            {
              vk->spare = grown;
              vk->spare_capacity = capacity;
            }
        }
      if (vk->spare_count < vk->spare_capacity)
        {
          vk->spare[vk->spare_count++] = buffer;
          vk->spare_bytes += buffer->size;
          return;
        }
    }
  if (vk->recording)
    sr_vulkan_submit_and_wait (vk); /* destroying a buffer that queued work reads is not allowed */
  buffer_destroy (vk, buffer);
  free (buffer);
}

void
sr_vulkan_buffers_destroy (SrVulkanBackend *vk)
{
  for (size_t i = 0; i < vk->spare_count; i++)
    {
      buffer_destroy (vk, vk->spare[i]);
      free (vk->spare[i]);
    }
  free (vk->spare);
  vk->spare = NULL;
  vk->spare_count = vk->spare_capacity = 0;
  buffer_destroy (vk, &vk->staging);
}

static bool
staging_for (SrVulkanBackend *vk, VkDeviceSize size)
{
  if (vk->staging.size >= size)
    return true;
  buffer_destroy (vk, &vk->staging);
  return buffer_create (vk, &vk->staging, size, true);
}

bool
sr_vulkan_tensor_alloc (SrBackend *backend, SrTensor *tensor)
{
  SrVulkanBackend *vk = (SrVulkanBackend *) backend;
  SrVulkanBuffer *buffer = sr_vulkan_buffer_get (vk, tensor->count * sr_dtype_size (tensor->dtype));
  tensor->storage = buffer;
  return buffer != NULL;
}

void
sr_vulkan_tensor_release (SrBackend *backend, SrTensor *tensor)
{
  if (tensor->storage != NULL)
    sr_vulkan_buffer_put ((SrVulkanBackend *) backend, tensor->storage);
}

bool
sr_vulkan_tensor_write (SrBackend *backend, SrTensor *tensor, const void *host)
{
  SrVulkanBackend *vk = (SrVulkanBackend *) backend;
  SrVulkanBuffer *buffer = tensor->storage;
  size_t bytes = tensor->count * sr_dtype_size (tensor->dtype);
  /* Queued work may read the old contents: it runs first. */
  if (!sr_vulkan_sync (backend))
    return false;
  if (buffer->mapped != NULL)
    {
      memcpy (buffer->mapped, host, bytes);
      return true;
    }
  if (!staging_for (vk, bytes))
    return false;
  memcpy (vk->staging.mapped, host, bytes);
  return sr_vulkan_record_copy (vk, vk->staging.buffer, 0, buffer->buffer, 0, bytes) && sr_vulkan_sync (backend);
}

bool
sr_vulkan_tensor_read (SrBackend *backend, const SrTensor *tensor, void *host)
{
  SrVulkanBackend *vk = (SrVulkanBackend *) backend;
  SrVulkanBuffer *buffer = tensor->storage;
  size_t bytes = tensor->count * sr_dtype_size (tensor->dtype);
  if (buffer->mapped == NULL)
    {
      if (!staging_for (vk, bytes) || !sr_vulkan_record_copy (vk, buffer->buffer, 0, vk->staging.buffer, 0, bytes))
        return false;
    }
  if (!sr_vulkan_sync (backend))
    return false;
  memcpy (host, buffer->mapped != NULL ? buffer->mapped : vk->staging.mapped, bytes);
  return true;
}
