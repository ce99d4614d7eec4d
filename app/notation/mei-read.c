/* MEI → MusicXML; see mei-read.h. */
#include "mei-read.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "musicxml-read.h"
#include "musicxml-write.h"

/* Divisions of a quarter: 2^5 · 3^2 · 5 · 7, so that 128ths and triplets, quintuplets and septuplets of them are
 * whole numbers. */
#define DIVISIONS 10080
#define MAX_STAVES 16

typedef struct {
  int fifths;
  int beats, beat_type;
  char clef_sign;
  int clef_line;
} StaffState;

/* What control events (ties, slurs, fermatas, …) say about a note, keyed by its xml:id. */
typedef struct {
  gboolean tie_start, tie_stop;
  GArray *slur_starts, *slur_stops; /* slur numbers */
  gboolean fermata, arpeggiate, trill;
  const char *mordent; /* "mordent" or "inverted-mordent" */
  const char *turn;    /* "turn" or "inverted-turn" */
  int tuplet_span_num, tuplet_span_numbase; /* a tupletSpan starts here */
  gboolean tuplet_span_end;
} Marks;

/* Control events given by staff and beat (tstamp) instead of a note: resolved once the measure's notes are placed. */
typedef struct {
  int staff;
  double beat;
  const char *what; /* "fermata", "arpeggiate", "trill", … */
  const char *form;
} TimedMark;

typedef struct {
  xmlNode *part;
  int n_staves;
  StaffState staves[MAX_STAVES + 1];
  gboolean changed_key[MAX_STAVES + 1], changed_time[MAX_STAVES + 1], changed_clef[MAX_STAVES + 1];
  gboolean first_measure_done;
  gboolean new_system, new_page;
  double tempo;
  GHashTable *marks; /* id → Marks* */
  int next_slur;
  const char *ending_number; /* inside an <ending> */
  gboolean ending_first;
  xmlNode *last_measure;
  int measure_count;
  /* Within one layer. */
  int voice, staff;
  gint64 cursor;
  int tuplet_num, tuplet_numbase; /* product of the enclosing tuplets */
  xmlNode *tuplet_first;          /* first note of the innermost tuplet, and the last so far */
  xmlNode *tuplet_last;
  int span_num, span_numbase;     /* an open tupletSpan */
  /* Notes placed in the measure, for tstamp control events: (staff, onset in quarters, note). */
  GArray *placed;
  /* Each beamed note or chord element → its beam states, level by level ("begin", "continue", "end",
   * "forward hook", "backward hook"), as a NULL-terminated array. */
  GHashTable *beams;
} Reader;

typedef struct {
  int staff;
  double quarters;
  xmlNode *note;
} Placed;

static const char *
attr (const xmlNode *node, const char *name)
{
  /* libxml2 keeps attributes as xmlChar*; the document outlives every use here. */
  for (xmlAttr *a = node->properties; a != NULL; a = a->next)
    if (strcmp ((const char *) a->name, name) == 0 && a->children != NULL)
      return (const char *) a->children->content;
  return NULL;
}

