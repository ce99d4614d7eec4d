/* `sightread transcribe AUDIO -o OUT.mid [--score OUT.musicxml]`: a recording heard by the A2I model as MIDI notes,
 * and those notes written as a draft score (app/tasks/transcribe-file.c). The model's audio → image picture (--image)
 * waits for its training (issue 7). */
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "transcribe-file.h"

int
sr_cmd_transcribe (SrCliArgs *args)
{
  const char *path = sr_cli_args_positional (args, 0);
  const char *output = sr_cli_args_get (args, "output"), *score = sr_cli_args_get (args, "score");
  if (sr_cli_args_get (args, "image") != NULL)
    return sr_cli_fail ("transcribe", _("the audio → image model is not trained yet (see train/RESULTS.md); "
                                        "--score writes the draft score as MusicXML"));
  if (output == NULL && score == NULL)
    return sr_cli_usage_error (args, _("an output is needed: -o OUT.mid or --score OUT.musicxml"));
  g_autofree char *models = sr_cli_models_folder (args);
  g_autoptr(SrProgress) progress = sr_cli_progress_new (args, _("transcribing"));
  g_autoptr(GError) error = NULL;
  g_autoptr(SrTranscription) done = sr_transcribe_file (path, &args->device, models, output, score,
                                                        sr_cli_progress_update, progress, NULL, &error);
  g_clear_pointer (&progress, sr_progress_free);
  if (done == NULL)
    return sr_cli_fail ("transcribe", error->message);
  if (done->notice != NULL)
    g_printerr (_("sightread: transcribe: note: %s\n"), done->notice);
  if (done->summary.windows_cut > 0)
    g_printerr (_("sightread: %s: warning: in %u of %u windows the model ran to its length limit; notes there may "
                  "be missing or repeated\n"), path, done->summary.windows_cut, done->summary.windows);
  const SrDraftSummary *draft = &done->draft_summary;
  g_print (_("%u notes heard in %.1f s of sound; draft: %d/%d, %s = %.0f, key signature %+d (%s), %u bars\n"),
           done->notes->len, done->summary.seconds, draft->beats, draft->beat_type,
           draft->metre.compound ? _("dotted quarter") : _("quarter"), draft->beats_per_minute, draft->key.fifths,
           draft->key.minor ? _("minor") : _("major"), draft->n_bars);
  return SR_EXIT_OK;
}
