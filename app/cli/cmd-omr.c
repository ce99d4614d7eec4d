/* `sightread omr SCORE`: every system of every page (or --page, or the systems at --boxes) read as LMX by the shipped models, joined in reading
 * order into one score: MusicXML with -o, the LMX reading with --lmx (a line a system), the systems with each
 * token's place on the page with --json (what the inspector and the overlay show), the LMX on standard output when
 * none is given. */
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>

#include "cli-commands.h"
#include "engrave-file.h"
#include "musicxml-read.h"
#include "lmx-delinearize.h"
#include "lmx-vocabulary.h"
#include "omr.h"
#include "score-document.h"

static void
append_reading (GString *lmx, GArray *all_tokens, const SrOmrSystem *system, guint number, const char *score)
{
  g_string_append_printf (lmx, "# page %u, system %u: x %.0f, y %.0f, %.0f × %.0f px\n", system->page_index + 1,
                          number, system->box.x, system->box.y, system->box.width, system->box.height);
  for (guint t = 0; t < system->lmx->len; t++)
    g_string_append_printf (lmx, "%s%s", t ? " " : "", sr_lmx_token_text (g_array_index (system->lmx, guint16, t)));
  g_string_append_c (lmx, '\n');
  g_array_append_vals (all_tokens, system->lmx->data, system->lmx->len);
  if (system->lmx->len == 0)
    g_printerr (_("sightread: %s: warning: page %u, system %u: nothing was read; it stays an empty stretch\n"), score,
                system->page_index + 1, number);
  else if (system->reached_limit)
    g_printerr (_("sightread: %s: warning: page %u, system %u: the reading stopped at its length limit\n"), score,
                system->page_index + 1, number);
}

static void
add_box (JsonBuilder *builder, const SrPageBox *box)
{
  const char *names[] = { "x", "y", "width", "height" };
  double values[] = { box->x, box->y, box->width, box->height };
  for (int i = 0; i < 4; i++)
    {
      json_builder_set_member_name (builder, names[i]);
      json_builder_add_double_value (builder, round (values[i] * 10) / 10);
    }
}

/* One system in the --json output: its box, and each token with the page cell the reader looked at. */
static void
add_system_json (JsonBuilder *builder, const SrOmrSystem *system)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "page");
  json_builder_add_int_value (builder, system->page_index + 1);
  add_box (builder, &system->box);
  json_builder_set_member_name (builder, "skew_degrees");
  json_builder_add_double_value (builder, round (system->skew_degrees * 100) / 100);
  json_builder_set_member_name (builder, "staff_height");
  json_builder_add_double_value (builder, system->staff_height);
  json_builder_set_member_name (builder, "complete");
  json_builder_add_boolean_value (builder, !system->reached_limit);
  json_builder_set_member_name (builder, "tokens");
  json_builder_begin_array (builder);
  for (guint t = 0; t < system->lmx->len; t++)
    {
      const SrOmrFocus *focus = &g_array_index (system->focus, SrOmrFocus, t);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "token");
      json_builder_add_string_value (builder, sr_lmx_token_text (g_array_index (system->lmx, guint16, t)));
      json_builder_set_member_name (builder, "focus");
      json_builder_begin_object (builder);
      add_box (builder, &focus->box);
      json_builder_set_member_name (builder, "weight");
      json_builder_add_double_value (builder, round (focus->weight * 1000) / 1000);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

