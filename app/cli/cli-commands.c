/* Declares every sub-command: its arguments, options and, once built, the function that runs it. */
#include "cli-commands.h"

#include <glib/gi18n.h>

static const SrCliOption pages_options[] = {
  { "json", 0, NULL, N_("Print machine-readable JSON") },
  { "dpi", 0, "DPI", N_("Resolution for pixel sizes and rendered pages (default 300)") },
  { "output", 'o', "DIR", N_("Render every page into DIR as page-001.png, page-002.png, …") },
  { NULL }
};

static const SrCliOption systems_options[] = {
  { "page", 0, "N", N_("Only page N (from 1)") },
  { "json", 0, NULL, N_("Print machine-readable JSON") },
  { "debug-png", 0, "FILE", N_("Write the page (the first, or --page) with the detected boxes drawn on it") },
  { NULL }
};

static const SrCliOption omr_options[] = {
  { "page", 0, "N", N_("Only page N (from 1)") },
  { "boxes", 0, "BOXES.json", N_("Read these systems instead of finding them: a JSON array of {page, x, y, width, "
                                 "height, staff_height} in pixels of the page as it is (on an upright page, the "
                                 "\"systems\" of `systems --json`)") },
  { "output", 'o', "OUT.musicxml", N_("Write the reading as MusicXML") },
  { "lmx", 0, "OUT.lmx", N_("Write the reading as LMX tokens") },
  { "json", 0, "OUT.json", N_("Write the systems, their tokens and where on the page the reader looked for each") },
  { "engrave", 0, "OUT.pdf", N_("Write our engraving of the reading (.pdf, .png or .svg), to set beside the scan") },
  { NULL }
};

static const SrCliOption perform_options[] = {
  { "output", 'o', "OUT.wav", N_("Write the performance as audio (.wav, .flac or .ogg)") },
  { "route", 0, "direct|notation", N_("Image → audio directly, or through notation and MIDI (default: notation, the "
                                      "only route with a trained model so far)") },
  { "play", 0, NULL, N_("Play the performance on the sound card (once the score is read), as well as writing -o") },
  { "attention", 0, "OUT.json", N_("Write where on the page each note was read and when it sounds, for an overlay "
                                   "(format in the README)") },
  { "audio-device", 0, "N|NAME", N_("The output device for --play (see `sightread devices`)") },
  { "tempo-scale", 0, "FACTOR", N_("Play every tempo this many times faster (0.25–4; default 1)") },
  { NULL }
};

static const SrCliOption synth_options[] = {
  { "output", 'o', "OUT.wav", N_("Write the audio here (.wav, .flac or .ogg)") },
  { "reference", 0, NULL, N_("Render with the reference synthesizer (FluidSynth) instead of the model") },
  { "soundfont", 0, "SF2", N_("The SoundFont of the reference synthesizer (default: Debian's General MIDI font)") },
  { NULL }
};

static const SrCliOption play_options[] = {
  { "audio-device", 0, "N|NAME", N_("The output device: its number or part of its name from `sightread devices` "
                                    "(default: $SIGHTREAD_AUDIO_DEVICE, then the system's)") },
  { "start", 0, "SECONDS", N_("Start this far into the sound") },
  { "gain", 0, "DB", N_("Louder or softer by this many decibels (-60 to 24; default 0)") },
  { NULL }
};

static const SrCliOption record_options[] = {
  { "output", 'o', "OUT.wav", N_("Write the recording here (.wav or .flac at 24 bits, or .ogg)") },
  { "seconds", 0, "SECONDS", N_("Stop after this long (default: at Ctrl-C)") },
  { "audio-device", 0, "N|NAME", N_("The input device: its number or part of its name from `sightread devices` "
                                    "(default: $SIGHTREAD_AUDIO_DEVICE, then the system's)") },
  { NULL }
};

static const SrCliOption transcribe_options[] = {
  { "output", 'o', "OUT.mid", N_("Write the transcription as MIDI") },
  { "score", 0, "OUT.musicxml", N_("Write a quantised draft score as MusicXML") },
  { "image", 0, "OUT.png", N_("Write the model's picture of the score") },
  { NULL }
};

