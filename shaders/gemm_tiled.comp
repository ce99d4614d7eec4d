#version 450
// C = act(alpha · op(A) · op(B) + bias) (+ C) for GPUs, the classic shared-memory SGEMM: a work group of 16 × 16
// invocations makes a TILE × TILE block of C, walking the inner dimension DEPTH steps at a time through one tile of A
// and one of B in shared memory, and each invocation keeps a PER × PER block of sums in registers, every value read
// from shared memory feeding PER of them. The rows and columns an invocation owns are in groups of four, 16 · 4
// apart, so that the sixteen lanes reading a tile row read sixteen adjacent vec4s. Values arrive four at a time
// along whichever dimension is contiguous and aligned, without bounds checks for tiles wholly inside.
// Why one tile and no prefetching of the next into registers: on an H200 (4096³) the double-buffered form with
// prefetching ran at 33 TFLOP/s and this one at 41 (cuBLAS: 50), since the sums leave few registers; the deeper
// tile halves the barriers (tools/device/gemm-variants.sh measures the variants).
#include "common.glsl"
#include "gemm_io.glsl"

// TILE (64 or 128) and DEPTH (a multiple of four with TILE · DEPTH ≥ 1024) come from shaders/meson.build.
const uint SIDE = 16;                             // invocations along each side of the work group
const uint PER = TILE / SIDE;                     // rows and columns of C per invocation: 4 or 8
const uint QUADS = PER / 4;
const uint LOADS = TILE * DEPTH / (SIDE * SIDE);  // elements of A, and of B, each invocation brings in per tile
// One vec4 of padding a row: the invocations storing a column of A's tile (one row of A) then hit distinct banks.
const uint ROW_QUADS = TILE / 4 + 1;

shared vec4 a_tile[DEPTH][ROW_QUADS];             // A transposed: a_tile[p][i / 4][i % 4] = A(row0 + i, p0 + p)
shared vec4 b_tile[DEPTH][ROW_QUADS];             // b_tile[p][j / 4][j % 4] = B(p0 + p, column0 + j)

// A tile's values on their way from global to shared memory, four a register
vec4 a_next[LOADS / 4], b_next[LOADS / 4];
// How each operand is read (uniform across the work group): four values at a time along its contiguous dimension
// where that is aligned, along the inner dimension p (A row-major, B transposed) or along the rows i of A
// (transposed) or the columns j of B (row-major); else one value at a time.
const uint SINGLES = 0, QUADS_ALONG_P = 1, QUADS_ACROSS = 2;
uint a_reads, b_reads;

// Where element E of a tile lies, its fastest-varying index along the operand's contiguous dimension (so that
// neighbouring invocations read neighbouring addresses): (row i or column j, inner step p)
uvec2 a_place(uint e) { return pc.a_inner == 1u ? uvec2(e / DEPTH, e % DEPTH) : uvec2(e % TILE, e / TILE); }
uvec2 b_place(uint e) { return pc.b_col == 1u ? uvec2(e % TILE, e / TILE) : uvec2(e / DEPTH, e % DEPTH); }
// The same for quad E: its first element
uvec2 quad_place(uint reads, uint e) {
  return reads == QUADS_ALONG_P ? uvec2(e / (DEPTH / 4), e % (DEPTH / 4) * 4)
                                : uvec2(e % (TILE / 4) * 4, e / (TILE / 4));
}

