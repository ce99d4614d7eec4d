#version 450
// Multi-head attention, one query per invocation (two for HEAD_SIZE 64), one head per work-group row, one sequence per layer: the keys and
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

#ifdef HEAD_SIZE
// One query's online softmax over keys FROM to TO: its scaled query QV, running sum SUM, maximum and total.
#define ATTEND_ONE(QV, SUM, LARGEST, TOTAL, FROM, TO)                                   \
  for (uint j = FROM; j < TO; j++) {                                                    \
    uint at = (kv_base + j * pc.width) / 4;                                             \
    float score = 0.0;                                                                  \
    [[unroll]] for (uint d = 0; d < PIECES; d++)                                        \
      score += dot(QV[d], k4[at + d]);                                                  \
    if (score > LARGEST) {                                                              \
      float shrink = exp(LARGEST - score);                                              \
      TOTAL *= shrink;                                                                  \
      [[unroll]] for (uint d = 0; d < PIECES; d++)                                      \
        SUM[d] *= shrink;                                                               \
      LARGEST = score;                                                                  \
    }                                                                                   \
    float weight = exp(score - LARGEST);                                                \
    TOTAL += weight;                                                                    \
    [[unroll]] for (uint d = 0; d < PIECES; d++)                                        \
      SUM[d] += weight * v4[at + d];                                                    \
  }
#endif

void main() {
  uint b = gl_WorkGroupID.z, h = gl_WorkGroupID.y;
#ifdef HEAD_SIZE
  // Two queries an invocation: every key and value read serves both (the reads, not the arithmetic, bound a CPU
  // driver).
  uint query = (gl_WorkGroupID.x * gl_WorkGroupSize.x + gl_LocalInvocationID.x) * 2;
#else
  uint query = gl_WorkGroupID.x * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
#endif
  if (query >= pc.queries)
    return;
  uint visible = pc.key_count;
  if ((pc.flags & 2u) != 0u)
    visible = uint(clamp(key_lengths[b], 0, int(visible)));
  uint kv_base = b * pc.capacity * pc.width + h * pc.head_size;
#ifdef HEAD_SIZE
  bool second = query + 1 < pc.queries;
  uint visible_a = visible, visible_b = second ? visible : 0u;
  if ((pc.flags & 1u) != 0u) {
    visible_a = min(visible, pc.query_offset + query + 1);
    visible_b = second ? min(visible, pc.query_offset + query + 2) : 0u;
  }
  uint base_a = (b * pc.queries + query) * pc.width + h * pc.head_size, base_b = base_a + pc.width;
  vec4 qa[PIECES], qb[PIECES], sa[PIECES], sb[PIECES];
  [[unroll]] for (uint d = 0; d < PIECES; d++) {
    qa[d] = q4[base_a / 4 + d] * pc.scale;
    qb[d] = second ? q4[base_b / 4 + d] * pc.scale : vec4(0.0);
    sa[d] = vec4(0.0);
    sb[d] = vec4(0.0);
  }
  float largest_a = -1.0 / 0.0, largest_b = -1.0 / 0.0, total_a = 0.0, total_b = 0.0;
  uint both = min(visible_a, visible_b);
  for (uint j = 0; j < both; j++) {
    uint at = (kv_base + j * pc.width) / 4;
    float score_a = 0.0, score_b = 0.0;
    [[unroll]] for (uint d = 0; d < PIECES; d++) {
      vec4 key = k4[at + d];
      score_a += dot(qa[d], key);
      score_b += dot(qb[d], key);
    }
    if (score_a > largest_a) {
      float shrink = exp(largest_a - score_a);
      total_a *= shrink;
      [[unroll]] for (uint d = 0; d < PIECES; d++)
        sa[d] *= shrink;
      largest_a = score_a;
    }
    if (score_b > largest_b) {
      float shrink = exp(largest_b - score_b);
      total_b *= shrink;
      [[unroll]] for (uint d = 0; d < PIECES; d++)
        sb[d] *= shrink;
      largest_b = score_b;
    }
    float weight_a = exp(score_a - largest_a), weight_b = exp(score_b - largest_b);
    total_a += weight_a;
    total_b += weight_b;
    [[unroll]] for (uint d = 0; d < PIECES; d++) {
      vec4 value = v4[at + d];
      sa[d] += weight_a * value;
      sb[d] += weight_b * value;
    }
  }
  ATTEND_ONE(qa, sa, largest_a, total_a, both, visible_a)
  ATTEND_ONE(qb, sb, largest_b, total_b, both, visible_b)
  float inverse_a = total_a > 0.0 ? 1.0 / total_a : 0.0, inverse_b = total_b > 0.0 ? 1.0 / total_b : 0.0;
  for (uint d = 0; d < PIECES; d++) {
    o4[base_a / 4 + d] = sa[d] * inverse_a;
    if (second)
      o4[base_b / 4 + d] = sb[d] * inverse_b;
  }
  if ((pc.flags & 4u) != 0u && (query == pc.probability_query || (second && query + 1 == pc.probability_query))) {
    bool first = query == pc.probability_query;
    statistics[(b * pc.heads + h) * 2] = first ? largest_a : largest_b;
    statistics[(b * pc.heads + h) * 2 + 1] = first ? total_a : total_b;
  }
#else
  if ((pc.flags & 1u) != 0u)
    visible = min(visible, pc.query_offset + query + 1);
  uint q_base = (b * pc.queries + query) * pc.width + h * pc.head_size;
  float largest = -1.0 / 0.0, total = 0.0;
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
  if ((pc.flags & 4u) != 0u && query == pc.probability_query) {
    statistics[(b * pc.heads + h) * 2] = largest;
    statistics[(b * pc.heads + h) * 2 + 1] = total;
  }
#endif
}
