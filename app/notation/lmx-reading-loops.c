#include "lmx-reading-loops.h"

#include <string.h>

guint
sr_lmx_reading_keep (const guint16 *ids, guint n)
{
  for (guint length = 1; length <= SR_LMX_LOOP_LONGEST_BLOCK && 2 * length <= n; length++)
    {
      const guint16 *block = ids + n - length;
      guint repeats = 1;
      while ((repeats + 1) * length <= n
             && memcmp (ids + n - (repeats + 1) * length, block, length * sizeof *ids) == 0)
        repeats++;
      if (repeats >= SR_LMX_LOOP_REPEATS && repeats * length >= SR_LMX_LOOP_TOKENS)
        return n - (repeats - 1) * length;
    }
  return n;
}

guint
sr_lmx_reading_trim (const guint16 *ids, guint n)
{
  for (guint end = 1; end <= n; end++)
    {
      guint keep = sr_lmx_reading_keep (ids, end);
      if (keep < end)
        return keep;
    }
  return n;
}