static const SrCliOption engrave_options[] = {
  { "output", 'o', "OUT.png", N_("Write the engraving here: a PNG or SVG picture, or an A4 PDF") },
  { "system", 0, "N", N_("Only system N (from 1)") },
  { "width", 0, "PX", N_("Width of a picture in pixels (default 1600)") },
  { "staff-space", 0, "PX", N_("Distance between two staff lines in pixels (default 10)") },
  { NULL }
};

static const SrCliOption output_option_musicxml[] = {
  { "output", 'o', "OUT.musicxml", N_("Write MusicXML here") },
  { NULL }
};

static const SrCliOption output_option_midi[] = {
  { "output", 'o', "OUT.mid", N_("Write the MIDI file here") },
  { NULL }
};

static const SrCliOption eval_notes_options[] = {
  { "onset-only", 0, NULL, N_("Match notes by onset and pitch only, ignoring offsets") },
  { "onset-tolerance", 0, "SECONDS", N_("How far an onset may be from the reference's (default 0.05, mir_eval's)") },
  { "sustain", 0, NULL, N_("Hold notes while the sustain pedal is down") },
  { "json", 0, NULL, N_("Print machine-readable JSON") },
  { NULL }
};

static const SrCliOption lmx_encode_options[] = {
  { "part", 0, "N", N_("Only part N (from 1); otherwise every part, each after a '# part N: name' line") },
  { "systems", 0, NULL, N_("One line per system, each opening with the key and clefs in force") },
  { "measures", 0, "RANGES", N_("One line per range of measures (counted from 1: 1-4,5-9), each opening like a "
                                "system") },
  { "verbose", 0, NULL, N_("List everything LMX cannot say that was skipped") },
  { NULL }
};

static const SrCliOption midi_render_options[] = {
  { "output", 'o', "OUT.mid", N_("Write the performance here") },
  { "tempo", 0, "BPM", N_("Quarters per minute where the score marks no tempo (default 120)") },
  { "no-repeats", 0, NULL, N_("Play the score straight through, without repeats and jumps") },
  { "tempo-scale", 0, "FACTOR", N_("Play every tempo this many times faster (0.25–4; default 1)") },
  { "json", 0, NULL, N_("Print where each measure and note sounds, in seconds, as JSON") },
  { NULL }
};

static const SrCliOption midi_draft_options[] = {
  { "output", 'o', "OUT.musicxml", N_("Write the draft score as MusicXML") },
  { "lmx", 0, "OUT.lmx", N_("Write it as LMX tokens") },
  { "tempo", 0, "BPM", N_("The beat's tempo, roughly: quarters a minute, or dotted quarters in 6/8 (default: "
                          "estimated)") },
  { "time", 0, "N/D", N_("The time signature: 2/4, 3/4, 4/4 … 7/4, 6/8, 9/8 or 12/8 (default: estimated)") },
  { "key", 0, "FIFTHS", N_("The key signature: sharps as 1 to 7, flats as -1 to -7 (default: estimated)") },
  { "json", 0, NULL, N_("Print what was estimated (tempo, metre, key, beats in seconds) as JSON") },
  { NULL }
};

static const SrCliOption eval_ser_options[] = {
  { "json", 0, NULL, N_("Print machine-readable JSON") },
  { NULL }
};

static const SrCliOption midi_notes_options[] = {
  { "sustain", 0, NULL, N_("Hold notes while the sustain pedal is down") },
  { "json", 0, NULL, N_("Print machine-readable JSON") },
  { NULL }
};

static const SrCliOption midi_encode_options[] = {
  { "segment-seconds", 0, "SECONDS", N_("Length of each token segment, at most 20 (default 20)") },
  { "sustain", 0, NULL, N_("Hold notes while the sustain pedal is down") },
  { "ids", 0, NULL, N_("Print token indices instead of names") },
  { "json", 0, NULL, N_("Print machine-readable JSON (token indices)") },
  { "lists", 0, NULL, N_("NOTES.json holds a list of note lists: encode each (with --json; the data factory's "
                         "systems in one call)") },
  { NULL }
};

static const SrCliOption crop_options[] = {
  { "boxes", 0, "BOXES.json", N_("The systems: a JSON array of {page, x, y, width, height, staff_height} in page "
                                 "pixels (an image's own, or 300 dpi for a PDF)") },
  { "output", 'o', "DIR", N_("Write the crops into DIR as system-001.pgm, system-002.pgm, …") },
  { "json", 0, NULL, N_("Print each crop's size and its place on the page as JSON") },
  { NULL }
};

