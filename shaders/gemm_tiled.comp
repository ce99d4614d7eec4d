#version 450
// C = act(alpha · op(A) · op(B) + bias) (+ C) for GPUs, the classic shared-memory SGEMM: a work group of 16 × 16
// invocations makes a TILE × TILE block of C, walking the inner dimension DEPTH steps at a time through tiles of A
// and B in shared memory (two of each: the next pair is fetched from global memory into registers while the
// current one is used, so one barrier a step suffices), and each invocation keeps a PER × PER block of sums in
// registers, every value read from shared memory feeding PER of them. The rows and columns an invocation owns are
// in groups of four, 16 · 4 apart, so that the sixteen lanes reading a tile row read sixteen adjacent vec4s.
// Its values arrive four at a time where rows are contiguous and aligned. On an H200, 4096³: 32 TFLOP/s (cuBLAS 51).
#include "common.glsl"
#include "gemm_io.glsl"

// TILE (64 or 128) and DEPTH (a multiple of four with TILE · DEPTH ≥ 1024) come from shaders/meson.build.
const uint SIDE = 16;                             // invocations along each side of the work group
const uint PER = TILE / SIDE;                     // rows and columns of C per invocation: 4 or 8
const uint QUADS = PER / 4;
const uint LOADS = TILE * DEPTH / (SIDE * SIDE);  // elements of A, and of B, each invocation brings in per tile
// One vec4 of padding a row: the invocations storing a column of A's tile (one row of A) then hit distinct banks.
const uint ROW_QUADS = TILE / 4 + 1;

shared vec4 a_tile[2][DEPTH][ROW_QUADS];          // A transposed: a_tile[·][p][i / 4][i % 4] = A(row0 + i, p0 + p)
shared vec4 b_tile[2][DEPTH][ROW_QUADS];          // b_tile[·][p][j / 4][j % 4] = B(p0 + p, column0 + j)

// The next pair of tiles on its way from global memory, four values a register
vec4 a_next[LOADS / 4], b_next[LOADS / 4];
// Whether A's and B's contiguous rows can be read four values at a time (uniform across the work group)
bool a_quads, b_quads;

// Where element E of a tile lies, its fastest-varying index along the operand's contiguous dimension (so that
// neighbouring invocations read neighbouring addresses): A row-major walks p first, B row-major walks j first.
uvec2 a_place(uint e) { return pc.a_inner == 1u ? uvec2(e / DEPTH, e % DEPTH) : uvec2(e % TILE, e / TILE); }
uvec2 b_place(uint e) { return pc.b_col == 1u ? uvec2(e % TILE, e / TILE) : uvec2(e / DEPTH, e % DEPTH); }
// The same for quad E when reading four at a time: (first row or column, first inner step)
uvec2 a_quad_place(uint e) { return uvec2(e / (DEPTH / 4), e % (DEPTH / 4) * 4); }
uvec2 b_quad_place(uint e) { return uvec2(e % (TILE / 4) * 4, e / (TILE / 4)); }

vec4 b_quad_at(uint index) {
  if (((pc.halves >> 1) & 1u) == 0u)
    return b_vec4[index >> 2];
  uvec2 packed = b_half4[index >> 2];
  return vec4(unpackHalf2x16(packed.x), unpackHalf2x16(packed.y));
}

void fetch(uint z, uint row0, uint column0, uint p0) {
  uint id = gl_LocalInvocationID.x;
  if (a_quads) {
    [[unroll]] for (uint q = 0; q < LOADS / 4; q++) {
      uvec2 ip = a_quad_place(q * SIDE * SIDE + id);
      uint i = row0 + ip.x, p = p0 + ip.y;
      a_next[q] = i < pc.m && p < pc.k ? a_vec4[(z * pc.a_batch + i * pc.a_row + p) >> 2] : vec4(0.0);
    }
  } else {
    [[unroll]] for (uint l = 0; l < LOADS; l++) {
      uvec2 ip = a_place(l * SIDE * SIDE + id);
      uint i = row0 + ip.x, p = p0 + ip.y;
      a_next[l / 4][l % 4] = i < pc.m && p < pc.k ? a[z * pc.a_batch + i * pc.a_row + p * pc.a_inner] : 0.0;
    }
  }
  if (b_quads) {
    [[unroll]] for (uint q = 0; q < LOADS / 4; q++) {
      uvec2 jp = b_quad_place(q * SIDE * SIDE + id);
      uint j = column0 + jp.x, p = p0 + jp.y;
      b_next[q] = j < pc.n && p < pc.k ? b_quad_at(z * pc.b_batch + p * pc.b_inner + j) : vec4(0.0);
    }
  } else {
    [[unroll]] for (uint l = 0; l < LOADS; l++) {
      uvec2 jp = b_place(l * SIDE * SIDE + id);
      uint j = column0 + jp.x, p = p0 + jp.y;
      b_next[l / 4][l % 4] = j < pc.n && p < pc.k ? b_at(z * pc.b_batch + p * pc.b_inner + j * pc.b_col) : 0.0;
    }
  }
}

