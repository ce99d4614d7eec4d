/* `sightread eval notes REF EST` (MIDI files or JSON note lists): note precision, recall and F1 by mir_eval's rules. */
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "cli-commands.h"
#include "note-metrics.h"

/* The pitched notes of a MIDI file or JSON note list: drums have no pitch to score, mir_eval is given pitched notes
 * only. */
static GArray *
notes_of (const char *path, SrMidiNotesFlags flags, int *status)
{
  GArray *notes = sr_cli_read_notes (path, flags, status);
  for (guint i = notes != NULL ? notes->len : 0; i-- > 0;)
    if (g_array_index (notes, SrNote, i).is_drum)
      g_array_remove_index (notes, i);
  return notes;
}

int
sr_cmd_eval_notes (SrCliArgs *args)
{
  SrMidiNotesFlags flags = sr_cli_args_has (args, "sustain") ? SR_MIDI_NOTES_SUSTAIN : SR_MIDI_NOTES_DEFAULT;
  int status;
  g_autoptr(GArray) reference = notes_of (sr_cli_args_positional (args, 0), flags, &status);
  if (reference == NULL)
    return status;
  g_autoptr(GArray) estimate = notes_of (sr_cli_args_positional (args, 1), flags, &status);
  if (estimate == NULL)
    return status;

  gboolean onset_only = sr_cli_args_has (args, "onset-only");
  SrNoteMatchRules rules = onset_only ? SR_NOTE_MATCH_RULES_ONSET_ONLY : SR_NOTE_MATCH_RULES_DEFAULT;
  /* sound made from notes is judged at 50, 100 and 200 ms (model spec §7) */
  if (!sr_cli_args_get_double (args, "onset-tolerance", rules.onset_tolerance, 0.001, 10, &rules.onset_tolerance))
    return SR_EXIT_USAGE;
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
  json_builder_set_member_name (builder, "onset_tolerance");
  json_builder_add_double_value (builder, rules.onset_tolerance);
  json_builder_end_object (builder);

  sr_cli_print_json (builder, FALSE);
  return SR_EXIT_OK;
}
