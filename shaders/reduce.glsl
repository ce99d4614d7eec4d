// Work-group reductions over shared memory, for kernels where a work group owns a row. LANES is the work-group size.
shared float partial[LANES];

float reduce_sum(float value) {
  uint lane = gl_LocalInvocationID.x;
  partial[lane] = value;
  barrier();
  for (uint stride = LANES / 2; stride > 0; stride >>= 1) {
    if (lane < stride)
      partial[lane] += partial[lane + stride];
    barrier();
  }
  float result = partial[0];
  barrier();
  return result;
}

float reduce_max(float value) {
  uint lane = gl_LocalInvocationID.x;
  partial[lane] = value;
  barrier();
  for (uint stride = LANES / 2; stride > 0; stride >>= 1) {
    if (lane < stride)
      partial[lane] = max(partial[lane], partial[lane + stride]);
    barrier();
  }
  float result = partial[0];
  barrier();
  return result;
}
