#version 450
// LayerNorm and GroupNorm: one work group per row (or per group of channels), two passes over it (mean, then the
// squared deviations) for accuracy, then the affine. LayerNorm's gamma is indexed by column; GroupNorm's by channel.
#include "common.glsl"

layout(constant_id = 0) const uint LANES = 64;  // a power of two
#include "reduce.glsl"

layout(push_constant) uniform Push {
  uint halves;
  uint width;           // values normalised together
  uint channel_size;    // GroupNorm: values per channel; LayerNorm: 0
  uint groups;          // GroupNorm: groups per batch item
  uint channels_per_group;
  uint flags;           // bit 0 gamma, bit 1 beta
  float eps;
} pc;

layout(binding = 0) readonly buffer X { float x[]; };
FLOAT_INPUT(1, gamma)
FLOAT_INPUT(2, beta)
layout(binding = 3) writeonly buffer Y { float y[]; };

void main() {
  uint row = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  uint lane = gl_LocalInvocationID.x, base = row * pc.width;
  float sum = 0.0;
  for (uint j = lane; j < pc.width; j += LANES)
    sum += x[base + j];
  float mean = reduce_sum(sum) / float(pc.width);
  float squares = 0.0;
  for (uint j = lane; j < pc.width; j += LANES) {
    float d = x[base + j] - mean;
    squares += d * d;
  }
  float inverse = inversesqrt(reduce_sum(squares) / float(pc.width) + pc.eps);
  uint first_channel = pc.channel_size == 0u ? 0u : (row % pc.groups) * pc.channels_per_group;
  for (uint j = lane; j < pc.width; j += LANES) {
    uint affine = pc.channel_size == 0u ? j : first_channel + j / pc.channel_size;
    float value = (x[base + j] - mean) * inverse;
    if ((pc.flags & 1u) != 0u)
      value *= gamma_at(affine);
    if ((pc.flags & 2u) != 0u)
      value += beta_at(affine);
    y[base + j] = value;
  }
}
