/* The table of sub-commands (DESIGN §3) and the window's own pseudo-command. */
#pragma once

#include "cli-args.h"

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
int sr_cmd_midi_decode (SrCliArgs *args);
int sr_cmd_midi_vocabulary (SrCliArgs *args);
int sr_cmd_eval_notes (SrCliArgs *args);
int sr_cmd_lmx_encode (SrCliArgs *args);
int sr_cmd_lmx_decode (SrCliArgs *args);
int sr_cmd_lmx_vocabulary (SrCliArgs *args);
int sr_cmd_eval_ser (SrCliArgs *args);
int sr_cmd_eval_emd (SrCliArgs *args);
int sr_cmd_crop (SrCliArgs *args);
int sr_cmd_systems (SrCliArgs *args);
int sr_cmd_devices (SrCliArgs *args);
int sr_cmd_bench (SrCliArgs *args);
int sr_cmd_omr (SrCliArgs *args);
int sr_cmd_synth (SrCliArgs *args);
int sr_cmd_perform (SrCliArgs *args);
int sr_cmd_play (SrCliArgs *args);
int sr_cmd_record (SrCliArgs *args);
void sr_cli_print_audio_devices (void);
