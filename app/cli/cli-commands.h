/* The table of sub-commands (DESIGN §3) and the window's own pseudo-command. */
#pragma once

#include "audio-devices.h"
#include "audio-file.h"
#include "audio-playback.h"
#include "cli-args.h"
#include "midi-notes.h"
#include <libxml/tree.h>

/* All sub-commands, in the order --help lists them; terminated by an entry with a NULL name. */
extern const SrCliCommand sr_cli_commands[];

/* `sightread [OPTIONS] [SCORE…]`: the workstation. */
extern const SrCliCommand sr_cli_window_command;

const SrCliCommand *sr_cli_find_command (const char *name);

/* TRUE when NAME is the first word of two-word commands ("lmx", "midi", "eval"). */
gboolean sr_cli_is_group (const char *name);

/* Implemented sub-commands, one file each. */
int sr_cmd_pages (SrCliArgs *args);
int sr_cmd_midi_notes (SrCliArgs *args);
int sr_cmd_midi_encode (SrCliArgs *args);
int sr_cmd_midi_render (SrCliArgs *args);
int sr_cmd_midi_draft (SrCliArgs *args);
int sr_cmd_midi_decode (SrCliArgs *args);
int sr_cmd_midi_vocabulary (SrCliArgs *args);
int sr_cmd_eval_notes (SrCliArgs *args);
int sr_cmd_lmx_encode (SrCliArgs *args);
int sr_cmd_lmx_decode (SrCliArgs *args);
int sr_cmd_lmx_vocabulary (SrCliArgs *args);
int sr_cmd_lmx_trim_loops (SrCliArgs *args);
int sr_cmd_eval_ser (SrCliArgs *args);
int sr_cmd_eval_emd (SrCliArgs *args);
int sr_cmd_crop (SrCliArgs *args);
int sr_cmd_systems (SrCliArgs *args);
int sr_cmd_devices (SrCliArgs *args);
int sr_cmd_bench (SrCliArgs *args);
int sr_cmd_omr (SrCliArgs *args);
int sr_cmd_synth (SrCliArgs *args);
int sr_cmd_perform (SrCliArgs *args);
int sr_cmd_transcribe (SrCliArgs *args);
int sr_cmd_translate (SrCliArgs *args);
int sr_cmd_engrave (SrCliArgs *args);
int sr_cmd_play (SrCliArgs *args);
int sr_cmd_record (SrCliArgs *args);
int sr_cmd_videoset (SrCliArgs *args);
void sr_cli_print_audio_devices (void);

/* The notes of PATH, a MIDI file or a JSON note list (a path ending in .json); NULL with the message printed and
 * *STATUS the exit status otherwise. */
GArray *sr_cli_read_notes (const char *path, SrMidiNotesFlags flags, int *status);

/* The score in the LMX text file PATH (parts after "# part N: name" lines) as MusicXML, repairs noted on stderr; NULL
 * with the message printed and *STATUS the exit status when it cannot be read. */
xmlDoc *sr_cli_read_lmx_score (const char *path, int *status);

/* The output device --audio-device (or $SIGHTREAD_AUDIO_DEVICE, or the system) names; NULL with the reason. */
SrAudioDevice *sr_cli_output_device (SrCliArgs *args, GError **error);
/* STREAM (at a rate DEVICE takes) starting to play on DEVICE from START_FRAME at GAIN: the playback, or NULL with
 * the reason. Ctrl-C is caught from then on. */
SrPlayback *sr_cli_start_playback (const SrAudioDevice *device, SrAudioStream *stream, float gain, gsize start_frame,
                                   GError **error);
/* Waits until PLAYBACK has played its stream to the end or Ctrl-C, with the clock on a terminal; stutters are reported
 * as SUBJECT's. */
void sr_cli_follow_playback (SrPlayback *playback, SrAudioStream *stream, const char *subject, const char *title,
                             const char *device_name);
/* AUDIO on DEVICE from START_SECONDS to its end or Ctrl-C, at GAIN, with progress on a terminal, TITLE naming it;
 * stutters are reported as SUBJECT's. */
gboolean sr_cli_play_audio (const SrAudioDevice *device, const char *subject, const char *title, const SrAudio *audio,
                            double start_seconds, float gain, GError **error);
