/* The notes of an LMX measure rebuilt as MusicXML <note>, <backup> and <forward> elements, and their pitches spelled;
 * see lmx-delinearize-private.h. */
#include "lmx-delinearize-private.h"

/* ---- notes ---- */

static Fraction
tree_duration (Delinearizer *d, const Tree *tree, int type_index, const char *modification)
{
  Fraction length = fraction (sr_lmx_type_length_256th (type_index), 256);
  guint dots = MIN (count (tree->suffixes, "dot"), MAX_DOTS);
  /* Each dot adds half of what the previous one added: base × (2 − 2^−dots). */
  Fraction total = fraction (length.n * ((2 << dots) - 1), length.d << dots);
  int actual, normal;
  if (modification != NULL && sr_lmx_parse_time_modification (modification, &actual, &normal))
    total = fraction (total.n * normal, total.d * actual);
  return total;
}

static void
add_duration (Delinearizer *d, xmlNode *parent, Fraction value)
{
  Duration duration = { sr_xml_add_text (parent, "duration", "0"), value };
  g_array_append_val (d->durations, duration);
}

static void
skip_tree (Delinearizer *d, const Tree *tree, gboolean is_backup, int type_index)
{
  const char *modification = take (d, tree->suffixes, is_time_modification);
  Fraction value = tree_duration (d, tree, type_index, modification);
  /* The linearizer splits one skip into note types longest first, so a run of strictly shorter types continues the
   * same element, and anything else starts a new one: "backup half backup half" were two backups. (The reference
   * merges every run; this keeps two elements apart when the tokens say they were.) */
  gboolean continues = d->last_skip != NULL && d->last_skip_is_backup == is_backup && modification == NULL &&
                       (type_index < d->last_skip_type ||
                        (type_index == SR_LMX_N_TYPES - 1 && d->last_skip_type == type_index));
  d->last_skip_type = modification == NULL ? type_index : -1;
  if (is_backup && d->rest_before_skip >= 0 && compare_fractions (d->rest_start, fraction (0, 1)) == 0)
    {
      /* "rest:measure backup whole": the backup goes back over the whole measure, so it tells the measure's length
       * (a backup of several tokens, "backup whole backup half", lengthens it token by token). */
      Duration *rest = &g_array_index (d->durations, Duration, d->rest_before_skip);
      Fraction length = continues ? add (rest->value, value) : value;
      d->onset = add (d->onset, (Fraction) { -rest->value.n, rest->value.d });
      rest->value = length;
      d->onset = add (d->onset, length);
      d->inferred_length = length;
      if (compare_fractions (length, d->reach) > 0)
        d->reach = length;
      if (!continues)
        g_array_set_size (d->open_measure_rests, d->open_measure_rests->len - 1);
    }
  else
    d->rest_before_skip = -1;
  if (continues)
    {
      Duration *merged = &g_array_index (d->durations, Duration, d->last_skip_duration);
      merged->value = add (merged->value, value);
    }
  else
    {
      xmlNode *skip = xmlNewChild (d->measure, NULL, (const xmlChar *) (is_backup ? "backup" : "forward"), NULL);
      d->last_skip_duration = d->durations->len;
      add_duration (d, skip, value);
      d->last_skip = skip;
      d->last_skip_is_backup = is_backup;
    }

  if (is_backup)
    {
      d->onset = add (d->onset, (Fraction) { -value.n, value.d });
      d->voice = 0;
      d->staff = 0;
      d->stem = NULL;
    }
  else
    {
      d->onset = add (d->onset, value);
      if (compare_fractions (d->onset, d->reach) > 0)
        d->reach = d->onset;
    }
  d->open_beams = 0;
  d->open_grace_beams = 0;
}

