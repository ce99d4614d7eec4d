/* MEI → MusicXML; see mei-read.h. */
#include "mei-read.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mei-read-private.h"
#include "musicxml-read.h"
#include "musicxml-write.h"

static void
read_staff_def (Reader *r, const xmlNode *def, int only_staff)
{
  int first = only_staff > 0 ? only_staff : 1, last = only_staff > 0 ? only_staff : r->n_staves;
  const xmlNode *key = NULL, *meter = NULL, *clef = NULL;
  for (const xmlNode *child = def->children; child != NULL; child = child->next)
    {
      if (sr_mei_is (child, "keySig"))
        key = child;
      else if (sr_mei_is (child, "meterSig"))
        meter = child;
      else if (sr_mei_is (child, "clef"))
        clef = child;
    }
  const char *sig = key != NULL ? sr_mei_attr (key, "sig") : sr_mei_attr (def, "keysig") != NULL ? sr_mei_attr (def, "keysig") : sr_mei_attr (def, "key.sig");
  int count = meter != NULL ? sr_mei_attr_int (meter, "count", 0) : sr_mei_attr_int (def, "meter.count", 0);
  int unit = meter != NULL ? sr_mei_attr_int (meter, "unit", 0) : sr_mei_attr_int (def, "meter.unit", 0);
  const char *shape = clef != NULL ? sr_mei_attr (clef, "shape") : sr_mei_attr (def, "clef.shape");
  int line = clef != NULL ? sr_mei_attr_int (clef, "line", 0) : sr_mei_attr_int (def, "clef.line", 0);
  for (int s = first; s <= last && s <= MAX_STAVES; s++)
    {
      StaffState *staff = &r->staves[s];
      if (sig != NULL && sr_mei_fifths_of (sig) != staff->fifths)
        staff->fifths = sr_mei_fifths_of (sig), r->changed_key[s] = TRUE;
      if (count > 0 && unit > 0 && (count != staff->beats || unit != staff->beat_type))
        staff->beats = count, staff->beat_type = unit, r->changed_time[s] = TRUE;
      if (shape != NULL && strchr ("GFC", shape[0]) != NULL && (shape[0] != staff->clef_sign || line != staff->clef_line))
        staff->clef_sign = shape[0], staff->clef_line = line > 0 ? line : (shape[0] == 'G' ? 2 : shape[0] == 'F' ? 4 : 3),
        r->changed_clef[s] = TRUE;
    }
}

static void
read_score_def (Reader *r, const xmlNode *def)
{
  if (sr_mei_attr (def, "midi.bpm") != NULL)
    r->tempo = g_ascii_strtod (sr_mei_attr (def, "midi.bpm"), NULL);
  read_staff_def (r, def, 0);
  for (const xmlNode *child = def->children; child != NULL; child = child->next)
    {
      if (sr_mei_is (child, "staffGrp"))
        read_score_def (r, child);
      else if (sr_mei_is (child, "staffDef"))
        {
          int n = sr_mei_attr_int (child, "n", 0);
          if (n >= 1 && n <= MAX_STAVES)
            {
              r->n_staves = MAX (r->n_staves, n);
              read_staff_def (r, child, n);
            }
        }
    }
}

/* ---- notes ---- */

static gint64
measure_length (const Reader *r)
{
  const StaffState *s = &r->staves[1];
  return s->beats > 0 && s->beat_type > 0 ? (gint64) DIVISIONS * 4 * s->beats / s->beat_type : 4 * DIVISIONS;
}





