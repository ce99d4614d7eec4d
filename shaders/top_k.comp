#version 450
// The k largest values of each row, largest first, lower index first among equals; NaN never wins. One row per
// invocation, kept by insertion into a sorted list (k ≤ 64).
#include "common.glsl"


layout(push_constant) uniform Push {
  uint halves;
  uint rows, columns, k, flags;  // bit 0: write the values
} pc;

layout(binding = 0) readonly buffer X { float x[]; };
layout(binding = 1) writeonly buffer Values { float values[]; };
layout(binding = 2) writeonly buffer Indices { int indices[]; };

void main() {
  uint row = linear_index();
  if (row >= pc.rows)
    return;
  float best[64];
  int where[64];
  uint held = 0;
  for (uint j = 0; j < pc.columns; j++) {
    float value = x[row * pc.columns + j];
    if (isnan(value) || (held == pc.k && !(value > best[pc.k - 1])))
      continue;
    uint slot = held < pc.k ? held++ : pc.k - 1;
    while (slot > 0 && value > best[slot - 1]) {
      best[slot] = best[slot - 1];
      where[slot] = where[slot - 1];
      slot--;
    }
    best[slot] = value;
    where[slot] = int(j);
  }
  for (uint i = held; i < pc.k; i++) {
    best[i] = 0.0 / 0.0;
    where[i] = int(i);
  }
  for (uint i = 0; i < pc.k; i++) {
    indices[row * pc.k + i] = where[i];
    if ((pc.flags & 1u) != 0u)
      values[row * pc.k + i] = best[i];
  }
}
