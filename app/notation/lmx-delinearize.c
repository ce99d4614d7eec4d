/* Rebuilds MusicXML from LMX trees; see lmx-delinearize.h. The notes are in lmx-delinearize-notes.c. */
#include "lmx-delinearize-private.h"

/* ---- attributes ---- */

static xmlNode *
open_attributes (Delinearizer *d)
{
  if (d->attributes == NULL)
    d->attributes = xmlNewChild (d->measure, NULL, (const xmlChar *) "attributes", NULL);
  return d->attributes;
}

static void
attribute_tree (Delinearizer *d, const Tree *tree)
{
  const char *root = text (tree->root);
  xmlNode *attributes = open_attributes (d);
  d->repairs += tree->prefixes->len;

  if (g_str_has_prefix (root, "key:fifths:"))
    {
      xmlNode *key = xmlNewChild (attributes, NULL, (const xmlChar *) "key", NULL);
      d->fifths = number_after_colon (root);
      sr_xml_add_int (key, "fifths", d->fifths);
      d->repairs += tree->suffixes->len;
    }
  else if (strcmp (root, "time") == 0)
    {
      const char *beats_token = take (d, tree->suffixes, is_beats);
      const char *beat_type_token = take (d, tree->suffixes, is_beat_type);
      int beats = beats_token != NULL ? number_after_colon (beats_token) : 4;
      int beat_type = beat_type_token != NULL ? number_after_colon (beat_type_token) : 4;
      d->repairs += (beats_token == NULL) + (beat_type_token == NULL);
      xmlNode *time = xmlNewChild (attributes, NULL, (const xmlChar *) "time", NULL);
      sr_xml_add_int (time, "beats", beats);
      sr_xml_add_int (time, "beat-type", beat_type);
      d->measure_length = fraction (beats * 4, beat_type);
      d->has_time = TRUE;
    }
  else /* clef */
    {
      xmlNode *clef = xmlNewChild (attributes, NULL, (const xmlChar *) "clef", NULL);
      const char *staff = take (d, tree->suffixes, is_staff);
      if (staff != NULL)
        {
          int number = number_after_colon (staff);
          char digits[8];
          g_snprintf (digits, sizeof digits, "%d", number);
          xmlSetProp (clef, (const xmlChar *) "number", (const xmlChar *) digits);
          d->max_clef_staff = MAX (d->max_clef_staff, number);
        }
      char sign[2] = { root[5], '\0' }, line[2] = { root[6], '\0' };
      sr_xml_add_text (clef, "sign", sign);
      sr_xml_add_text (clef, "line", line);
    }
}

/* ---- the part ---- */

static void
start_measure (Delinearizer *d, int number)
{
  d->measure = xmlNewChild (d->part, NULL, (const xmlChar *) "measure", NULL);
  char digits[16];
  g_snprintf (digits, sizeof digits, "%d", number);
  xmlSetProp (d->measure, (const xmlChar *) "number", (const xmlChar *) digits);
  d->voice = 0;
  d->staff = 0;
  d->stem = NULL;
  d->open_beams = 0;
  d->open_grace_beams = 0;
  d->attributes = NULL;
  d->last_skip = NULL;
  d->onset = fraction (0, 1);
  d->previous_onset = fraction (0, 1);
  d->reach = fraction (0, 1);
  d->rest_before_skip = -1;
  g_array_set_size (d->records, 0);
  g_array_set_size (d->open_measure_rests, 0);
}

/* Measure rests whose length nothing told yet take the length of the measure's other content (a system's LMX
 * carries no time signature unless the score prints one there). */
static void
finish_measure (Delinearizer *d)
{
  if (d->open_measure_rests->len > 0 && compare_fractions (d->reach, fraction (0, 1)) > 0)
    d->inferred_length = d->reach;
  for (guint i = 0; i < d->open_measure_rests->len; i++)
    g_array_index (d->durations, Duration, g_array_index (d->open_measure_rests, guint, i)).value = d->inferred_length;
  sr_lmx_delinearize_spell (d);
}

static void
finish_tree (Delinearizer *d, Tree *tree)
{
  if (tree->root < 0)
    return;
  const char *root = text ((guint16) tree->root);
  gboolean is_attribute = strcmp (root, "time") == 0 || g_str_has_prefix (root, "key:") || g_str_has_prefix (root, "clef:");
  if (is_attribute)
    {
      d->last_skip = NULL;
      attribute_tree (d, tree);
    }
  else
    {
      d->attributes = NULL;
      sr_lmx_delinearize_note (d, tree);
    }
  g_array_set_size (tree->prefixes, 0);
  g_array_set_size (tree->suffixes, 0);
  tree->root = -1;
}

static gint64
lcm (gint64 a, gint64 b)
{
  return a / gcd (a, b) * b;
}

static void
finish_part (Delinearizer *d)
{
  xmlNode *first_measure = sr_xml_child (d->part, "measure");
  if (first_measure == NULL)
    return;
  xmlNode *head = first_measure->children;
  if (head == NULL || strcmp ((const char *) head->name, "attributes") != 0)
    {
      xmlNode *attributes = xmlNewNode (NULL, (const xmlChar *) "attributes");
      head = head != NULL ? xmlAddPrevSibling (head, attributes) : xmlAddChild (first_measure, attributes);
    }

  gint64 divisions = 1;
  for (guint i = 0; i < d->durations->len && divisions <= MAX_DIVISIONS; i++)
    divisions = lcm (divisions, g_array_index (d->durations, Duration, i).value.d);
  if (divisions > MAX_DIVISIONS)
    divisions = MAX_DIVISIONS;
  for (guint i = 0; i < d->durations->len; i++)
    {
      const Duration *duration = &g_array_index (d->durations, Duration, i);
      gint64 value = (duration->value.n * divisions + duration->value.d / 2) / duration->value.d;
      char digits[24];
      g_snprintf (digits, sizeof digits, "%" G_GINT64_FORMAT, MAX (value, 1));
      xmlNodeSetContent (duration->node, (const xmlChar *) digits);
    }
  sr_xml_add_int (head, "divisions", divisions);
  if (d->max_clef_staff > 0)
    sr_xml_add_int (head, "staves", d->max_clef_staff);

  for (xmlNode *measure = first_measure; measure != NULL; measure = measure->next)
    for (xmlNode *child = measure->children; child != NULL; child = child->next)
      if (strcmp ((const char *) child->name, "attributes") == 0)
        sr_musicxml_sort_attributes (child);
}

