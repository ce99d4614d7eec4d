#version 450
// Multi-head attention, one query per invocation, one head per work-group row, one sequence per layer: the keys and
// values stream past in order with an online softmax (running maximum and sum, rescaled when the maximum grows), so
// no score matrix is ever stored. Every lane of a work group reads the same key at the same time (a broadcast on
// CPU drivers). HEAD_SIZE = 64 keeps the query and the sum in vec4 registers; otherwise any head size up to 256.
#include "common.glsl"


layout(push_constant) uniform Push {
  uint halves;
  uint queries, width, heads, head_size, key_count, capacity, query_offset, probability_query;
  uint flags;  // bit 0 causal, bit 1 key lengths given, bit 2 keep the statistics of probability_query
  float scale;
} pc;

layout(binding = 0) readonly buffer Q { float q[]; };
layout(binding = 1) readonly buffer K { float k[]; };
layout(binding = 2) readonly buffer V { float v[]; };
layout(binding = 3) writeonly buffer O { float o[]; };
layout(binding = 4) readonly buffer L { int key_lengths[]; };
layout(binding = 5) writeonly buffer S { float statistics[]; };  // [batch, heads, 2]: maximum and sum
layout(binding = 0) readonly buffer Q4 { vec4 q4[]; };
layout(binding = 1) readonly buffer K4 { vec4 k4[]; };
layout(binding = 2) readonly buffer V4 { vec4 v4[]; };
layout(binding = 3) writeonly buffer O4 { vec4 o4[]; };

#ifdef HEAD_SIZE
const uint PIECES = HEAD_SIZE / 4;
#else
const uint MAX_HEAD = 256;
#endif

void main() {
  uint b = gl_WorkGroupID.z, h = gl_WorkGroupID.y;
  uint query = gl_WorkGroupID.x * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
  if (query >= pc.queries)
    return;
  uint visible = pc.key_count;
  if ((pc.flags & 2u) != 0u)
    visible = uint(clamp(key_lengths[b], 0, int(visible)));
  if ((pc.flags & 1u) != 0u)
    visible = min(visible, pc.query_offset + query + 1);
  uint q_base = (b * pc.queries + query) * pc.width + h * pc.head_size;
  uint kv_base = b * pc.capacity * pc.width + h * pc.head_size;
  float largest = -1.0 / 0.0, total = 0.0;
#ifdef HEAD_SIZE
  vec4 query_vec[PIECES], sum[PIECES];
  [[unroll]] for (uint d = 0; d < PIECES; d++) {
    query_vec[d] = q4[q_base / 4 + d] * pc.scale;
    sum[d] = vec4(0.0);
  }
  for (uint j = 0; j < visible; j++) {
    uint at = (kv_base + j * pc.width) / 4;
    float score = 0.0;
    [[unroll]] for (uint d = 0; d < PIECES; d++)
      score += dot(query_vec[d], k4[at + d]);
    if (score > largest) {
      float shrink = exp(largest - score);
      total *= shrink;
      [[unroll]] for (uint d = 0; d < PIECES; d++)
        sum[d] *= shrink;
      largest = score;
    }
    float weight = exp(score - largest);
    total += weight;
    [[unroll]] for (uint d = 0; d < PIECES; d++)
      sum[d] += weight * v4[at + d];
  }
  float inverse = total > 0.0 ? 1.0 / total : 0.0;
  for (uint d = 0; d < PIECES; d++)
    o4[q_base / 4 + d] = sum[d] * inverse;
#else
  float query_vec[MAX_HEAD], sum[MAX_HEAD];
  uint whole = pc.head_size / CHUNK * CHUNK;
  for (uint d = 0; d < pc.head_size; d++) {
    query_vec[d] = q[q_base + d] * pc.scale;
    sum[d] = 0.0;
  }
  for (uint j = 0; j < visible; j++) {
    uint at = kv_base + j * pc.width;
    float score = 0.0;
    for (uint start = 0; start < whole; start += CHUNK)
      [[unroll]] for (uint i = 0; i < CHUNK; i++)
        score += query_vec[start + i] * k[at + start + i];
    for (uint d = whole; d < pc.head_size; d++)
      score += query_vec[d] * k[at + d];
    if (score > largest) {
      float shrink = exp(largest - score);
      total *= shrink;
      for (uint start = 0; start < whole; start += CHUNK)
        [[unroll]] for (uint i = 0; i < CHUNK; i++)
          sum[start + i] *= shrink;
      for (uint d = whole; d < pc.head_size; d++)
        sum[d] *= shrink;
      largest = score;
    }
    float weight = exp(score - largest);
    total += weight;
    for (uint start = 0; start < whole; start += CHUNK)
      [[unroll]] for (uint i = 0; i < CHUNK; i++)
        sum[start + i] += weight * v[at + start + i];
    for (uint d = whole; d < pc.head_size; d++)
      sum[d] += weight * v[at + d];
  }
  float inverse = total > 0.0 ? 1.0 / total : 0.0;
  for (uint d = 0; d < pc.head_size; d++)
    o[q_base + d] = sum[d] * inverse;
#endif
  if ((pc.flags & 4u) != 0u && query == pc.probability_query) {
    statistics[(b * pc.heads + h) * 2] = largest;
    statistics[(b * pc.heads + h) * 2 + 1] = total;
  }
}
