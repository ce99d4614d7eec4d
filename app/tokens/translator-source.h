/* A translator's input as token ids, for `sightread translate`: training's validation hands the C runtime the very
 * sources it scores, so that it measures what the program reads, and faster than PyTorch reads on a CPU. One JSON
 * object a line: {"source": "audio", "target": "midi", "tokens": [...], "positions": [...], "limit": N}, with the
 * unified ids of compute/vocabulary.h, 4 a step (PAD where a step has fewer), and positions 2 a step (column, row)
 * for an image source, 1 for the others. The target is a single-stream one (lmx or midi); LIMIT caps the reading. */
#pragma once

#include <glib.h>

#include "vocabulary.h"

G_BEGIN_DECLS

#define SR_TRANSLATOR_SOURCE_MAX_STEPS 65536 /* a 12-minute audio source, or a 500-column system of 128 rows */
#define SR_TRANSLATOR_SOURCE_MAX_LIMIT 65536

typedef struct {
  SrModality source, target;
  GArray *tokens;    /* int32_t, SR_VOCAB_CODEBOOKS a step */
  GArray *positions; /* int32_t, 2 a step for an image source, else 1 */
  int steps, limit;
} SrTranslatorSource;

/* The source in the JSON object TEXT; NULL with an error saying what is wrong otherwise. */
SrTranslatorSource *sr_translator_source_from_json (const char *text, gssize length, GError **error);
void sr_translator_source_free (SrTranslatorSource *source);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrTranslatorSource, sr_translator_source_free)

G_END_DECLS
