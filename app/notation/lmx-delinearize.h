/* LMX → MusicXML 4.0 (../shared/specs/lmx.md §4, §6). Built to take what a model emits: tokens that make no sense
 * where they stand are dropped or repaired, one tree at a time, so one bad measure never costs the rest. */
#pragma once

#include <libxml/tree.h>

#include "lmx-vocabulary.h"
#include "musicxml-write.h"

G_BEGIN_DECLS

typedef struct {
  const char *part_name;    /* default "Piano" */
  int beats;                /* time signature in force before the first `time` token (0: none) */
  int beat_type;
} SrLmxDelinearizeOptions;

/* TOKENS (guint16 LMX ids) as a score-partwise document with one part. *N_REPAIRS (may be NULL) counts the tokens
 * dropped or repaired. Every <note> element made remembers the token it came from (sr_lmx_note_token). */
xmlDoc *sr_lmx_delinearize (const GArray *tokens, const SrLmxDelinearizeOptions *options, guint *n_repairs);


/* The index in the delinearized tokens of the note type (the root token) a <note> element of sr_lmx_delinearize's
 * document came from; -1 for elements made otherwise (read from a file, copied). */
gint64 sr_lmx_note_token (const xmlNode *note);

/* How many tokens of the <measure> element MEASURE sr_lmx_delinearize had to repair or drop (0 for a measure made
 * otherwise): the inspector marks those measures. */
guint sr_lmx_measure_repairs (const xmlNode *measure);

G_END_DECLS
