/* Fuzz target: any bytes as a safetensors weight file. Opening fails with a message naming the file, or every
 * tensor it lists lies inside the bytes given and holds as many bytes as its shape and type say. */
#include <glib.h>
#include <stdint.h>

#include "safetensors.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char message[SR_MESSAGE_SIZE] = "";
  SrSafetensors *file = sr_safetensors_parse (data, size, "fuzz.safetensors", message);
  if (file == NULL)
    {
      g_assert_true (g_str_has_prefix (message, "fuzz.safetensors: "));
      return 0;
    }
  for (size_t i = 0; i < sr_safetensors_count (file); i++)
    {
      const SrSafetensor *tensor = sr_safetensors_at (file, i);
      g_assert_nonnull (tensor->name);
      if (tensor->type == SR_SAFETENSOR_F16 || tensor->type == SR_SAFETENSOR_F32)
        {
          g_assert_cmpuint (tensor->bytes, ==, tensor->count * (tensor->type == SR_SAFETENSOR_F16 ? 2 : 4));
          /* touch the first and last byte: out of bounds shows under the sanitizers */
          if (tensor->bytes > 0)
            g_assert_true (((const uint8_t *) tensor->data)[0] + ((const uint8_t *) tensor->data)[tensor->bytes - 1]
                           < 512);
        }
    }
  sr_safetensors_close (file);
  return 0;
}
