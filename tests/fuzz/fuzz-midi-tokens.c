/* Fuzz target: any token sequence, as a model might emit it, decoded to notes and written as MIDI. The input is
 * read as little-endian 16-bit tokens; 0xffff starts a new segment. */
#include <stdint.h>

#include "midi-tokens.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  SrMidiTokenConfig config = SR_MIDI_TOKEN_CONFIG_DEFAULT;
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  GArray *segment = g_array_new (FALSE, FALSE, sizeof (guint16));
  g_ptr_array_add (segments, segment);
  for (size_t i = 0; i + 1 < size; i += 2)
    {
      guint16 token = (guint16) (data[i] | (data[i + 1] << 8));
      if (token == 0xffff)
        {
          segment = g_array_new (FALSE, FALSE, sizeof (guint16));
          g_ptr_array_add (segments, segment);
          continue;
        }
      g_array_append_val (segment, token);
    }

  guint errors = 0;
  g_autoptr(GArray) notes = sr_midi_tokens_decode (&config, segments, 20.0, &errors);
  for (guint i = 0; i < notes->len; i++)
    g_assert_cmpfloat (g_array_index (notes, SrNote, i).offset, >, g_array_index (notes, SrNote, i).onset);
  g_autoptr(SrMidiFile) file = sr_midi_file_new_from_notes ((const SrNote *) notes->data, notes->len);
  g_autoptr(GBytes) bytes = sr_midi_file_write_bytes (file);
  return 0;
}