/* Writes one <note> (or rest) into the measure. Returns its length in divisions (0 for grace and chord members). */
static gint64
emit_note (Reader *r, xmlNode *measure, const xmlNode *element, const NoteContext *context)
{
  gboolean rest = sr_mei_is (element, "rest");
  const char *dur = sr_mei_attr (element, "dur") != NULL ? sr_mei_attr (element, "dur") : context->dur;
  int dots = sr_mei_attr (element, "dots") != NULL ? sr_mei_attr_int (element, "dots", 0) : context->dots;
  const char *type = NULL;
  gint64 length = 0;
  if (!sr_mei_duration_of (dur, &type, &length))
    return 0;
  const char *id = sr_mei_id_of (element);
  Marks *marks = id != NULL ? g_hash_table_lookup (r->marks, id) : NULL;
  /* Marks on a chord: an arpeggio rolls every note; the rest go on its first note, as MuseScore writes them. */
  Marks *chord_marks = context->chord != NULL && sr_mei_id_of (context->chord) != NULL
                         ? g_hash_table_lookup (r->marks, sr_mei_id_of (context->chord)) : NULL;
  Marks *starting = marks != NULL && marks->tuplet_span_num > 0 ? marks : chord_marks;
  if (starting != NULL && starting->tuplet_span_num > 0 && starting->tuplet_span_numbase > 0 && !context->chord_member)
    {
      r->span_num = starting->tuplet_span_num;
      r->span_numbase = starting->tuplet_span_numbase;
    }
  length = sr_mei_dotted (length, dots);
  int num = MAX (r->tuplet_num, 1) * MAX (r->span_num, 1), numbase = MAX (r->tuplet_numbase, 1) * MAX (r->span_numbase, 1);
  length = length * numbase / num;
  gboolean grace = context->grace || sr_mei_attr (element, "grace") != NULL;
  gboolean slash = context->slash || g_strcmp0 (sr_mei_attr (element, "grace"), "acc") == 0;

  xmlNode *note = xmlNewChild (measure, NULL, (const xmlChar *) "note", NULL);
  if (grace)
    {
      xmlNode *g = xmlNewChild (note, NULL, (const xmlChar *) "grace", NULL);
      if (slash)
        xmlSetProp (g, (const xmlChar *) "slash", (const xmlChar *) "yes");
    }
  if (context->chord_member)
    xmlNewChild (note, NULL, (const xmlChar *) "chord", NULL);

  const char *written = sr_mei_attr (element, "accid"), *sounding = sr_mei_attr (element, "accid.ges");
  for (const xmlNode *child = element->children; child != NULL; child = child->next)
    if (sr_mei_is (child, "accid"))
      {
        if (sr_mei_attr (child, "accid") != NULL)
          written = sr_mei_attr (child, "accid");
        if (sr_mei_attr (child, "accid.ges") != NULL)
          sounding = sr_mei_attr (child, "accid.ges");
      }
  if (rest)
    xmlNewChild (note, NULL, (const xmlChar *) "rest", NULL);
  else
    {
      const char *pname = sr_mei_attr (element, "pname");
      int octave = sr_mei_attr_int (element, "oct", 4);
      xmlNode *pitch = xmlNewChild (note, NULL, (const xmlChar *) "pitch", NULL);
      char step[2] = { pname != NULL && strchr ("abcdefg", pname[0]) != NULL ? (char) g_ascii_toupper (pname[0]) : 'C', 0 };
      sr_xml_add_text (pitch, "step", step);
      int alter = 0;
      if (sr_mei_accidental_alter (sounding, &alter, NULL) || sr_mei_accidental_alter (written, &alter, NULL))
        if (alter != 0)
          sr_xml_add_int (pitch, "alter", alter);
      sr_xml_add_int (pitch, "octave", CLAMP (octave, 0, 9));
    }
  if (!grace)
    sr_xml_add_int (note, "duration", MAX (length, 1));
  gboolean tie_start = (marks != NULL && marks->tie_start) || g_strcmp0 (sr_mei_attr (element, "tie"), "i") == 0 ||
                       g_strcmp0 (sr_mei_attr (element, "tie"), "m") == 0;
  gboolean tie_stop = (marks != NULL && marks->tie_stop) || g_strcmp0 (sr_mei_attr (element, "tie"), "t") == 0 ||
                      g_strcmp0 (sr_mei_attr (element, "tie"), "m") == 0;
  if (tie_stop)
    xmlSetProp (xmlNewChild (note, NULL, (const xmlChar *) "tie", NULL), (const xmlChar *) "type", (const xmlChar *) "stop");
  if (tie_start)
    xmlSetProp (xmlNewChild (note, NULL, (const xmlChar *) "tie", NULL), (const xmlChar *) "type", (const xmlChar *) "start");
  sr_xml_add_int (note, "voice", r->voice);
  sr_xml_add_text (note, "type", type);
  for (int i = 0; i < dots && i < 4; i++)
    xmlNewChild (note, NULL, (const xmlChar *) "dot", NULL);
  const char *accidental_name = NULL;
  int ignored;
  if (!rest && sr_mei_accidental_alter (written, &ignored, &accidental_name))
    sr_xml_add_text (note, "accidental", accidental_name);
  if (num != numbase)
    {
      xmlNode *modification = xmlNewChild (note, NULL, (const xmlChar *) "time-modification", NULL);
      sr_xml_add_int (modification, "actual-notes", num);
      sr_xml_add_int (modification, "normal-notes", numbase);
    }
  const char *stem = sr_mei_attr (element, "stem.dir") != NULL ? sr_mei_attr (element, "stem.dir") : context->stem;
  if (!rest && stem != NULL && (strcmp (stem, "up") == 0 || strcmp (stem, "down") == 0))
    sr_xml_add_text (note, "stem", stem);
  int staff = sr_mei_attr_int (element, "staff", r->staff);
  sr_xml_add_int (note, "staff", CLAMP (staff, 1, MAX (r->n_staves, 1)));
  const char *const *beam_states = g_hash_table_lookup (r->beams, context->chord != NULL ? context->chord : element);
  for (int level = 0; beam_states != NULL && beam_states[level] != NULL && !context->chord_member && !rest; level++)
    {
      char number[4];
      g_snprintf (number, sizeof number, "%d", level + 1);
      xmlSetProp (sr_xml_add_text (note, "beam", beam_states[level]), (const xmlChar *) "number", (const xmlChar *) number);
    }

  xmlNode *notations = NULL;
  if (tie_stop)
    xmlSetProp (xmlNewChild (sr_mei_notations_of (&notations, note), NULL, (const xmlChar *) "tied", NULL),
                (const xmlChar *) "type", (const xmlChar *) "stop");
  if (tie_start)
    xmlSetProp (xmlNewChild (sr_mei_notations_of (&notations, note), NULL, (const xmlChar *) "tied", NULL),
                (const xmlChar *) "type", (const xmlChar *) "start");
  Marks *all[2] = { marks, context->chord_member ? NULL : chord_marks };
  for (int m = 0; m < 2; m++)
    {
      Marks *k = all[m];
      if (k == NULL)
        continue;
      for (guint i = 0; k->slur_stops != NULL && i < k->slur_stops->len; i++)
        {
          xmlNode *slur = xmlNewChild (sr_mei_notations_of (&notations, note), NULL, (const xmlChar *) "slur", NULL);
          xmlSetProp (slur, (const xmlChar *) "type", (const xmlChar *) "stop");
          char number[4];
          g_snprintf (number, sizeof number, "%d", g_array_index (k->slur_stops, int, i));
          xmlSetProp (slur, (const xmlChar *) "number", (const xmlChar *) number);
        }
      for (guint i = 0; k->slur_starts != NULL && i < k->slur_starts->len; i++)
        {
          xmlNode *slur = xmlNewChild (sr_mei_notations_of (&notations, note), NULL, (const xmlChar *) "slur", NULL);
          xmlSetProp (slur, (const xmlChar *) "type", (const xmlChar *) "start");
          char number[4];
          g_snprintf (number, sizeof number, "%d", g_array_index (k->slur_starts, int, i));
          xmlSetProp (slur, (const xmlChar *) "number", (const xmlChar *) number);
        }
    }
  sr_mei_add_articulations (&notations, note, element);
  if (context->artic_from != NULL && !context->chord_member)
    sr_mei_add_articulations (&notations, note, context->artic_from); /* a chord's, on its first note as MuseScore has it */
  for (int m = 0; m < 2; m++)
    {
      Marks *k = all[m];
      if (k == NULL)
        continue;
      if (k->fermata)
        xmlNewChild (sr_mei_notations_of (&notations, note), NULL, (const xmlChar *) "fermata", NULL);
      if (k->arpeggiate || (m == 0 && chord_marks != NULL && chord_marks->arpeggiate))
        xmlNewChild (sr_mei_notations_of (&notations, note), NULL, (const xmlChar *) "arpeggiate", NULL);
      if (k->trill || k->mordent != NULL || k->turn != NULL)
        {
          xmlNode *ornaments = xmlNewChild (sr_mei_notations_of (&notations, note), NULL, (const xmlChar *) "ornaments", NULL);
          if (k->trill)
            xmlNewChild (ornaments, NULL, (const xmlChar *) "trill-mark", NULL);
          if (k->mordent != NULL)
            xmlNewChild (ornaments, NULL, (const xmlChar *) k->mordent, NULL);
          if (k->turn != NULL)
            xmlNewChild (ornaments, NULL, (const xmlChar *) k->turn, NULL);
        }
    }
  if (r->tuplet_num > 0 && !context->chord_member && !grace)
    {
      if (r->tuplet_first == NULL)
        r->tuplet_first = note;
      r->tuplet_last = note;
    }
  if (!context->chord_member && !grace)
    {
      Placed placed = { staff, (double) r->cursor / DIVISIONS, note };
      g_array_append_val (r->placed, placed);
    }
  if (((marks != NULL && marks->tuplet_span_end) || (chord_marks != NULL && chord_marks->tuplet_span_end)) &&
      !context->chord_member)
    r->span_num = r->span_numbase = 0;
  return grace || context->chord_member ? 0 : length;
}

