#version 450
// C = act(alpha · op(A) · op(B) + bias) (+ C). The transposes are strides. Each invocation holds ROWS rows of one
// column, or with VEC4 (B row-major, N a multiple of 4) of two groups of four adjacent columns; A is read at the
// same address by every lane of a work group, which CPU drivers (lavapipe) turn into one broadcast load, and B as
// vec4. No shared memory. On lavapipe, 1024³: one group of four columns ≈ 15 GFLOP/s, two ≈ 20 (each A value feeds
// twice the sums); the GPU kernel's shared-memory tiles (gemm_tiled.comp) 6–8. On an H200 it is the other way round:
// 1.3 TFLOP/s at 4096³ against the tiles' 38; a decoder step's few rows go to gemv_split.comp there.
#include "common.glsl"

layout(constant_id = 1) const uint ROWS = 32;

#include "gemm_io.glsl"

vec4 load_b4(uint index) {
#ifdef B_HALF
  uvec2 packed = b_half4[index >> 2];
  return vec4(unpackHalf2x16(packed.x), unpackHalf2x16(packed.y));
#else
  return b_vec4[index >> 2];
#endif
}

void main() {
  uint z = gl_WorkGroupID.z;
#ifdef VEC4
  // Two groups of four adjacent columns per lane, LANES · 4 apart: twice the work for every load of A.
  uint column = gl_WorkGroupID.y * gl_WorkGroupSize.x * 8 + gl_LocalInvocationID.x * 4;
  uint other = column + gl_WorkGroupSize.x * 4;
  bool has_other = other < pc.n;
  uint other_read = has_other ? other : column; // an in-bounds stand-in whose sums are never stored
#else
  uint column = gl_WorkGroupID.y * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
#endif
  uint first_row = gl_WorkGroupID.x * ROWS;
  if (column >= pc.n)
    return;
#ifdef VEC4
  vec4 sums[ROWS], more[ROWS];
  [[unroll]] for (uint r = 0; r < ROWS; r++) {
    sums[r] = vec4(0.0);
    more[r] = vec4(0.0);
  }
#else
  float sums[ROWS];
  [[unroll]] for (uint r = 0; r < ROWS; r++)
    sums[r] = 0.0;
#endif
  uint last_row = pc.m - 1;
#ifdef VEC4
  // A's rows contiguous and whole blocks of rows: four steps of the inner dimension per pass, A read as vec4.
  // (Both conditions are the same for every lane of a work group.)
  if (pc.a_inner == 1 && (pc.k & 3u) == 0 && (pc.a_row & 3u) == 0 && first_row + ROWS <= pc.m) {
    uint a_base = (z * pc.a_batch + first_row * pc.a_row) >> 2, a_step = pc.a_row >> 2;
    for (uint p = 0; p < pc.k; p += 4) {
      uint b_index = z * pc.b_batch + p * pc.b_inner + column;
      uint o_index = z * pc.b_batch + p * pc.b_inner + other_read;
      vec4 b0 = load_b4(b_index), b1 = load_b4(b_index + pc.b_inner);
      vec4 b2 = load_b4(b_index + 2 * pc.b_inner), b3 = load_b4(b_index + 3 * pc.b_inner);
      vec4 c0 = load_b4(o_index), c1 = load_b4(o_index + pc.b_inner);
      vec4 c2 = load_b4(o_index + 2 * pc.b_inner), c3 = load_b4(o_index + 3 * pc.b_inner);
      [[unroll]] for (uint r = 0; r < ROWS; r++) {
        vec4 av = a_vec4[a_base + r * a_step + (p >> 2)];
        sums[r] += av.x * b0 + av.y * b1 + av.z * b2 + av.w * b3;
        more[r] += av.x * c0 + av.y * c1 + av.z * c2 + av.w * c3;
      }
    }
  } else {
    for (uint p = 0; p < pc.k; p++) {
      uint b_index = z * pc.b_batch + p * pc.b_inner + column;
      uint o_index = z * pc.b_batch + p * pc.b_inner + other_read;
      vec4 b_value = load_b4(b_index), c_value = load_b4(o_index);
      uint a_at = z * pc.a_batch + p * pc.a_inner;
      [[unroll]] for (uint r = 0; r < ROWS; r++) {
        float av = a[a_at + min(first_row + r, last_row) * pc.a_row];
        sums[r] += av * b_value;
        more[r] += av * c_value;
      }
    }
  }
#else
  for (uint p = 0; p < pc.k; p++) {
    float b_value = b_at(z * pc.b_batch + p * pc.b_inner + column * pc.b_col);
    uint a_at = z * pc.a_batch + p * pc.a_inner;
    [[unroll]] for (uint r = 0; r < ROWS; r++)
      sums[r] += a[a_at + min(first_row + r, last_row) * pc.a_row] * b_value;
  }
#endif
  [[unroll]] for (uint r = 0; r < ROWS; r++) {
    uint row = first_row + r;
    if (row >= pc.m)
      break;
#ifdef VEC4
    [[unroll]] for (uint j = 0; j < 4; j++) {
      store(z, row, column + j, pc.alpha * sums[r][j]);
      if (has_other)
        store(z, row, other + j, pc.alpha * more[r][j]);
    }
#else
    store(z, row, column, pc.alpha * sums[r]);
#endif
  }
}
