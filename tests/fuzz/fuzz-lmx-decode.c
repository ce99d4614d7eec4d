/* Fuzz target: any text as LMX, as a model might emit it. Decoding never fails, and its MusicXML linearizes. */
#include <stdint.h>

#include "lmx-delinearize.h"
#include "lmx-linearize.h"
#include "musicxml-read.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* Bytes beyond the vocabulary pick tokens by number too, so that the fuzzer reaches token sequences fast. */
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text (text, NULL);
  if (tokens->len == 0)
    for (size_t i = 0; i < size; i++)
      {
        guint16 id = data[i] % SR_LMX_VOCABULARY_SIZE;
        g_array_append_val (tokens, id);
      }
  guint repairs = 0;
  SrLmxDelinearizeOptions options = { "Fuzz", 3, 4 };
  g_autoptr(xmlDoc) document = sr_lmx_delinearize (tokens, &options, &repairs);
  g_autoptr(GPtrArray) parts = sr_musicxml_parts (document);
  g_assert_cmpuint (parts->len, ==, 1);
  g_autoptr(GArray) again = sr_lmx_linearize_part (parts->pdata[0], NULL);
  g_autofree char *xml = sr_musicxml_to_text (document);
  return 0;
}
