/* `sightread midi notes|encode|decode|render|draft`: a MIDI file's notes, its event tokens, tokens back to a MIDI
 * file, a score performed as MIDI, and a performance drafted as a score. */
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>

#include "cli-commands.h"
#include "draft-score.h"
#include "lmx-vocabulary.h"
#include "midi-tokens.h"
#include "musicxml-read.h"
#include "musicxml-write.h"
#include "note-list-json.h"
#include "performance.h"


static GArray *
read_notes (SrCliArgs *args, const char *path, int *status)
{
  return sr_cli_read_notes (path, sr_cli_args_has (args, "sustain") ? SR_MIDI_NOTES_SUSTAIN : SR_MIDI_NOTES_DEFAULT,
                            status);
}

int
sr_cmd_midi_notes (SrCliArgs *args)
{
  int status;
  const char *path = sr_cli_args_positional (args, 0);
  g_autoptr(GArray) notes = read_notes (args, path, &status);
  if (notes == NULL)
    return status;

  if (!sr_cli_args_has (args, "json"))
    {
      g_print ("# onset offset pitch velocity program drum\n");
      for (guint i = 0; i < notes->len; i++)
        {
          const SrNote *note = &g_array_index (notes, SrNote, i);
          char onset[G_ASCII_DTOSTR_BUF_SIZE], offset[G_ASCII_DTOSTR_BUF_SIZE];
          g_print ("%s %s %u %u %u %d\n", g_ascii_formatd (onset, sizeof onset, "%.6f", note->onset),
                   g_ascii_formatd (offset, sizeof offset, "%.6f", note->offset), note->pitch, note->velocity,
                   note->program, note->is_drum);
        }
      return SR_EXIT_OK;
    }

  g_autoptr(JsonBuilder) builder = json_builder_new ();
  sr_note_list_to_json (builder, (const SrNote *) notes->data, notes->len);
  sr_cli_print_json (builder, FALSE);
  return SR_EXIT_OK;
}

static gboolean
segment_seconds_option (SrCliArgs *args, double *seconds)
{
  const char *text = sr_cli_args_get (args, "segment-seconds");
  *seconds = SR_MIDI_TOKENS_SEGMENT_SECONDS;
  if (text == NULL)
    return TRUE;
  char *end = NULL;
  *seconds = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(*seconds >= 0.01 && *seconds <= 20.0))
    {
      sr_cli_usage_error (args, _("--segment-seconds must be a number from 0.01 to 20, not '%s'"), text);
      return FALSE;
    }
  return TRUE;
}

/* The encoding's parameters, then its segments' token indices under "segments" (or, for --lists, one such array a
 * list under "lists"). */
static void
begin_token_json (JsonBuilder *builder, const SrMidiTokenConfig *config, double segment_seconds)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ticks_per_second");
  json_builder_add_int_value (builder, config->ticks_per_second);
  json_builder_set_member_name (builder, "max_shift");
  json_builder_add_int_value (builder, config->max_shift);
  json_builder_set_member_name (builder, "segment_seconds");
  json_builder_add_double_value (builder, segment_seconds);
  json_builder_set_member_name (builder, "vocabulary_size");
  json_builder_add_int_value (builder, sr_midi_tokens_vocabulary_size (config));
}

