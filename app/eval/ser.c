/* Token edit distance and SER; see ser.h. */
#include "ser.h"

#include <string.h>

#include "lmx-vocabulary.h"

GPtrArray *
sr_ser_tokens (const char *text)
{
  GPtrArray *tokens = g_ptr_array_new ();
  g_auto(GStrv) words = g_strsplit_set (text, " \t\r\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (tokens, (gpointer) g_intern_string (words[i]));
  return tokens;
}

guint
sr_token_edit_distance (const GPtrArray *reference, const GPtrArray *prediction)
{
  guint n = reference->len, m = prediction->len;
  g_autofree guint *row = g_new (guint, m + 1);
  for (guint j = 0; j <= m; j++)
    row[j] = j;
  for (guint i = 1; i <= n; i++)
    {
      guint diagonal = row[0];
      row[0] = i;
      gconstpointer r = reference->pdata[i - 1];
      for (guint j = 1; j <= m; j++)
        {
          guint above = row[j];
          guint substitution = diagonal + (r != prediction->pdata[j - 1]);
          row[j] = MIN (MIN (above + 1, row[j - 1] + 1), substitution);
          diagonal = above;
        }
    }
  return row[m];
}

static gboolean
is_tuplet_token (const char *text)
{
  int actual, normal;
  return strcmp (text, "tuplet:start") == 0 || strcmp (text, "tuplet:stop") == 0 ||
         sr_lmx_parse_time_modification (text, &actual, &normal);
}

static GPtrArray *
without_tuplet_tokens (const GPtrArray *tokens)
{
  GPtrArray *kept = g_ptr_array_new ();
  for (guint i = 0; i < tokens->len; i++)
    if (!is_tuplet_token (tokens->pdata[i]))
      g_ptr_array_add (kept, tokens->pdata[i]);
  return kept;
}

void
sr_ser_add (SrSerCounts *counts, const GPtrArray *reference, const GPtrArray *prediction, gboolean without_tuplets)
{
  if (!without_tuplets)
    {
      counts->edits += sr_token_edit_distance (reference, prediction);
      counts->reference_tokens += reference->len;
      return;
    }
  g_autoptr(GPtrArray) r = without_tuplet_tokens (reference);
  g_autoptr(GPtrArray) p = without_tuplet_tokens (prediction);
  counts->edits += sr_token_edit_distance (r, p);
  counts->reference_tokens += r->len;
}

double
sr_ser_percent (const SrSerCounts *counts)
{
  return counts->reference_tokens > 0 ? 100.0 * (double) counts->edits / (double) counts->reference_tokens : 0.0;
}

GPtrArray *
sr_ser_systems (const char *text)
{
  GPtrArray *systems = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '#' || (lines[i][0] == '\0' && lines[i + 1] == NULL))
        continue;
      g_ptr_array_add (systems, sr_ser_tokens (lines[i]));
    }
  return systems;
}
