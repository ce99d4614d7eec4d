/* A safetensors file (../shared/specs/model.md §6), memory-mapped: its metadata and a view of each tensor's bytes.
 * Everything in the header is checked before it is believed (sizes, offsets, shapes, types), so a corrupt or
 * truncated file is refused with a message rather than read out of bounds. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"

typedef enum {
  SR_SAFETENSOR_F16,
  SR_SAFETENSOR_F32,
  SR_SAFETENSOR_OTHER, /* a type the models never use (I64, U8, …): listed, never loaded */
} SrSafetensorType;

typedef struct {
  const char *name;
  SrSafetensorType type;
  int dims;
  int64_t shape[SR_MAX_DIMS];
  size_t count;
  const void *data; /* little-endian, as stored; inside the mapping */
  size_t bytes;
} SrSafetensor;

typedef struct SrSafetensors SrSafetensors;

/* Maps PATH and checks its header; on failure returns NULL with MESSAGE naming the file and the fault. */
SrSafetensors *sr_safetensors_open (const char *path, char message[SR_MESSAGE_SIZE]);
/* The same over bytes in memory (copied), with NAME for messages: fuzzing and tests. */
SrSafetensors *sr_safetensors_parse (const void *data, size_t size, const char *name, char message[SR_MESSAGE_SIZE]);
void sr_safetensors_close (SrSafetensors *file);

const char *sr_safetensors_name (const SrSafetensors *file);
const char *sr_safetensors_metadata (const SrSafetensors *file, const char *key); /* NULL when absent */
size_t sr_safetensors_count (const SrSafetensors *file);
const SrSafetensor *sr_safetensors_at (const SrSafetensors *file, size_t index);
const SrSafetensor *sr_safetensors_find (const SrSafetensors *file, const char *name);

/* The tensor NAME with exactly the shape given (DIMS values), as fp16 or fp32; otherwise NULL with a message naming
 * the file, the tensor and what is wrong. */
const SrSafetensor *sr_safetensors_expect (const SrSafetensors *file, const char *name, int dims,
                                           const int64_t *shape, char message[SR_MESSAGE_SIZE]);
/* Its values as fp32 into OUT (count floats). */
void sr_safetensor_to_f32 (const SrSafetensor *tensor, float *out);
