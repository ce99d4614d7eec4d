/* `sightread systems SCORE`: the systems found on each page (straightened first when it is turned), as page-pixel
 * boxes that `sightread crop` takes. */
#include <glib/gi18n.h>
#include <math.h>
#include <json-glib/json-glib.h>

#include "cli-commands.h"
#include "page-analysis.h"
#include "score-document.h"

static gboolean
draw_boxes (cairo_surface_t *surface, const GArray *systems, const char *path, GError **error)
{
  cairo_t *cr = cairo_create (surface);
  cairo_set_line_width (cr, 3);
  for (guint i = 0; i < systems->len; i++)
    {
      const SrDetectedSystem *system = &g_array_index (systems, SrDetectedSystem, i);
      cairo_set_source_rgba (cr, i % 2 ? 0.0 : 0.85, 0.2, i % 2 ? 0.85 : 0.0, 0.9);
      cairo_rectangle (cr, system->box.x, system->box.y, system->box.width, system->box.height);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
  cairo_status_t status = cairo_surface_write_to_png (surface, path);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, _("cannot write: %s"), cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

int
sr_cmd_systems (SrCliArgs *args)
{
  const char *name = sr_cli_args_positional (args, 0);
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = sr_score_document_new_for_file (file, NULL, &error);
  if (document == NULL)
    return sr_cli_fail (name, error->message);
  guint n_pages = sr_score_document_get_n_pages (document);
  int only = 0;
  if (!sr_cli_args_get_int (args, "page", 0, 1, G_MAXINT, &only))
    return SR_EXIT_USAGE;
  if (only > (int) n_pages)
    {
      g_autofree char *message = g_strdup_printf (_("the score has %u pages, not %d"), n_pages, only);
      return sr_cli_fail (name, message);
    }
  const char *debug_png = sr_cli_args_get (args, "debug-png");
  gboolean json = sr_cli_args_has (args, "json");

  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "systems");
  json_builder_begin_array (builder);
  for (guint p = 0; p < n_pages; p++)
    {
      if (only > 0 && p + 1 != (guint) only)
        continue;
      g_autoptr(SrPageAnalysis) analysis = sr_page_analyse (document, p, &error);
      if (analysis == NULL)
        return sr_cli_fail (name, error->message);
      double skew = analysis->skew_degrees;
      const GArray *systems = analysis->systems;
      if (!json && analysis->straightened)
        g_print (_("page %u: straightened by %.2f°\n"), p + 1, skew);
      if (!json)
        g_print (g_dngettext (GETTEXT_PACKAGE, "page %u: %u system\n", "page %u: %u systems\n", systems->len), p + 1,
                 systems->len);
      if (systems->len == 0)
        g_printerr (_("sightread: %s: page %u: no staves were found: a title page, text or a picture?\n"), name, p + 1);
      for (guint i = 0; i < systems->len; i++)
        {
          const SrDetectedSystem *system = &g_array_index (systems, SrDetectedSystem, i);
          if (!json)
            {
              g_print (_("  %u: x %.0f, y %.0f, %.0f × %.0f px, %u staves, staff height %.1f px\n"), i + 1,
                       system->box.x, system->box.y, system->box.width, system->box.height, system->n_staves,
                       system->staff_height);
              continue;
            }
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "page");
          json_builder_add_int_value (builder, p + 1);
          sr_system_box_add_json (builder, &system->box, system->staff_height);
          json_builder_set_member_name (builder, "staves");
          json_builder_add_int_value (builder, system->n_staves);
          json_builder_set_member_name (builder, "skew_degrees");
          json_builder_add_double_value (builder, round (skew * 100) / 100);
          json_builder_end_object (builder);
        }
      /* the boxes are on the page as analysed (straightened when it was turned): so is the debug picture */
      if (debug_png != NULL && (only > 0 || p == 0))
        {
          cairo_surface_t *surface = sr_gray_image_to_surface (analysis->page);
          gboolean drawn = draw_boxes (surface, systems, debug_png, &error);
          cairo_surface_destroy (surface);
          if (!drawn)
            return sr_cli_fail (debug_png, error->message);
        }
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  if (json)
    sr_cli_print_json (builder, TRUE);
  return SR_EXIT_OK;
}
