/* `sightread lmx encode|decode`, `sightread eval ser` and `sightread eval emd`: LMX from MusicXML, MusicXML from LMX,
 * and the symbol error rate and the histogram distances between two LMX readings. */
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libxml/tree.h>

#include "cli-commands.h"
#include "lmx-delinearize.h"
#include "lmx-linearize.h"
#include "lmx-reading-loops.h"
#include "lmx-vocabulary.h"
#include "musicxml-read.h"
#include "ser.h"
#include "token-emd.h"

#define PART_HEADER "# part "

/* "1-4,5-9,10" (1-based, inclusive, ascending) → 0-based half-open ranges; NULL after a usage error. */
static GArray *
parse_measure_ranges (SrCliArgs *args, const char *text)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (SrLmxMeasureRange));
  g_auto(GStrv) items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      guint64 first = 0, last = 0;
      g_auto(GStrv) ends = g_strsplit (items[i], "-", 2);
      gboolean ok = ends[0] != NULL && g_ascii_string_to_unsigned (g_strstrip (ends[0]), 10, 1, G_MAXINT, &first, NULL);
      last = first;
      if (ok && ends[1] != NULL)
        ok = g_ascii_string_to_unsigned (g_strstrip (ends[1]), 10, first, G_MAXINT, &last, NULL);
      SrLmxMeasureRange range = { (guint) first - 1, (guint) last };
      if (ok && ranges->len > 0 && g_array_index (ranges, SrLmxMeasureRange, ranges->len - 1).end > range.start)
        ok = FALSE;
      if (!ok)
        {
          sr_cli_usage_error (args, _("--measures wants ascending ranges of measures from 1, such as 1-4,5-9: '%s'"),
                              items[i]);
          return NULL;
        }
      g_array_append_val (ranges, range);
    }
  return g_steal_pointer (&ranges);
}

int
sr_cmd_lmx_encode (SrCliArgs *args)
{
  const char *path = sr_cli_args_positional (args, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) document = sr_musicxml_read (path, &error);
  if (document == NULL)
    return sr_cli_fail (path, error->message);

  g_autoptr(GPtrArray) parts = sr_musicxml_parts (document);
  int only = 0;
  if (!sr_cli_args_get_int (args, "part", 0, 1, G_MAXINT, &only))
    return SR_EXIT_USAGE;
  if (only > (int) parts->len)
    {
      g_autofree char *message = g_strdup_printf (_("the score has %u parts, not %d"), parts->len, only);
      return sr_cli_fail (path, message);
    }

  g_autoptr(GArray) ranges = NULL;
  const char *measures = sr_cli_args_get (args, "measures");
  if (measures != NULL && (ranges = parse_measure_ranges (args, measures)) == NULL)
    return SR_EXIT_USAGE;

  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  for (guint p = 0; p < parts->len; p++)
    {
      if (only > 0 && (int) p + 1 != only)
        continue;
      g_autofree char *name = sr_musicxml_part_name (document, parts->pdata[p]);
      if (only == 0)
        g_print ("%s%u: %s\n", PART_HEADER, p + 1, name);
      g_autoptr(GPtrArray) lines = NULL;
      if (ranges != NULL)
        lines = sr_lmx_linearize_measure_ranges (parts->pdata[p], (const SrLmxMeasureRange *) ranges->data,
                                                 ranges->len, problems);
      else if (sr_cli_args_has (args, "systems"))
        lines = sr_lmx_linearize_systems (parts->pdata[p], problems);
      else
        {
          lines = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
          g_ptr_array_add (lines, sr_lmx_linearize_part (parts->pdata[p], problems));
        }
      for (guint i = 0; i < lines->len; i++)
        {
          g_autofree char *text = sr_lmx_tokens_to_text (lines->pdata[i]);
          g_print ("%s\n", text);
        }
    }
  if (sr_cli_args_has (args, "verbose"))
    for (guint i = 0; i < problems->len; i++)
      g_printerr (_("sightread: %s: note: %s\n"), path, (const char *) problems->pdata[i]);
  else if (problems->len > 0)
    g_printerr (_("sightread: %s: note: %u things LMX cannot say were skipped (--verbose lists them)\n"), path,
                problems->len);
  return SR_EXIT_OK;
}