static void add_tuplet_mark (xmlNode *note, const char *type);

static void read_layer_children (Reader *r, xmlNode *measure, const xmlNode *parent, const char *beam_of_parent,
                                 gboolean grace);

/* One event of a layer (a note, chord, rest, space, beam, tuplet, clef, …). BEAM: its place in an enclosing beam. */
static void
read_layer_event (Reader *r, xmlNode *measure, const xmlNode *element, const char *beam, gboolean grace)
{
  NoteContext context = { 0 };
  context.beam = beam;
  context.grace = grace;
  if (sr_mei_is (element, "note") || sr_mei_is (element, "rest"))
    {
      context.stem = sr_mei_attr (element, "stem.dir");
      r->cursor += emit_note (r, measure, element, &context);
    }
  else if (sr_mei_is (element, "chord"))
    {
      context.dur = sr_mei_attr (element, "dur");
      context.dots = sr_mei_attr_int (element, "dots", 0);
      context.stem = sr_mei_attr (element, "stem.dir");
      context.grace = grace || sr_mei_attr (element, "grace") != NULL;
      context.slash = g_strcmp0 (sr_mei_attr (element, "grace"), "acc") == 0;
      context.chord = element;
      context.artic_from = element;
      gint64 length = 0;
      gboolean first = TRUE;
      for (const xmlNode *child = element->children; child != NULL; child = child->next)
        if (sr_mei_is (child, "note"))
          {
            context.chord_member = !first;
            gint64 l = emit_note (r, measure, child, &context);
            if (first)
              length = l;
            first = FALSE;
          }
      r->cursor += length;
    }
  else if (sr_mei_is (element, "space") || sr_mei_is (element, "mSpace"))
    {
      const char *type;
      gint64 length = 0;
      if (sr_mei_is (element, "mSpace"))
        length = measure_length (r);
      else if (sr_mei_duration_of (sr_mei_attr (element, "dur"), &type, &length))
        {
          length = sr_mei_dotted (length, sr_mei_attr_int (element, "dots", 0));
          int num = r->tuplet_num * MAX (r->span_num, 1), numbase = r->tuplet_numbase * MAX (r->span_numbase, 1);
          if (num > 0 && numbase > 0)
            length = length * numbase / num;
        }
      if (length > 0)
        {
          sr_xml_add_int (xmlNewChild (measure, NULL, (const xmlChar *) "forward", NULL), "duration", length);
          r->cursor += length;
        }
    }
  else if (sr_mei_is (element, "mRest") || sr_mei_is (element, "multiRest"))
    {
      xmlNode *note = xmlNewChild (measure, NULL, (const xmlChar *) "note", NULL);
      xmlSetProp (xmlNewChild (note, NULL, (const xmlChar *) "rest", NULL), (const xmlChar *) "measure",
                  (const xmlChar *) "yes");
      gint64 length = measure_length (r);
      sr_xml_add_int (note, "duration", length);
      sr_xml_add_int (note, "voice", r->voice);
      sr_xml_add_int (note, "staff", r->staff);
      r->cursor += length;
    }
  else if (sr_mei_is (element, "beam"))
    read_layer_children (r, measure, element, "beam", grace);
  else if (sr_mei_is (element, "graceGrp"))
    read_layer_children (r, measure, element, NULL, TRUE);
  else if (sr_mei_is (element, "tuplet"))
    {
      int num = sr_mei_attr_int (element, "num", 0), numbase = sr_mei_attr_int (element, "numbase", 0);
      int outer_num = r->tuplet_num, outer_numbase = r->tuplet_numbase;
      xmlNode *outer_first = r->tuplet_first;
      if (num > 0 && numbase > 0)
        {
          r->tuplet_num = MAX (outer_num, 1) * num;
          r->tuplet_numbase = MAX (outer_numbase, 1) * numbase;
        }
      r->tuplet_first = r->tuplet_last = NULL;
      read_layer_children (r, measure, element, beam, grace);
      if (r->tuplet_first != NULL)
        {
          add_tuplet_mark (r->tuplet_first, "start");
          add_tuplet_mark (r->tuplet_last, "stop");
        }
      r->tuplet_num = outer_num;
      r->tuplet_numbase = outer_numbase;
      /* The enclosing tuplet still starts where it started and now ends here. */
      if (outer_first != NULL)
        r->tuplet_first = outer_first;
    }
  else if (sr_mei_is (element, "bTrem") || sr_mei_is (element, "fTrem"))
    read_layer_children (r, measure, element, beam, grace);
  else if (sr_mei_is (element, "clef"))
    {
      const char *shape = sr_mei_attr (element, "shape");
      if (shape != NULL && strchr ("GFC", shape[0]) != NULL && r->staff >= 1 && r->staff <= MAX_STAVES)
        {
          xmlNode *attributes = xmlNewChild (measure, NULL, (const xmlChar *) "attributes", NULL);
          xmlNode *clef = xmlNewChild (attributes, NULL, (const xmlChar *) "clef", NULL);
          char sign[2] = { shape[0], 0 };
          sr_xml_add_text (clef, "sign", sign);
          int line = sr_mei_attr_int (element, "line", shape[0] == 'G' ? 2 : shape[0] == 'F' ? 4 : 3);
          sr_xml_add_int (clef, "line", line);
          char number[4];
          g_snprintf (number, sizeof number, "%d", r->staff);
          xmlSetProp (clef, (const xmlChar *) "number", (const xmlChar *) number);
          r->staves[r->staff].clef_sign = shape[0];
          r->staves[r->staff].clef_line = line;
        }
    }
}

