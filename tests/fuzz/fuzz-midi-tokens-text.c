/* Fuzz target: any text as `sightread midi decode` reads it (a header, a segment a line of token names or indices),
 * read into segments and decoded to notes. */
#include <stdint.h>

#include "midi-tokens.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  SrMidiTokenConfig config = SR_MIDI_TOKEN_CONFIG_DEFAULT;
  g_autofree char *text = g_strndup ((const char *) data, size);
  double segment_seconds = SR_MIDI_TOKENS_SEGMENT_SECONDS;
  guint unreadable = 0, errors = 0;
  g_autoptr(GPtrArray) segments = sr_midi_tokens_read_text (&config, text, &segment_seconds, &unreadable);
  g_assert_true (segment_seconds >= 0.01 && segment_seconds <= SR_MIDI_TOKENS_SEGMENT_SECONDS);
  g_autoptr(GArray) notes = sr_midi_tokens_decode (&config, segments, segment_seconds, &errors);
  for (guint i = 0; i < notes->len; i++)
    g_assert_cmpfloat (g_array_index (notes, SrNote, i).offset, >, g_array_index (notes, SrNote, i).onset);
  return 0;
}