int
sr_cmd_omr (SrCliArgs *args)
{
  const char *name = sr_cli_args_positional (args, 0);
  const char *output = sr_cli_args_get (args, "output");
  const char *lmx_path = sr_cli_args_get (args, "lmx");
  const char *engrave_path = sr_cli_args_get (args, "engrave");
  if (engrave_path != NULL && !sr_engrave_file_supported (engrave_path))
    return sr_cli_usage_error (args, _("the engraving's name must end in .pdf, .png or .svg"));
  const char *json_path = sr_cli_args_get (args, "json");
  const char *boxes_path = sr_cli_args_get (args, "boxes");
  int only = 0;
  if (!sr_cli_args_get_int (args, "page", 0, 1, G_MAXINT, &only))
    return SR_EXIT_USAGE;
  if (boxes_path != NULL && only > 0)
    return sr_cli_usage_error (args, _("--boxes names the systems to read, --page a page to find them on: not both"));
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = sr_score_document_new_for_file (file, NULL, &error);
  if (document == NULL)
    return sr_cli_fail (name, error->message);
  guint n_pages = sr_score_document_get_n_pages (document);
  if (only > (int) n_pages)
    {
      g_autofree char *message = g_strdup_printf (_("the score has %u pages, not %d"), n_pages, only);
      return sr_cli_fail (name, message);
    }
  g_autoptr(GArray) boxes = NULL;
  if (boxes_path != NULL)
    {
      g_autofree char *text = NULL;
      gsize length = 0;
      if (!g_file_get_contents (boxes_path, &text, &length, &error) ||
          (boxes = sr_system_boxes_from_json (text, (gssize) length, n_pages, &error)) == NULL)
        return sr_cli_fail (boxes_path, error->message);
    }
  g_autofree char *models = sr_cli_models_folder (args);
  g_autofree char *notice = NULL;
  g_autoptr(SrOmrReader) reader = sr_omr_reader_new (&args->device, models, &notice, &error);
  if (reader == NULL)
    return sr_cli_fail ("omr", error->message);
  if (notice != NULL)
    g_printerr (_("sightread: omr: note: %s\n"), notice);

  g_autoptr(GString) lmx = g_string_new (NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "score");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "systems");
  json_builder_begin_array (builder);
  g_autoptr(GArray) all_tokens = g_array_new (FALSE, FALSE, sizeof (guint16));
  guint number = 0;
  g_autoptr(SrProgress) progress = sr_cli_progress_new (args, _("reading the systems"));
  sr_omr_reader_set_progress (reader, only > 0 ? 1 : n_pages, sr_cli_progress_update, progress);
  /* The systems given (one pass), or those found on each page. */
  for (guint p = 0; p < (boxes != NULL ? 1 : n_pages); p++)
    {
      if (only > 0 && p + 1 != (guint) only)
        continue;
      g_autoptr(GArray) systems = boxes != NULL ? sr_omr_read_boxes (reader, document, boxes, &error)
                                                : sr_omr_read_page (reader, document, p, &error);
      g_autofree char *page_notice = sr_omr_reader_take_notice (reader);
      if (page_notice != NULL)
        g_printerr (_("sightread: omr: note: %s\n"), page_notice);
      if (systems == NULL)
        return sr_cli_fail (boxes != NULL ? boxes_path : name, error->message);
      if (systems->len == 0 && boxes == NULL)
        g_printerr (_("sightread: %s: warning: page %u: no systems were found\n"), name, p + 1);
      for (guint i = 0; i < systems->len; i++)
        {
          append_reading (lmx, all_tokens, &g_array_index (systems, SrOmrSystem, i), ++number, name);
          add_system_json (builder, &g_array_index (systems, SrOmrSystem, i));
        }
    }
  g_clear_pointer (&progress, sr_progress_free);
  /* A page without systems (a title page) is worth a warning; a score without any is no score to read. */
  if (number == 0)
    return sr_cli_fail (name, _("no systems were found to read: is it a page of music?"));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  if (json_path != NULL)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      if (!json_generator_to_file (generator, json_path, &error))
        return sr_cli_fail (json_path, error->message);
    }
  if (lmx_path != NULL && !g_file_set_contents (lmx_path, lmx->str, (gssize) lmx->len, &error))
    return sr_cli_fail (lmx_path, error->message);
  if (output != NULL || engrave_path != NULL)
    {
      guint repairs = 0;
      SrLmxDelinearizeOptions options = { NULL, 0, 0 };
      g_autoptr(xmlDoc) score = sr_lmx_delinearize (all_tokens, &options, &repairs);
      if (repairs > 0)
        g_printerr (_("sightread: %s: note: %u misplaced tokens of the reading were dropped or repaired\n"), name,
                    repairs);
      g_autofree char *xml = output != NULL ? sr_musicxml_to_text (score) : NULL;
      if (output != NULL && !g_file_set_contents (output, xml, -1, &error))
        return sr_cli_fail (output, error->message);
      if (engrave_path != NULL && !sr_engrave_file_write (score, engrave_path, NULL, NULL, NULL, &error))
        return sr_cli_fail (engrave_path, error->message);
    }
  if (output == NULL && lmx_path == NULL && json_path == NULL && engrave_path == NULL)
    fputs (lmx->str, stdout);
  return SR_EXIT_OK;
}
