/* Fuzz target: any bytes as a MusicXML or .mxl file. Reading fails cleanly, or every part linearizes, decodes back
 * and linearizes again, and the score performs as MIDI. */
#include <stdint.h>

#include "lmx-delinearize.h"
#include "lmx-linearize.h"
#include "musicxml-read.h"
#include "performance.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) document = sr_musicxml_read_bytes (data, size, &error);
  if (document == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_autoptr(GPtrArray) parts = sr_musicxml_parts (document);
  for (guint p = 0; p < parts->len; p++)
    {
      g_autoptr(GArray) tokens = sr_lmx_linearize_part (parts->pdata[p], NULL);
      g_autoptr(xmlDoc) rebuilt = sr_lmx_delinearize (tokens, NULL, NULL);
      g_autoptr(GPtrArray) rebuilt_parts = sr_musicxml_parts (rebuilt);
      g_autoptr(GArray) again = sr_lmx_linearize_part (rebuilt_parts->pdata[0], NULL);
      g_autofree char *xml = sr_musicxml_to_text (rebuilt);
    }
  g_autoptr(SrMidiFile) performance = sr_performance_to_midi (document, NULL);
  g_autoptr(GBytes) bytes = sr_midi_file_write_bytes (performance);
  return 0;
}