static void
add_tuplet_mark (xmlNode *note, const char *type)
{
  xmlNode *notations = sr_xml_child (note, "notations");
  if (notations == NULL)
    notations = xmlNewChild (note, NULL, (const xmlChar *) "notations", NULL);
  xmlSetProp (xmlNewChild (notations, NULL, (const xmlChar *) "tuplet", NULL), (const xmlChar *) "type",
              (const xmlChar *) type);
}

static gboolean
is_sounding_event (const xmlNode *node)
{
  return sr_mei_is (node, "note") || sr_mei_is (node, "rest") || sr_mei_is (node, "chord") || sr_mei_is (node, "beam") || sr_mei_is (node, "tuplet") ||
         sr_mei_is (node, "space") || sr_mei_is (node, "bTrem") || sr_mei_is (node, "fTrem") || sr_mei_is (node, "graceGrp");
}

/* The notes, chords and rests a beam spans, at any depth (tuplets, tremolos), in order. */
static void
beam_leaves (const xmlNode *parent, GPtrArray *leaves)
{
  for (const xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      if (sr_mei_is (child, "note") || sr_mei_is (child, "chord") || sr_mei_is (child, "rest") || sr_mei_is (child, "space"))
        {
          if (sr_mei_attr (child, "grace") == NULL)
            g_ptr_array_add (leaves, (gpointer) child);
        }
      else if (sr_mei_is (child, "tuplet") || sr_mei_is (child, "bTrem") || sr_mei_is (child, "fTrem") || sr_mei_is (child, "beam"))
        beam_leaves (child, leaves);
    }
}

