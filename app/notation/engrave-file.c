/* See engrave-file.h. */
#include "engrave-file.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>

#define MARGIN 2.0          /* staff spaces around a picture */
#define SYSTEM_GAP 1.5      /* staff spaces between systems */
#define MAX_PIXELS 32767    /* cairo's image surfaces go no larger */
#define A4_WIDTH 595.28     /* points */
#define A4_HEIGHT 841.89
#define PDF_MARGIN 42.0
#define PDF_STAFF_SPACE 5.0 /* points: a staff of 20 pt, as printed scores use */

gboolean
sr_engrave_file_supported (const char *path)
{
  return g_str_has_suffix (path, ".png") || g_str_has_suffix (path, ".svg") || g_str_has_suffix (path, ".pdf");
}

static cairo_status_t
draw_stacked (const SrEngraving *engraving, guint first, guint last, double staff_space, cairo_surface_t *surface)
{
  cairo_t *cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, staff_space, staff_space);
  cairo_translate (cr, MARGIN, MARGIN);
  for (guint i = first; i <= last; i++)
    {
      double width, height;
      sr_engraving_system_size (engraving, i, &width, &height);
      sr_engraving_draw_system (engraving, i, cr);
      cairo_translate (cr, 0, height + SYSTEM_GAP);
    }
  cairo_status_t status = cairo_status (cr);
  cairo_destroy (cr);
  return status;
}

static void
stacked_size (const SrEngraving *engraving, guint first, guint last, double *width, double *height)
{
  *width = *height = 0;
  for (guint i = first; i <= last; i++)
    {
      double w, h;
      sr_engraving_system_size (engraving, i, &w, &h);
      *width = MAX (*width, w);
      *height += h + (i < last ? SYSTEM_GAP : 0);
    }
  *width += 2 * MARGIN;
  *height += 2 * MARGIN;
}

static cairo_status_t
draw_pdf (const SrEngraving *engraving, guint first, guint last, const char *path)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, A4_WIDTH, A4_HEIGHT);
  cairo_t *cr = cairo_create (surface);
  double y = PDF_MARGIN;
  for (guint i = first; i <= last; i++)
    {
      double width, height;
      sr_engraving_system_size (engraving, i, &width, &height);
      if (y > PDF_MARGIN && y + height * PDF_STAFF_SPACE > A4_HEIGHT - PDF_MARGIN)
        {
          cairo_show_page (cr);
          y = PDF_MARGIN;
        }
      cairo_save (cr);
      cairo_translate (cr, PDF_MARGIN, y);
      cairo_scale (cr, PDF_STAFF_SPACE, PDF_STAFF_SPACE);
      sr_engraving_draw_system (engraving, i, cr);
      cairo_restore (cr);
      y += (height + SYSTEM_GAP) * PDF_STAFF_SPACE;
    }
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_status_t status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return status;
}

gboolean
sr_engrave_file_write (xmlDoc *document, const char *path, const SrEngraveFileOptions *options, guint *n_systems,
                       guint *n_measures, GError **error)
{
  SrEngraveFileOptions chosen = options != NULL ? *options : SR_ENGRAVE_FILE_OPTIONS_DEFAULT;
  gboolean pdf = g_str_has_suffix (path, ".pdf"), svg = g_str_has_suffix (path, ".svg");
  SrEngravingOptions layout = SR_ENGRAVING_OPTIONS_DEFAULT;
  layout.width = pdf ? (A4_WIDTH - 2 * PDF_MARGIN) / PDF_STAFF_SPACE : chosen.width / chosen.staff_space - 2 * MARGIN;
  g_autoptr(SrEngraving) engraving = sr_engraving_new (document, &layout, error);
  if (engraving == NULL)
    return FALSE;
  guint n = sr_engraving_n_systems (engraving);
  if (n_systems != NULL)
    *n_systems = n;
  if (n_measures != NULL)
    *n_measures = sr_engraving_n_measures (engraving);
  if (chosen.system > n)
    {
      g_set_error (error, SR_ENGRAVE_ERROR, SR_ENGRAVE_ERROR_TOO_LARGE,
                   _("--system %u: the score has %u systems at this width"), chosen.system, n);
      return FALSE;
    }
  guint first = chosen.system > 0 ? chosen.system - 1 : 0, last = chosen.system > 0 ? chosen.system - 1 : n - 1;

  cairo_status_t drawn;
  if (pdf)
    drawn = draw_pdf (engraving, first, last, path);
  else
    {
      double width, height;
      stacked_size (engraving, first, last, &width, &height);
      width = MAX (width * chosen.staff_space, chosen.width);
      height *= chosen.staff_space;
      if (!svg && (width > MAX_PIXELS || height > MAX_PIXELS))
        {
          g_set_error (error, SR_ENGRAVE_ERROR, SR_ENGRAVE_ERROR_TOO_LARGE,
                       _("the picture would be taller than %d pixels: write a PDF, or one system with --system N"),
                       MAX_PIXELS);
          return FALSE;
        }
      cairo_surface_t *surface
        = svg ? cairo_svg_surface_create (path, width, height)
              : cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (width + 0.5), (int) (height + 0.5));
      drawn = draw_stacked (engraving, first, last, chosen.staff_space, surface);
      if (drawn == CAIRO_STATUS_SUCCESS && !svg)
        drawn = cairo_surface_write_to_png (surface, path);
      cairo_surface_finish (surface);
      if (drawn == CAIRO_STATUS_SUCCESS)
        drawn = cairo_surface_status (surface);
      cairo_surface_destroy (surface);
    }
  if (drawn != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: %s"), path, cairo_status_to_string (drawn));
      return FALSE;
    }
  return TRUE;
}