// A quad's first element is in range exactly when the whole quad is: the dimension it runs along is a multiple of 4.
// READS is a constant at each call, so that each inlined copy knows its placement; tiles wholly inside skip the checks.
void fetch_a_quads(uint reads, uint z, uint row0, uint p0) {
  uint id = gl_LocalInvocationID.x;
  if (row0 + TILE <= pc.m && p0 + DEPTH <= pc.k) {
    [[unroll]] for (uint q = 0; q < LOADS / 4; q++) {
      uvec2 ip = quad_place(reads, q * SIDE * SIDE + id);
      a_next[q] = a_vec4[(z * pc.a_batch + (row0 + ip.x) * pc.a_row + (p0 + ip.y) * pc.a_inner) >> 2];
    }
  } else {
    [[unroll]] for (uint q = 0; q < LOADS / 4; q++) {
      uvec2 ip = quad_place(reads, q * SIDE * SIDE + id);
      uint i = row0 + ip.x, p = p0 + ip.y;
      a_next[q] = i < pc.m && p < pc.k ? a_vec4[(z * pc.a_batch + i * pc.a_row + p * pc.a_inner) >> 2] : vec4(0.0);
    }
  }
}

void fetch_b_quads(uint reads, uint z, uint column0, uint p0) {
  uint id = gl_LocalInvocationID.x;
  if (((pc.halves >> 1) & 1u) == 0u && column0 + TILE <= pc.n && p0 + DEPTH <= pc.k) {
    [[unroll]] for (uint q = 0; q < LOADS / 4; q++) {
      uvec2 jp = quad_place(reads, q * SIDE * SIDE + id);
      b_next[q] = b_vec4[(z * pc.b_batch + (p0 + jp.y) * pc.b_inner + (column0 + jp.x) * pc.b_col) >> 2];
    }
  } else {
    [[unroll]] for (uint q = 0; q < LOADS / 4; q++) {
      uvec2 jp = quad_place(reads, q * SIDE * SIDE + id);
      uint j = column0 + jp.x, p = p0 + jp.y;
      b_next[q] = j < pc.n && p < pc.k ? b_quad_at(z * pc.b_batch + p * pc.b_inner + j * pc.b_col) : vec4(0.0);
    }
  }
}

void fetch(uint z, uint row0, uint column0, uint p0) {
  uint id = gl_LocalInvocationID.x;
  if (a_reads == QUADS_ALONG_P) {
    fetch_a_quads(QUADS_ALONG_P, z, row0, p0);
  } else if (a_reads == QUADS_ACROSS) {
    fetch_a_quads(QUADS_ACROSS, z, row0, p0);
  } else {
    [[unroll]] for (uint l = 0; l < LOADS; l++) {
      uvec2 ip = a_place(l * SIDE * SIDE + id);
      uint i = row0 + ip.x, p = p0 + ip.y;
      a_next[l / 4][l % 4] = i < pc.m && p < pc.k ? a[z * pc.a_batch + i * pc.a_row + p * pc.a_inner] : 0.0;
    }
  }
  if (b_reads == QUADS_ACROSS) {
    fetch_b_quads(QUADS_ACROSS, z, column0, p0);
  } else if (b_reads == QUADS_ALONG_P) {
    fetch_b_quads(QUADS_ALONG_P, z, column0, p0);
  } else {
    [[unroll]] for (uint l = 0; l < LOADS; l++) {
      uvec2 jp = b_place(l * SIDE * SIDE + id);
      uint j = column0 + jp.x, p = p0 + jp.y;
      b_next[l / 4][l % 4] = j < pc.n && p < pc.k ? b_at(z * pc.b_batch + p * pc.b_inner + j * pc.b_col) : 0.0;
    }
  }
}

// The tiles hold A transposed and B as it is, rows of p: a quad along p is four rows, a quad across is one vec4.
void put_a_quads(uint reads) {
  uint id = gl_LocalInvocationID.x;
  [[unroll]] for (uint q = 0; q < LOADS / 4; q++) {
    uvec2 ip = quad_place(reads, q * SIDE * SIDE + id);
    if (reads == QUADS_ACROSS)
      a_tile[ip.y][ip.x >> 2] = a_next[q];
    else
      [[unroll]] for (uint c = 0; c < 4; c++)
        a_tile[ip.y + c][ip.x >> 2][ip.x & 3u] = a_next[q][c];
  }
}