/* Beam states level by level, as MusicXML has them: a level begins where the note before has fewer flags, ends
 * where the note after has fewer, and is a hook where neither neighbour has as many. */
static void
assign_beams (Reader *r, const xmlNode *beam)
{
  g_autoptr(GPtrArray) leaves = g_ptr_array_new ();
  beam_leaves (beam, leaves);
  guint n = leaves->len;
  g_autofree int *levels = g_new0 (int, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const xmlNode *leaf = leaves->pdata[i];
      const char *type = NULL;
      gint64 ignored = 0;
      levels[i] = sr_mei_is (leaf, "rest") || sr_mei_is (leaf, "space") || !sr_mei_duration_of (sr_mei_attr (leaf, "dur"), &type, &ignored)
                    ? 0 : sr_mei_beam_levels (type);
    }
  for (guint i = 0; i < n; i++)
    {
      if (levels[i] == 0)
        continue;
      const char **states = g_new0 (const char *, levels[i] + 1);
      /* Rests under a beam do not break it: the neighbours are the nearest notes. */
      int before = 0, after = 0;
      gboolean first = TRUE;
      for (guint j = i; j-- > 0;)
        if (levels[j] > 0)
          {
            before = levels[j];
            first = FALSE;
            break;
          }
      for (guint j = i + 1; j < n; j++)
        if (levels[j] > 0)
          {
            after = levels[j];
            break;
          }
      for (int level = 1; level <= levels[i]; level++)
        {
          gboolean joins_before = before >= level, joins_after = after >= level;
          states[level - 1] = joins_before && joins_after ? "continue"
                              : joins_after             ? "begin"
                              : joins_before            ? "end"
                              : !first                  ? "backward hook"
                                                        : "forward hook";
        }
      g_hash_table_insert (r->beams, leaves->pdata[i], states);
    }
}

