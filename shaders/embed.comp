#version 450
// The codebook-summed embedding: y[t, d] = Σ over books of table[ids[t, book], d]; one invocation per output value.
#include "common.glsl"


layout(push_constant) uniform Push {
  uint halves;
  uint steps, width, books, vocabulary;
} pc;

FLOAT_INPUT(0, table)
layout(binding = 1) readonly buffer Ids { int ids[]; };
layout(binding = 2) writeonly buffer Y { float y[]; };

void main() {
  uint i = linear_index();
  if (i >= pc.steps * pc.width)
    return;
  uint t = i / pc.width, d = i % pc.width;
  float sum = 0.0;
  for (uint book = 0; book < pc.books; book++) {
    int id = ids[t * pc.books + book];
    if (id >= 0 && uint(id) < pc.vocabulary)
      sum += table_at(uint(id) * pc.width + d);
  }
  y[i] = sum;
}