static const SrCliOption videoset_options[] = {
  { "output", 'o', "DIR", N_("Write the aligned pairs into DIR, a folder a video with its manifest.jsonl") },
  { "stride", 0, "N", N_("Compare every Nth frame (default 3)") },
  { "still", 0, "DIFFERENCE", N_("Mean difference (0–1) under which frames show the same slide (default 0.004)") },
  { "min-still", 0, "SECONDS", N_("A picture must stand still this long to be a slide (default 1)") },
  { "silence", 0, "DBFS", N_("Drop slides quieter than this: intros, outros, title cards (default -45)") },
  { "min-seconds", 0, "SECONDS", N_("Drop slides shorter than this (default 2)") },
  { "max-seconds", 0, "SECONDS", N_("Drop slides longer than this (default 600)") },
  { "min-paper", 0, "LEVEL", N_("Drop a whole video whose paper is greyer than this on average, 0–255 (default 160)") },
  { "min-contrast", 0, "LEVEL", N_("… or whose ink stands out from its paper by less than this (default 80)") },
  { "height-z", 0, "Z", N_("Drop systems whose height is this many standard deviations off the video's (default 3)") },
  { "max-overlap", 0, "SHARE", N_("Drop systems overlapping another by more than this share (default 0.2)") },
  { "redo", 0, NULL, N_("Make a video again even when its folder is complete") },
  { NULL }
};

static const SrCliOption bench_options[] = {
  { "json", 0, NULL, N_("Print machine-readable JSON") },
  { NULL }
};