static void
read_layer_children (Reader *r, xmlNode *measure, const xmlNode *parent, const char *beam_of_parent, gboolean grace)
{
  if (sr_mei_is (parent, "beam") && !sr_mei_is (parent->parent, "beam"))
    assign_beams (r, parent);
  /* Inside a <beam>, its first and last events begin and end it; an enclosing beam's place passes through tuplets. */
  const xmlNode *first = NULL, *last = NULL;
  for (const xmlNode *child = parent->children; child != NULL; child = child->next)
    if (is_sounding_event (child))
      {
        if (first == NULL)
          first = child;
        last = child;
      }
  gboolean own_beam = sr_mei_is (parent, "beam");
  for (const xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      if (child->type != XML_ELEMENT_NODE)
        continue;
      const char *beam = beam_of_parent;
      if (own_beam)
        beam = child == first ? "begin" : child == last ? "end" : "continue";
      else if (beam_of_parent != NULL && first != last)
        beam = "continue";
      read_layer_event (r, measure, child, beam, grace);
    }
}

/* ---- measures ---- */

static void
write_attributes (Reader *r, xmlNode *measure)
{
  gboolean first = !r->first_measure_done;
  gboolean any = first;
  for (int s = 1; s <= r->n_staves; s++)
    any |= r->changed_key[s] || r->changed_time[s] || r->changed_clef[s];
  if (!any)
    return;
  xmlNode *attributes = xmlNewChild (measure, NULL, (const xmlChar *) "attributes", NULL);
  if (first)
    sr_xml_add_int (attributes, "divisions", DIVISIONS);
  if (first || r->changed_key[1])
    sr_xml_add_int (xmlNewChild (attributes, NULL, (const xmlChar *) "key", NULL), "fifths", r->staves[1].fifths);
  if ((first || r->changed_time[1]) && r->staves[1].beats > 0)
    {
      xmlNode *time = xmlNewChild (attributes, NULL, (const xmlChar *) "time", NULL);
      sr_xml_add_int (time, "beats", r->staves[1].beats);
      sr_xml_add_int (time, "beat-type", r->staves[1].beat_type);
    }
  if (first && r->n_staves > 1)
    sr_xml_add_int (attributes, "staves", r->n_staves);
  for (int s = 1; s <= r->n_staves; s++)
    if ((first || r->changed_clef[s]) && r->staves[s].clef_sign != 0)
      {
        xmlNode *clef = xmlNewChild (attributes, NULL, (const xmlChar *) "clef", NULL);
        char sign[2] = { r->staves[s].clef_sign, 0 }, number[4];
        sr_xml_add_text (clef, "sign", sign);
        sr_xml_add_int (clef, "line", r->staves[s].clef_line);
        g_snprintf (number, sizeof number, "%d", s);
        if (r->n_staves > 1)
          xmlSetProp (clef, (const xmlChar *) "number", (const xmlChar *) number);
      }
  for (int s = 0; s <= MAX_STAVES; s++)
    r->changed_key[s] = r->changed_time[s] = r->changed_clef[s] = FALSE;
  sr_musicxml_sort_attributes (attributes);
}

