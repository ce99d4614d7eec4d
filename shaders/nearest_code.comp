#version 450
// Residual quantisation's search: for each vector, the codebook entry nearest in L2 (or with the largest dot
// product), one vector per invocation; lanes read the same code at once.
#include "common.glsl"


layout(push_constant) uniform Push {
  uint halves;
  uint rows, width, codes, metric;  // metric 0: L2, 1: dot product
} pc;

layout(binding = 0) readonly buffer X { float x[]; };
FLOAT_INPUT(1, codebook)
layout(binding = 2) writeonly buffer Ids { int ids[]; };

void main() {
  uint row = linear_index();
  if (row >= pc.rows)
    return;
  float best = 1.0 / 0.0;
  uint best_code = 0;
  uint whole = pc.width / CHUNK * CHUNK;
  for (uint code = 0; code < pc.codes; code++) {
    float score = 0.0;
    for (uint start = 0; start < whole; start += CHUNK)
      [[unroll]] for (uint i = 0; i < CHUNK; i++) {
        float xv = x[row * pc.width + start + i], cv = codebook_at(code * pc.width + start + i);
        score += pc.metric == 0u ? (xv - cv) * (xv - cv) : -xv * cv;
      }
    for (uint d = whole; d < pc.width; d++) {
      float xv = x[row * pc.width + d], cv = codebook_at(code * pc.width + d);
      score += pc.metric == 0u ? (xv - cv) * (xv - cv) : -xv * cv;
    }
    if (score < best) {
      best = score;
      best_code = code;
    }
  }
  ids[row] = int(best_code);
}
