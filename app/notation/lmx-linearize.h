/* MusicXML → LMX (../shared/specs/lmx.md §5), normalised towards the MuseScore dialect so that LMX → MusicXML →
 * LMX gives the same tokens: ties, tuplets and slurs stop before they start, notations appear at most once
 * (slurs excepted), beams only on the first note of a chord and never on rests, stems never on rests or stemless
 * notes (whole and longer). */
#pragma once

#include <libxml/tree.h>

#include "lmx-vocabulary.h"

G_BEGIN_DECLS

/* The tokens of one <part>, as token IDs (guint16). What LMX cannot say is skipped; PROBLEMS (may be NULL)
 * collects a line for each thing skipped that a reader would want to know about. */
GArray *sr_lmx_linearize_part (const xmlNode *part, GPtrArray *problems);

/* The same, and for each token the <note> element it stands for (NULL for tokens that stand for no note); a
 * note's root token (its type, or rest:measure) carries the link. SOURCES gets one entry per token. */
GArray *sr_lmx_linearize_part_with_sources (const xmlNode *part, GPtrArray *sources, GPtrArray *problems);

/* One token array per system, cut where a <print> starts a new system or page; each system opens with a head
 * stating the key and every staff's clef in force (the time only where the score prints one), as OLiMPiC does. */
GPtrArray *sr_lmx_linearize_systems (const xmlNode *part, GPtrArray *problems);

typedef struct {
  guint start, end; /* 0-based measure positions in the part (not their numbers), END excluded */
} SrLmxMeasureRange;

/* One token array per range (ascending, not overlapping), each opening with the head of a system: what an engraver
 * that broke the systems there shows. The data factory cuts its engraved systems' LMX with it. */
GPtrArray *sr_lmx_linearize_measure_ranges (const xmlNode *part, const SrLmxMeasureRange *ranges, guint n_ranges,
                                            GPtrArray *problems);

/* Space-separated token texts. */
char *sr_lmx_tokens_to_text (const GArray *tokens);

G_END_DECLS