static void
add_barline (xmlNode *measure, const char *location, const char *repeat, const char *ending_number,
             const char *ending_type)
{
  xmlNode *barline = xmlNewChild (measure, NULL, (const xmlChar *) "barline", NULL);
  xmlSetProp (barline, (const xmlChar *) "location", (const xmlChar *) location);
  if (ending_number != NULL)
    {
      xmlNode *ending = xmlNewChild (barline, NULL, (const xmlChar *) "ending", NULL);
      xmlSetProp (ending, (const xmlChar *) "number", (const xmlChar *) ending_number);
      xmlSetProp (ending, (const xmlChar *) "type", (const xmlChar *) ending_type);
    }
  if (repeat != NULL)
    xmlSetProp (xmlNewChild (barline, NULL, (const xmlChar *) "repeat", NULL), (const xmlChar *) "direction",
                (const xmlChar *) repeat);
}


static void
read_measure (Reader *r, const xmlNode *mei_measure)
{
  xmlNode *measure = xmlNewChild (r->part, NULL, (const xmlChar *) "measure", NULL);
  r->measure_count++;
  const char *n = sr_mei_attr (mei_measure, "n");
  char fallback[16];
  g_snprintf (fallback, sizeof fallback, "%d", r->measure_count);
  xmlSetProp (measure, (const xmlChar *) "number", (const xmlChar *) (n != NULL ? n : fallback));
  if (r->new_system || r->new_page)
    {
      xmlNode *print = xmlNewChild (measure, NULL, (const xmlChar *) "print", NULL);
      xmlSetProp (print, (const xmlChar *) (r->new_page ? "new-page" : "new-system"), (const xmlChar *) "yes");
      r->new_system = r->new_page = FALSE;
    }
  if (r->ending_number != NULL && r->ending_first)
    {
      add_barline (measure, "left", NULL, r->ending_number, "start");
      r->ending_first = FALSE;
    }
  const char *left = sr_mei_attr (mei_measure, "left");
  if (g_strcmp0 (left, "rptstart") == 0 || g_strcmp0 (left, "rptboth") == 0)
    add_barline (measure, "left", "forward", NULL, NULL);
  write_attributes (r, measure);
  if (!r->first_measure_done && r->tempo > 0 && isfinite (r->tempo))
    {
      char tempo[32];
      g_ascii_formatd (tempo, sizeof tempo, "%g", CLAMP (r->tempo, 5, 1000));
      xmlSetProp (xmlNewChild (measure, NULL, (const xmlChar *) "sound", NULL), (const xmlChar *) "tempo",
                  (const xmlChar *) tempo);
    }
  r->first_measure_done = TRUE;
  g_array_set_size (r->placed, 0);

  gint64 pending_backup = 0;
  for (const xmlNode *staff = mei_measure->children; staff != NULL; staff = staff->next)
    {
      if (!sr_mei_is (staff, "staff"))
        continue;
      r->staff = CLAMP (sr_mei_attr_int (staff, "n", 1), 1, MAX_STAVES);
      for (const xmlNode *layer = staff->children; layer != NULL; layer = layer->next)
        {
          if (!sr_mei_is (layer, "layer"))
            continue;
          if (pending_backup > 0)
            sr_xml_add_int (xmlNewChild (measure, NULL, (const xmlChar *) "backup", NULL), "duration", pending_backup);
          r->voice = (r->staff - 1) * 4 + CLAMP (sr_mei_attr_int (layer, "n", 1), 1, 4);
          r->cursor = 0;
          r->tuplet_num = r->tuplet_numbase = 0;
          r->tuplet_first = r->tuplet_last = NULL;
          read_layer_children (r, measure, layer, NULL, FALSE);
          pending_backup = r->cursor;
        }
    }
  sr_mei_place_timed_marks (r, mei_measure);

  const char *right = sr_mei_attr (mei_measure, "right");
  gboolean repeat_end = g_strcmp0 (right, "rptend") == 0 || g_strcmp0 (right, "rptboth") == 0;
  if (repeat_end)
    add_barline (measure, "right", "backward", NULL, NULL);
  r->last_measure = measure;
}

