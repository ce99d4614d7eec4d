/* Recording work on the Vulkan device: one descriptor-set layout for every kernel (SR_MAX_BINDINGS storage buffers)
 * and one pipeline layout with a 128-byte push-constant range; pipelines created on first use with their lane count
 * as a specialisation constant; dispatches recorded into one command buffer with a barrier after each, submitted
 * in batches. */
#include "vulkan-backend.h"

#include <stdio.h>
#include <string.h>

static bool
check (SrVulkanBackend *vk, VkResult result, const char *what)
{
  if (result == VK_SUCCESS)
    return true;
  if (result == VK_ERROR_DEVICE_LOST)
    vk->base.lost = true;
  return sr_backend_fail (&vk->base, "%s: %s failed (%s)", vk->properties.deviceName, what,
                          result == VK_ERROR_DEVICE_LOST ? "the device was lost"
                          : result == VK_ERROR_OUT_OF_DEVICE_MEMORY ? "out of device memory"
                          : "Vulkan error");
}

bool
sr_vulkan_dispatch_init (SrVulkanBackend *vk)
{
  VkDescriptorSetLayoutBinding bindings[SR_MAX_BINDINGS];
  for (uint32_t i = 0; i < SR_MAX_BINDINGS; i++)
    bindings[i] = (VkDescriptorSetLayoutBinding) { .binding = i, .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                                   .descriptorCount = 1, .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT };
  VkDescriptorSetLayoutCreateInfo set_info = { .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
                                               .bindingCount = SR_MAX_BINDINGS, .pBindings = bindings };
  if (!check (vk, vkCreateDescriptorSetLayout (vk->device, &set_info, NULL, &vk->set_layout), "a set layout"))
    return false;
  VkPushConstantRange push = { .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT, .size = SR_MAX_PUSH_BYTES };
  VkPipelineLayoutCreateInfo layout_info = { .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
                                             .setLayoutCount = 1, .pSetLayouts = &vk->set_layout,
                                             .pushConstantRangeCount = 1, .pPushConstantRanges = &push };
  if (!check (vk, vkCreatePipelineLayout (vk->device, &layout_info, NULL, &vk->pipeline_layout), "a layout"))
    return false;
  VkDescriptorPoolSize size = { VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, SR_DESCRIPTOR_SETS_PER_BATCH * SR_MAX_BINDINGS };
  VkDescriptorPoolCreateInfo pool_info = { .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
                                           .maxSets = SR_DESCRIPTOR_SETS_PER_BATCH, .poolSizeCount = 1,
                                           .pPoolSizes = &size };
  if (!check (vk, vkCreateDescriptorPool (vk->device, &pool_info, NULL, &vk->descriptor_pool), "a descriptor pool"))
    return false;
  VkCommandPoolCreateInfo command_info = { .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                           .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
                                           .queueFamilyIndex = vk->queue_family };
  if (!check (vk, vkCreateCommandPool (vk->device, &command_info, NULL, &vk->command_pool), "a command pool"))
    return false;
  VkCommandBufferAllocateInfo buffer_info = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                              .commandPool = vk->command_pool,
                                              .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY, .commandBufferCount = 1 };
  if (!check (vk, vkAllocateCommandBuffers (vk->device, &buffer_info, &vk->commands), "a command buffer"))
    return false;
  VkFenceCreateInfo fence_info = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
  if (!check (vk, vkCreateFence (vk->device, &fence_info, NULL, &vk->fence), "a fence"))
    return false;
  vk->dummy = sr_vulkan_buffer_get (vk, 256);
  return vk->dummy != NULL;
}

void
sr_vulkan_dispatch_destroy (SrVulkanBackend *vk)
{
  for (int i = 0; i < SR_N_KERNELS; i++)
    if (vk->pipelines[i] != VK_NULL_HANDLE)
      vkDestroyPipeline (vk->device, vk->pipelines[i], NULL);
  if (vk->dummy != NULL)
    sr_vulkan_buffer_put (vk, vk->dummy);
  vk->dummy = NULL;
  if (vk->fence != VK_NULL_HANDLE)
    vkDestroyFence (vk->device, vk->fence, NULL);
  if (vk->command_pool != VK_NULL_HANDLE)
    vkDestroyCommandPool (vk->device, vk->command_pool, NULL);
  if (vk->descriptor_pool != VK_NULL_HANDLE)
    vkDestroyDescriptorPool (vk->device, vk->descriptor_pool, NULL);
  if (vk->pipeline_layout != VK_NULL_HANDLE)
    vkDestroyPipelineLayout (vk->device, vk->pipeline_layout, NULL);
  if (vk->set_layout != VK_NULL_HANDLE)
    vkDestroyDescriptorSetLayout (vk->device, vk->set_layout, NULL);
}

