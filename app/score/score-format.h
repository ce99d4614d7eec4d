/* Recognising score files by their first bytes, never by their name. */
#pragma once

#include <glib.h>

typedef enum {
  SR_SCORE_FORMAT_UNKNOWN,
  SR_SCORE_FORMAT_PDF,
  SR_SCORE_FORMAT_PNG,
  SR_SCORE_FORMAT_JPEG,
  SR_SCORE_FORMAT_TIFF,
} SrScoreFormat;

/* How many leading bytes sr_score_format_sniff() looks at, at most. */
#define SR_SCORE_FORMAT_SNIFF_BYTES 1024

SrScoreFormat sr_score_format_sniff (const guint8 *head, gsize length);

/* "PDF", "PNG", "JPEG", "TIFF" or "unknown". */
const char *sr_score_format_name (SrScoreFormat format);
