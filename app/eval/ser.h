/* Symbol error rate over LMX systems, as Zeus and U-MusT compute it (../shared/specs/lmx.md §8): whitespace tokens,
 * Levenshtein distances summed over the set, divided by the reference token count. Any word counts, in the
 * vocabulary or not, as in the reference scripts. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint64 edits;
  guint64 reference_tokens;
} SrSerCounts;

/* Splits a system's text at whitespace into interned strings (g_intern_string), which compare by pointer. */
GPtrArray *sr_ser_tokens (const char *text);

/* The systems of a readings file's TEXT, a line each ("#" lines and a final empty line skipped), split as above. */
GPtrArray *sr_ser_systems (const char *text);

/* Edit distance between two interned token sequences; insert, delete and substitute cost 1 each. */
guint sr_token_edit_distance (const GPtrArray *reference, const GPtrArray *prediction);

/* Adds one system pair to COUNTS; WITHOUT_TUPLETS first drops tuplet:start, tuplet:stop and every NinM token. */
void sr_ser_add (SrSerCounts *counts, const GPtrArray *reference, const GPtrArray *prediction, gboolean without_tuplets);

/* 100 × edits ÷ reference tokens (0 for an empty reference). */
double sr_ser_percent (const SrSerCounts *counts);

G_END_DECLS