/* Moves the one part of PART_DOCUMENT into SCORE as part number NUMBER. */
static void
adopt_part (xmlDoc *score, xmlDoc *part_document, int number, const char *name)
{
  char id[16];
  g_snprintf (id, sizeof id, "P%d", number);
  xmlNode *root = xmlDocGetRootElement (score);
  xmlNode *part_list = sr_xml_child (root, "part-list");
  xmlNode *score_part = xmlNewChild (part_list, NULL, (const xmlChar *) "score-part", NULL);
  xmlSetProp (score_part, (const xmlChar *) "id", (const xmlChar *) id);
  xmlNewTextChild (score_part, NULL, (const xmlChar *) "part-name", (const xmlChar *) name);

  xmlNode *part = sr_xml_child (xmlDocGetRootElement (part_document), "part");
  xmlUnlinkNode (part);
  xmlSetProp (part, (const xmlChar *) "id", (const xmlChar *) id);
  xmlNode *copy = xmlDocCopyNode (part, score, 1);
  xmlFreeNode (part);
  xmlAddChild (root, copy);
}

/* The training code maps the data factory's LMX text to token IDs with this list, so the C table stays the only one. */
int
sr_cmd_lmx_vocabulary (SrCliArgs *args)
{
  (void) args;
  for (guint id = 0; id < SR_LMX_VOCABULARY_SIZE; id++)
    g_print ("%s\n", sr_lmx_token_text (id));
  return SR_EXIT_OK;
}

/* Readings cut where they fall into a loop, as the reader cuts them (lmx-reading-loops.h): training's validation
 * scores its own readings through this, so that it measures what the program would read. Words are compared as
 * written, in the vocabulary or not. */
int
sr_cmd_lmx_trim_loops (SrCliArgs *args)
{
  const char *path = sr_cli_args_positional (args, 0);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  if (!g_file_get_contents (path, &contents, NULL, &error))
    return sr_cli_fail (path, error->message);
  g_autofree char *trimmed = sr_lmx_readings_trim_text (contents);
  g_print ("%s", trimmed);
  return SR_EXIT_OK;
}

xmlDoc *
sr_cli_read_lmx_score (const char *path, int *status)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  if (!g_file_get_contents (path, &contents, NULL, &error))
    {
      *status = sr_cli_fail (path, error->message);
      return NULL;
    }

  /* Parts are separated by "# part N: name" lines; the lines of one part (its systems) run on. */
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GString *current = NULL;
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      if (g_str_has_prefix (line, PART_HEADER) || current == NULL)
        {
          if (current != NULL)
            g_ptr_array_add (texts, g_string_free (current, FALSE));
          current = g_string_new (NULL);
          const char *colon = g_str_has_prefix (line, PART_HEADER) ? strchr (line, ':') : NULL;
          g_ptr_array_add (names, g_strstrip (g_strdup (colon != NULL ? colon + 1 : "Piano")));
          if (g_str_has_prefix (line, PART_HEADER))
            continue;
        }
      if (line[0] == '#')
        continue;
      g_string_append_printf (current, "%s\n", line);
    }
  g_ptr_array_add (texts, g_string_free (current, FALSE));

  xmlDoc *score = NULL;
  guint repairs = 0, unknown = 0;
  for (guint p = 0; p < texts->len; p++)
    {
      guint part_unknown = 0, part_repairs = 0;
      g_autoptr(GArray) tokens = sr_lmx_tokens_from_text (texts->pdata[p], &part_unknown);
      SrLmxDelinearizeOptions options = { names->pdata[p], 0, 0 };
      xmlDoc *part = sr_lmx_delinearize (tokens, &options, &part_repairs);
      unknown += part_unknown;
      repairs += part_repairs;
      if (score == NULL)
        score = part;
      else
        {
          adopt_part (score, part, (int) p + 1, names->pdata[p]);
          xmlFreeDoc (part);
        }
    }
  if (unknown + repairs > 0)
    g_printerr (_("sightread: %s: note: %u unknown and %u misplaced tokens were dropped or repaired\n"), path, unknown,
                repairs);
  *status = SR_EXIT_OK;
  return score;
}

int
sr_cmd_lmx_decode (SrCliArgs *args)
{
  const char *path = sr_cli_args_positional (args, 0);
  const char *output = sr_cli_args_get (args, "output");
  if (output == NULL)
    return sr_cli_usage_error (args, _("an output file is needed: -o OUT.musicxml"));
  int status;
  xmlDoc *score = sr_cli_read_lmx_score (path, &status);
  if (score == NULL)
    return status;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = sr_musicxml_to_text (score);
  xmlFreeDoc (score);
  if (!g_file_set_contents (output, xml, -1, &error))
    return sr_cli_fail (output, error->message);
  return SR_EXIT_OK;
}

static GPtrArray *
systems_of (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  return g_file_get_contents (path, &contents, NULL, error) ? sr_ser_systems (contents) : NULL;
}

/* Reads the two files of system pairs that `eval ser` and `eval emd` compare; on failure prints why and gives the
 * exit status in *STATUS. */
