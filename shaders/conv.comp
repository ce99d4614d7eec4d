#version 450
// Convolution and transposed convolution, 1-D as 2-D with a height of 1, one output value per invocation: the direct
// sum over input channels and kernel taps. Transposed: output (r, c) takes input (i, j) where i·stride − pad +
// a·dilation = r.
#include "common.glsl"


layout(push_constant) uniform Push {
  uint halves;
  uint batch, in_channels, out_channels, in_h, in_w, out_h, out_w, kernel_h, kernel_w;
  uint stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
  uint flags;  // bit 0 transposed, bit 1 bias
} pc;

layout(binding = 0) readonly buffer X { float x[]; };
FLOAT_INPUT(1, weight)
FLOAT_INPUT(2, bias)
layout(binding = 3) writeonly buffer Y { float y[]; };

void main() {
  uint i = linear_index();
  uint plane = pc.out_h * pc.out_w;
  if (i >= pc.batch * pc.out_channels * plane)
    return;
  uint b = i / (pc.out_channels * plane), co = (i / plane) % pc.out_channels;
  int r = int((i % plane) / pc.out_w), c = int(i % pc.out_w);
  bool transposed = (pc.flags & 1u) != 0u;
  float sum = (pc.flags & 2u) != 0u ? bias_at(co) : 0.0;
  for (uint a = 0; a < pc.kernel_h; a++) {
    int source_row;
    if (transposed) {
      int n = r + int(pc.pad_h) - int(a * pc.dilation_h);
      if (n < 0 || n % int(pc.stride_h) != 0)
        continue;
      source_row = n / int(pc.stride_h);
    } else {
      source_row = r * int(pc.stride_h) - int(pc.pad_h) + int(a * pc.dilation_h);
    }
    if (source_row < 0 || source_row >= int(pc.in_h))
      continue;
    for (uint e = 0; e < pc.kernel_w; e++) {
      int source_col;
      if (transposed) {
        int n = c + int(pc.pad_w) - int(e * pc.dilation_w);
        if (n < 0 || n % int(pc.stride_w) != 0)
          continue;
        source_col = n / int(pc.stride_w);
      } else {
        source_col = c * int(pc.stride_w) - int(pc.pad_w) + int(e * pc.dilation_w);
      }
      if (source_col < 0 || source_col >= int(pc.in_w))
        continue;
      uint x_at = ((b * pc.in_channels) * pc.in_h + uint(source_row)) * pc.in_w + uint(source_col);
      for (uint ci = 0; ci < pc.in_channels; ci++) {
        uint w_at = transposed ? ((ci * pc.out_channels + co) * pc.kernel_h + a) * pc.kernel_w + e
                               : ((co * pc.in_channels + ci) * pc.kernel_h + a) * pc.kernel_w + e;
        sum += weight_at(w_at) * x[x_at + ci * pc.in_h * pc.in_w];
      }
    }
  }
  y[i] = sum;
}