static void
add_beams (Delinearizer *d, xmlNode *note, const Tree *tree, gboolean is_grace)
{
  int *open = is_grace ? &d->open_grace_beams : &d->open_beams;
  int delta = (int) count (tree->suffixes, "beam:begin") - (int) count (tree->suffixes, "beam:end");
  if (delta < -*open)
    *open = -delta;
  int number = 0;
  char digits[8];
  if (delta >= 0)
    {
      for (int i = 1; i <= *open + delta; i++)
        {
          g_snprintf (digits, sizeof digits, "%d", ++number);
          xmlNode *beam = sr_xml_add_text (note, "beam", i <= *open ? "continue" : "begin");
          xmlSetProp (beam, (const xmlChar *) "number", (const xmlChar *) digits);
        }
      *open += delta;
    }
  else
    {
      int remaining = *open + delta;
      for (int i = 1; i <= *open; i++)
        {
          g_snprintf (digits, sizeof digits, "%d", ++number);
          xmlNode *beam = sr_xml_add_text (note, "beam", i <= remaining ? "continue" : "end");
          xmlSetProp (beam, (const xmlChar *) "number", (const xmlChar *) digits);
        }
      *open = remaining;
    }
  const char *hooks[][2] = { { "beam:forward-hook", "forward hook" }, { "beam:backward-hook", "backward hook" } };
  for (guint i = 0; i < tree->suffixes->len; i++)
    for (gsize h = 0; h < G_N_ELEMENTS (hooks); h++)
      if (strcmp (text (g_array_index (tree->suffixes, guint16, i)), hooks[h][0]) == 0 && number < 8)
        {
          g_snprintf (digits, sizeof digits, "%d", ++number);
          xmlNode *beam = sr_xml_add_text (note, "beam", hooks[h][1]);
          xmlSetProp (beam, (const xmlChar *) "number", (const xmlChar *) digits);
        }
}

static xmlNode *
notations_of (xmlNode *note, xmlNode **notations)
{
  if (*notations == NULL)
    *notations = xmlNewChild (note, NULL, (const xmlChar *) "notations", NULL);
  return *notations;
}

static void
add_typed (xmlNode *parent, const char *name, const char *type, int number)
{
  xmlNode *node = xmlNewChild (parent, NULL, (const xmlChar *) name, NULL);
  xmlSetProp (node, (const xmlChar *) "type", (const xmlChar *) type);
  if (number > 0)
    {
      char digits[8];
      g_snprintf (digits, sizeof digits, "%d", number);
      xmlSetProp (node, (const xmlChar *) "number", (const xmlChar *) digits);
    }
}

static void
add_notations (Delinearizer *d, xmlNode *note, const Tree *tree)
{
  xmlNode *notations = NULL;
  const GArray *s = tree->suffixes;
  if (has (s, "tied:stop"))
    add_typed (notations_of (note, &notations), "tied", "stop", 0);
  if (has (s, "tied:start"))
    add_typed (notations_of (note, &notations), "tied", "start", 0);
  if (has (s, "tuplet:stop"))
    add_typed (notations_of (note, &notations), "tuplet", "stop", 0);
  if (has (s, "tuplet:start"))
    add_typed (notations_of (note, &notations), "tuplet", "start", 0);
  for (guint i = count (s, "slur:stop"); i > 0; i--)
    {
      /* Slur numbers are rebuilt from a counter of open slurs, wrapped into MusicXML's 1–16. */
      add_typed (notations_of (note, &notations), "slur", "stop", (MAX (d->open_slurs, 1) - 1) % 16 + 1);
      d->open_slurs = MAX (d->open_slurs - 1, 0);
    }
  for (guint i = count (s, "slur:start"); i > 0; i--)
    add_typed (notations_of (note, &notations), "slur", "start", (d->open_slurs++) % 16 + 1);
  if (has (s, "fermata"))
    xmlNewChild (notations_of (note, &notations), NULL, (const xmlChar *) "fermata", NULL);

  const char *articulations[] = { "accent", "strong-accent", "tenuto", "staccato" };
  xmlNode *articulation_node = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (articulations); i++)
    if (has (s, articulations[i]))
      {
        if (articulation_node == NULL)
          articulation_node = xmlNewChild (notations_of (note, &notations), NULL, (const xmlChar *) "articulations", NULL);
        xmlNewChild (articulation_node, NULL, (const xmlChar *) articulations[i], NULL);
      }

  const char *tremolo_type = take (d, s, is_tremolo_type);
  const char *tremolo_marks = take (d, s, is_tremolo_marks);
  if (has (s, "trill-mark") || tremolo_type != NULL)
    {
      xmlNode *ornaments = xmlNewChild (notations_of (note, &notations), NULL, (const xmlChar *) "ornaments", NULL);
      if (has (s, "trill-mark"))
        xmlNewChild (ornaments, NULL, (const xmlChar *) "trill-mark", NULL);
      if (tremolo_type != NULL)
        {
          xmlNode *tremolo = sr_xml_add_text (ornaments, "tremolo", tremolo_marks != NULL ? tremolo_marks + 8 : "3");
          xmlSetProp (tremolo, (const xmlChar *) "type", (const xmlChar *) (tremolo_type + 8));
        }
    }
  if (has (s, "arpeggiate"))
    xmlNewChild (notations_of (note, &notations), NULL, (const xmlChar *) "arpeggiate", NULL);
}

