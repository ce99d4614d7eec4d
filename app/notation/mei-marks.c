/* The control events of MEI (ties, slurs, fermatas, ornaments, tuplet spans, articulations) that point at notes by
 * id or by staff and beat, gathered before the notes are read and written onto them; see mei-read-private.h. */
#include "mei-read-private.h"

#include <math.h>
#include <string.h>

#include "musicxml-read.h"

void
sr_mei_free_marks (gpointer data)
{
  Marks *marks = data;
  if (marks->slur_starts != NULL)
    g_array_unref (marks->slur_starts);
  if (marks->slur_stops != NULL)
    g_array_unref (marks->slur_stops);
  g_free (marks);
}

Marks *
sr_mei_marks_for (Reader *r, const char *reference)
{
  if (reference == NULL)
    return NULL;
  if (reference[0] == '#')
    reference++;
  Marks *marks = g_hash_table_lookup (r->marks, reference);
  if (marks == NULL)
    {
      marks = g_new0 (Marks, 1);
      g_hash_table_insert (r->marks, g_strdup (reference), marks);
    }
  return marks;
}

void
sr_mei_collect_marks (Reader *r, const xmlNode *node)
{
  for (const xmlNode *child = node->children; child != NULL; child = child->next)
    {
      if (child->type != XML_ELEMENT_NODE)
        continue;
      const char *start = sr_mei_attr (child, "startid"), *end = sr_mei_attr (child, "endid");
      if (sr_mei_is (child, "tie"))
        {
          Marks *a = sr_mei_marks_for (r, start), *b = sr_mei_marks_for (r, end);
          if (a != NULL)
            a->tie_start = TRUE;
          if (b != NULL)
            b->tie_stop = TRUE;
        }
      else if (sr_mei_is (child, "slur") && start != NULL && end != NULL)
        {
          int number = r->next_slur % 6 + 1;
          r->next_slur++;
          Marks *a = sr_mei_marks_for (r, start), *b = sr_mei_marks_for (r, end);
          if (a->slur_starts == NULL)
            a->slur_starts = g_array_new (FALSE, FALSE, sizeof (int));
          g_array_append_val (a->slur_starts, number);
          if (b->slur_stops == NULL)
            b->slur_stops = g_array_new (FALSE, FALSE, sizeof (int));
          g_array_append_val (b->slur_stops, number);
        }
      else if (sr_mei_is (child, "fermata") && start != NULL)
        sr_mei_marks_for (r, start)->fermata = TRUE;
      else if (sr_mei_is (child, "trill") && start != NULL)
        sr_mei_marks_for (r, start)->trill = TRUE;
      else if (sr_mei_is (child, "mordent") && start != NULL)
        sr_mei_marks_for (r, start)->mordent = g_strcmp0 (sr_mei_attr (child, "form"), "upper") == 0 ? "inverted-mordent" : "mordent";
      else if (sr_mei_is (child, "turn") && start != NULL)
        sr_mei_marks_for (r, start)->turn = g_strcmp0 (sr_mei_attr (child, "form"), "lower") == 0 ? "inverted-turn" : "turn";
      else if (sr_mei_is (child, "arpeg"))
        {
          g_auto(GStrv) ids = g_strsplit (sr_mei_attr (child, "plist") != NULL ? sr_mei_attr (child, "plist") : "", " ", -1);
          for (guint i = 0; ids[i] != NULL; i++)
            if (ids[i][0] != '\0')
              sr_mei_marks_for (r, ids[i])->arpeggiate = TRUE;
        }
      else if (sr_mei_is (child, "tupletSpan") && start != NULL && end != NULL)
        {
          Marks *a = sr_mei_marks_for (r, start);
          a->tuplet_span_num = sr_mei_attr_int (child, "num", 0);
          a->tuplet_span_numbase = sr_mei_attr_int (child, "numbase", 0);
          sr_mei_marks_for (r, end)->tuplet_span_end = TRUE;
        }
      sr_mei_collect_marks (r, child);
    }
}

void
sr_mei_add_articulations (xmlNode **notations, xmlNode *note, const xmlNode *from)
{
  static const struct {
    const char *mei;
    const char *xml;
  } table[] = {
    { "stacc", "staccato" }, { "acc", "accent" }, { "ten", "tenuto" }, { "marc", "strong-accent" },
    { "stacciss", "staccatissimo" }, { "spicc", "spiccato" },
  };
  if (from == NULL)
    return;
  GString *all = g_string_new (sr_mei_attr (from, "artic"));
  for (const xmlNode *child = from->children; child != NULL; child = child->next)
    if (sr_mei_is (child, "artic") && sr_mei_attr (child, "artic") != NULL)
      g_string_append_printf (all, " %s", sr_mei_attr (child, "artic"));
  g_auto(GStrv) words = g_strsplit (all->str, " ", -1);
  g_string_free (all, TRUE);
  xmlNode *articulations = NULL;
  for (guint i = 0; words[i] != NULL; i++)
    for (guint k = 0; k < G_N_ELEMENTS (table); k++)
      if (strcmp (words[i], table[k].mei) == 0)
        {
          if (*notations == NULL)
            *notations = xmlNewChild (note, NULL, (const xmlChar *) "notations", NULL);
          if (articulations == NULL)
            articulations = xmlNewChild (*notations, NULL, (const xmlChar *) "articulations", NULL);
          xmlNewChild (articulations, NULL, (const xmlChar *) table[k].xml, NULL);
        }
}

xmlNode *
sr_mei_notations_of (xmlNode **notations, xmlNode *note)
{
  if (*notations == NULL)
    *notations = xmlNewChild (note, NULL, (const xmlChar *) "notations", NULL);
  return *notations;
}

/* Control events placed by staff and beat rather than by note. */
void
sr_mei_place_timed_marks (Reader *r, const xmlNode *mei_measure)
{
  for (const xmlNode *child = mei_measure->children; child != NULL; child = child->next)
    {
      if (!(sr_mei_is (child, "fermata") || sr_mei_is (child, "trill") || sr_mei_is (child, "arpeg")) || sr_mei_attr (child, "startid") != NULL ||
          sr_mei_attr (child, "plist") != NULL || sr_mei_attr (child, "tstamp") == NULL)
        continue;
      double beat = g_ascii_strtod (sr_mei_attr (child, "tstamp"), NULL);
      int staff = sr_mei_attr_int (child, "staff", 1);
      double quarters = (beat - 1) * 4.0 / MAX (r->staves[1].beat_type, 1);
      for (guint i = 0; i < r->placed->len; i++)
        {
          const Placed *placed = &g_array_index (r->placed, Placed, i);
          if (placed->staff != staff || fabs (placed->quarters - quarters) > 1e-6 ||
              sr_xml_child (placed->note, "rest") != NULL)
            continue;
          xmlNode *notations = sr_xml_child (placed->note, "notations");
          if (notations == NULL)
            notations = xmlNewChild (placed->note, NULL, (const xmlChar *) "notations", NULL);
          if (sr_mei_is (child, "fermata"))
            xmlNewChild (notations, NULL, (const xmlChar *) "fermata", NULL);
          else if (sr_mei_is (child, "arpeg"))
            xmlNewChild (notations, NULL, (const xmlChar *) "arpeggiate", NULL);
          else
            xmlNewChild (xmlNewChild (notations, NULL, (const xmlChar *) "ornaments", NULL), NULL,
                         (const xmlChar *) "trill-mark", NULL);
          break;
        }
    }
}
