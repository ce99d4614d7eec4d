/* Which compute device the user asked for: `--device auto|cpu|vulkan[:N]` or SIGHTREAD_DEVICE.
 * Parsing lives here so that the CLI, the window's preferences and the runtime agree on one spelling. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  SR_DEVICE_AUTO,   /* a discrete GPU, then an integrated one, else the CPU backend */
  SR_DEVICE_CPU,
  SR_DEVICE_VULKAN, /* a Vulkan device; vulkan_index < 0 means "the best one" */
} SrDeviceKind;

typedef struct {
  SrDeviceKind kind;
  int vulkan_index;
} SrDeviceChoice;

#define SR_DEVICE_ENV "SIGHTREAD_DEVICE"

/* Parses TEXT. On failure returns false and writes a one-line reason into MESSAGE. */
bool sr_device_choice_parse (const char *text, SrDeviceChoice *choice, char *message, size_t message_size);

/* The option wins over the environment, the environment over "auto". */
bool sr_device_choice_resolve (const char *option_text, SrDeviceChoice *choice, char *message, size_t message_size);

/* Writes the canonical spelling ("auto", "cpu", "vulkan", "vulkan:1") into BUFFER. */
void sr_device_choice_format (const SrDeviceChoice *choice, char *buffer, size_t buffer_size);