static void
add_segments (JsonBuilder *builder, const GPtrArray *segments)
{
  json_builder_begin_array (builder);
  for (guint s = 0; s < segments->len; s++)
    {
      const GArray *tokens = segments->pdata[s];
      json_builder_begin_array (builder);
      for (guint i = 0; i < tokens->len; i++)
        json_builder_add_int_value (builder, g_array_index (tokens, guint16, i));
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
}

/* `midi encode --lists --json LISTS.json`: every note list of the file encoded, in one start of the program. */
static int
encode_lists (SrCliArgs *args, const char *path, double segment_seconds)
{
  if (!sr_cli_args_has (args, "json"))
    {
      sr_cli_usage_error (args, _("--lists prints JSON only: add --json"));
      return SR_EXIT_USAGE;
    }
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;
  if (!g_file_get_contents (path, &text, &length, &error))
    return sr_cli_fail (path, error->message);
  g_autoptr(GPtrArray) lists = sr_note_lists_from_json (text, (gssize) length, &error);
  if (lists == NULL)
    return sr_cli_fail (path, error->message);
  SrMidiTokenConfig config = SR_MIDI_TOKEN_CONFIG_DEFAULT;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  begin_token_json (builder, &config, segment_seconds);
  json_builder_set_member_name (builder, "lists");
  json_builder_begin_array (builder);
  for (guint l = 0; l < lists->len; l++)
    {
      const GArray *notes = lists->pdata[l];
      g_autoptr(GPtrArray) segments = sr_midi_tokens_encode (&config, (const SrNote *) notes->data, notes->len,
                                                             segment_seconds, &error);
      if (segments == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("list %u: %s"), l + 1, error->message);
          return sr_cli_fail (path, message);
        }
      add_segments (builder, segments);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  sr_cli_print_json (builder, FALSE);
  return SR_EXIT_OK;
}

int
sr_cmd_midi_encode (SrCliArgs *args)
{
  double segment_seconds;
  if (!segment_seconds_option (args, &segment_seconds))
    return SR_EXIT_USAGE;
  if (sr_cli_args_has (args, "lists"))
    return encode_lists (args, sr_cli_args_positional (args, 0), segment_seconds);
  int status;
  const char *path = sr_cli_args_positional (args, 0);
  g_autoptr(GArray) notes = read_notes (args, path, &status);
  if (notes == NULL)
    return status;

  SrMidiTokenConfig config = SR_MIDI_TOKEN_CONFIG_DEFAULT;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) segments = sr_midi_tokens_encode (&config, (const SrNote *) notes->data, notes->len,
                                                         segment_seconds, &error);
  if (segments == NULL)
    return sr_cli_fail (path, error->message);

  if (sr_cli_args_has (args, "json"))
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      begin_token_json (builder, &config, segment_seconds);
      json_builder_set_member_name (builder, "segments");
      add_segments (builder, segments);
      json_builder_end_object (builder);
      sr_cli_print_json (builder, FALSE);
      return SR_EXIT_OK;
    }

  char seconds_text[G_ASCII_DTOSTR_BUF_SIZE];
  g_print ("%s ticks-per-second=%d max-shift=%d segment-seconds=%s\n", SR_MIDI_TOKENS_TEXT_HEADER,
           config.ticks_per_second, config.max_shift, g_ascii_formatd (seconds_text, sizeof seconds_text, "%g", segment_seconds));
  gboolean ids = sr_cli_args_has (args, "ids");
  for (guint s = 0; s < segments->len; s++)
    {
      const GArray *tokens = segments->pdata[s];
      g_autoptr(GString) line = g_string_new (NULL);
      for (guint i = 0; i < tokens->len; i++)
        {
          guint token = g_array_index (tokens, guint16, i);
          if (i > 0)
            g_string_append_c (line, ' ');
          if (ids)
            g_string_append_printf (line, "%u", token);
          else
            {
              g_autofree char *name = sr_midi_token_name (&config, token);
              g_string_append (line, name);
            }
        }
      g_print ("%s\n", line->str);
    }
  return SR_EXIT_OK;
}

/* The training code names the tokens it writes for `midi decode` from this list: the C table stays the only one. */
int
sr_cmd_midi_vocabulary (SrCliArgs *args)
{
  (void) args;
  SrMidiTokenConfig config = SR_MIDI_TOKEN_CONFIG_DEFAULT;
  for (guint token = 0; token < sr_midi_tokens_vocabulary_size (&config); token++)
    {
      g_autofree char *name = sr_midi_token_name (&config, token);
      g_print ("%s\n", name);
    }
  return SR_EXIT_OK;
}

int
sr_cmd_midi_decode (SrCliArgs *args)
{
  const char *path = sr_cli_args_positional (args, 0);
  const char *output = sr_cli_args_get (args, "output");
  if (output == NULL)
    return sr_cli_usage_error (args, _("an output file is needed: -o OUT.mid"));

  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error))
    return sr_cli_fail (path, error->message);

  SrMidiTokenConfig config = SR_MIDI_TOKEN_CONFIG_DEFAULT;
  double segment_seconds = SR_MIDI_TOKENS_SEGMENT_SECONDS;
  guint unreadable = 0;
  g_autoptr(GPtrArray) segments = sr_midi_tokens_read_text (&config, text, &segment_seconds, &unreadable);

  guint errors = 0;
  g_autoptr(GArray) notes = sr_midi_tokens_decode (&config, segments, segment_seconds, &errors);
  if (unreadable > 0 || errors > 0)
    g_printerr (_("sightread: %s: note: %u unreadable and %u misplaced tokens were skipped\n"), path, unreadable,
                errors - MIN (errors, unreadable));
  g_autoptr(SrMidiFile) file = sr_midi_file_new_from_notes ((const SrNote *) notes->data, notes->len);
  if (!sr_midi_file_write (file, output, &error))
    return sr_cli_fail (output, error->message);
  return SR_EXIT_OK;
}

