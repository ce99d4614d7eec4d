#version 450
// C = act(alpha · A · B + bias) (+ C) for a few rows of A (a decoder step) on a GPU, B row-major with its columns in
// fours: a work group of 256 invocations makes 32 columns of one row, as 8 quads of columns × 32 slices of the inner
// dimension; each invocation sums every 32nd inner step of its quad, and the slices are added in shared memory.
// Why: the kernel for CPU drivers (gemm.comp) gives each invocation whole columns in work groups of 8, so a GPU
// ran a 256-column step on four partial warps walking the whole inner dimension in turn.
#include "common.glsl"
#include "gemm_io.glsl"

const uint QUADS = 8, SLICES = 32; // QUADS · SLICES = the work group's 256 invocations

shared vec4 partial[SLICES][QUADS];

void main() {
  uint row = gl_WorkGroupID.x, z = gl_WorkGroupID.z;
  uint quad = gl_LocalInvocationID.x % QUADS, slice = gl_LocalInvocationID.x / QUADS;
  uint column = (gl_WorkGroupID.y * QUADS + quad) * 4;
  vec4 sum = vec4(0.0);
  if (column < pc.n) {
    uint a_at = z * pc.a_batch + row * pc.a_row, b_at = z * pc.b_batch + column;
    for (uint p = slice; p < pc.k; p += SLICES)
      sum += a[a_at + p * pc.a_inner] * b_quad_at(b_at + p * pc.b_inner);
  }
  partial[slice][quad] = sum;
  barrier();
  // Halving the slices each round: 16, 8, 4, 2, 1 sums left per quad.
  [[unroll]] for (uint half_ = SLICES / 2; half_ > 0; half_ /= 2) {
    if (slice < half_)
      partial[slice][quad] += partial[slice + half_][quad];
    barrier();
  }
  if (slice == 0 && column < pc.n)
    [[unroll]] for (uint c = 0; c < 4; c++)
      store(z, row, column + c, pc.alpha * partial[0][quad][c]);
}
