/* MEI attribute values read and turned into MusicXML's: durations, accidentals, keys, beams; see mei-read-private.h. */
#include "mei-read-private.h"

#include <string.h>

const char *
sr_mei_attr (const xmlNode *node, const char *name)
{
  /* libxml2 keeps attributes as xmlChar*; the document outlives every use here. */
  for (xmlAttr *a = node->properties; a != NULL; a = a->next)
    if (strcmp ((const char *) a->name, name) == 0 && a->children != NULL)
      return (const char *) a->children->content;
  return NULL;
}

int
sr_mei_attr_int (const xmlNode *node, const char *name, int fallback)
{
  const char *text = sr_mei_attr (node, name);
  if (text == NULL)
    return fallback;
  /* "3+2" metres add up. */
  int total = 0, value = 0;
  gboolean any = FALSE;
  for (const char *c = text;; c++)
    {
      if (*c >= '0' && *c <= '9')
        {
          value = MIN (value * 10 + (*c - '0'), 100000);
          any = TRUE;
        }
      else if (*c == '+' || *c == '\0')
        {
          total += value;
          value = 0;
          if (*c == '\0')
            break;
        }
      else
        return fallback;
    }
  return any ? total : fallback;
}

const char *
sr_mei_id_of (const xmlNode *node)
{
  for (xmlAttr *a = node->properties; a != NULL; a = a->next)
    if (strcmp ((const char *) a->name, "id") == 0 && a->children != NULL)
      return (const char *) a->children->content;
  return NULL;
}

gboolean
sr_mei_is (const xmlNode *node, const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE && strcmp ((const char *) node->name, name) == 0;
}

static const struct {
  const char *mei;
  const char *type;
  int quarters_times_4;
} durations[] = {
  { "long", "long", 16 * 4 }, { "breve", "breve", 8 * 4 }, { "1", "whole", 4 * 4 }, { "2", "half", 2 * 4 },
  { "4", "quarter", 4 }, { "8", "eighth", 2 }, { "16", "16th", 1 },
};

/* The type name and the undotted length in divisions of an MEI @dur; FALSE when unknown. */
gboolean
sr_mei_duration_of (const char *dur, const char **type, gint64 *length)
{
  if (dur == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (durations); i++)
    if (strcmp (dur, durations[i].mei) == 0)
      {
        *type = durations[i].type;
        *length = (gint64) DIVISIONS * durations[i].quarters_times_4 / 4;
        return TRUE;
      }
  static const char *const shorter[] = { "32nd", "64th", "128th", "256th", "512th", "1024th" };
  for (guint i = 0; i < G_N_ELEMENTS (shorter); i++)
    {
      char number[8];
      g_snprintf (number, sizeof number, "%d", 32 << i);
      if (strcmp (dur, number) == 0)
        {
          *type = shorter[i];
          *length = MAX ((gint64) DIVISIONS * 4 / (32 << i), 1);
          return TRUE;
        }
    }
  return FALSE;
}

gint64
sr_mei_dotted (gint64 length, int dots)
{
  gint64 total = length, part = length;
  for (int i = 0; i < dots && i < 4; i++)
    {
      part /= 2;
      total += part;
    }
  return total;
}

gboolean
sr_mei_accidental_alter (const char *accid, int *alter, const char **name)
{
  static const struct {
    const char *mei;
    int alter;
    const char *name;
  } table[] = {
    { "s", 1, "sharp" }, { "f", -1, "flat" }, { "n", 0, "natural" }, { "x", 2, "double-sharp" },
    { "ss", 2, "double-sharp" }, { "ff", -2, "flat-flat" }, { "ns", 1, "natural-sharp" }, { "nf", -1, "natural-flat" },
  };
  for (guint i = 0; accid != NULL && i < G_N_ELEMENTS (table); i++)
    if (strcmp (accid, table[i].mei) == 0)
      {
        *alter = table[i].alter;
        if (name != NULL)
          *name = table[i].name;
        return TRUE;
      }
  return FALSE;
}

int
sr_mei_fifths_of (const char *sig)
{
  if (sig == NULL || sig[0] < '0' || sig[0] > '9')
    return 0;
  int count = MIN (sig[0] - '0', 7);
  return sig[1] == 'f' ? -count : count;
}

int
sr_mei_beam_levels (const char *type)
{
  static const char *const types[] = { "eighth", "16th", "32nd", "64th", "128th", "256th", "512th", "1024th" };
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (strcmp (type, types[i]) == 0)
      return (int) i + 1;
  return 0;
}
