/* Fuzz target: any bytes as a JSON note list drafted as a score (`sightread midi draft NOTES.json`). Whatever the
 * notes, the draft is refused with a message or written as LMX the delinearizer takes without a single repair. */
#include <stdint.h>

#include "draft-score.h"
#include "lmx-delinearize.h"
#include "note-list-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) notes = sr_note_list_from_json ((const char *) data, (gssize) size, &error);
  if (notes == NULL)
    return 0;
  /* Ten minutes at most, so that a fuzzing run stays fast; longer drafts take the same code at coarser frames. */
  for (guint i = 0; i < notes->len; i++)
    if (g_array_index (notes, SrNote, i).offset > 600)
      return 0;
  SrDraftSummary summary = { 0 };
  g_autoptr(GArray) tokens = sr_draft_score_lmx ((const SrNote *) notes->data, notes->len, NULL, &summary, &error);
  if (tokens == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  guint repairs = 0;
  SrLmxDelinearizeOptions options = { .part_name = "Piano" };
  xmlDoc *document = sr_lmx_delinearize (tokens, &options, &repairs);
  g_assert_cmpuint (repairs, ==, 0);
  g_assert_cmpuint (summary.n_bars, >=, 1);
  xmlFreeDoc (document);
  sr_draft_summary_clear (&summary);
  return 0;
}