uint32_t
sr_vulkan_lanes (const SrVulkanBackend *vk, SrKernel kernel)
{
  if (sr_kernel_info (kernel)->lanes == SR_LANES_GEMM)
    return 8;
  if (sr_kernel_info (kernel)->lanes == SR_LANES_TILE)
    return 256;
  uint32_t lanes = vk->subgroup_size < 8 ? 8 : (vk->subgroup_size > 64 ? 64 : vk->subgroup_size);
  return lanes & (lanes - 1) ? 32 : lanes; /* the reductions want a power of two */
}

static VkPipeline
pipeline_for (SrVulkanBackend *vk, SrKernel kernel)
{
  if (vk->pipelines[kernel] != VK_NULL_HANDLE)
    return vk->pipelines[kernel];
  const SrKernelInfo *info = sr_kernel_info (kernel);
  VkShaderModuleCreateInfo module_info = { .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
                                           .codeSize = info->spirv_size, .pCode = info->spirv };
  VkShaderModule module;
  if (!check (vk, vkCreateShaderModule (vk->device, &module_info, NULL, &module), info->name))
    return VK_NULL_HANDLE;
  uint32_t constants[2] = { sr_vulkan_lanes (vk, kernel), info->rows };
  VkSpecializationMapEntry entries[2] = { { 0, 0, 4 }, { 1, 4, 4 } };
  uint32_t n_constants = info->rows ? 2 : 1;
  VkSpecializationInfo specialization = { n_constants, entries, 4 * n_constants, constants };
  VkComputePipelineCreateInfo pipeline_info = {
    .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
    .stage = { .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, .stage = VK_SHADER_STAGE_COMPUTE_BIT,
               .module = module, .pName = "main", .pSpecializationInfo = &specialization },
    .layout = vk->pipeline_layout,
  };
  VkPipeline pipeline = VK_NULL_HANDLE;
  check (vk, vkCreateComputePipelines (vk->device, VK_NULL_HANDLE, 1, &pipeline_info, NULL, &pipeline), info->name);
  vkDestroyShaderModule (vk->device, module, NULL);
  vk->pipelines[kernel] = pipeline;
  return pipeline;
}

static bool
begin_recording (SrVulkanBackend *vk)
{
  if (vk->recording)
    return true;
  if (vk->base.lost)
    return sr_backend_fail (&vk->base, "%s: the device was lost", vk->properties.deviceName);
  VkCommandBufferBeginInfo begin = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                     .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT };
  if (!check (vk, vkBeginCommandBuffer (vk->commands, &begin), "vkBeginCommandBuffer"))
    return false;
  vk->recording = true;
  return true;
}

/* Makes everything recorded so far visible to whatever is recorded next. */
static void
barrier (SrVulkanBackend *vk)
{
  VkMemoryBarrier memory = { .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
                             .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
                             .dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT
                                              | VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT };
  VkPipelineStageFlags stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
  vkCmdPipelineBarrier (vk->commands, stages, stages, 0, 1, &memory, 0, NULL, 0, NULL);
}

bool
sr_vulkan_submit_and_wait (SrVulkanBackend *vk)
{
  if (!vk->recording)
    return !vk->base.lost || sr_backend_fail (&vk->base, "%s: the device was lost", vk->properties.deviceName);
  vk->recording = false;
  bool ok = check (vk, vkEndCommandBuffer (vk->commands), "vkEndCommandBuffer");
  VkSubmitInfo submit = { .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1,
                          .pCommandBuffers = &vk->commands };
  ok = ok && check (vk, vkQueueSubmit (vk->queue, 1, &submit, vk->fence), "vkQueueSubmit");
  if (ok && vk->lose_after > 0 && ++vk->submissions >= vk->lose_after)
    {
      vkWaitForFences (vk->device, 1, &vk->fence, VK_TRUE, UINT64_MAX);
      ok = check (vk, VK_ERROR_DEVICE_LOST, "vkQueueSubmit");
    }
  ok = ok && check (vk, vkWaitForFences (vk->device, 1, &vk->fence, VK_TRUE, UINT64_MAX), "waiting for the device");
  vkResetFences (vk->device, 1, &vk->fence);
  vkResetCommandBuffer (vk->commands, 0);
  vkResetDescriptorPool (vk->device, vk->descriptor_pool, 0);
  vk->sets_used = 0;
  return ok;
}

