/* Fuzz target: any bytes handed to the score importer, as if opened from a file. Opening must fail cleanly or give
 * a document whose pages render or fail with a reason (the first few: a TIFF is a book of pages). */
#include <stdint.h>

#include "score-document.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GFile) file = g_file_new_for_path ("fuzz-input");
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = sr_score_document_new_for_bytes (bytes, file, &error);
  if (document == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }

  g_assert_cmpuint (sr_score_document_get_n_pages (document), >, 0);
  /* A small scale keeps each run fast; the pixel limits are tested elsewhere. */
  for (guint i = 0; i < MIN (sr_score_document_get_n_pages (document), 4); i++)
    {
      g_autoptr(GError) page_error = NULL;
      cairo_surface_t *page = sr_score_document_render_page (document, i, 0.05, &page_error);
      if (page != NULL)
        cairo_surface_destroy (page);
      else
        g_assert_nonnull (page_error);
    }
  return 0;
}