/* The performance as the data factory reads it: where each measure starts and every note, in seconds. */
static void
print_performance_json (GArray *notes, GArray *measures)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "measures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < measures->len; i++)
    {
      const SrPerformedMeasure *measure = &g_array_index (measures, SrPerformedMeasure, i);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "measure");
      json_builder_add_int_value (builder, measure->measure_index + 1);
      json_builder_set_member_name (builder, "onset_quarters");
      json_builder_add_double_value (builder, measure->onset_quarters);
      json_builder_set_member_name (builder, "onset_seconds");
      json_builder_add_double_value (builder, measure->onset_seconds);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "notes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < notes->len; i++)
    {
      const SrPerformedNote *note = &g_array_index (notes, SrPerformedNote, i);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "pitch");
      json_builder_add_int_value (builder, note->pitch);
      json_builder_set_member_name (builder, "velocity");
      json_builder_add_int_value (builder, note->velocity);
      json_builder_set_member_name (builder, "onset_seconds");
      json_builder_add_double_value (builder, note->onset_seconds);
      json_builder_set_member_name (builder, "offset_seconds");
      json_builder_add_double_value (builder, note->offset_seconds);
      json_builder_set_member_name (builder, "onset_quarters");
      json_builder_add_double_value (builder, note->onset_quarters);
      json_builder_set_member_name (builder, "measure");
      json_builder_add_int_value (builder, note->measure_index + 1);
      json_builder_set_member_name (builder, "part");
      json_builder_add_int_value (builder, note->part_index + 1);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  sr_cli_print_json (builder, FALSE);
}

int
sr_cmd_midi_render (SrCliArgs *args)
{
  const char *path = sr_cli_args_positional (args, 0);
  const char *output = sr_cli_args_get (args, "output");
  if (output == NULL && !sr_cli_args_has (args, "json"))
    return sr_cli_usage_error (args, _("an output file is needed: -o OUT.mid (or --json)"));
  int tempo = 120;
  if (!sr_cli_args_get_int (args, "tempo", 120, 10, 400, &tempo))
    return SR_EXIT_USAGE;
  double tempo_scale = 1.0;
  if (!sr_cli_args_get_double (args, "tempo-scale", 1.0, 0.25, 4, &tempo_scale))
    return SR_EXIT_USAGE;

  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) document = sr_musicxml_read (path, &error);
  if (document == NULL)
    return sr_cli_fail (path, error->message);
  SrPerformanceOptions options = SR_PERFORMANCE_OPTIONS_DEFAULT;
  options.default_tempo_bpm = tempo;
  options.tempo_scale = tempo_scale;
  options.unfold_repeats = !sr_cli_args_has (args, "no-repeats");
  if (output != NULL)
    {
      g_autoptr(SrMidiFile) file = sr_performance_to_midi (document, &options);
      if (!sr_midi_file_write (file, output, &error))
        return sr_cli_fail (output, error->message);
    }
  if (sr_cli_args_has (args, "json"))
    {
      g_autoptr(GArray) measures = NULL;
      g_autoptr(GArray) notes = sr_performance_render_with_measures (document, &options, &measures);
      print_performance_json (notes, measures);
    }
  return SR_EXIT_OK;
}

static void
print_draft_summary (const SrDraftSummary *summary)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "beats_per_minute");
  json_builder_add_double_value (builder, round (summary->beats_per_minute * 10) / 10);
  json_builder_set_member_name (builder, "time");
  g_autofree char *time = g_strdup_printf ("%d/%d", summary->beats, summary->beat_type);
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "beats_per_bar");
  json_builder_add_int_value (builder, summary->metre.beats_per_bar);
  json_builder_set_member_name (builder, "key_fifths");
  json_builder_add_int_value (builder, summary->key.fifths);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, summary->key.minor ? "minor" : "major");
  json_builder_set_member_name (builder, "bars");
  json_builder_add_int_value (builder, summary->n_bars);
  json_builder_set_member_name (builder, "notes");
  json_builder_add_int_value (builder, summary->n_notes);
  /* The tracked beats, and which of them are downbeats (bar lines), as the draft's bars fall on them. */
  json_builder_set_member_name (builder, "beats");
  json_builder_begin_array (builder);
  for (guint i = 0; i < summary->beats_s->len; i++)
    json_builder_add_double_value (builder, round (g_array_index (summary->beats_s, double, i) * 1000) / 1000);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "first_downbeat");
  json_builder_add_int_value (builder, summary->metre.first_downbeat);
  json_builder_end_object (builder);
  sr_cli_print_json (builder, FALSE);
}