void
sr_lmx_delinearize_note (Delinearizer *d, const Tree *tree)
{
  const char *root = text (tree->root);
  const char *kind = take (d, tree->prefixes, is_step_kind);
  if (kind == NULL)
    {
      /* A type with no pitch or rest before it says nothing that can be drawn. */
      d->repairs += 1 + tree->prefixes->len + tree->suffixes->len;
      return;
    }

  int type_index = sr_lmx_type_index (root);
  gboolean is_measure_rest = type_index < 0; /* the only other note root is rest:measure */
  if (strcmp (kind, "backup") == 0 || strcmp (kind, "forward") == 0)
    {
      if (is_measure_rest)
        d->repairs++;
      else
        skip_tree (d, tree, strcmp (kind, "backup") == 0, type_index);
      return;
    }
  d->last_skip = NULL;

  gboolean is_rest = strcmp (kind, "rest") == 0 || is_measure_rest;
  gboolean is_grace = has (tree->prefixes, "grace");
  gboolean is_chord = has (tree->prefixes, "chord");
  if (is_measure_rest && strcmp (kind, "rest") != 0)
    d->repairs++;

  xmlNode *note = xmlNewChild (d->measure, NULL, (const xmlChar *) "note", NULL);
  note->_private = GUINT_TO_POINTER (tree->root_index + 1);
  if (has (tree->prefixes, "print-object:no"))
    xmlSetProp (note, (const xmlChar *) "print-object", (const xmlChar *) "no");
  if (is_grace)
    {
      xmlNode *grace = xmlNewChild (note, NULL, (const xmlChar *) "grace", NULL);
      if (has (tree->prefixes, "grace:slash"))
        xmlSetProp (grace, (const xmlChar *) "slash", (const xmlChar *) "yes");
    }
  if (is_chord)
    xmlNewChild (note, NULL, (const xmlChar *) "chord", NULL);

  NoteRecord record = { .note = note, .fifths = d->fifths };
  if (is_rest)
    {
      xmlNode *rest = xmlNewChild (note, NULL, (const xmlChar *) "rest", NULL);
      if (is_measure_rest)
        xmlSetProp (rest, (const xmlChar *) "measure", (const xmlChar *) "yes");
    }
  else
    {
      record.pitch = xmlNewChild (note, NULL, (const xmlChar *) "pitch", NULL);
      record.step = kind[0];
      record.octave = kind[1] - '0';
      char step[2] = { kind[0], '\0' };
      sr_xml_add_text (record.pitch, "step", step);
      sr_xml_add_int (record.pitch, "octave", record.octave);
    }

  const char *modification = take (d, tree->suffixes, is_time_modification);
  Fraction duration = { 0, 1 };
  gboolean length_unknown = is_measure_rest && !d->has_time && !is_chord && !is_grace;
  if (is_measure_rest)
    duration = d->has_time ? d->measure_length : d->inferred_length;
  else
    duration = tree_duration (d, tree, type_index, modification);
  d->rest_before_skip = -1;
  if (length_unknown)
    {
      guint index = d->durations->len;
      g_array_append_val (d->open_measure_rests, index);
      d->rest_before_skip = index;
      d->rest_start = d->onset;
    }
  if (!is_grace)
    add_duration (d, note, duration);

  record.tie_stop = has (tree->suffixes, "tied:stop");
  record.tie_start = has (tree->suffixes, "tied:start");
  if (record.tie_stop)
    add_typed (note, "tie", "stop", 0);
  if (record.tie_start)
    add_typed (note, "tie", "start", 0);

  const char *voice = take (d, tree->prefixes, is_voice);
  if (voice != NULL)
    d->voice = number_after_colon (voice);
  if (d->voice > 0)
    sr_xml_add_int (note, "voice", d->voice);

  if (!is_measure_rest)
    sr_xml_add_text (note, "type", root);
  for (guint i = MIN (count (tree->suffixes, "dot"), MAX_DOTS); i > 0; i--)
    xmlNewChild (note, NULL, (const xmlChar *) "dot", NULL);

  const char *accidental = take (d, tree->suffixes, is_accidental);
  if (accidental != NULL && !is_rest)
    {
      sr_xml_add_text (note, "accidental", accidental);
      record.has_accidental = TRUE;
      sr_lmx_accidental_alter (accidental, &record.accidental_alter);
    }

  int actual, normal;
  if (modification != NULL && sr_lmx_parse_time_modification (modification, &actual, &normal))
    {
      xmlNode *time_modification = xmlNewChild (note, NULL, (const xmlChar *) "time-modification", NULL);
      sr_xml_add_int (time_modification, "actual-notes", actual);
      sr_xml_add_int (time_modification, "normal-notes", normal);
    }

  const char *stem = take (d, tree->suffixes, is_stem);
  if (stem != NULL)
    d->stem = stem;
  if (d->stem != NULL && !is_rest && type_index < sr_lmx_type_index ("whole"))
    sr_xml_add_text (note, "stem", d->stem + 5);

  const char *staff = take (d, tree->suffixes, is_staff);
  if (staff != NULL)
    d->staff = number_after_colon (staff);
  if (d->staff > 0)
    sr_xml_add_int (note, "staff", d->staff);
  record.staff = d->staff > 0 ? d->staff : 1;

  if (!is_chord && !is_rest)
    add_beams (d, note, tree, is_grace);
  add_notations (d, note, tree);

  /* Onsets for the accidental rules: chord notes share the previous onset; grace notes take no time. */
  record.onset = is_chord ? d->previous_onset : d->onset;
  d->previous_onset = record.onset;
  if (!is_chord && !is_grace)
    d->onset = add (d->onset, duration);
  if (!length_unknown && compare_fractions (d->onset, d->reach) > 0)
    d->reach = d->onset;
  if (!is_rest)
    g_array_append_val (d->records, record);
}

