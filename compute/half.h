/* IEEE 754 half ↔ single conversion (round to nearest even), for fp16 weights read from safetensors files and for
 * backends that widen them. Written out in bits: clang 14 (the fuzz builds) has no _Float16 on x86. */
#pragma once

#include <stdint.h>
#include <string.h>

static inline float
sr_half_to_float (uint16_t half)
{
  uint32_t sign = (uint32_t) (half & 0x8000u) << 16;
  uint32_t exponent = (half >> 10) & 0x1fu;
  uint32_t mantissa = half & 0x3ffu;
  uint32_t bits;
  if (exponent == 0x1f)
    bits = sign | 0x7f800000u | (mantissa << 13); /* inf, nan */
  else if (exponent != 0)
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  else if (mantissa == 0)
    bits = sign;
  else
    {
      /* subnormal: normalise */
      exponent = 113;
      while ((mantissa & 0x400u) == 0)
        {
          mantissa <<= 1;
          exponent--;
        }
      bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
    }
  float value;
  memcpy (&value, &bits, sizeof value);
  return value;
}

static inline uint16_t
sr_float_to_half (float value)
{
  uint32_t bits;
  memcpy (&bits, &value, sizeof bits);
  uint16_t sign = (uint16_t) ((bits >> 16) & 0x8000u);
  uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude >= 0x7f800000u) /* inf or nan */
    return sign | 0x7c00u | (magnitude > 0x7f800000u ? 0x200u : 0);
  if (magnitude >= 0x477ff000u) /* rounds past the largest half */
    return sign | 0x7c00u;
  if (magnitude < 0x38800000u)  /* subnormal half, or zero */
    {
      if (magnitude < 0x33000000u)
        return sign;
      uint32_t exponent = magnitude >> 23;
      uint32_t mantissa = (magnitude & 0x7fffffu) | 0x800000u;
      uint32_t shift = 126 - exponent;
      uint32_t half_mantissa = mantissa >> shift;
      uint32_t rest = mantissa & ((1u << shift) - 1);
      uint32_t halfway = 1u << (shift - 1);
      if (rest > halfway || (rest == halfway && (half_mantissa & 1)))
        half_mantissa++;
      return sign | (uint16_t) half_mantissa;
    }
  uint32_t rounded = magnitude + 0xfffu + ((magnitude >> 13) & 1u); /* round to nearest even */
  return sign | (uint16_t) ((rounded - 0x38000000u) >> 13);
}
