/* Token edits for the inspector (see lmx-edit.h). A note's tree is its prefixes (chord, pitch, voice …), its root
 * (the note type) and its suffixes (dot, accidentals, beams …), as lmx.md §4 parses them. */
#include "lmx-edit.h"

#include <string.h>

#include "lmx-vocabulary.h"

static SrLmxClass
class_at (const GArray *tokens, guint i)
{
  return sr_lmx_token_class (sr_lmx_token_text (g_array_index (tokens, guint16, i)));
}

static const char *
text_at (const GArray *tokens, guint i)
{
  return sr_lmx_token_text (g_array_index (tokens, guint16, i));
}

static gboolean
is_pitch (const char *text)
{
  return strlen (text) == 2 && strchr ("CDEFGAB", text[0]) != NULL && text[1] >= '0' && text[1] <= '9';
}

/* [*FIRST, ROOT) are the note's prefixes, [ROOT + 1, *END) its suffixes. FALSE when ROOT is no root. */
static gboolean
note_tree (const GArray *tokens, guint root, guint *first, guint *end)
{
  if (root >= tokens->len || class_at (tokens, root) != SR_LMX_CLASS_ROOT)
    return FALSE;
  *first = root;
  while (*first > 0 && class_at (tokens, *first - 1) == SR_LMX_CLASS_PREFIX)
    (*first)--;
  *end = root + 1;
  while (*end < tokens->len && class_at (tokens, *end) == SR_LMX_CLASS_SUFFIX)
    (*end)++;
  return TRUE;
}

static int
find_prefix (const GArray *tokens, guint first, guint root, gboolean (*match) (const char *))
{
  for (guint i = first; i < root; i++)
    if (match (text_at (tokens, i)))
      return (int) i;
  return -1;
}

static gboolean
is_chord (const char *text)
{
  return strcmp (text, "chord") == 0;
}

/* Removes the suffixes of the note rooted at ROOT for which DROP holds. */
static void
drop_suffixes (GArray *tokens, guint root, gboolean (*drop) (const char *))
{
  guint first, end;
  note_tree (tokens, root, &first, &end);
  for (guint i = end; i-- > root + 1;)
    if (drop (text_at (tokens, i)))
      g_array_remove_index (tokens, i);
}

static gboolean
is_accidental (const char *text)
{
  return sr_lmx_accidental_alter (text, NULL);
}

static gboolean
is_tie (const char *text)
{
  return g_str_has_prefix (text, "tied:");
}

/* The pitch token STEPS scale steps from the pitch token TEXT, or -1 outside C0 … B9. */
static int
pitch_stepped (const char *text, int steps)
{
  int step = (int) (strchr ("CDEFGAB", text[0]) - "CDEFGAB") + 7 * (text[1] - '0') + steps;
  if (step < 0 || step >= 70)
    return -1;
  char name[3] = { "CDEFGAB"[step % 7], (char) ('0' + step / 7), '\0' };
  return sr_lmx_token_id (name);
}

gboolean
sr_lmx_edit_move_note (GArray *tokens, guint root, int steps)
{
  guint first, end;
  if (!note_tree (tokens, root, &first, &end))
    return FALSE;
  int pitch = find_prefix (tokens, first, root, is_pitch);
  if (pitch < 0)
    return FALSE;
  int moved = pitch_stepped (text_at (tokens, (guint) pitch), steps);
  if (moved < 0)
    return FALSE;
  g_array_index (tokens, guint16, pitch) = (guint16) moved;
  drop_suffixes (tokens, root, is_accidental);
  return TRUE;
}

gboolean
sr_lmx_edit_silence_note (GArray *tokens, guint root)
{
  guint first, end;
  if (!note_tree (tokens, root, &first, &end))
    return FALSE;
  int pitch = find_prefix (tokens, first, root, is_pitch);
  if (pitch < 0)
    return FALSE;
  if (find_prefix (tokens, first, root, is_chord) >= 0)
    {
      g_array_remove_range (tokens, first, end - first);
      return TRUE;
    }
  /* A rest carries no tie and no accidental. */
  drop_suffixes (tokens, root, is_tie);
  drop_suffixes (tokens, root, is_accidental);
  g_array_index (tokens, guint16, pitch) = (guint16) sr_lmx_token_id ("rest");
  return TRUE;
}

gboolean
sr_lmx_edit_change_value (GArray *tokens, guint root, int steps)
{
  guint first, end;
  if (!note_tree (tokens, root, &first, &end))
    return FALSE;
  int type = sr_lmx_type_index (text_at (tokens, root));
  if (type < 0 || type + steps < 0 || type + steps >= SR_LMX_N_TYPES)
    return FALSE;
  g_array_index (tokens, guint16, root) = (guint16) sr_lmx_token_id (sr_lmx_type_names[type + steps]);
  return TRUE;
}

