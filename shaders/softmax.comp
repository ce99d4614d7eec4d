#version 450
// Softmax over each row, one work group per row; a row of -inf gives zeros.
#include "common.glsl"

layout(constant_id = 0) const uint LANES = 64;
#include "reduce.glsl"

layout(push_constant) uniform Push {
  uint halves;
  uint width;
} pc;

layout(binding = 0) readonly buffer X { float x[]; };
layout(binding = 1) writeonly buffer Y { float y[]; };

void main() {
  uint row = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  uint lane = gl_LocalInvocationID.x, base = row * pc.width;
  float largest = -1.0 / 0.0;
  for (uint j = lane; j < pc.width; j += LANES)
    largest = max(largest, x[base + j]);
  largest = reduce_max(largest);
  float sum = 0.0;
  if (largest > -1.0 / 0.0)
    for (uint j = lane; j < pc.width; j += LANES)
      sum += exp(x[base + j] - largest);
  sum = reduce_sum(sum);
  float inverse = sum > 0.0 ? 1.0 / sum : 0.0;
  for (uint j = lane; j < pc.width; j += LANES)
    y[base + j] = sum > 0.0 ? exp(x[base + j] - largest) * inverse : 0.0;
}