/* --time N/D: one the draft can write. */
static gboolean
draft_time_option (SrCliArgs *args, SrDraftOptions *options)
{
  const char *text = sr_cli_args_get (args, "time");
  if (text == NULL)
    return TRUE;
  SrMetre metre;
  int beats = 0, beat_type = 0;
  char end = 0;
  if (sscanf (text, "%d/%d%c", &beats, &beat_type, &end) != 2 || !sr_draft_metre_of_time (beats, beat_type, &metre))
    {
      sr_cli_usage_error (args, _("--time takes N/4 (N from 1 to 7), 6/8, 9/8 or 12/8"));
      return FALSE;
    }
  options->time_beats = beats, options->time_beat_type = beat_type;
  return TRUE;
}

/* --key FIFTHS: sharps above 0, flats below. */
static gboolean
draft_key_option (SrCliArgs *args, SrDraftOptions *options)
{
  if (sr_cli_args_get (args, "key") == NULL)
    return TRUE;
  options->has_key = TRUE;
  return sr_cli_args_get_int (args, "key", 0, -7, 7, &options->key_fifths);
}

int
sr_cmd_midi_draft (SrCliArgs *args)
{
  const char *path = sr_cli_args_positional (args, 0);
  const char *output = sr_cli_args_get (args, "output"), *lmx = sr_cli_args_get (args, "lmx");
  if (output == NULL && lmx == NULL && !sr_cli_args_has (args, "json"))
    return sr_cli_usage_error (args, _("an output is needed: -o OUT.musicxml, --lmx OUT.lmx or --json"));
  int status;
  g_autoptr(GArray) notes = read_notes (args, path, &status);
  if (notes == NULL)
    return status;

  SrDraftOptions options = { 0 };
  if (!sr_cli_args_get_double (args, "tempo", 0, 20, 400, &options.beats_per_minute) ||
      !draft_time_option (args, &options) || !draft_key_option (args, &options))
    return SR_EXIT_USAGE;

  g_autoptr(GError) error = NULL;
  SrDraftSummary summary = { 0 };
  g_autoptr(GArray) tokens = sr_draft_score_lmx ((const SrNote *) notes->data, notes->len, &options, &summary,
                                                 &error);
  if (tokens == NULL)
    return sr_cli_fail (path, error->message);
  if (lmx != NULL)
    {
      GString *text = g_string_new (NULL);
      for (guint i = 0; i < tokens->len; i++)
        g_string_append_printf (text, "%s%s", i > 0 ? " " : "", sr_lmx_token_text (g_array_index (tokens, guint16, i)));
      g_string_append_c (text, '\n');
      gboolean written = g_file_set_contents (lmx, text->str, (gssize) text->len, &error);
      g_string_free (text, TRUE);
      if (!written)
        {
          sr_draft_summary_clear (&summary);
          return sr_cli_fail (lmx, error->message);
        }
    }
  if (output != NULL)
    {
      g_autoptr(xmlDoc) document = sr_draft_musicxml (tokens, &summary);
      g_autofree char *xml = sr_musicxml_to_text (document);
      if (!g_file_set_contents (output, xml, -1, &error))
        {
          sr_draft_summary_clear (&summary);
          return sr_cli_fail (output, error->message);
        }
    }
  if (sr_cli_args_has (args, "json"))
    print_draft_summary (&summary);
  else
    g_printerr (_("sightread: %s: %d/%d, %s = %.0f, key signature %+d (%s), %u bars, %u notes\n"), path,
                summary.beats, summary.beat_type, summary.metre.compound ? _("dotted quarter") : _("quarter"),
                summary.beats_per_minute, summary.key.fifths, summary.key.minor ? _("minor") : _("major"),
                summary.n_bars, summary.n_notes);
  sr_draft_summary_clear (&summary);
  return SR_EXIT_OK;
}
