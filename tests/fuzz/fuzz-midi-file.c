/* Fuzz target: any bytes as a MIDI file. Reading fails cleanly or gives a file whose notes can be taken, which
 * writes and reads back without error, and whose notes encode to tokens. */
#include <stdint.h>

#include "midi-tokens.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMidiFile) file = sr_midi_file_read_bytes (data, size, &error);
  if (file == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }

  g_autoptr(GArray) notes = sr_midi_file_get_notes (file, SR_MIDI_NOTES_SUSTAIN);
  g_autoptr(GBytes) written = sr_midi_file_write_bytes (file);
  gsize length = 0;
  const guint8 *bytes = g_bytes_get_data (written, &length);
  g_autoptr(SrMidiFile) again = sr_midi_file_read_bytes (bytes, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->tracks->len, ==, file->tracks->len);

  SrMidiTokenConfig config = SR_MIDI_TOKEN_CONFIG_DEFAULT;
  g_autoptr(GPtrArray) segments = sr_midi_tokens_encode (&config, (const SrNote *) notes->data, notes->len, 20.0,
                                                         NULL);
  return 0;
}
