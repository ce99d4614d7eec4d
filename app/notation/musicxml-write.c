/* Writing MusicXML: schema order where MusicXML insists on one, and the text with its DOCTYPE; see musicxml-write.h. */
#include "musicxml-write.h"

#include <stdlib.h>
#include <string.h>

static const char *const attribute_order[] = { "footnote", "level", "divisions", "key", "time", "staves",
                                               "part-symbol", "instruments", "clef", "staff-details", "transpose",
                                               "for-part", "directive", "measure-style" };

static int
attribute_rank (const xmlNode *node)
{
  for (gsize k = 0; k < G_N_ELEMENTS (attribute_order); k++)
    if (strcmp ((const char *) node->name, attribute_order[k]) == 0)
      return (int) k;
  return (int) G_N_ELEMENTS (attribute_order);
}

static int
number_of (const xmlNode *node)
{
  xmlChar *number = xmlGetProp (node, (const xmlChar *) "number");
  int value = number != NULL ? atoi ((const char *) number) : 1;
  xmlFree (number);
  return value;
}

/* Schema order, clefs by staff number, otherwise as they came (the index keeps the sort stable). */
static int
compare_attribute_children (gconstpointer a, gconstpointer b, gpointer user_data)
{
  GHashTable *positions = user_data;
  const xmlNode *x = *(xmlNode *const *) a, *y = *(xmlNode *const *) b;
  int rank = attribute_rank (x) - attribute_rank (y);
  if (rank != 0)
    return rank;
  if (strcmp ((const char *) x->name, "clef") == 0 && number_of (x) != number_of (y))
    return number_of (x) - number_of (y);
  return GPOINTER_TO_INT (g_hash_table_lookup (positions, x)) - GPOINTER_TO_INT (g_hash_table_lookup (positions, y));
}

void
sr_musicxml_sort_attributes (xmlNode *attributes)
{
  g_autoptr(GPtrArray) children = g_ptr_array_new ();
  g_autoptr(GHashTable) positions = g_hash_table_new (NULL, NULL);
  for (xmlNode *child = attributes->children; child != NULL; child = child->next)
    {
      g_hash_table_insert (positions, child, GINT_TO_POINTER (children->len));
      g_ptr_array_add (children, child);
    }
  g_ptr_array_sort_with_data (children, compare_attribute_children, positions);
  for (guint i = 0; i < children->len; i++)
    {
      xmlUnlinkNode (children->pdata[i]);
      xmlAddChild (attributes, children->pdata[i]);
    }
}

char *
sr_musicxml_to_text (xmlDoc *document)
{
  if (document->intSubset == NULL)
    xmlCreateIntSubset (document, (const xmlChar *) "score-partwise",
                        (const xmlChar *) "-//Recordare//DTD MusicXML 4.0 Partwise//EN",
                        (const xmlChar *) "http://www.musicxml.org/dtds/partwise.dtd");
  xmlChar *buffer = NULL;
  int size = 0;
  xmlDocDumpFormatMemoryEnc (document, &buffer, &size, "UTF-8", 1);
  char *result = g_strndup ((const char *) buffer, (gsize) size);
  xmlFree (buffer);
  return result;
}

xmlNode *
sr_xml_add_text (xmlNode *parent, const char *name, const char *text)
{
  return xmlNewTextChild (parent, NULL, (const xmlChar *) name, (const xmlChar *) text);
}

xmlNode *
sr_xml_add_int (xmlNode *parent, const char *name, gint64 value)
{
  char digits[24];
  g_snprintf (digits, sizeof digits, "%" G_GINT64_FORMAT, value);
  return sr_xml_add_text (parent, name, digits);
}