gboolean
sr_lmx_edit_set_accidental (GArray *tokens, guint root, const char *accidental)
{
  guint first, end;
  if (!note_tree (tokens, root, &first, &end) || find_prefix (tokens, first, root, is_pitch) < 0
      || (accidental != NULL && !sr_lmx_accidental_alter (accidental, NULL)))
    return FALSE;
  drop_suffixes (tokens, root, is_accidental);
  if (accidental == NULL)
    return TRUE;
  /* After the value's own suffixes (dots, time modification), where the linearizer writes it. */
  guint at = root + 1;
  int actual, normal;
  while (at < tokens->len && class_at (tokens, at) == SR_LMX_CLASS_SUFFIX
         && (strcmp (text_at (tokens, at), "dot") == 0
             || sr_lmx_parse_time_modification (text_at (tokens, at), &actual, &normal)))
    at++;
  guint16 id = (guint16) sr_lmx_token_id (accidental);
  g_array_insert_val (tokens, at, id);
  return TRUE;
}

gboolean
sr_lmx_edit_add_chord_note (GArray *tokens, guint root, int steps)
{
  guint first, end;
  if (!note_tree (tokens, root, &first, &end))
    return FALSE;
  int pitch = find_prefix (tokens, first, root, is_pitch);
  if (pitch < 0)
    return FALSE;
  int added = pitch_stepped (text_at (tokens, (guint) pitch), steps);
  if (added < 0)
    return FALSE;
  /* chord, the pitch, the value and its dots and time modification: nothing else a chord's later notes carry. */
  g_autoptr(GArray) tree = g_array_new (FALSE, FALSE, sizeof (guint16));
  sr_lmx_tokens_append (tree, "chord");
  guint16 added_id = (guint16) added;
  g_array_append_val (tree, added_id);
  g_array_append_val (tree, g_array_index (tokens, guint16, root));
  int actual, normal;
  for (guint i = root + 1; i < end; i++)
    if (strcmp (text_at (tokens, i), "dot") == 0 || sr_lmx_parse_time_modification (text_at (tokens, i), &actual,
                                                                                      &normal))
      g_array_append_val (tree, g_array_index (tokens, guint16, i));
  /* After the whole chord, so that the notes stay in the order the chord was read. */
  guint at = end;
  while (at < tokens->len)
    {
      guint next_first = at, next_root = at;
      while (next_root < tokens->len && class_at (tokens, next_root) == SR_LMX_CLASS_PREFIX)
        next_root++;
      guint next_end;
      if (next_root >= tokens->len || !note_tree (tokens, next_root, &next_first, &next_end)
          || find_prefix (tokens, next_first, next_root, is_chord) < 0)
        break;
      at = next_end;
    }
  g_array_insert_vals (tokens, at, tree->data, tree->len);
  return TRUE;
}

static gboolean
is_attribute_root (const char *text)
{
  return g_str_has_prefix (text, "key:") || strcmp (text, "time") == 0 || g_str_has_prefix (text, "clef:");
}

gboolean
sr_lmx_edit_delete_measure (GArray *tokens, guint root)
{
  int measure_id = sr_lmx_token_id ("measure");
  if (root >= tokens->len)
    return FALSE;
  int start = (int) root;
  while (start >= 0 && g_array_index (tokens, guint16, start) != measure_id)
    start--;
  if (start < 0)
    return FALSE;
  guint end = (guint) start + 1;
  while (end < tokens->len && g_array_index (tokens, guint16, end) != measure_id)
    end++;
  gboolean first = TRUE;
  for (int i = start - 1; i >= 0 && first; i--)
    first = g_array_index (tokens, guint16, i) != measure_id;
  if (first && end >= tokens->len)
    return FALSE; /* the only measure */
  g_autoptr(GArray) handed_on = g_array_new (FALSE, FALSE, sizeof (guint16));
  if (first)
    for (guint i = (guint) start + 1; i < end; i++)
      {
        guint tree_first, tree_end;
        if (is_attribute_root (text_at (tokens, i)) && note_tree (tokens, i, &tree_first, &tree_end))
          {
            /* The attribute and its suffixes (beats, beat-type, staff). */
            g_array_append_vals (handed_on, &g_array_index (tokens, guint16, i), tree_end - i);
            i = tree_end - 1;
          }
      }
  g_array_remove_range (tokens, (guint) start, end - (guint) start);
  if (first)
    g_array_insert_vals (tokens, (guint) start + 1, handed_on->data, handed_on->len);
  return TRUE;
}
