/* `sightread synth MIDI -o OUT.wav|.flac|.ogg`: MIDI → sound. The MIDI → audio model is still to be trained
 * (issue 7); until it is, --reference renders with the reference synthesizer (FluidSynth, a General MIDI
 * SoundFont), the yardstick the model will be measured against. */
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "midi-file.h"
#include "reference-synth.h"

int
sr_cmd_synth (SrCliArgs *args)
{
  const char *path = sr_cli_args_positional (args, 0);
  const char *output = sr_cli_args_get (args, "output");
  if (output == NULL)
    return sr_cli_usage_error (args, _("an output file is needed: -o OUT.wav, .flac or .ogg"));
  if (!sr_cli_args_has (args, "reference"))
    return sr_cli_fail ("synth", _("the MIDI → audio model is not trained yet (see train/RESULTS.md); --reference "
                                   "renders with the reference synthesizer"));
  g_autoptr(GError) error = NULL;
  if (!sr_audio_can_write (output, &error))
    return sr_cli_fail (output, error->message);
  g_autoptr(SrMidiFile) file = sr_midi_file_read (path, &error);
  if (file == NULL)
    return sr_cli_fail (path, error->message);
  g_autoptr(GArray) notes = sr_midi_file_get_notes (file, SR_MIDI_NOTES_SUSTAIN);
  if (notes->len == 0)
    return sr_cli_fail (path, _("the file has no notes"));
  g_autoptr(SrAudio) audio = sr_reference_synth_render ((const SrNote *) notes->data, notes->len,
                                                        sr_cli_args_get (args, "soundfont"), 44100, &error);
  if (audio == NULL)
    return sr_cli_fail ("synth", error->message);
  if (!sr_audio_write (audio, output, &error))
    return sr_cli_fail (output, error->message);
  return SR_EXIT_OK;
}