static gboolean
read_system_pairs (SrCliArgs *args, GPtrArray **reference, GPtrArray **prediction, int *status)
{
  const char *reference_path = sr_cli_args_positional (args, 0);
  const char *prediction_path = sr_cli_args_positional (args, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ours_reference = systems_of (reference_path, &error);
  if (ours_reference == NULL)
    {
      *status = sr_cli_fail (reference_path, error->message);
      return FALSE;
    }
  g_autoptr(GPtrArray) ours_prediction = systems_of (prediction_path, &error);
  if (ours_prediction == NULL)
    {
      *status = sr_cli_fail (prediction_path, error->message);
      return FALSE;
    }
  if (ours_reference->len != ours_prediction->len)
    {
      g_autofree char *message = g_strdup_printf (_("%u systems, but %s has %u (one system a line)"),
                                                  ours_prediction->len, reference_path, ours_reference->len);
      *status = sr_cli_fail (prediction_path, message);
      return FALSE;
    }
  *reference = g_steal_pointer (&ours_reference);
  *prediction = g_steal_pointer (&ours_prediction);
  return TRUE;
}

int
sr_cmd_eval_ser (SrCliArgs *args)
{
  g_autoptr(GPtrArray) reference = NULL;
  g_autoptr(GPtrArray) prediction = NULL;
  int status = SR_EXIT_OK;
  if (!read_system_pairs (args, &reference, &prediction, &status))
    return status;

  SrSerCounts all = { 0 }, no_tuplets = { 0 };
  for (guint i = 0; i < reference->len; i++)
    {
      sr_ser_add (&all, reference->pdata[i], prediction->pdata[i], FALSE);
      sr_ser_add (&no_tuplets, reference->pdata[i], prediction->pdata[i], TRUE);
    }

  if (!sr_cli_args_has (args, "json"))
    {
      g_print (_("SER %.2f %%  (%llu edits over %llu reference tokens, %u systems)\n"
                 "SER without tuplet tokens %.2f %%\n"),
               sr_ser_percent (&all), (unsigned long long) all.edits, (unsigned long long) all.reference_tokens,
               reference->len, sr_ser_percent (&no_tuplets));
      return SR_EXIT_OK;
    }
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ser");
  json_builder_add_double_value (builder, sr_ser_percent (&all));
  json_builder_set_member_name (builder, "ser_without_tuplets");
  json_builder_add_double_value (builder, sr_ser_percent (&no_tuplets));
  json_builder_set_member_name (builder, "edits");
  json_builder_add_int_value (builder, (gint64) all.edits);
  json_builder_set_member_name (builder, "reference_tokens");
  json_builder_add_int_value (builder, (gint64) all.reference_tokens);
  json_builder_set_member_name (builder, "systems");
  json_builder_add_int_value (builder, reference->len);
  json_builder_end_object (builder);
  sr_cli_print_json (builder, FALSE);
  return SR_EXIT_OK;
}

int
sr_cmd_eval_emd (SrCliArgs *args)
{
  g_autoptr(GPtrArray) reference = NULL;
  g_autoptr(GPtrArray) prediction = NULL;
  int status = SR_EXIT_OK;
  if (!read_system_pairs (args, &reference, &prediction, &status))
    return status;

  /* Each pair is one picture and its reference: the distances are averaged over pairs, not pooled. */
  double pitch = 0, duration = 0;
  for (guint i = 0; i < reference->len; i++)
    {
      SrTokenHistograms ours_reference = { 0 }, ours_prediction = { 0 };
      sr_token_histograms_add (&ours_reference, reference->pdata[i]);
      sr_token_histograms_add (&ours_prediction, prediction->pdata[i]);
      pitch += sr_token_pitch_emd (&ours_reference, &ours_prediction);
      duration += sr_token_duration_emd (&ours_reference, &ours_prediction);
    }
  guint n = MAX (reference->len, 1);
  if (!sr_cli_args_has (args, "json"))
    {
      g_print (_("pitch EMD %.4f bins, duration EMD %.4f bins  (mean over %u systems)\n"), pitch / n, duration / n,
               reference->len);
      return SR_EXIT_OK;
    }
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "pitch_emd");
  json_builder_add_double_value (builder, pitch / n);
  json_builder_set_member_name (builder, "duration_emd");
  json_builder_add_double_value (builder, duration / n);
  json_builder_set_member_name (builder, "systems");
  json_builder_add_int_value (builder, reference->len);
  json_builder_end_object (builder);
  sr_cli_print_json (builder, FALSE);
  return SR_EXIT_OK;
}