/* ---- pitch spelling (§6.3) ---- */

void
sr_lmx_delinearize_spell (Delinearizer *d)
{
  for (guint i = 0; i < d->records->len; i++)
    {
      NoteRecord *note = &g_array_index (d->records, NoteRecord, i);
      int alter = sr_key_signature_alter (note->fifths, note->step);
      const NoteRecord *best = NULL;
      for (guint j = 0; j < d->records->len; j++)
        {
          const NoteRecord *other = &g_array_index (d->records, NoteRecord, j);
          if (!other->has_accidental || other->staff != note->staff || other->step != note->step ||
              other->octave != note->octave || compare_fractions (other->onset, note->onset) > 0)
            continue;
          if (best == NULL || compare_fractions (other->onset, best->onset) >= 0)
            best = other;
        }
      if (best != NULL)
        alter = best->accidental_alter;

      char key[32];
      g_snprintf (key, sizeof key, "%d/%c/%d", note->staff, note->step, note->octave);
      if (note->tie_stop)
        {
          gpointer carried = g_hash_table_lookup (d->tie_alters, key);
          if (carried != NULL)
            alter = GPOINTER_TO_INT (carried) - 100;
        }
      if (note->tie_start)
        g_hash_table_insert (d->tie_alters, g_strdup (key), GINT_TO_POINTER (alter + 100));

      if (alter != 0)
        {
          xmlNode *step = sr_xml_child (note->pitch, "step");
          char digits[8];
          g_snprintf (digits, sizeof digits, "%d", alter);
          xmlNode *alter_node = xmlNewNode (NULL, (const xmlChar *) "alter");
          xmlNodeSetContent (alter_node, (const xmlChar *) digits);
          xmlAddNextSibling (step, alter_node);
        }
    }
}
