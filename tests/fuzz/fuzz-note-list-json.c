/* Fuzz target: any bytes as a JSON note list (`sightread midi encode NOTES.json`) and as a list of them (`--lists`).
 * Reading fails with a message or gives sane notes, which the tokenizer then encodes without harm. */
#include <math.h>
#include <stdint.h>

#include "midi-tokens.h"
#include "note-list-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) lists_error = NULL;
  g_autoptr(GPtrArray) lists = sr_note_lists_from_json ((const char *) data, (gssize) size, &lists_error);
  g_assert_true ((lists == NULL) == (lists_error != NULL));
  for (guint l = 0; lists != NULL && l < lists->len; l++)
    {
      const GArray *notes = lists->pdata[l];
      for (guint i = 0; i < notes->len; i++)
        g_assert_true (g_array_index (notes, SrNote, i).offset > g_array_index (notes, SrNote, i).onset);
    }
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) notes = sr_note_list_from_json ((const char *) data, (gssize) size, &error);
  if (notes == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  for (guint i = 0; i < notes->len; i++)
    {
      const SrNote *note = &g_array_index (notes, SrNote, i);
      g_assert_true (isfinite (note->onset) && note->onset >= 0 && note->offset > note->onset);
      g_assert_cmpuint (note->pitch, <=, 127);
      g_assert_cmpuint (note->velocity, >=, 1);
    }
  /* A few hours at most, so that a fuzzing run stays fast; the tokenizer's own limits are fuzzed elsewhere. */
  if (notes->len > 0 && g_array_index (notes, SrNote, notes->len - 1).offset < 4 * 3600)
    {
      SrMidiTokenConfig config = SR_MIDI_TOKEN_CONFIG_DEFAULT;
      g_autoptr(GError) encode_error = NULL;
      g_autoptr(GPtrArray) segments = sr_midi_tokens_encode (&config, (const SrNote *) notes->data, notes->len,
                                                             SR_MIDI_TOKENS_SEGMENT_SECONDS, &encode_error);
      g_assert_true (segments != NULL || encode_error != NULL);
    }
  return 0;
}
