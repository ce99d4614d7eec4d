/* Builds the LMX token table once; see lmx-vocabulary.h. */
#include "lmx-vocabulary.h"

#include <stdio.h>
#include <string.h>

const char *const sr_lmx_type_names[SR_LMX_N_TYPES] = {
  "1024th", "512th", "256th", "128th", "64th", "32nd", "16th", "eighth", "quarter", "half", "whole", "breve", "long",
  "maxima",
};

static const char *const time_modifications[] = {
  "3in2", "6in4", "2in1", "2in3", "5in4", "7in8", "7in6", "9in8", "4in3", "7in4", "4in6", "13in8", "22in16", "10in4",
  "12in8", "9in4", "10in8", "18in4", "16in8", "15in8", "5in3", "11in8", "11in12", "5in2", "8in2", "4in2", "7in1",
  "35in16", "9in2",
};

typedef struct {
  char *texts[SR_LMX_VOCABULARY_SIZE];
  SrLmxClass classes[SR_LMX_VOCABULARY_SIZE];
  GHashTable *ids; /* text → id + 1 */
} Vocabulary;

static void
add (Vocabulary *vocabulary, guint *count, SrLmxClass class, char *text)
{
  g_assert (*count < SR_LMX_VOCABULARY_SIZE);
  vocabulary->texts[*count] = text;
  vocabulary->classes[*count] = class;
  g_hash_table_insert (vocabulary->ids, text, GUINT_TO_POINTER (*count + 1));
  (*count)++;
}

static const Vocabulary *
vocabulary_get (void)
{
  static Vocabulary *vocabulary;
  if (g_once_init_enter (&vocabulary))
    {
      Vocabulary *v = g_new0 (Vocabulary, 1);
      v->ids = g_hash_table_new (g_str_hash, g_str_equal);
      guint n = 0;
      add (v, &n, SR_LMX_CLASS_MEASURE, g_strdup ("measure"));
      for (int fifths = -7; fifths <= 7; fifths++)
        add (v, &n, SR_LMX_CLASS_ROOT, g_strdup_printf ("key:fifths:%d", fifths));
      add (v, &n, SR_LMX_CLASS_ROOT, g_strdup ("time"));
      for (int beats = 1; beats <= 16; beats++)
        add (v, &n, SR_LMX_CLASS_SUFFIX, g_strdup_printf ("beats:%d", beats));
      for (int beat_type = 2; beat_type <= 16; beat_type *= 2)
        add (v, &n, SR_LMX_CLASS_SUFFIX, g_strdup_printf ("beat-type:%d", beat_type));
      for (const char *sign = "GCF"; *sign != '\0'; sign++)
        for (int line = 1; line <= 5; line++)
          add (v, &n, SR_LMX_CLASS_ROOT, g_strdup_printf ("clef:%c%d", *sign, line));
      const char *note_prefixes[] = { "print-object:no", "grace", "grace:slash", "chord" };
      for (gsize i = 0; i < G_N_ELEMENTS (note_prefixes); i++)
        add (v, &n, SR_LMX_CLASS_PREFIX, g_strdup (note_prefixes[i]));
      for (int octave = 0; octave <= 9; octave++)
        for (const char *step = "CDEFGAB"; *step != '\0'; step++)
          add (v, &n, SR_LMX_CLASS_PREFIX, g_strdup_printf ("%c%d", *step, octave));
      const char *steps[] = { "rest", "forward", "backup" };
      for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
        add (v, &n, SR_LMX_CLASS_PREFIX, g_strdup (steps[i]));
      for (int voice = 1; voice <= 12; voice++)
        add (v, &n, SR_LMX_CLASS_PREFIX, g_strdup_printf ("voice:%d", voice));
      for (int type = 0; type < SR_LMX_N_TYPES; type++)
        add (v, &n, SR_LMX_CLASS_ROOT, g_strdup (sr_lmx_type_names[type]));
      add (v, &n, SR_LMX_CLASS_ROOT, g_strdup ("rest:measure"));
      for (gsize i = 0; i < G_N_ELEMENTS (time_modifications); i++)
        add (v, &n, SR_LMX_CLASS_SUFFIX, g_strdup (time_modifications[i]));
      const char *suffixes[] = {
        "dot", "sharp", "flat", "natural", "double-sharp", "flat-flat", "natural-sharp", "natural-flat",
        "stem:up", "stem:down", "stem:none", "staff:1", "staff:2", "staff:3",
        "beam:begin", "beam:end", "beam:forward-hook", "beam:backward-hook",
        "tied:start", "tied:stop", "tuplet:start", "tuplet:stop",
        "slur:start", "slur:stop", "fermata", "arpeggiate", "staccato", "accent", "strong-accent", "tenuto",
        "trill-mark", "tremolo:single", "tremolo:start", "tremolo:stop", "tremolo:unmeasured",
        "tremolo:1", "tremolo:2", "tremolo:3", "tremolo:4",
      };
      for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
        add (v, &n, SR_LMX_CLASS_SUFFIX, g_strdup (suffixes[i]));
      g_assert (n == SR_LMX_VOCABULARY_SIZE);
      g_once_init_leave (&vocabulary, v);
    }
  return vocabulary;
}

