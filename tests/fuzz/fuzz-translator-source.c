/* Fuzz target: any bytes as one line of `sightread translate`'s sources. Reading fails with a message or gives a source
 * the runtime can take as it is: whole steps of ids in the vocabulary, positions for every step, a limit in range. */
#include <stdint.h>

#include "translator-source.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTranslatorSource) source = sr_translator_source_from_json ((const char *) data, (gssize) size, &error);
  g_assert_true ((source == NULL) == (error != NULL));
  if (source == NULL)
    return 0;
  g_assert_true (source->target == SR_MODALITY_LMX || source->target == SR_MODALITY_MIDI);
  g_assert_true (source->source >= 0 && source->source < SR_N_MODALITIES);
  g_assert_cmpint (source->steps, >=, 1);
  g_assert_cmpint (source->steps, <=, SR_TRANSLATOR_SOURCE_MAX_STEPS);
  g_assert_cmpuint (source->tokens->len, ==, (guint) source->steps * SR_VOCAB_CODEBOOKS);
  g_assert_cmpuint (source->positions->len, ==, (guint) source->steps * (source->source == SR_MODALITY_IMAGE ? 2 : 1));
  for (guint i = 0; i < source->tokens->len; i++)
    g_assert_true (g_array_index (source->tokens, int32_t, i) >= 0
                   && g_array_index (source->tokens, int32_t, i) < SR_VOCAB_SIZE);
  for (guint i = 0; i < source->positions->len; i++)
    g_assert_cmpint (g_array_index (source->positions, int32_t, i), >=, 0);
  g_assert_cmpint (source->limit, >=, 1);
  g_assert_cmpint (source->limit, <=, SR_TRANSLATOR_SOURCE_MAX_LIMIT);
  return 0;
}
