/* MT3/YourMT3 MIDI event tokens as U-MusT uses them (../shared/specs/midi-tokens.md §2–3, §5): a 10-ms grid, shifts
 * absolute within a segment, a tie section at each segment start. The one tokenizer: training uses it too. */
#pragma once

#include "midi-notes.h"

G_BEGIN_DECLS

typedef struct {
  int ticks_per_second; /* 100: a 10-ms grid */
  int max_shift;        /* S: shift values 0 … S−1; 2001 covers 20-s segments */
} SrMidiTokenConfig;

#define SR_MIDI_TOKEN_CONFIG_DEFAULT ((SrMidiTokenConfig) { 100, 2001 })
#define SR_MIDI_TOKENS_SEGMENT_SECONDS 20.0

typedef enum {
  SR_MIDI_TOKEN_PAD,
  SR_MIDI_TOKEN_EOS,
  SR_MIDI_TOKEN_UNK,
  SR_MIDI_TOKEN_SHIFT,
  SR_MIDI_TOKEN_PITCH,
  SR_MIDI_TOKEN_VELOCITY,
  SR_MIDI_TOKEN_TIE,
  SR_MIDI_TOKEN_PROGRAM,
  SR_MIDI_TOKEN_DRUM,
  SR_MIDI_TOKEN_INVALID,
} SrMidiTokenKind;

/* 3 + S + 387 tokens: 2391 with the default S. */
guint sr_midi_tokens_vocabulary_size (const SrMidiTokenConfig *config);
guint sr_midi_token (const SrMidiTokenConfig *config, SrMidiTokenKind kind, int value);
SrMidiTokenKind sr_midi_token_kind (const SrMidiTokenConfig *config, guint token, int *value);

/* "shift:10", "pitch:60", "velocity:1", "tie", "program:0", "drum:36", "PAD", "EOS", "UNK". */
char *sr_midi_token_name (const SrMidiTokenConfig *config, guint token);
/* Reads a name, or a plain index. */
gboolean sr_midi_token_parse (const SrMidiTokenConfig *config, const char *text, guint *token);

/* Splits NOTES into consecutive segments of SEGMENT_SECONDS (shift range permitting) covering them all; each
 * segment is a GArray of guint16 tokens, without EOS. */
GPtrArray *sr_midi_tokens_encode (const SrMidiTokenConfig *config, const SrNote *notes, guint n_notes,
                                  double segment_seconds, GError **error);

/* Decodes consecutive segments back into notes (velocity 100; drums 10 ms long). Tokens that make no sense where
 * they stand are counted in *N_ERRORS and skipped: decoding never fails. */
GArray *sr_midi_tokens_decode (const SrMidiTokenConfig *config, GPtrArray *segments, double segment_seconds,
                               guint *n_errors);

/* The tokens as text, as `sightread midi encode` prints them and `midi decode` (and training's validation) reads them:
 * a header line, then a segment a line of token names ("pitch:60") or indices. */
#define SR_MIDI_TOKENS_TEXT_HEADER "# sightread midi tokens:"

/* Reads such text: *SEGMENT_SECONDS gets the header's segment-seconds (left as it is without a usable one); other
 * lines starting with '#' are comments; a word that names no token is read as UNK and counted in *N_UNREADABLE. */
GPtrArray *sr_midi_tokens_read_text (const SrMidiTokenConfig *config, const char *text, double *segment_seconds,
                                     guint *n_unreadable);

G_END_DECLS
