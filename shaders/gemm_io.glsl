// What the GEMM kernels (gemm.comp for CPU drivers, gemm_tiled.comp and gemv_split.comp for GPUs) share: the push
// constants, the operand bindings and the epilogue (bias, activation, accumulation) of one element of C.
layout(push_constant) uniform Push {
  uint halves;
  uint m, n, k;
  uint a_batch, a_row, a_inner;   // A(i, p) = a[z·a_batch + i·a_row + p·a_inner]
  uint b_batch, b_inner, b_col;   // B(p, j) = b[z·b_batch + p·b_inner + j·b_col]
  uint c_batch;
  float alpha;
  uint flags;                     // bit 0 bias, bit 1 accumulate, bits 8… activation
} pc;

layout(binding = 0) readonly buffer A { float a[]; };
FLOAT_INPUT(1, b)
FLOAT_INPUT(2, bias)
layout(binding = 3) buffer C { float c[]; };
// The same operands four at a time, where rows are contiguous and aligned to four
layout(binding = 0) readonly buffer A4 { vec4 a_vec4[]; };
layout(binding = 1) readonly buffer B4 { vec4 b_vec4[]; };
layout(binding = 1) readonly buffer B4H { uvec2 b_half4[]; };

// Four of B's values from INDEX on (a multiple of 4), fp32 or fp16 by the halves bit
vec4 b_quad_at(uint index) {
  if (((pc.halves >> 1) & 1u) == 0u)
    return b_vec4[index >> 2];
  uvec2 packed = b_half4[index >> 2];
  return vec4(unpackHalf2x16(packed.x), unpackHalf2x16(packed.y));
}

void store(uint z, uint row, uint column, float value) {
  if ((pc.flags & 1u) != 0u)
    value += bias_at(column);
  value = activate(pc.flags >> 8, value);
  uint at = z * pc.c_batch + row * pc.n + column;
  if ((pc.flags & 2u) != 0u)
    value += c[at];
  c[at] = value;
}