const char *
sr_lmx_token_text (guint id)
{
  g_return_val_if_fail (id < SR_LMX_VOCABULARY_SIZE, NULL);
  return vocabulary_get ()->texts[id];
}

int
sr_lmx_token_id (const char *text)
{
  gpointer found = g_hash_table_lookup (vocabulary_get ()->ids, text);
  return found != NULL ? GPOINTER_TO_INT (found) - 1 : -1;
}

SrLmxClass
sr_lmx_token_class (const char *text)
{
  int id = sr_lmx_token_id (text);
  return id >= 0 ? vocabulary_get ()->classes[id] : SR_LMX_CLASS_UNKNOWN;
}

int
sr_lmx_type_index (const char *text)
{
  for (int i = 0; i < SR_LMX_N_TYPES; i++)
    if (strcmp (text, sr_lmx_type_names[i]) == 0)
      return i;
  return -1;
}

gint64
sr_lmx_type_length_256th (int type_index)
{
  g_return_val_if_fail (type_index >= 0 && type_index < SR_LMX_N_TYPES, 0);
  return (gint64) 1 << type_index; /* 1024th = 1/256 quarter, doubling up to maxima = 32 quarters */
}

gboolean
sr_lmx_parse_time_modification (const char *text, int *actual, int *normal)
{
  for (gsize i = 0; i < G_N_ELEMENTS (time_modifications); i++)
    if (strcmp (text, time_modifications[i]) == 0)
      return sscanf (text, "%din%d", actual, normal) == 2;
  return FALSE;
}

gboolean
sr_lmx_accidental_alter (const char *text, int *alter)
{
  static const struct {
    const char *text;
    int alter;
  } accidentals[] = {
    { "sharp", 1 }, { "flat", -1 }, { "natural", 0 }, { "double-sharp", 2 }, { "flat-flat", -2 },
    { "natural-sharp", 1 }, { "natural-flat", -1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (accidentals); i++)
    if (strcmp (text, accidentals[i].text) == 0)
      {
        if (alter != NULL)
          *alter = accidentals[i].alter;
        return TRUE;
      }
  return FALSE;
}

GArray *
sr_lmx_tokens_from_text (const char *text, guint *n_unknown)
{
  GArray *tokens = g_array_new (FALSE, FALSE, sizeof (guint16));
  guint unknown = 0;
  g_auto(GStrv) words = g_strsplit_set (text, " \t\r\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      int id = sr_lmx_token_id (words[i]);
      if (id < 0)
        {
          unknown++;
          continue;
        }
      guint16 value = (guint16) id;
      g_array_append_val (tokens, value);
    }
  if (n_unknown != NULL)
    *n_unknown = unknown;
  return tokens;
}

void
sr_lmx_tokens_append (GArray *tokens, const char *text)
{
  int id = sr_lmx_token_id (text);
  g_assert (id >= 0);
  guint16 value = (guint16) id;
  g_array_append_val (tokens, value);
}
