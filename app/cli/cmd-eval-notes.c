/* `sightread eval notes REF.mid EST.mid`: note precision, recall and F1 by mir_eval's rules. */
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "cli-commands.h"
#include "note-metrics.h"

static GArray *
notes_of (const char *path, SrMidiNotesFlags flags, GError **error)
{
  g_autoptr(SrMidiFile) file = sr_midi_file_read (path, error);
  if (file == NULL)
    return NULL;
  for (guint i = 0; i < file->warnings->len; i++)
    g_printerr (_("sightread: %s: note: %s\n"), path, (const char *) file->warnings->pdata[i]);
  /* Drums have no pitch to score; mir_eval is given pitched notes only. */
  GArray *notes = sr_midi_file_get_notes (file, flags);
  for (guint i = notes->len; i-- > 0;)
    if (g_array_index (notes, SrNote, i).is_drum)
      g_array_remove_index (notes, i);
  return notes;
}

int
sr_cmd_eval_notes (SrCliArgs *args)
{
  SrMidiNotesFlags flags = sr_cli_args_has (args, "sustain") ? SR_MIDI_NOTES_SUSTAIN : SR_MIDI_NOTES_DEFAULT;
  g_autoptr(GError) error = NULL;
  const char *reference_path = sr_cli_args_positional (args, 0);
  g_autoptr(GArray) reference = notes_of (reference_path, flags, &error);
  if (reference == NULL)
    return sr_cli_fail (reference_path, error->message);
  const char *estimate_path = sr_cli_args_positional (args, 1);
  g_autoptr(GArray) estimate = notes_of (estimate_path, flags, &error);
  if (estimate == NULL)
    return sr_cli_fail (estimate_path, error->message);

  gboolean onset_only = sr_cli_args_has (args, "onset-only");
  SrNoteMatchRules rules = onset_only ? SR_NOTE_MATCH_RULES_ONSET_ONLY : SR_NOTE_MATCH_RULES_DEFAULT;
  SrNoteScores scores = sr_note_scores ((const SrNote *) reference->data, reference->len,
                                        (const SrNote *) estimate->data, estimate->len, &rules);

  if (!sr_cli_args_has (args, "json"))
    {
      g_print (_("precision %.4f  recall %.4f  F1 %.4f  (%u of %u reference and %u estimated notes matched, %s)\n"),
               scores.precision, scores.recall, scores.f1, scores.n_matched, scores.n_reference, scores.n_estimate,
               onset_only ? _("onsets only") : _("onsets and offsets"));
      return SR_EXIT_OK;
    }

  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "precision");
  json_builder_add_double_value (builder, scores.precision);
  json_builder_set_member_name (builder, "recall");
  json_builder_add_double_value (builder, scores.recall);
  json_builder_set_member_name (builder, "f1");
  json_builder_add_double_value (builder, scores.f1);
  json_builder_set_member_name (builder, "reference_notes");
  json_builder_add_int_value (builder, scores.n_reference);
  json_builder_set_member_name (builder, "estimated_notes");
  json_builder_add_int_value (builder, scores.n_estimate);
  json_builder_set_member_name (builder, "matched_notes");
  json_builder_add_int_value (builder, scores.n_matched);
  json_builder_set_member_name (builder, "onset_only");
  json_builder_add_boolean_value (builder, onset_only);
  json_builder_end_object (builder);

  sr_cli_print_json (builder, FALSE);
  return SR_EXIT_OK;
}