static int
attr_int (const xmlNode *node, const char *name, int fallback)
{
  const char *text = attr (node, name);
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

static const char *
id_of (const xmlNode *node)
{
  for (xmlAttr *a = node->properties; a != NULL; a = a->next)
    if (strcmp ((const char *) a->name, "id") == 0 && a->children != NULL)
      return (const char *) a->children->content;
  return NULL;
}

static gboolean
is (const xmlNode *node, const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE && strcmp ((const char *) node->name, name) == 0;
}

static void
free_marks (gpointer data)
{
  Marks *marks = data;
  if (marks->slur_starts != NULL)
    g_array_unref (marks->slur_starts);
  if (marks->slur_stops != NULL)
    g_array_unref (marks->slur_stops);
  g_free (marks);
}

static Marks *
marks_for (Reader *r, const char *reference)
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

/* ---- the pre-pass: control events that point at notes ---- */

static void
collect_marks (Reader *r, const xmlNode *node)
{
  for (const xmlNode *child = node->children; child != NULL; child = child->next)
    {
      if (child->type != XML_ELEMENT_NODE)
        continue;
      const char *start = attr (child, "startid"), *end = attr (child, "endid");
      if (is (child, "tie"))
        {
          Marks *a = marks_for (r, start), *b = marks_for (r, end);
          if (a != NULL)
            a->tie_start = TRUE;
          if (b != NULL)
            b->tie_stop = TRUE;
        }
      else if (is (child, "slur") && start != NULL && end != NULL)
        {
          int number = r->next_slur % 6 + 1;
          r->next_slur++;
          Marks *a = marks_for (r, start), *b = marks_for (r, end);
          if (a->slur_starts == NULL)
            a->slur_starts = g_array_new (FALSE, FALSE, sizeof (int));
          g_array_append_val (a->slur_starts, number);
          if (b->slur_stops == NULL)
            b->slur_stops = g_array_new (FALSE, FALSE, sizeof (int));
          g_array_append_val (b->slur_stops, number);
        }
      else if (is (child, "fermata") && start != NULL)
        marks_for (r, start)->fermata = TRUE;
      else if (is (child, "trill") && start != NULL)
        marks_for (r, start)->trill = TRUE;
      else if (is (child, "mordent") && start != NULL)
        marks_for (r, start)->mordent = g_strcmp0 (attr (child, "form"), "upper") == 0 ? "inverted-mordent" : "mordent";
      else if (is (child, "turn") && start != NULL)
        marks_for (r, start)->turn = g_strcmp0 (attr (child, "form"), "lower") == 0 ? "inverted-turn" : "turn";
      else if (is (child, "arpeg"))
        {
          g_auto(GStrv) ids = g_strsplit (attr (child, "plist") != NULL ? attr (child, "plist") : "", " ", -1);
          for (guint i = 0; ids[i] != NULL; i++)
            if (ids[i][0] != '\0')
              marks_for (r, ids[i])->arpeggiate = TRUE;
        }
      else if (is (child, "tupletSpan") && start != NULL && end != NULL)
        {
          Marks *a = marks_for (r, start);
          a->tuplet_span_num = attr_int (child, "num", 0);
          a->tuplet_span_numbase = attr_int (child, "numbase", 0);
          marks_for (r, end)->tuplet_span_end = TRUE;
        }
      collect_marks (r, child);
    }
}

/* ---- durations, pitches, names ---- */

static const struct {
  const char *mei;
  const char *type;
  int quarters_times_4;
} durations[] = {
  { "long", "long", 16 * 4 }, { "breve", "breve", 8 * 4 }, { "1", "whole", 4 * 4 }, { "2", "half", 2 * 4 },
  { "4", "quarter", 4 }, { "8", "eighth", 2 }, { "16", "16th", 1 },
};

/* The type name and the undotted length in divisions of an MEI @dur; FALSE when unknown. */
static gboolean
duration_of (const char *dur, const char **type, gint64 *length)
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

static gint64
dotted (gint64 length, int dots)
{
  gint64 total = length, part = length;
  for (int i = 0; i < dots && i < 4; i++)
    {
      part /= 2;
      total += part;
    }
  return total;
}

static gboolean
accidental_alter (const char *accid, int *alter, const char **name)
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

static int
fifths_of (const char *sig)
{
  if (sig == NULL || sig[0] < '0' || sig[0] > '9')
    return 0;
  int count = MIN (sig[0] - '0', 7);
  return sig[1] == 'f' ? -count : count;
}

/* ---- score definitions ---- */

static void
read_staff_def (Reader *r, const xmlNode *def, int only_staff)
{
  int first = only_staff > 0 ? only_staff : 1, last = only_staff > 0 ? only_staff : r->n_staves;
  const xmlNode *key = NULL, *meter = NULL, *clef = NULL;
  for (const xmlNode *child = def->children; child != NULL; child = child->next)
    {
      if (is (child, "keySig"))
        key = child;
      else if (is (child, "meterSig"))
        meter = child;
      else if (is (child, "clef"))
        clef = child;
    }
  const char *sig = key != NULL ? attr (key, "sig") : attr (def, "keysig") != NULL ? attr (def, "keysig") : attr (def, "key.sig");
  int count = meter != NULL ? attr_int (meter, "count", 0) : attr_int (def, "meter.count", 0);
  int unit = meter != NULL ? attr_int (meter, "unit", 0) : attr_int (def, "meter.unit", 0);
  const char *shape = clef != NULL ? attr (clef, "shape") : attr (def, "clef.shape");
  int line = clef != NULL ? attr_int (clef, "line", 0) : attr_int (def, "clef.line", 0);
  for (int s = first; s <= last && s <= MAX_STAVES; s++)
    {
      StaffState *staff = &r->staves[s];
      if (sig != NULL && fifths_of (sig) != staff->fifths)
        staff->fifths = fifths_of (sig), r->changed_key[s] = TRUE;
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
  if (attr (def, "midi.bpm") != NULL)
    r->tempo = g_ascii_strtod (attr (def, "midi.bpm"), NULL);
  read_staff_def (r, def, 0);
  for (const xmlNode *child = def->children; child != NULL; child = child->next)
    {
      if (is (child, "staffGrp"))
        read_score_def (r, child);
      else if (is (child, "staffDef"))
        {
          int n = attr_int (child, "n", 0);
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

typedef struct {
  const char *dur;
  int dots;
  const char *stem;
  gboolean grace, slash;
  const char *beam; /* begin, continue, end, or NULL */
  const xmlNode *chord;
  gboolean chord_member; /* a chord's second or later note */
  const xmlNode *artic_from; /* the chord, whose articulations its notes share */
} NoteContext;

static void
add_articulations (xmlNode **notations, xmlNode *note, const xmlNode *from)
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
  GString *all = g_string_new (attr (from, "artic"));
  for (const xmlNode *child = from->children; child != NULL; child = child->next)
    if (is (child, "artic") && attr (child, "artic") != NULL)
      g_string_append_printf (all, " %s", attr (child, "artic"));
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

static xmlNode *
notations_of (xmlNode **notations, xmlNode *note)
{
  if (*notations == NULL)
    *notations = xmlNewChild (note, NULL, (const xmlChar *) "notations", NULL);
  return *notations;
}

static int
beam_levels (const char *type)
{
  static const char *const types[] = { "eighth", "16th", "32nd", "64th", "128th", "256th", "512th", "1024th" };
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (strcmp (type, types[i]) == 0)
      return (int) i + 1;
  return 0;
}

/* Writes one <note> (or rest) into the measure. Returns its length in divisions (0 for grace and chord members). */
static gint64
emit_note (Reader *r, xmlNode *measure, const xmlNode *element, const NoteContext *context)
{
  gboolean rest = is (element, "rest");
  const char *dur = attr (element, "dur") != NULL ? attr (element, "dur") : context->dur;
  int dots = attr (element, "dots") != NULL ? attr_int (element, "dots", 0) : context->dots;
  const char *type = NULL;
  gint64 length = 0;
  if (!duration_of (dur, &type, &length))
    return 0;
  const char *id = id_of (element);
  Marks *marks = id != NULL ? g_hash_table_lookup (r->marks, id) : NULL;
  /* Marks on a chord: an arpeggio rolls every note; the rest go on its first note, as MuseScore writes them. */
  Marks *chord_marks = context->chord != NULL && id_of (context->chord) != NULL
                         ? g_hash_table_lookup (r->marks, id_of (context->chord)) : NULL;
  Marks *starting = marks != NULL && marks->tuplet_span_num > 0 ? marks : chord_marks;
  if (starting != NULL && starting->tuplet_span_num > 0 && starting->tuplet_span_numbase > 0 && !context->chord_member)
    {
      r->span_num = starting->tuplet_span_num;
      r->span_numbase = starting->tuplet_span_numbase;
    }
  length = dotted (length, dots);
  int num = MAX (r->tuplet_num, 1) * MAX (r->span_num, 1), numbase = MAX (r->tuplet_numbase, 1) * MAX (r->span_numbase, 1);
  length = length * numbase / num;
  gboolean grace = context->grace || attr (element, "grace") != NULL;
  gboolean slash = context->slash || g_strcmp0 (attr (element, "grace"), "acc") == 0;

  xmlNode *note = xmlNewChild (measure, NULL, (const xmlChar *) "note", NULL);
  if (grace)
    {
      xmlNode *g = xmlNewChild (note, NULL, (const xmlChar *) "grace", NULL);
      if (slash)
        xmlSetProp (g, (const xmlChar *) "slash", (const xmlChar *) "yes");
    }
  if (context->chord_member)
    xmlNewChild (note, NULL, (const xmlChar *) "chord", NULL);

  const char *written = attr (element, "accid"), *sounding = attr (element, "accid.ges");
  for (const xmlNode *child = element->children; child != NULL; child = child->next)
    if (is (child, "accid"))
      {
        if (attr (child, "accid") != NULL)
          written = attr (child, "accid");
        if (attr (child, "accid.ges") != NULL)
          sounding = attr (child, "accid.ges");
      }
  if (rest)
    xmlNewChild (note, NULL, (const xmlChar *) "rest", NULL);
  else
    {
      const char *pname = attr (element, "pname");
      int octave = attr_int (element, "oct", 4);
      xmlNode *pitch = xmlNewChild (note, NULL, (const xmlChar *) "pitch", NULL);
      char step[2] = { pname != NULL && strchr ("abcdefg", pname[0]) != NULL ? (char) g_ascii_toupper (pname[0]) : 'C', 0 };
      sr_xml_add_text (pitch, "step", step);
      int alter = 0;
      if (accidental_alter (sounding, &alter, NULL) || accidental_alter (written, &alter, NULL))
        if (alter != 0)
          sr_xml_add_int (pitch, "alter", alter);
      sr_xml_add_int (pitch, "octave", CLAMP (octave, 0, 9));
    }
  if (!grace)
    sr_xml_add_int (note, "duration", MAX (length, 1));
  gboolean tie_start = (marks != NULL && marks->tie_start) || g_strcmp0 (attr (element, "tie"), "i") == 0 ||
                       g_strcmp0 (attr (element, "tie"), "m") == 0;
  gboolean tie_stop = (marks != NULL && marks->tie_stop) || g_strcmp0 (attr (element, "tie"), "t") == 0 ||
                      g_strcmp0 (attr (element, "tie"), "m") == 0;
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
  if (!rest && accidental_alter (written, &ignored, &accidental_name))
    sr_xml_add_text (note, "accidental", accidental_name);
  if (num != numbase)
    {
      xmlNode *modification = xmlNewChild (note, NULL, (const xmlChar *) "time-modification", NULL);
      sr_xml_add_int (modification, "actual-notes", num);
      sr_xml_add_int (modification, "normal-notes", numbase);
    }
  const char *stem = attr (element, "stem.dir") != NULL ? attr (element, "stem.dir") : context->stem;
  if (!rest && stem != NULL && (strcmp (stem, "up") == 0 || strcmp (stem, "down") == 0))
    sr_xml_add_text (note, "stem", stem);
  int staff = attr_int (element, "staff", r->staff);
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
    xmlSetProp (xmlNewChild (notations_of (&notations, note), NULL, (const xmlChar *) "tied", NULL),
                (const xmlChar *) "type", (const xmlChar *) "stop");
  if (tie_start)
    xmlSetProp (xmlNewChild (notations_of (&notations, note), NULL, (const xmlChar *) "tied", NULL),
                (const xmlChar *) "type", (const xmlChar *) "start");
  Marks *all[2] = { marks, context->chord_member ? NULL : chord_marks };
  for (int m = 0; m < 2; m++)
    {
      Marks *k = all[m];
      if (k == NULL)
        continue;
      for (guint i = 0; k->slur_stops != NULL && i < k->slur_stops->len; i++)
        {
          xmlNode *slur = xmlNewChild (notations_of (&notations, note), NULL, (const xmlChar *) "slur", NULL);
          xmlSetProp (slur, (const xmlChar *) "type", (const xmlChar *) "stop");
          char number[4];
          g_snprintf (number, sizeof number, "%d", g_array_index (k->slur_stops, int, i));
          xmlSetProp (slur, (const xmlChar *) "number", (const xmlChar *) number);
        }
      for (guint i = 0; k->slur_starts != NULL && i < k->slur_starts->len; i++)
        {
          xmlNode *slur = xmlNewChild (notations_of (&notations, note), NULL, (const xmlChar *) "slur", NULL);
          xmlSetProp (slur, (const xmlChar *) "type", (const xmlChar *) "start");
          char number[4];
          g_snprintf (number, sizeof number, "%d", g_array_index (k->slur_starts, int, i));
          xmlSetProp (slur, (const xmlChar *) "number", (const xmlChar *) number);
        }
    }
  add_articulations (&notations, note, element);
  if (context->artic_from != NULL && !context->chord_member)
    add_articulations (&notations, note, context->artic_from); /* a chord's, on its first note as MuseScore has it */
  for (int m = 0; m < 2; m++)
    {
      Marks *k = all[m];
      if (k == NULL)
        continue;
      if (k->fermata)
        xmlNewChild (notations_of (&notations, note), NULL, (const xmlChar *) "fermata", NULL);
      if (k->arpeggiate || (m == 0 && chord_marks != NULL && chord_marks->arpeggiate))
        xmlNewChild (notations_of (&notations, note), NULL, (const xmlChar *) "arpeggiate", NULL);
      if (k->trill || k->mordent != NULL || k->turn != NULL)
        {
          xmlNode *ornaments = xmlNewChild (notations_of (&notations, note), NULL, (const xmlChar *) "ornaments", NULL);
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
  if (is (element, "note") || is (element, "rest"))
    {
      context.stem = attr (element, "stem.dir");
      r->cursor += emit_note (r, measure, element, &context);
    }
  else if (is (element, "chord"))
    {
      context.dur = attr (element, "dur");
      context.dots = attr_int (element, "dots", 0);
      context.stem = attr (element, "stem.dir");
      context.grace = grace || attr (element, "grace") != NULL;
      context.slash = g_strcmp0 (attr (element, "grace"), "acc") == 0;
      context.chord = element;
      context.artic_from = element;
      gint64 length = 0;
      gboolean first = TRUE;
      for (const xmlNode *child = element->children; child != NULL; child = child->next)
        if (is (child, "note"))
          {
            context.chord_member = !first;
            gint64 l = emit_note (r, measure, child, &context);
            if (first)
              length = l;
            first = FALSE;
          }
      r->cursor += length;
    }
  else if (is (element, "space") || is (element, "mSpace"))
    {
      const char *type;
      gint64 length = 0;
      if (is (element, "mSpace"))
        length = measure_length (r);
      else if (duration_of (attr (element, "dur"), &type, &length))
        {
          length = dotted (length, attr_int (element, "dots", 0));
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
  else if (is (element, "mRest") || is (element, "multiRest"))
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
  else if (is (element, "beam"))
    read_layer_children (r, measure, element, "beam", grace);
  else if (is (element, "graceGrp"))
    read_layer_children (r, measure, element, NULL, TRUE);
  else if (is (element, "tuplet"))
    {
      int num = attr_int (element, "num", 0), numbase = attr_int (element, "numbase", 0);
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
  else if (is (element, "bTrem") || is (element, "fTrem"))
    read_layer_children (r, measure, element, beam, grace);
  else if (is (element, "clef"))
    {
      const char *shape = attr (element, "shape");
      if (shape != NULL && strchr ("GFC", shape[0]) != NULL && r->staff >= 1 && r->staff <= MAX_STAVES)
        {
          xmlNode *attributes = xmlNewChild (measure, NULL, (const xmlChar *) "attributes", NULL);
          xmlNode *clef = xmlNewChild (attributes, NULL, (const xmlChar *) "clef", NULL);
          char sign[2] = { shape[0], 0 };
          sr_xml_add_text (clef, "sign", sign);
          int line = attr_int (element, "line", shape[0] == 'G' ? 2 : shape[0] == 'F' ? 4 : 3);
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
  return is (node, "note") || is (node, "rest") || is (node, "chord") || is (node, "beam") || is (node, "tuplet") ||
         is (node, "space") || is (node, "bTrem") || is (node, "fTrem") || is (node, "graceGrp");
}

/* The notes, chords and rests a beam spans, at any depth (tuplets, tremolos), in order. */
static void
beam_leaves (const xmlNode *parent, GPtrArray *leaves)
{
  for (const xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      if (is (child, "note") || is (child, "chord") || is (child, "rest") || is (child, "space"))
        {
          if (attr (child, "grace") == NULL)
            g_ptr_array_add (leaves, (gpointer) child);
        }
      else if (is (child, "tuplet") || is (child, "bTrem") || is (child, "fTrem") || is (child, "beam"))
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
      levels[i] = is (leaf, "rest") || is (leaf, "space") || !duration_of (attr (leaf, "dur"), &type, &ignored)
                    ? 0 : beam_levels (type);
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
  if (is (parent, "beam") && !is (parent->parent, "beam"))
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
  gboolean own_beam = is (parent, "beam");
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

/* Control events placed by staff and beat rather than by note. */
static void
place_timed_marks (Reader *r, const xmlNode *mei_measure)
{
  for (const xmlNode *child = mei_measure->children; child != NULL; child = child->next)
    {
      if (!(is (child, "fermata") || is (child, "trill") || is (child, "arpeg")) || attr (child, "startid") != NULL ||
          attr (child, "plist") != NULL || attr (child, "tstamp") == NULL)
        continue;
      double beat = g_ascii_strtod (attr (child, "tstamp"), NULL);
      int staff = attr_int (child, "staff", 1);
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
          if (is (child, "fermata"))
            xmlNewChild (notations, NULL, (const xmlChar *) "fermata", NULL);
          else if (is (child, "arpeg"))
            xmlNewChild (notations, NULL, (const xmlChar *) "arpeggiate", NULL);
          else
            xmlNewChild (xmlNewChild (notations, NULL, (const xmlChar *) "ornaments", NULL), NULL,
                         (const xmlChar *) "trill-mark", NULL);
          break;
        }
    }
}

static void
read_measure (Reader *r, const xmlNode *mei_measure)
{
  xmlNode *measure = xmlNewChild (r->part, NULL, (const xmlChar *) "measure", NULL);
  r->measure_count++;
  const char *n = attr (mei_measure, "n");
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
  const char *left = attr (mei_measure, "left");
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
      if (!is (staff, "staff"))
        continue;
      r->staff = CLAMP (attr_int (staff, "n", 1), 1, MAX_STAVES);
      for (const xmlNode *layer = staff->children; layer != NULL; layer = layer->next)
        {
          if (!is (layer, "layer"))
            continue;
          if (pending_backup > 0)
            sr_xml_add_int (xmlNewChild (measure, NULL, (const xmlChar *) "backup", NULL), "duration", pending_backup);
          r->voice = (r->staff - 1) * 4 + CLAMP (attr_int (layer, "n", 1), 1, 4);
          r->cursor = 0;
          r->tuplet_num = r->tuplet_numbase = 0;
          r->tuplet_first = r->tuplet_last = NULL;
          read_layer_children (r, measure, layer, NULL, FALSE);
          pending_backup = r->cursor;
        }
    }
  place_timed_marks (r, mei_measure);

  const char *right = attr (mei_measure, "right");
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
      if (is (child, "measure"))
        read_measure (r, child);
      else if (is (child, "scoreDef"))
        read_score_def (r, child);
      else if (is (child, "staffDef"))
        {
          int n = attr_int (child, "n", 0);
          if (n >= 1 && n <= MAX_STAVES)
            read_staff_def (r, child, n);
        }
      else if (is (child, "sb"))
        r->new_system = TRUE;
      else if (is (child, "pb"))
        r->new_page = r->first_measure_done;
      else if (is (child, "ending"))
        {
          r->ending_number = attr (child, "n") != NULL ? attr (child, "n") : "1";
          r->ending_first = TRUE;
          read_section (r, child);
          if (r->last_measure != NULL && !r->ending_first)
            {
              /* A first ending closes with a line down; the last one stays open. */
              gboolean closed = child->next != NULL;
              xmlNode *barline = NULL;
              for (xmlNode *b = r->last_measure->children; b != NULL; b = b->next)
                if (is (b, "barline") && sr_xml_attribute_is (b, "location", "right"))
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
      else if (is (child, "section") || is (child, "lem") || is (child, "rdg") || is (child, "app"))
        read_section (r, child);
    }
}

static const xmlNode *
find (const xmlNode *node, const char *name)
{
  for (const xmlNode *child = node != NULL ? node->children : NULL; child != NULL; child = child->next)
    {
      if (is (child, name))
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
  r.marks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_marks);
  r.placed = g_array_new (FALSE, FALSE, sizeof (Placed));
  r.beams = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  collect_marks (&r, score);
  for (const xmlNode *child = score->children; child != NULL; child = child->next)
    {
      if (is (child, "scoreDef"))
        read_score_def (&r, child);
      else if (is (child, "section"))
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
