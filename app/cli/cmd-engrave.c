/* `sightread engrave MUSICXML|LMX -o OUT.png|OUT.svg|OUT.pdf`: notation drawn by the engraver. PNG and SVG hold every
 * system (or the one --system names) one under the other; PDF pages are A4 with as many systems as fit. */
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "engraving.h"
#include "musicxml-read.h"

#define MARGIN 2.0              /* staff spaces around a picture */
#define SYSTEM_GAP 1.5          /* staff spaces between systems */
#define MAX_PIXELS 32767        /* cairo's image surfaces go no larger */
#define A4_WIDTH 595.28         /* points */
#define A4_HEIGHT 841.89
#define PDF_MARGIN 42.0
#define PDF_STAFF_SPACE 5.0     /* points: a staff of 20 pt, as printed scores use */

static gboolean
is_lmx (const char *path)
{
  return g_str_has_suffix (path, ".lmx") || g_str_has_suffix (path, ".txt");
}

/* The systems to draw: all, or the one --system names. */
static gboolean
chosen_systems (SrCliArgs *args, const SrEngraving *engraving, guint *first, guint *last, int *status)
{
  int system = 0;
  if (!sr_cli_args_get_int (args, "system", 0, 1, G_MAXINT, &system))
    {
      *status = SR_EXIT_USAGE;
      return FALSE;
    }
  guint n = sr_engraving_n_systems (engraving);
  if (system > (int) n)
    {
      *status = sr_cli_usage_error (args, _("--system %d: the score has %u systems at this width"), system, n);
      return FALSE;
    }
  *first = system > 0 ? (guint) system - 1 : 0;
  *last = system > 0 ? (guint) system - 1 : n - 1;
  return TRUE;
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
draw_pdf (const SrEngraving *engraving, guint first, guint last, const char *output)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (output, A4_WIDTH, A4_HEIGHT);
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

int
sr_cmd_engrave (SrCliArgs *args)
{
  const char *path = sr_cli_args_positional (args, 0);
  const char *output = sr_cli_args_get (args, "output");
  if (output == NULL)
    return sr_cli_usage_error (args, _("an output file is needed: -o OUT.png, OUT.svg or OUT.pdf"));
  gboolean pdf = g_str_has_suffix (output, ".pdf"), svg = g_str_has_suffix (output, ".svg");
  if (!pdf && !svg && !g_str_has_suffix (output, ".png"))
    return sr_cli_usage_error (args, _("the output's name must end in .png, .svg or .pdf"));
  double staff_space = 10, width_pixels = 1600;
  if (!sr_cli_args_get_double (args, "staff-space", 10, 3, 100, &staff_space)
      || !sr_cli_args_get_double (args, "width", 1600, 200, 20000, &width_pixels))
    return SR_EXIT_USAGE;

  int status;
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) document = NULL;
  if (is_lmx (path))
    {
      if ((document = sr_cli_read_lmx_score (path, &status)) == NULL)
        return status;
    }
  else if ((document = sr_musicxml_read (path, &error)) == NULL)
    return sr_cli_fail (path, error->message);

  SrEngravingOptions options = SR_ENGRAVING_OPTIONS_DEFAULT;
  options.width = pdf ? (A4_WIDTH - 2 * PDF_MARGIN) / PDF_STAFF_SPACE : width_pixels / staff_space - 2 * MARGIN;
  g_autoptr(SrEngraving) engraving = sr_engraving_new (document, &options, &error);
  if (engraving == NULL)
    return sr_cli_fail (path, error->message);
  guint first, last;
  if (!chosen_systems (args, engraving, &first, &last, &status))
    return status;

  cairo_status_t drawn;
  if (pdf)
    drawn = draw_pdf (engraving, first, last, output);
  else
    {
      double width, height;
      stacked_size (engraving, first, last, &width, &height);
      if (!svg && (width * staff_space > MAX_PIXELS || height * staff_space > MAX_PIXELS))
        {
          g_autofree char *message = g_strdup_printf (_("the picture would be taller than %d pixels: write a PDF, or "
                                                        "one system with --system N"), MAX_PIXELS);
          return sr_cli_fail (output, message);
        }
      cairo_surface_t *surface
        = svg ? cairo_svg_surface_create (output, width * staff_space, height * staff_space)
              : cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (width * staff_space + 0.5),
                                            (int) (height * staff_space + 0.5));
      drawn = draw_stacked (engraving, first, last, staff_space, surface);
      if (drawn == CAIRO_STATUS_SUCCESS && !svg)
        drawn = cairo_surface_write_to_png (surface, output);
      cairo_surface_finish (surface);
      if (drawn == CAIRO_STATUS_SUCCESS)
        drawn = cairo_surface_status (surface);
      cairo_surface_destroy (surface);
    }
  if (drawn != CAIRO_STATUS_SUCCESS)
    return sr_cli_fail (output, cairo_status_to_string (drawn));
  if (first == last && sr_engraving_n_systems (engraving) > 1)
    g_printerr (_("sightread: %s: system %u of %u\n"), output, first + 1, sr_engraving_n_systems (engraving));
  else
    g_printerr (_("sightread: %s: %u measures in %u systems\n"), output, sr_engraving_n_measures (engraving),
                sr_engraving_n_systems (engraving));
  return SR_EXIT_OK;
}