static void
read_section (Reader *r, const xmlNode *section)
{
  for (const xmlNode *child = section->children; child != NULL; child = child->next)
    {
      if (child->type != XML_ELEMENT_NODE)
        continue;
      if (sr_mei_is (child, "measure"))
        read_measure (r, child);
      else if (sr_mei_is (child, "scoreDef"))
        read_score_def (r, child);
      else if (sr_mei_is (child, "staffDef"))
        {
          int n = sr_mei_attr_int (child, "n", 0);
          if (n >= 1 && n <= MAX_STAVES)
            read_staff_def (r, child, n);
        }
      else if (sr_mei_is (child, "sb"))
        r->new_system = TRUE;
      else if (sr_mei_is (child, "pb"))
        r->new_page = r->first_measure_done;
      else if (sr_mei_is (child, "ending"))
        {
          r->ending_number = sr_mei_attr (child, "n") != NULL ? sr_mei_attr (child, "n") : "1";
          r->ending_first = TRUE;
          read_section (r, child);
          if (r->last_measure != NULL && !r->ending_first)
            {
              /* A first ending closes with a line down; the last one stays open. */
              gboolean closed = child->next != NULL;
              xmlNode *barline = NULL;
              for (xmlNode *b = r->last_measure->children; b != NULL; b = b->next)
                if (sr_mei_is (b, "barline") && sr_xml_attribute_is (b, "location", "right"))
                  barline = b;
              if (barline == NULL)
                {
                  barline = xmlNewChild (r->last_measure, NULL, (const xmlChar *) "barline", NULL);
                  xmlSetProp (barline, (const xmlChar *) "location", (const xmlChar *) "right");
                }
              xmlNode *ending = xmlNewNode (NULL, (const xmlChar *) "ending");
              xmlSetProp (ending, (const xmlChar *) "number", (const xmlChar *) r->ending_number);
              xmlSetProp (ending, (const xmlChar *) "type", (const xmlChar *) (closed ? "stop" : "discontinue"));
              if (barline->children != NULL)
                xmlAddPrevSibling (barline->children, ending);
              else
                xmlAddChild (barline, ending);
            }
          r->ending_number = NULL;
        }
      else if (sr_mei_is (child, "section") || sr_mei_is (child, "lem") || sr_mei_is (child, "rdg") || sr_mei_is (child, "app"))
        read_section (r, child);
    }
}

static const xmlNode *
find (const xmlNode *node, const char *name)
{
  for (const xmlNode *child = node != NULL ? node->children : NULL; child != NULL; child = child->next)
    {
      if (sr_mei_is (child, name))
        return child;
      const xmlNode *deeper = find (child, name);
      if (deeper != NULL)
        return deeper;
    }
  return NULL;
}

xmlDoc *
sr_mei_to_musicxml (xmlDoc *mei, GError **error)
{
  const xmlNode *score = find ((const xmlNode *) mei, "score");
  if (score == NULL)
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, _("the MEI file has no score"));
      return NULL;
    }

  xmlDoc *document = xmlNewDoc ((const xmlChar *) "1.0");
  xmlNode *root = xmlNewNode (NULL, (const xmlChar *) "score-partwise");
  xmlSetProp (root, (const xmlChar *) "version", (const xmlChar *) "4.0");
  xmlDocSetRootElement (document, root);
  xmlNode *score_part = xmlNewChild (xmlNewChild (root, NULL, (const xmlChar *) "part-list", NULL), NULL,
                                     (const xmlChar *) "score-part", NULL);
  xmlSetProp (score_part, (const xmlChar *) "id", (const xmlChar *) "P1");
  sr_xml_add_text (score_part, "part-name", "Piano");

  Reader r = { 0 };
  r.part = xmlNewChild (root, NULL, (const xmlChar *) "part", NULL);
  xmlSetProp (r.part, (const xmlChar *) "id", (const xmlChar *) "P1");
  r.marks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sr_mei_free_marks);
  r.placed = g_array_new (FALSE, FALSE, sizeof (Placed));
  r.beams = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  sr_mei_collect_marks (&r, score);
  for (const xmlNode *child = score->children; child != NULL; child = child->next)
    {
      if (sr_mei_is (child, "scoreDef"))
        read_score_def (&r, child);
      else if (sr_mei_is (child, "section"))
        read_section (&r, child);
    }
  g_hash_table_unref (r.marks);
  g_array_unref (r.placed);
  g_hash_table_unref (r.beams);
  if (r.measure_count == 0)
    {
      xmlFreeDoc (document);
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, _("the MEI score has no measures"));
      return NULL;
    }
  return document;
}
