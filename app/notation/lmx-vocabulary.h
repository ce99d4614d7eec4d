/* The 224 LMX tokens (../shared/specs/lmx.md §2), their order (the token ids), and the three classes the decoder
 * sorts them into (§4): roots, prefixes and suffixes. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_LMX_VOCABULARY_SIZE 224

typedef enum {
  SR_LMX_CLASS_UNKNOWN,
  SR_LMX_CLASS_MEASURE,
  SR_LMX_CLASS_ROOT,
  SR_LMX_CLASS_PREFIX,
  SR_LMX_CLASS_SUFFIX,
} SrLmxClass;

/* Token ID (0 … 223) → text, and back (-1 when TEXT is no LMX token). */
const char *sr_lmx_token_text (guint id);
int sr_lmx_token_id (const char *text);

SrLmxClass sr_lmx_token_class (const char *text);

/* Note types from shortest to longest, and their length in 1/256 quarters. */
#define SR_LMX_N_TYPES 14
extern const char *const sr_lmx_type_names[SR_LMX_N_TYPES];
int sr_lmx_type_index (const char *text);
gint64 sr_lmx_type_length_256th (int type_index);

/* TRUE when TEXT is one of the 7 accidental tokens; *ALTER (may be NULL) gets its semitones. */
gboolean sr_lmx_accidental_alter (const char *text, int *alter);

/* Time modifications "NinM" the vocabulary knows. */
gboolean sr_lmx_parse_time_modification (const char *text, int *actual, int *normal);

/* Appends the ID of TEXT, which must be an LMX token, to TOKENS (guint16). */
void sr_lmx_tokens_append (GArray *tokens, const char *text);

/* Whitespace-separated token texts → token IDs; unknown words are counted in *N_UNKNOWN (may be NULL) and
 * dropped. */
GArray *sr_lmx_tokens_from_text (const char *text, guint *n_unknown);

G_END_DECLS
