/* `sightread crop SCORE --boxes BOXES.json -o DIR`: systems cut out of a score's pages at given boxes and normalised
 * as the models see them. The data factory hands it the boxes its engraver reports; `sightread systems` finds
 * them on scans. */
#include <errno.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "cli-commands.h"
#include "score-document.h"
#include "system-image.h"

int
sr_cmd_crop (SrCliArgs *args)
{
  const char *name = sr_cli_args_positional (args, 0);
  const char *boxes_path = sr_cli_args_get (args, "boxes");
  const char *folder = sr_cli_args_get (args, "output");
  if (boxes_path == NULL)
    return sr_cli_usage_error (args, _("the boxes are needed: --boxes BOXES.json"));
  if (folder == NULL)
    return sr_cli_usage_error (args, _("an output folder is needed: -o DIR"));

  g_autoptr(GFile) file = g_file_new_for_commandline_arg (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = sr_score_document_new_for_file (file, NULL, &error);
  if (document == NULL)
    return sr_cli_fail (name, error->message);
  g_autofree char *boxes_text = NULL;
  gsize boxes_length = 0;
  if (!g_file_get_contents (boxes_path, &boxes_text, &boxes_length, &error))
    return sr_cli_fail (boxes_path, error->message);
  g_autoptr(GArray) requests = sr_system_boxes_from_json (boxes_text, (gssize) boxes_length,
                                                          sr_score_document_get_n_pages (document), &error);
  if (requests == NULL)
    return sr_cli_fail (boxes_path, error->message);
  if (g_mkdir_with_parents (folder, 0777) != 0)
    return sr_cli_fail (folder, g_strerror (errno));

  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_array (builder);
  SrGrayImage *page = NULL;
  guint page_loaded = G_MAXUINT;
  int status = SR_EXIT_OK;
  for (guint i = 0; i < requests->len && status == SR_EXIT_OK; i++)
    {
      const SrSystemBox *request = &g_array_index (requests, SrSystemBox, i);
      if (request->page_index != page_loaded)
        {
          g_clear_pointer (&page, sr_gray_image_free);
          double scale = sr_score_document_get_native_scale (document, request->page_index);
          cairo_surface_t *surface = sr_score_document_render_page (document, request->page_index, scale, &error);
          if (surface == NULL)
            {
              status = sr_cli_fail (name, error->message);
              break;
            }
          page = sr_gray_image_new_from_surface (surface);
          cairo_surface_destroy (surface);
          page_loaded = request->page_index;
        }
      SrCropPlacement placement = { 0 };
      gboolean shrunk = FALSE;
      g_autoptr(SrGrayImage) crop = sr_system_image_normalize (page, &request->box, request->staff_height, &placement,
                                                               &shrunk);
      if (crop == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("box %u lies outside page %u"), i + 1, request->page_index + 1);
          status = sr_cli_fail (boxes_path, message);
          break;
        }
      g_autofree char *base = g_strdup_printf ("system-%03u.pgm", i + 1);
      g_autofree char *path = g_build_filename (folder, base, NULL);
      if (!sr_gray_image_write_pgm (crop, path, &error))
        {
          status = sr_cli_fail (path, error->message);
          break;
        }
      if (shrunk)
        g_printerr (_("sightread: %s: note: system %u is too large for the model and was scaled down further\n"), name,
                    i + 1);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, path);
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, crop->width);
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, crop->height);
      json_builder_set_member_name (builder, "origin_x");
      json_builder_add_double_value (builder, placement.origin_x);
      json_builder_set_member_name (builder, "origin_y");
      json_builder_add_double_value (builder, placement.origin_y);
      json_builder_set_member_name (builder, "scale");
      json_builder_add_double_value (builder, placement.scale);
      json_builder_set_member_name (builder, "shrunk");
      json_builder_add_boolean_value (builder, shrunk);
      json_builder_end_object (builder);
    }
  g_clear_pointer (&page, sr_gray_image_free);
  json_builder_end_array (builder);
  if (status == SR_EXIT_OK && sr_cli_args_has (args, "json"))
    sr_cli_print_json (builder, FALSE);
  else if (status == SR_EXIT_OK)
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u system written to %s\n", "%u systems written to %s\n", requests->len),
             requests->len, folder);
  return status;
}
