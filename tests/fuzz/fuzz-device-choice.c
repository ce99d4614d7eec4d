/* Fuzz target: any text as a --device value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "device-choice.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = malloc (size + 1);
  memcpy (text, data, size);
  text[size] = '\0';
  SrDeviceChoice choice;
  char message[256];
  if (sr_device_choice_parse (text, &choice, message, sizeof message))
    {
      char printed[32];
      sr_device_choice_format (&choice, printed, sizeof printed);
      SrDeviceChoice again;
      if (!sr_device_choice_parse (printed, &again, message, sizeof message) || again.kind != choice.kind ||
          again.vulkan_index != choice.vulkan_index)
        abort ();
    }
  free (text);
  return 0;
}