void put(uint which) {
  uint id = gl_LocalInvocationID.x;
  if (a_quads) {
    [[unroll]] for (uint q = 0; q < LOADS / 4; q++) {
      uvec2 ip = a_quad_place(q * SIDE * SIDE + id);
      [[unroll]] for (uint c = 0; c < 4; c++)
        a_tile[which][ip.y + c][ip.x >> 2][ip.x & 3u] = a_next[q][c];
    }
  } else {
    [[unroll]] for (uint l = 0; l < LOADS; l++) {
      uvec2 ip = a_place(l * SIDE * SIDE + id);
      a_tile[which][ip.y][ip.x >> 2][ip.x & 3u] = a_next[l / 4][l % 4];
    }
  }
  if (b_quads) {
    [[unroll]] for (uint q = 0; q < LOADS / 4; q++) {
      uvec2 jp = b_quad_place(q * SIDE * SIDE + id);
      b_tile[which][jp.y][jp.x >> 2] = b_next[q];
    }
  } else {
    [[unroll]] for (uint l = 0; l < LOADS; l++) {
      uvec2 jp = b_place(l * SIDE * SIDE + id);
      b_tile[which][jp.y][jp.x >> 2][jp.x & 3u] = b_next[l / 4][l % 4];
    }
  }
}

void main() {
  uint z = gl_WorkGroupID.z, row0 = gl_WorkGroupID.x * TILE, column0 = gl_WorkGroupID.y * TILE;
  uint tx = gl_LocalInvocationID.x % SIDE, ty = gl_LocalInvocationID.x / SIDE;
  vec4 sums[PER][QUADS];
  [[unroll]] for (uint r = 0; r < PER; r++)
    [[unroll]] for (uint q = 0; q < QUADS; q++)
      sums[r][q] = vec4(0.0);

  a_quads = pc.a_inner == 1u && (pc.k & 3u) == 0u && (pc.a_row & 3u) == 0u && (pc.a_batch & 3u) == 0u;
  b_quads = pc.b_col == 1u && (pc.n & 3u) == 0u && (pc.b_inner & 3u) == 0u && (pc.b_batch & 3u) == 0u;
  uint tiles = (pc.k + DEPTH - 1) / DEPTH;
  fetch(z, row0, column0, 0);
  put(0);
  barrier();
  for (uint t = 0; t < tiles; t++) {
    uint here = t & 1u;
    bool more = t + 1 < tiles;
    if (more)
      fetch(z, row0, column0, (t + 1) * DEPTH);
    [[unroll]] for (uint p = 0; p < DEPTH; p++) {
      vec4 av[QUADS], bv[QUADS];
      [[unroll]] for (uint q = 0; q < QUADS; q++) {
        av[q] = a_tile[here][p][ty + SIDE * q];
        bv[q] = b_tile[here][p][tx + SIDE * q];
      }
      [[unroll]] for (uint qa = 0; qa < QUADS; qa++)
        [[unroll]] for (uint r = 0; r < 4; r++)
          [[unroll]] for (uint qb = 0; qb < QUADS; qb++)
            sums[qa * 4 + r][qb] += av[qa][r] * bv[qb];
    }
    // The other pair of tiles was last read before the previous barrier: safe to overwrite now.
    if (more)
      put(1u - here);
    barrier();
  }

  [[unroll]] for (uint qa = 0; qa < QUADS; qa++)
    [[unroll]] for (uint r = 0; r < 4; r++) {
      uint row = row0 + (ty + SIDE * qa) * 4 + r;
      if (row >= pc.m)
        continue;
      [[unroll]] for (uint qb = 0; qb < QUADS; qb++)
        [[unroll]] for (uint col = 0; col < 4; col++) {
          uint column = column0 + (tx + SIDE * qb) * 4 + col;
          if (column < pc.n)
            store(z, row, column, pc.alpha * sums[qa * 4 + r][qb][col]);
        }
    }
}
