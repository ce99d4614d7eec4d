/* Magic-number sniffing for the score formats Sightread opens; see score-format.h. */
#include "score-format.h"

#include <string.h>

static gboolean
has_prefix (const guint8 *head, gsize length, const char *magic, gsize magic_length)
{
  return length >= magic_length && memcmp (head, magic, magic_length) == 0;
}

/* PDF readers accept "%PDF-" anywhere in the first kilobyte (some writers put junk before it), so do we. */
static gboolean
looks_like_pdf (const guint8 *head, gsize length)
{
  gsize window = MIN (length, (gsize) SR_SCORE_FORMAT_SNIFF_BYTES);
  for (gsize offset = 0; offset + 5 <= window; offset++)
    if (memcmp (head + offset, "%PDF-", 5) == 0)
      return TRUE;
  return FALSE;
}

SrScoreFormat
sr_score_format_sniff (const guint8 *head, gsize length)
{
  if (head == NULL)
    return SR_SCORE_FORMAT_UNKNOWN;
  if (has_prefix (head, length, "\x89PNG\r\n\x1a\n", 8))
    return SR_SCORE_FORMAT_PNG;
  if (has_prefix (head, length, "\xff\xd8\xff", 3))
    return SR_SCORE_FORMAT_JPEG;
  if (has_prefix (head, length, "II*\0", 4) || has_prefix (head, length, "MM\0*", 4))
    return SR_SCORE_FORMAT_TIFF;
  if (looks_like_pdf (head, length))
    return SR_SCORE_FORMAT_PDF;
  return SR_SCORE_FORMAT_UNKNOWN;
}

const char *
sr_score_format_name (SrScoreFormat format)
{
  switch (format)
    {
    case SR_SCORE_FORMAT_PDF:
      return "PDF";
    case SR_SCORE_FORMAT_PNG:
      return "PNG";
    case SR_SCORE_FORMAT_JPEG:
      return "JPEG";
    case SR_SCORE_FORMAT_TIFF:
      return "TIFF";
    case SR_SCORE_FORMAT_UNKNOWN:
    default:
      return "unknown";
    }
}
