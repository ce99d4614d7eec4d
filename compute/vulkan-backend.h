/* The Vulkan backend's insides, shared by its files: the device (vulkan-device.c), buffers and transfers
 * (vulkan-memory.c), pipelines, descriptor sets and command recording (vulkan-dispatch.c) and the operations
 * (vulkan-ops.c). Work is recorded into one command buffer and submitted when a result is read, when the descriptor
 * pool fills, or at sr_backend_sync. */
#pragma once

#include <vulkan/vulkan.h>

#include "backend-private.h"
#include "vulkan-kernels.h"

typedef struct {
  VkBuffer buffer;
  VkDeviceMemory memory;
  VkDeviceSize size;
  void *mapped; /* host-visible memory (lavapipe, unified memory), or NULL: transfers go through staging */
} SrVulkanBuffer;

/* Which GEMM kernels the device runs (SIGHTREAD_VULKAN_GEMM names one, for tests and measurements). */
typedef enum {
  SR_GEMM_LANES,    /* gemm.comp: no shared memory, written for CPU drivers (lavapipe) */
  SR_GEMM_TILED,    /* gemm_tiled.comp, 128 × 128 tiles where the grid has enough of them to fill a GPU, else 64 */
  SR_GEMM_TILED64,
  SR_GEMM_TILED128,
} SrGemmKernels;

typedef struct {
  SrBackend base;
  VkInstance instance;
  VkPhysicalDevice physical;
  VkDevice device;
  VkQueue queue;
  uint32_t queue_family;
  VkPhysicalDeviceProperties properties;
  VkPhysicalDeviceMemoryProperties memory_properties;
  uint32_t subgroup_size;
  bool robust;
  SrGemmKernels gemm_kernels;

  VkDescriptorSetLayout set_layout;
  VkPipelineLayout pipeline_layout;
  VkPipeline pipelines[SR_N_KERNELS]; /* created on first use */
  VkDescriptorPool descriptor_pool;
  uint32_t sets_used;
  VkCommandPool command_pool;
  VkCommandBuffer commands;
  VkFence fence;
  bool recording;
  unsigned submissions;
  unsigned lose_after; /* SIGHTREAD_VULKAN_LOSE_AFTER: a lost device, on purpose, for the tests of the way back */

  SrVulkanBuffer staging;
  SrVulkanBuffer *dummy; /* bound where a kernel's optional operand is absent */
  /* released activation buffers kept for reuse */
  SrVulkanBuffer **spare;
  size_t spare_count, spare_capacity;
  VkDeviceSize spare_bytes;
} SrVulkanBackend;

enum { SR_DESCRIPTOR_SETS_PER_BATCH = 1024, SR_MAX_PUSH_BYTES = 128 };

/* vulkan-device.c */
void sr_vulkan_destroy (SrBackend *backend);

/* vulkan-memory.c */
SrVulkanBuffer *sr_vulkan_buffer_get (SrVulkanBackend *vk, VkDeviceSize size);
void sr_vulkan_buffer_put (SrVulkanBackend *vk, SrVulkanBuffer *buffer);
void sr_vulkan_buffers_destroy (SrVulkanBackend *vk);
bool sr_vulkan_tensor_alloc (SrBackend *backend, SrTensor *tensor);
void sr_vulkan_tensor_release (SrBackend *backend, SrTensor *tensor);
bool sr_vulkan_tensor_write (SrBackend *backend, SrTensor *tensor, const void *host);
bool sr_vulkan_tensor_read (SrBackend *backend, const SrTensor *tensor, void *host);

/* vulkan-dispatch.c */
bool sr_vulkan_dispatch_init (SrVulkanBackend *vk);
void sr_vulkan_dispatch_destroy (SrVulkanBackend *vk);
uint32_t sr_vulkan_lanes (const SrVulkanBackend *vk, SrKernel kernel);
/* Records KERNEL over a grid of work groups. BINDINGS has SR_MAX_BINDINGS entries, NULL where unused; PUSH starts
 * with the halves word, which is filled here from the bound tensors' types. */
bool sr_vulkan_dispatch (SrVulkanBackend *vk, SrKernel kernel, const SrTensor *const bindings[SR_MAX_BINDINGS],
                         void *push, size_t push_size, uint32_t groups_x, uint32_t groups_y, uint32_t groups_z);
/* Splits GROUPS work groups into a 2-D grid within the device's limits (the shaders' linear_index). */
void sr_vulkan_grid (const SrVulkanBackend *vk, uint64_t groups, uint32_t *x, uint32_t *y);
bool sr_vulkan_record_copy (SrVulkanBackend *vk, VkBuffer from, VkDeviceSize from_offset, VkBuffer to,
                            VkDeviceSize to_offset, VkDeviceSize bytes);
bool sr_vulkan_submit_and_wait (SrVulkanBackend *vk);
bool sr_vulkan_sync (SrBackend *backend);

/* vulkan-ops.c */
extern const SrBackendOps sr_vulkan_ops;