/* A measure remembers how many of its tokens were repaired or dropped (+ 1, so that 0 means "not made here"). */
static void
mark_repairs (xmlNode *measure, guint repairs)
{
  measure->_private = GUINT_TO_POINTER (repairs + 1);
}

guint
sr_lmx_measure_repairs (const xmlNode *measure)
{
  return measure != NULL && measure->_private != NULL ? GPOINTER_TO_UINT (measure->_private) - 1 : 0;
}

xmlDoc *
sr_lmx_delinearize (const GArray *tokens, const SrLmxDelinearizeOptions *options, guint *n_repairs)
{
  /* Read as guint16, an array of wider ids would be taken apart into ids and zeros ("measure") without a word. */
  g_return_val_if_fail (g_array_get_element_size ((GArray *) tokens) == sizeof (guint16), NULL);
  xmlDoc *document = xmlNewDoc ((const xmlChar *) "1.0");
  xmlNode *score = xmlNewNode (NULL, (const xmlChar *) "score-partwise");
  xmlSetProp (score, (const xmlChar *) "version", (const xmlChar *) "4.0");
  xmlDocSetRootElement (document, score);
  xmlNode *part_list = xmlNewChild (score, NULL, (const xmlChar *) "part-list", NULL);
  xmlNode *score_part = xmlNewChild (part_list, NULL, (const xmlChar *) "score-part", NULL);
  xmlSetProp (score_part, (const xmlChar *) "id", (const xmlChar *) "P1");
  sr_xml_add_text (score_part, "part-name", options != NULL && options->part_name != NULL ? options->part_name : "Piano");

  Delinearizer d = { 0 };
  d.part = xmlNewChild (score, NULL, (const xmlChar *) "part", NULL);
  xmlSetProp (d.part, (const xmlChar *) "id", (const xmlChar *) "P1");
  d.durations = g_array_new (FALSE, FALSE, sizeof (Duration));
  d.records = g_array_new (FALSE, FALSE, sizeof (NoteRecord));
  d.open_measure_rests = g_array_new (FALSE, FALSE, sizeof (guint));
  d.inferred_length = fraction (4, 1);
  d.rest_before_skip = -1;
  d.tie_alters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (options != NULL && options->beats > 0 && options->beat_type > 0)
    {
      d.measure_length = fraction ((gint64) options->beats * 4, options->beat_type);
      d.has_time = TRUE;
    }

  Tree tree = { -1, g_array_new (FALSE, FALSE, sizeof (guint16)), g_array_new (FALSE, FALSE, sizeof (guint16)), 0 };
  g_autoptr(GArray) pending = g_array_new (FALSE, FALSE, sizeof (guint16));
  int measures = 0;
  guint repairs_before_measure = 0;
  for (guint i = 0; i < tokens->len; i++)
    {
      guint16 id = g_array_index (tokens, guint16, i);
      if (id >= SR_LMX_VOCABULARY_SIZE)
        {
          d.repairs++;
          continue;
        }
      switch (sr_lmx_token_class (text (id)))
        {
        case SR_LMX_CLASS_MEASURE:
          if (measures > 0)
            {
              finish_tree (&d, &tree);
              finish_measure (&d);
            }
          d.repairs += pending->len;
          g_array_set_size (pending, 0);
          if (measures > 0)
            mark_repairs (d.measure, d.repairs - repairs_before_measure);
          repairs_before_measure = d.repairs;
          start_measure (&d, ++measures);
          break;
        case SR_LMX_CLASS_ROOT:
          if (measures == 0)
            {
              d.repairs++;
              break;
            }
          finish_tree (&d, &tree);
          tree.root = id;
          tree.root_index = i;
          g_array_append_vals (tree.prefixes, pending->data, pending->len);
          g_array_set_size (pending, 0);
          break;
        case SR_LMX_CLASS_PREFIX:
          g_array_append_val (pending, id);
          break;
        case SR_LMX_CLASS_SUFFIX:
          if (tree.root >= 0)
            g_array_append_val (tree.suffixes, id);
          else
            d.repairs++;
          break;
        case SR_LMX_CLASS_UNKNOWN:
        default:
          d.repairs++;
          break;
        }
    }
  if (measures > 0)
    {
      finish_tree (&d, &tree);
      finish_measure (&d);
    }
  d.repairs += pending->len;
  if (measures > 0)
    mark_repairs (d.measure, d.repairs - repairs_before_measure);
  finish_part (&d);

  g_array_unref (tree.prefixes);
  g_array_unref (tree.suffixes);
  g_array_unref (d.durations);
  g_array_unref (d.records);
  g_array_unref (d.open_measure_rests);
  g_hash_table_unref (d.tie_alters);
  if (n_repairs != NULL)
    *n_repairs = d.repairs;
  return document;
}

gint64
sr_lmx_note_token (const xmlNode *note)
{
  return note != NULL && note->_private != NULL ? (gint64) GPOINTER_TO_UINT (note->_private) - 1 : -1;
}
