/* Fuzz target: any bytes as a sound file. Reading fails with a message, or gives mono samples at 44.1 kHz, finite
 * and no longer than the limit. */
#include <math.h>
#include <stdint.h>

#include "audio-file.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrAudio) audio = sr_audio_read_bytes (data, size, "fuzz", 44100, &error);
  if (audio == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_assert_cmpint (audio->rate, ==, 44100);
  g_assert_cmpuint (audio->frames, <=, (gsize) SR_AUDIO_MAX_SECONDS * 44100 + 64);
  for (gsize i = 0; i < audio->frames; i++)
    g_assert_true (isfinite (audio->samples[i]));
  return 0;
}
