#version 450
// Element-wise kernels, one element per invocation: activations, Snake, add and multiply with broadcasting, and
// nearest-neighbour upsampling by 2. y may be bound to the same buffer as x (in-place residual adds).
#include "common.glsl"


const uint OP_ACTIVATION = 0u, OP_SNAKE = 1u, OP_ADD = 2u, OP_MUL = 3u, OP_UPSAMPLE = 4u;

layout(push_constant) uniform Push {
  uint halves;
  uint op, activation;
  uint count;           // output elements
  uint columns;         // last dimension of x
  uint b_kind;          // binary: 0 same shape, 1 one row for all, 2 one value per row
  uint channels, steps; // Snake: x is [B, channels, steps]
  uint height, width;   // upsampling: x's last two dimensions
} pc;

layout(binding = 0) readonly buffer X { float x[]; };
FLOAT_INPUT(1, b)
layout(binding = 2) writeonly buffer Y { float y[]; };

void main() {
  uint i = linear_index();
  if (i >= pc.count)
    return;
  if (pc.op == OP_ACTIVATION) {
    y[i] = activate(pc.activation, x[i]);
  } else if (pc.op == OP_SNAKE) {
    float alpha = b_at((i / pc.steps) % pc.channels), s = sin(alpha * x[i]);
    y[i] = x[i] + s * s / (alpha + 1e-9);
  } else if (pc.op == OP_ADD || pc.op == OP_MUL) {
    uint at = pc.b_kind == 0u ? i : (pc.b_kind == 1u ? i % pc.columns : i / pc.columns);
    float other = b_at(at);
    y[i] = pc.op == OP_ADD ? x[i] + other : x[i] * other;
  } else if (pc.op == OP_UPSAMPLE) {
    uint out_width = 2u * pc.width, out_plane = 4u * pc.height * pc.width;
    uint plane = i / out_plane, within = i % out_plane;
    uint row = within / out_width, column = within % out_width;
    y[i] = x[plane * pc.height * pc.width + (row / 2u) * pc.width + column / 2u];
  }
}
