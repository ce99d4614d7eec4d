// Shared by every kernel. Each push-constant block starts with `halves`: bit i set means binding i holds fp16
// values. The backend fills it from the bound tensors' types, so one pipeline reads fp32 and fp16 weights alike.

// The work-group size is specialisation constant 0 (the backend's lane count). Declared before any function reads
// gl_WorkGroupSize: glslang folds a use that precedes it to the default of 1.
layout(local_size_x_id = 0) in;

// A float operand that may be fp32 or fp16: two views of one binding, and a loader that picks by the halves bit.
#define FLOAT_INPUT(binding_, name) \
  layout(binding = binding_) readonly buffer name##_f32_view { float name##_f32[]; }; \
  layout(binding = binding_) readonly buffer name##_u32_view { uint name##_u32[]; }; \
  float name##_at(uint i) { \
    return ((pc.halves >> binding_) & 1u) != 0u ? unpackHalf2x16(name##_u32[i >> 1])[i & 1u] : name##_f32[i]; \
  }

// llvmpipe (lavapipe) stops any loop after 65 535 iterations counted over a whole invocation, inner loops included
// (its guard against endless loops), so a nested loop whose total runs past that silently computes a wrong
// result. Kernels whose loops nest deeply walk the inner dimension in unrolled chunks of CHUNK.
#extension GL_EXT_control_flow_attributes : require
const uint CHUNK = 16;

// Large element counts are dispatched as a 2-D grid of work groups (maxComputeWorkGroupCount[0] is often 65 535).
uint linear_index() {
  return (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
}

const uint ACTIVATION_NONE = 0u, ACTIVATION_GELU = 1u, ACTIVATION_SILU = 2u, ACTIVATION_TANH = 3u;

// erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7): GLSL has none.
float erf_approx(float x) {
  float t = 1.0 / (1.0 + 0.3275911 * abs(x));
  float y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
                  * exp(-x * x);
  return sign(x) * y;
}

float activate(uint activation, float x) {
  if (activation == ACTIVATION_GELU)
    return 0.5 * x * (1.0 + erf_approx(x * 0.70710678118654752));
  if (activation == ACTIVATION_SILU)
    return x / (1.0 + exp(-x));
  if (activation == ACTIVATION_TANH)
    return tanh(clamp(x, -15.0, 15.0)); // tanh of a large argument is NaN on some drivers (exp overflow)
  return x;
}
