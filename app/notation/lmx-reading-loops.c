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

guint
sr_lmx_reading_trim_words (const char *const *words, guint n)
{
  g_autoptr(GHashTable) numbers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree guint16 *ids = g_new (guint16, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      gpointer number = g_hash_table_lookup (numbers, words[i]);
      if (number == NULL)
        {
          number = GUINT_TO_POINTER (MIN (g_hash_table_size (numbers) + 1, G_MAXUINT16));
          g_hash_table_insert (numbers, (gpointer) words[i], number);
        }
      ids[i] = (guint16) GPOINTER_TO_UINT (number);
    }
  return sr_lmx_reading_trim (ids, n);
}

char *
sr_lmx_readings_trim_text (const char *text)
{
  GString *out = g_string_new (NULL);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && !(lines[i][0] == '\0' && lines[i + 1] == NULL); i++)
    {
      if (lines[i][0] == '#')
        {
          g_string_append_printf (out, "%s\n", lines[i]);
          continue;
        }
      g_auto(GStrv) words = g_strsplit_set (lines[i], " \t\r", -1);
      g_autoptr(GPtrArray) kept = g_ptr_array_new ();
      for (guint w = 0; words[w] != NULL; w++)
        if (words[w][0] != '\0')
          g_ptr_array_add (kept, words[w]);
      g_ptr_array_set_size (kept, sr_lmx_reading_trim_words ((const char *const *) kept->pdata, kept->len));
      g_ptr_array_add (kept, NULL);
      g_autofree char *line = g_strjoinv (" ", (char **) kept->pdata);
      g_string_append_printf (out, "%s\n", line);
    }
  return g_string_free (out, FALSE);
}
