/* A device-machine harness (tools/device/README.md): the subcommands of the sightread program that training's
 * validation calls — for OMR `lmx vocabulary`, `lmx trim-loops READINGS` and `eval ser --json REF PRED`, for
 * transcription `midi decode TOKENS -o OUT.mid` and `eval notes --onset-only --json REF.mid EST.mid` — through the
 * same library calls as app/cli/cmd-lmx.c, cmd-midi.c and cmd-eval-notes.c, for a GPU machine where the whole program
 * cannot run. Not part of the product. */
#include <stdio.h>
#include <string.h>

#include "lmx-reading-loops.h"
#include "lmx-vocabulary.h"
#include "midi-file.h"
#include "midi-notes.h"
#include "midi-tokens.h"
#include "note-metrics.h"
#include "ser.h"

/* Token text (a segment a line) → a MIDI file, as `sightread midi decode`. */
static int
midi_decode (const char *path, const char *output)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 1;
  SrMidiTokenConfig config = SR_MIDI_TOKEN_CONFIG_DEFAULT;
  double segment_seconds = SR_MIDI_TOKENS_SEGMENT_SECONDS;
  guint unreadable = 0;
  g_autoptr(GPtrArray) segments = sr_midi_tokens_read_text (&config, text, &segment_seconds, &unreadable);
  guint errors = 0;
  g_autoptr(GArray) notes = sr_midi_tokens_decode (&config, segments, segment_seconds, &errors);
  g_autoptr(SrMidiFile) file = sr_midi_file_new_from_notes ((const SrNote *) notes->data, notes->len);
  return sr_midi_file_write (file, output, NULL) ? 0 : 1;
}

static GArray *
pitched_notes (const char *path)
{
  g_autoptr(SrMidiFile) file = sr_midi_file_read (path, NULL);
  if (file == NULL)
    return NULL;
  GArray *notes = sr_midi_file_get_notes (file, SR_MIDI_NOTES_DEFAULT);
  for (guint i = notes->len; i-- > 0;)
    if (g_array_index (notes, SrNote, i).is_drum)
      g_array_remove_index (notes, i);
  return notes;
}

static GPtrArray *
systems_of (const char *path)
{
  g_autofree char *contents = NULL;
  return g_file_get_contents (path, &contents, NULL, NULL) ? sr_ser_systems (contents) : NULL;
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "lmx") == 0 && strcmp (argv[2], "vocabulary") == 0)
    {
      for (guint id = 0; id < SR_LMX_VOCABULARY_SIZE; id++)
        printf ("%s\n", sr_lmx_token_text (id));
      return 0;
    }
  if (argc == 4 && strcmp (argv[1], "lmx") == 0 && strcmp (argv[2], "trim-loops") == 0)
    {
      g_autofree char *contents = NULL;
      if (!g_file_get_contents (argv[3], &contents, NULL, NULL))
        return 1;
      g_autofree char *trimmed = sr_lmx_readings_trim_text (contents);
      fputs (trimmed, stdout);
      return 0;
    }
  if (argc == 6 && strcmp (argv[1], "eval") == 0 && strcmp (argv[2], "ser") == 0)
    {
      g_autoptr(GPtrArray) reference = systems_of (argv[4]), prediction = systems_of (argv[5]);
      if (reference == NULL || prediction == NULL || reference->len != prediction->len)
        return 1;
      SrSerCounts all = { 0 };
      for (guint i = 0; i < reference->len; i++)
        sr_ser_add (&all, reference->pdata[i], prediction->pdata[i], FALSE);
      printf ("{\"ser\": %.6f, \"systems\": %u}\n", sr_ser_percent (&all), reference->len);
      return 0;
    }
  if (argc == 6 && strcmp (argv[1], "midi") == 0 && strcmp (argv[2], "decode") == 0 && strcmp (argv[4], "-o") == 0)
    return midi_decode (argv[3], argv[5]);
  if (argc == 7 && strcmp (argv[1], "eval") == 0 && strcmp (argv[2], "notes") == 0
      && strcmp (argv[3], "--onset-only") == 0)
    {
      g_autoptr(GArray) reference = pitched_notes (argv[5]), estimate = pitched_notes (argv[6]);
      if (reference == NULL || estimate == NULL)
        return 1;
      SrNoteMatchRules rules = SR_NOTE_MATCH_RULES_ONSET_ONLY;
      SrNoteScores scores = sr_note_scores ((const SrNote *) reference->data, reference->len,
                                            (const SrNote *) estimate->data, estimate->len, &rules);
      printf ("{\"precision\": %.6f, \"recall\": %.6f, \"f1\": %.6f}\n", scores.precision, scores.recall,
              scores.f1);
      return 0;
    }
  fprintf (stderr, "usage: sr-metric lmx vocabulary | lmx trim-loops READINGS | eval ser --json REF PRED"
           " | midi decode TOKENS -o OUT.mid | eval notes --onset-only --json REF.mid EST.mid\n");
  return 2;
}