const SrCliCommand sr_cli_commands[] = {
  { "pages", "SCORE", 1, 1, N_("List a score's pages and render them to PNG"), pages_options, 0, sr_cmd_pages, NULL },
  { "systems", "SCORE", 1, 1, N_("Detected systems with page-pixel boxes"), systems_options, 0, sr_cmd_systems,
    NULL },
  { "crop", "SCORE", 1, 1, N_("Cut systems out of a score's pages and normalise them as the models see them"),
    crop_options, 0, sr_cmd_crop, NULL },
  { "omr", "SCORE", 1, 1, N_("Read a score image as notation (the LMX reading on standard output unless -o or --lmx)"),
    omr_options, SR_CLI_USES_DEVICE | SR_CLI_USES_MODELS | SR_CLI_SHOWS_PROGRESS, sr_cmd_omr, NULL },
  { "perform", "SCORE", 1, 1, N_("Turn a score image into sound"), perform_options,
    SR_CLI_USES_DEVICE | SR_CLI_USES_MODELS | SR_CLI_SHOWS_PROGRESS, sr_cmd_perform, NULL },
  { "synth", "MIDI", 1, 1, N_("Turn MIDI into sound with the MIDI → audio model (or --reference: FluidSynth)"),
    synth_options, SR_CLI_USES_DEVICE | SR_CLI_USES_MODELS, sr_cmd_synth, NULL },
  { "play", "AUDIO", 1, 1, N_("Play a sound file (WAV, FLAC, OGG, MP3) on the sound card"), play_options, 0,
    sr_cmd_play, NULL },
  { "record", "", 0, 0, N_("Record from an input (a microphone, a line in) to a sound file, with a level meter"),
    record_options, 0, sr_cmd_record, NULL },
  { "transcribe", "AUDIO", 1, 1, N_("Turn a recording into MIDI, a draft score and a score image"),
    transcribe_options, SR_CLI_USES_DEVICE | SR_CLI_USES_MODELS | SR_CLI_SHOWS_PROGRESS, sr_cmd_transcribe,
    NULL },
  { "translate", "MODEL SOURCES", 2, 2, N_("Read token sources (JSON, one a line) with a translator model, a reading "
                                           "a line of token ids: what training's validation scores"), NULL,
    SR_CLI_USES_DEVICE, sr_cmd_translate, NULL },
  { "engrave", "MUSICXML|LMX", 1, 1, N_("Draw notation as a picture"), engrave_options, 0, sr_cmd_engrave, NULL },
  { "lmx encode", "MUSICXML", 1, 1, N_("Print a MusicXML or .mxl score as LMX tokens, a line a part"),
    lmx_encode_options, 0, sr_cmd_lmx_encode, NULL },
  { "lmx decode", "LMX", 1, 1, N_("Turn LMX tokens back into MusicXML"), output_option_musicxml, 0,
    sr_cmd_lmx_decode, NULL },
  { "lmx vocabulary", "", 0, 0, N_("Print the 224 LMX tokens in the order of their IDs, one a line"), NULL, 0,
    sr_cmd_lmx_vocabulary, NULL },
  { "lmx trim-loops", "READINGS", 1, 1, N_("Print readings (a system a line) cut where they fall into a loop, as the "
                                           "reader cuts them"), NULL, 0, sr_cmd_lmx_trim_loops, NULL },
  { "midi notes", "MIDI", 1, 1, N_("Print a MIDI file's notes in seconds"), midi_notes_options, 0,
    sr_cmd_midi_notes, NULL },
  { "midi render", "MUSICXML", 1, 1, N_("Perform a MusicXML or .mxl score as MIDI: repeats, ties, tempo, dynamics, "
                                       "pedal"), midi_render_options, 0, sr_cmd_midi_render, NULL },
  { "midi draft", "MIDI|NOTES.json", 1, 1, N_("Write a performance (a MIDI keyboard take, a transcription) as a "
                                              "draft score: beats, metre, key, notes on a grid, two staves"),
    midi_draft_options, 0, sr_cmd_midi_draft, NULL },
  { "midi encode", "MIDI|NOTES.json", 1, 1, N_("Print a MIDI file (or a JSON note list) as event tokens, one 20-s "
                                               "segment a line"),
    midi_encode_options, 0, sr_cmd_midi_encode, NULL },
  { "midi vocabulary", "", 0, 0, N_("Print the MIDI event tokens in the order of their IDs, one a line"), NULL, 0,
    sr_cmd_midi_vocabulary, NULL },
  { "midi decode", "TOKENS", 1, 1, N_("Turn event tokens back into a MIDI file"), output_option_midi, 0,
    sr_cmd_midi_decode, NULL },
  { "eval ser", "REF PRED", 2, 2, N_("Symbol error rate between two LMX readings, a system a line"),
    eval_ser_options, 0, sr_cmd_eval_ser, NULL },
  { "eval emd", "REF PRED", 2, 2, N_("Distance between the pitch and duration histograms of two LMX readings"),
    eval_ser_options, 0, sr_cmd_eval_emd, NULL },
  { "eval notes", "REF EST", 2, 2, N_("Note precision, recall and F1 between two MIDI files or JSON note lists"),
    eval_notes_options, 0, sr_cmd_eval_notes, NULL },
  { "videoset", "VIDEO…", 1, -1, N_("Turn score-following videos into aligned system-image / audio pairs"),
    videoset_options, 0, sr_cmd_videoset, NULL },
  { "devices", "", 0, 0, N_("List the compute devices and what --device opens, then the audio devices"), NULL, SR_CLI_USES_DEVICE,
    sr_cmd_devices, NULL },
  { "bench", "[gemm|gemm-large|attention|conv|norm|translator|codec|memory…]", 0, -1,
    N_("Measure the compute kernels, the shipped translator and codec on the CPU backend and every Vulkan device (GEMM "
       "beside OpenBLAS itself; gemm-large, 4096³ for a GPU's peak, only when named)"),
    bench_options, SR_CLI_USES_DEVICE | SR_CLI_USES_MODELS, sr_cmd_bench, NULL },
  { NULL }
};

const SrCliCommand sr_cli_window_command = {
  "", "[SCORE…]", 0, -1, N_("Open the workstation, with these scores if given"), NULL,
  SR_CLI_USES_DEVICE | SR_CLI_USES_MODELS, NULL, NULL
};

const SrCliCommand *
sr_cli_find_command (const char *name)
{
  for (const SrCliCommand *command = sr_cli_commands; command->name != NULL; command++)
    if (g_str_equal (command->name, name))
      return command;
  return NULL;
}

gboolean
sr_cli_is_group (const char *name)
{
  g_autofree char *prefix = g_strconcat (name, " ", NULL);
  for (const SrCliCommand *command = sr_cli_commands; command->name != NULL; command++)
    if (g_str_has_prefix (command->name, prefix))
      return TRUE;
  return FALSE;
}