void put_b_quads(uint reads) {
  uint id = gl_LocalInvocationID.x;
  [[unroll]] for (uint q = 0; q < LOADS / 4; q++) {
    uvec2 jp = quad_place(reads, q * SIDE * SIDE + id);
    if (reads == QUADS_ACROSS)
      b_tile[jp.y][jp.x >> 2] = b_next[q];
    else
      [[unroll]] for (uint c = 0; c < 4; c++)
        b_tile[jp.y + c][jp.x >> 2][jp.x & 3u] = b_next[q][c];
  }
}

void put() {
  uint id = gl_LocalInvocationID.x;
  if (a_reads == QUADS_ALONG_P) {
    put_a_quads(QUADS_ALONG_P);
  } else if (a_reads == QUADS_ACROSS) {
    put_a_quads(QUADS_ACROSS);
  } else {
    [[unroll]] for (uint l = 0; l < LOADS; l++) {
      uvec2 ip = a_place(l * SIDE * SIDE + id);
      a_tile[ip.y][ip.x >> 2][ip.x & 3u] = a_next[l / 4][l % 4];
    }
  }
  if (b_reads == QUADS_ACROSS) {
    put_b_quads(QUADS_ACROSS);
  } else if (b_reads == QUADS_ALONG_P) {
    put_b_quads(QUADS_ALONG_P);
  } else {
    [[unroll]] for (uint l = 0; l < LOADS; l++) {
      uvec2 jp = b_place(l * SIDE * SIDE + id);
      b_tile[jp.y][jp.x >> 2][jp.x & 3u] = b_next[l / 4][l % 4];
    }
  }
}

void multiply(uint tx, uint ty, inout vec4 sums[PER][QUADS]) {
  [[unroll]] for (uint p = 0; p < DEPTH; p++) {
    vec4 av[QUADS], bv[QUADS];
    [[unroll]] for (uint q = 0; q < QUADS; q++) {
      av[q] = a_tile[p][ty + SIDE * q];
      bv[q] = b_tile[p][tx + SIDE * q];
    }
    [[unroll]] for (uint qa = 0; qa < QUADS; qa++)
      [[unroll]] for (uint r = 0; r < 4; r++)
        [[unroll]] for (uint qb = 0; qb < QUADS; qb++)
          sums[qa * 4 + r][qb] += av[qa][r] * bv[qb];
  }
}

void main() {
  uint z = gl_WorkGroupID.z, row0 = gl_WorkGroupID.x * TILE, column0 = gl_WorkGroupID.y * TILE;
  uint tx = gl_LocalInvocationID.x % SIDE, ty = gl_LocalInvocationID.x / SIDE;
  vec4 sums[PER][QUADS];
  [[unroll]] for (uint r = 0; r < PER; r++)
    [[unroll]] for (uint q = 0; q < QUADS; q++)
      sums[r][q] = vec4(0.0);

  a_reads = (pc.a_batch & 3u) != 0u ? SINGLES
          : pc.a_inner == 1u && (pc.k & 3u) == 0u && (pc.a_row & 3u) == 0u ? QUADS_ALONG_P
          : pc.a_row == 1u && (pc.m & 3u) == 0u && (pc.a_inner & 3u) == 0u ? QUADS_ACROSS : SINGLES;
  b_reads = (pc.b_batch & 3u) != 0u ? SINGLES
          : pc.b_col == 1u && (pc.n & 3u) == 0u && (pc.b_inner & 3u) == 0u ? QUADS_ACROSS
          : pc.b_inner == 1u && (pc.k & 3u) == 0u && (pc.b_col & 3u) == 0u ? QUADS_ALONG_P : SINGLES;
  uint tiles = (pc.k + DEPTH - 1) / DEPTH;
  for (uint t = 0; t < tiles; t++) {
    fetch(z, row0, column0, t * DEPTH);
    put();
    barrier();
    multiply(tx, ty, sums);
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
