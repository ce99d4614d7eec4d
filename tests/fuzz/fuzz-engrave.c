/* Fuzz target: any bytes engraved. As MusicXML when they read as MusicXML, otherwise as LMX text the way a model
 * writes it (tokens, garbage and all, delinearized); either way the engraving is laid out and every system drawn, or
 * refused with an error. */
#include <stdint.h>

#include "engraving.h"
#include "lmx-delinearize.h"
#include "lmx-vocabulary.h"
#include "musicxml-read.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(xmlDoc) document = sr_musicxml_read_bytes (data, size, NULL);
  if (document == NULL)
    {
      g_autofree char *text = g_strndup ((const char *) data, size);
      g_autoptr(GArray) tokens = sr_lmx_tokens_from_text (text, NULL);
      document = sr_lmx_delinearize (tokens, NULL, NULL);
    }
  /* A narrow width: many systems, and measures wider than a system. */
  SrEngravingOptions options = { size % 2 == 0 ? 40.0 : 150.0, TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(SrEngraving) engraving = sr_engraving_new (document, &options, &error);
  if (engraving == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 64, 64);
  cairo_t *cr = cairo_create (surface);
  cairo_scale (cr, 0.25, 0.25);
  for (guint i = 0; i < sr_engraving_n_systems (engraving); i++)
    {
      double width, height;
      sr_engraving_system_size (engraving, i, &width, &height);
      g_assert_true (width > 0 && height > 0 && width < 1e7 && height < 1e7);
      sr_engraving_draw_system (engraving, i, cr);
    }
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return 0;
}
