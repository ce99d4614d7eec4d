#version 450
// The overlay's heat map: the softmax of one query over the keys, averaged over heads, from the maximum and sum the
// attention kernel kept for that query. One invocation per key.
#include "common.glsl"


layout(push_constant) uniform Push {
  uint halves;
  uint queries, width, heads, head_size, key_count, capacity, query_offset, probability_query;
  uint flags;
  float scale;
} pc;

layout(binding = 0) readonly buffer Q { float q[]; };
layout(binding = 1) readonly buffer K { float k[]; };
layout(binding = 4) readonly buffer L { int key_lengths[]; };
layout(binding = 5) readonly buffer S { float statistics[]; };
layout(binding = 6) writeonly buffer P { float probabilities[]; };

void main() {
  uint key = gl_GlobalInvocationID.x, b = gl_WorkGroupID.z;
  if (key >= pc.key_count)
    return;
  uint visible = pc.key_count;
  if ((pc.flags & 2u) != 0u)
    visible = uint(clamp(key_lengths[b], 0, int(visible)));
  if ((pc.flags & 1u) != 0u)
    visible = min(visible, pc.query_offset + pc.probability_query + 1);
  float average = 0.0;
  if (key < visible)
    for (uint h = 0; h < pc.heads; h++) {
      uint q_base = (b * pc.queries + pc.probability_query) * pc.width + h * pc.head_size;
      uint k_base = (b * pc.capacity + key) * pc.width + h * pc.head_size;
      float score = 0.0;
      for (uint d = 0; d < pc.head_size; d++)
        score += q[q_base + d] * pc.scale * k[k_base + d];
      float largest = statistics[(b * pc.heads + h) * 2], total = statistics[(b * pc.heads + h) * 2 + 1];
      average += total > 0.0 ? exp(score - largest) / total : 0.0;
    }
  probabilities[b * pc.key_count + key] = average / float(pc.heads);
}