bool
sr_vulkan_sync (SrBackend *backend)
{
  return sr_vulkan_submit_and_wait ((SrVulkanBackend *) backend);
}

void
sr_vulkan_grid (const SrVulkanBackend *vk, uint64_t groups, uint32_t *x, uint32_t *y)
{
  uint64_t limit = vk->properties.limits.maxComputeWorkGroupCount[0];
  if (groups == 0)
    groups = 1;
  if (groups <= limit)
    {
      *x = (uint32_t) groups;
      *y = 1;
      return;
    }
  *y = (uint32_t) ((groups + limit - 1) / limit);
  *x = (uint32_t) ((groups + *y - 1) / *y);
}

bool
sr_vulkan_record_copy (SrVulkanBackend *vk, VkBuffer from, VkDeviceSize from_offset, VkBuffer to,
                       VkDeviceSize to_offset, VkDeviceSize bytes)
{
  if (!begin_recording (vk))
    return false;
  VkBufferCopy region = { from_offset, to_offset, bytes };
  vkCmdCopyBuffer (vk->commands, from, to, 1, &region);
  barrier (vk);
  return true;
}

bool
sr_vulkan_dispatch (SrVulkanBackend *vk, SrKernel kernel, const SrTensor *const bindings[SR_MAX_BINDINGS],
                    void *push, size_t push_size, uint32_t groups_x, uint32_t groups_y, uint32_t groups_z)
{
  const SrKernelInfo *info = sr_kernel_info (kernel);
  /* The pipeline's own facts against the call: a mismatch is a programming error caught here, not by the driver. */
  if (push_size != info->push_size)
    return sr_backend_fail (&vk->base, "%s: %zu push-constant bytes where the shader takes %zu", info->name,
                            push_size, info->push_size);
  for (int i = info->bindings; i < SR_MAX_BINDINGS; i++)
    if (bindings[i] != NULL)
      return sr_backend_fail (&vk->base, "%s: binding %d is beyond the shader's %d", info->name, i, info->bindings);
  const uint32_t *limits = vk->properties.limits.maxComputeWorkGroupCount;
  if (groups_x > limits[0] || groups_y > limits[1] || groups_z > limits[2])
    return sr_backend_fail (&vk->base, "%s: a grid of %u × %u × %u work groups is beyond the device", info->name,
                            groups_x, groups_y, groups_z);
  VkPipeline pipeline = pipeline_for (vk, kernel);
  if (pipeline == VK_NULL_HANDLE)
    return false;
  if (vk->sets_used == SR_DESCRIPTOR_SETS_PER_BATCH && !sr_vulkan_submit_and_wait (vk))
    return false;
  if (!begin_recording (vk))
    return false;

  VkDescriptorSetAllocateInfo allocate = { .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
                                           .descriptorPool = vk->descriptor_pool, .descriptorSetCount = 1,
                                           .pSetLayouts = &vk->set_layout };
  VkDescriptorSet set;
  if (!check (vk, vkAllocateDescriptorSets (vk->device, &allocate, &set), "a descriptor set"))
    return false;
  vk->sets_used++;
  VkDescriptorBufferInfo buffers[SR_MAX_BINDINGS];
  VkWriteDescriptorSet writes[SR_MAX_BINDINGS];
  uint32_t halves = 0;
  for (int i = 0; i < SR_MAX_BINDINGS; i++)
    {
      const SrVulkanBuffer *buffer = bindings[i] ? bindings[i]->storage : vk->dummy;
      if (bindings[i] != NULL && bindings[i]->dtype == SR_DTYPE_F16)
        halves |= 1u << i;
      buffers[i] = (VkDescriptorBufferInfo) { buffer->buffer, 0, VK_WHOLE_SIZE };
      writes[i] = (VkWriteDescriptorSet) { .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = set,
                                           .dstBinding = (uint32_t) i, .descriptorCount = 1,
                                           .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                           .pBufferInfo = &buffers[i] };
    }
  vkUpdateDescriptorSets (vk->device, SR_MAX_BINDINGS, writes, 0, NULL);
  memcpy (push, &halves, sizeof halves);

  vkCmdBindPipeline (vk->commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
  vkCmdBindDescriptorSets (vk->commands, VK_PIPELINE_BIND_POINT_COMPUTE, vk->pipeline_layout, 0, 1, &set, 0, NULL);
  vkCmdPushConstants (vk->commands, vk->pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, (uint32_t) push_size, push);
  vkCmdDispatch (vk->commands, groups_x, groups_y, groups_z);
  barrier (vk);
  return true;
}
