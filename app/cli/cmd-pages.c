/* `sightread pages SCORE`: what the importer sees in a score file, page by page, optionally rendered to PNG. */
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "cli-commands.h"
#include "score-document.h"

enum { DEFAULT_DPI = 300, MIN_DPI = 10, MAX_DPI = 2400 };

static char *
page_png_path (const char *folder, guint page_index)
{
  g_autofree char *name = g_strdup_printf ("page-%03u.png", page_index + 1);
  return g_build_filename (folder, name, NULL);
}

static gboolean
render_pages (SrScoreDocument *document, const char *folder, int dpi, GError **error)
{
  if (g_mkdir_with_parents (folder, 0777) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), _("%s: cannot create the folder: %s"),
                   folder, g_strerror (saved_errno));
      return FALSE;
    }

  guint n_pages = sr_score_document_get_n_pages (document);
  for (guint page_index = 0; page_index < n_pages; page_index++)
    {
      double wanted_scale = dpi / 72.0;
      double scale = sr_score_document_clamp_scale (document, page_index, wanted_scale);
      if (scale < wanted_scale)
        g_printerr (_("sightread: note: page %u is too large for %d dpi; it was rendered at %.0f dpi\n"),
                    page_index + 1, dpi, scale * 72.0);

      cairo_surface_t *surface = sr_score_document_render_page (document, page_index, wanted_scale, error);
      if (surface == NULL)
        return FALSE;
      g_autofree char *path = page_png_path (folder, page_index);
      cairo_status_t status = cairo_surface_write_to_png (surface, path);
      cairo_surface_destroy (surface);
      if (status != CAIRO_STATUS_SUCCESS)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, _("%s: cannot write: %s"), path,
                       cairo_status_to_string (status));
          return FALSE;
        }
    }
  return TRUE;
}

static void
print_text (SrScoreDocument *document, const char *name, int dpi)
{
  guint n_pages = sr_score_document_get_n_pages (document);
  g_print (g_dngettext (GETTEXT_PACKAGE, "%s: %s, %u page\n", "%s: %s, %u pages\n", n_pages), name,
           sr_score_format_name (sr_score_document_get_format (document)), n_pages);
  for (guint page_index = 0; page_index < n_pages; page_index++)
    {
      double width_pt = 0, height_pt = 0;
      int width_px = 0, height_px = 0;
      sr_score_document_get_page_size (document, page_index, &width_pt, &height_pt);
      sr_score_document_get_page_pixels (document, page_index, dpi / 72.0, &width_px, &height_px);
      g_print (_("  page %u: %.1f × %.1f pt, %d × %d px at %d dpi\n"), page_index + 1, width_pt, height_pt,
               width_px, height_px, dpi);
    }
}

static void
print_json (SrScoreDocument *document, const char *name, int dpi)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, sr_score_format_name (sr_score_document_get_format (document)));
  json_builder_set_member_name (builder, "dpi");
  json_builder_add_int_value (builder, dpi);

  json_builder_set_member_name (builder, "pages");
  json_builder_begin_array (builder);
  guint n_pages = sr_score_document_get_n_pages (document);
  for (guint page_index = 0; page_index < n_pages; page_index++)
    {
      double width_pt = 0, height_pt = 0;
      int width_px = 0, height_px = 0;
      sr_score_document_get_page_size (document, page_index, &width_pt, &height_pt);
      sr_score_document_get_page_pixels (document, page_index, dpi / 72.0, &width_px, &height_px);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "page");
      json_builder_add_int_value (builder, page_index + 1);
      json_builder_set_member_name (builder, "width_pt");
      json_builder_add_double_value (builder, width_pt);
      json_builder_set_member_name (builder, "height_pt");
      json_builder_add_double_value (builder, height_pt);
      json_builder_set_member_name (builder, "width_px");
      json_builder_add_int_value (builder, width_px);
      json_builder_set_member_name (builder, "height_px");
      json_builder_add_int_value (builder, height_px);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "notices");
  json_builder_begin_array (builder);
  for (const char *const *notice = sr_score_document_get_notices (document); *notice != NULL; notice++)
    json_builder_add_string_value (builder, *notice);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  sr_cli_print_json (builder, TRUE);
}

int
sr_cmd_pages (SrCliArgs *args)
{
  int dpi = DEFAULT_DPI;
  if (!sr_cli_args_get_int (args, "dpi", DEFAULT_DPI, MIN_DPI, MAX_DPI, &dpi))
    return SR_EXIT_USAGE;

  const char *name = sr_cli_args_positional (args, 0);
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = sr_score_document_new_for_file (file, NULL, &error);
  if (document == NULL)
    return sr_cli_fail (name, error->message);

  for (const char *const *notice = sr_score_document_get_notices (document); *notice != NULL; notice++)
    g_printerr (_("sightread: %s: note: %s\n"), name, *notice);

  if (sr_cli_args_has (args, "json"))
    print_json (document, name, dpi);
  else
    print_text (document, name, dpi);

  const char *folder = sr_cli_args_get (args, "output");
  if (folder != NULL && !render_pages (document, folder, dpi, &error))
    return sr_cli_fail (name, error->message);
  return SR_EXIT_OK;
}
