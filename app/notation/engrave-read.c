/* MusicXML (score-partwise) into the engraver's measures: every part's staves stacked, each note placed on its staff
 * by the clef in force, onsets counted in quarters through <backup> and <forward>. What the engraver does not draw
 * (directions, lyrics, harmony) is passed over; what is damaged (no duration, unknown values) gets a plain default. */
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "engrave-private.h"
#include "musicxml-read.h"

/* Beyond this many measures or events a score is refused rather than laid out (a damaged or hostile file). */
#define MAX_MEASURES 20000
#define MAX_EVENTS 2000000

static const char *const STEP_NAMES = "CDEFGAB";

int
sr_clef_bottom_line (SrClef clef)
{
  /* The reference pitch sits on the clef's line: G4 (32), F3 (24), C4 (28); lines are two steps apart. */
  int reference = clef.sign == SR_CLEF_F ? 24 : clef.sign == SR_CLEF_C ? 28 : 32;
  return reference - 2 * (clef.line - 1) + 7 * clef.octave;
}

void
sr_engrave_measure_free (gpointer data)
{
  SrMeasure *measure = data;
  g_free (measure->number);
  g_array_unref (measure->events);
  if (measure->groups != NULL)
    g_ptr_array_unref (measure->groups);
  g_free (measure);
}

static gint64
int_child (const xmlNode *node, const char *name, gint64 fallback)
{
  gint64 value;
  xmlNode *child = sr_xml_child (node, name);
  return child != NULL && sr_xml_int (child, &value) ? value : fallback;
}

static char *
text_child (const xmlNode *node, const char *name)
{
  xmlNode *child = sr_xml_child (node, name);
  if (child == NULL)
    return NULL;
  xmlChar *text = xmlNodeGetContent (child);
  char *copy = g_strstrip (g_strdup ((const char *) text));
  xmlFree (text);
  return copy;
}

static double
number_child (const xmlNode *node, const char *name, double fallback)
{
  g_autofree char *text = text_child (node, name);
  if (text == NULL)
    return fallback;
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);
  return end != text && isfinite (value) ? value : fallback;
}

static int
attribute_int (const xmlNode *node, const char *name, int fallback)
{
  xmlChar *text = xmlGetProp (node, (const xmlChar *) name);
  if (text == NULL)
    return fallback;
  char *end = NULL;
  gint64 value = g_ascii_strtoll ((const char *) text, &end, 10);
  int result = end != (char *) text && value >= -1000 && value <= 1000 ? (int) value : fallback;
  xmlFree (text);
  return result;
}

static int
note_type (const char *name, double quarters)
{
  static const char *const names[] = { "whole", "half", "quarter", "eighth", "16th", "32nd", "64th", "128th" };
  if (name != NULL)
    {
      if (strcmp (name, "breve") == 0 || strcmp (name, "long") == 0)
        return -1;
      for (int i = 0; i < (int) G_N_ELEMENTS (names); i++)
        if (strcmp (name, names[i]) == 0)
          return MIN (i, 6);
    }
  /* No (or an unknown) type: the longest value the duration holds. */
  for (int i = -1; i < 6; i++)
    if (quarters >= 4.0 / (1 << (i + 1)) * 0.999 || i == 5)
      return MAX (i, -1);
  return 2;
}

static SrAccidental
accidental_of (const char *name)
{
  if (name == NULL)
    return SR_ACCIDENTAL_NONE;
  if (strcmp (name, "sharp") == 0 || strcmp (name, "natural-sharp") == 0)
    return SR_ACCIDENTAL_SHARP;
  if (strcmp (name, "flat") == 0 || strcmp (name, "natural-flat") == 0)
    return SR_ACCIDENTAL_FLAT;
  if (strcmp (name, "natural") == 0)
    return SR_ACCIDENTAL_NATURAL;
  if (strcmp (name, "double-sharp") == 0 || strcmp (name, "sharp-sharp") == 0)
    return SR_ACCIDENTAL_DOUBLE_SHARP;
  if (strcmp (name, "flat-flat") == 0 || strcmp (name, "double-flat") == 0)
    return SR_ACCIDENTAL_DOUBLE_FLAT;
  return SR_ACCIDENTAL_NONE;
}

static SrBeamState
beam_state (const char *name)
{
  static const char *const names[] = { "begin", "continue", "end", "forward hook", "backward hook" };
  for (int i = 0; name != NULL && i < (int) G_N_ELEMENTS (names); i++)
    if (strcmp (name, names[i]) == 0)
      return (SrBeamState) (i + 1);
  return SR_BEAM_NONE;
}

static SrClef
clef_of (const xmlNode *node)
{
  g_autofree char *sign = text_child (node, "sign");
  SrClef clef = { SR_CLEF_G, 2, 0 };
  if (sign != NULL && strcmp (sign, "F") == 0)
    clef = (SrClef) { SR_CLEF_F, 4, 0 };
  else if (sign != NULL && strcmp (sign, "C") == 0)
    clef = (SrClef) { SR_CLEF_C, 3, 0 };
  else if (sign != NULL && (strcmp (sign, "percussion") == 0 || strcmp (sign, "TAB") == 0))
    clef = (SrClef) { SR_CLEF_PERCUSSION, 3, 0 };
  clef.line = CLAMP ((int) int_child (node, "line", clef.line), 1, 5);
  clef.octave = CLAMP ((int) int_child (node, "clef-octave-change", 0), -2, 2);
  return clef;
}

/* What the reader carries from measure to measure of one part. */
typedef struct {
  int first_staff, n_staves;
  double divisions;
  int key_fifths[SR_ENGRAVE_MAX_STAVES];
  SrClef clefs[SR_ENGRAVE_MAX_STAVES];
} PartState;

static void
read_notations (const xmlNode *notations, SrEvent *event)
{
  for (const xmlNode *n = notations->children; n != NULL; n = n->next)
    {
      if (sr_xml_is_element (n, "tied") && sr_xml_attribute_is (n, "type", "start"))
        event->tie_start = TRUE;
      else if (sr_xml_is_element (n, "slur"))
        {
          int number = CLAMP (attribute_int (n, "number", 1), 1, 16) - 1;
          if (sr_xml_attribute_is (n, "type", "start"))
            event->slur_starts |= 1u << number;
          else if (sr_xml_attribute_is (n, "type", "stop"))
            event->slur_stops |= 1u << number;
        }
      else if (sr_xml_is_element (n, "tuplet"))
        {
          if (sr_xml_attribute_is (n, "type", "start"))
            event->tuplet_start = TRUE;
          else if (sr_xml_attribute_is (n, "type", "stop"))
            event->tuplet_stop = TRUE;
        }
      else if (sr_xml_is_element (n, "fermata"))
        event->articulations |= SR_ARTICULATION_FERMATA;
      else if (sr_xml_is_element (n, "articulations"))
        for (const xmlNode *a = n->children; a != NULL; a = a->next)
          {
            if (sr_xml_is_element (a, "staccato") || sr_xml_is_element (a, "spiccato"))
              event->articulations |= SR_ARTICULATION_STACCATO;
            else if (sr_xml_is_element (a, "accent"))
              event->articulations |= SR_ARTICULATION_ACCENT;
            else if (sr_xml_is_element (a, "tenuto") || sr_xml_is_element (a, "detached-legato"))
              event->articulations |= SR_ARTICULATION_TENUTO;
            else if (sr_xml_is_element (a, "staccatissimo"))
              event->articulations |= SR_ARTICULATION_STACCATISSIMO;
            else if (sr_xml_is_element (a, "strong-accent"))
              event->articulations |= SR_ARTICULATION_MARCATO;
          }
    }
}

static SrEvent
read_note (const xmlNode *node, const PartState *part, double onset)
{
  SrEvent event = { 0 };
  event.node = (xmlNode *) node;
  event.kind = sr_xml_child (node, "rest") != NULL ? SR_EVENT_REST : SR_EVENT_NOTE;
  event.onset = onset;
  event.grace = sr_xml_child (node, "grace") != NULL;
  event.chord = sr_xml_child (node, "chord") != NULL;
  double duration = event.grace ? 0.0 : number_child (node, "duration", 0.0);
  event.duration = duration > 0 && duration < 1e6 ? duration / part->divisions : 0.0;
  event.voice = CLAMP ((int) int_child (node, "voice", 1), 1, 64);
  int staff = CLAMP ((int) int_child (node, "staff", 1), 1, part->n_staves) - 1;
  event.staff = part->first_staff + staff;
  g_autofree char *type = text_child (node, "type");
  event.type = note_type (type, event.duration);
  event.dots = 0;
  for (const xmlNode *c = node->children; c != NULL; c = c->next)
    if (sr_xml_is_element (c, "dot"))
      event.dots = MIN (event.dots + 1, 3);
  g_autofree char *accidental = text_child (node, "accidental");
  event.accidental = accidental_of (accidental);
  g_autofree char *stem = text_child (node, "stem");
  event.stem = stem == NULL ? 0 : strcmp (stem, "up") == 0 ? 1 : strcmp (stem, "down") == 0 ? -1
             : strcmp (stem, "none") == 0 ? 2 : 0;
  xmlNode *modification = sr_xml_child (node, "time-modification");
  if (modification != NULL)
    event.tuplet_number = CLAMP ((int) int_child (modification, "actual-notes", 0), 0, 99);

  /* The step on the staff: the pitch (or a rest's or unpitched note's display position) under the clef. */
  const xmlNode *where = sr_xml_child (node, event.kind == SR_EVENT_REST ? "rest" : "pitch");
  const char *step_name = "step", *octave_name = "octave";
  if (event.kind == SR_EVENT_REST || where == NULL)
    {
      if (where == NULL)
        where = sr_xml_child (node, "unpitched");
      step_name = "display-step";
      octave_name = "display-octave";
    }
  SrClef clef = part->clefs[staff];
  g_autofree char *step = where != NULL ? text_child (where, step_name) : NULL;
  const char *letter = step != NULL && step[0] != '\0' && step[1] == '\0' ? strchr (STEP_NAMES, step[0]) : NULL;
  event.positioned = letter != NULL;
  if (letter != NULL)
    {
      int octave = CLAMP ((int) int_child (where, octave_name, 4), 0, 9);
      event.step = octave * 7 + (int) (letter - STEP_NAMES) - sr_clef_bottom_line (clef);
    }
  else
    event.step = 4; /* the middle line */
  if (event.kind == SR_EVENT_REST)
    event.measure_rest = sr_xml_attribute_is (sr_xml_child (node, "rest"), "measure", "yes")
                         || (type == NULL && event.duration >= 4.0);
  event.step = CLAMP (event.step, -40, 48);

  for (const xmlNode *c = node->children; c != NULL; c = c->next)
    {
      if (sr_xml_is_element (c, "beam"))
        {
          int number = attribute_int (c, "number", 1);
          if (number >= 1 && number <= SR_ENGRAVE_MAX_BEAMS)
            {
              xmlChar *text = xmlNodeGetContent (c);
              event.beams[number - 1] = beam_state (g_strstrip ((char *) text));
              xmlFree (text);
            }
        }
      else if (sr_xml_is_element (c, "tie") && sr_xml_attribute_is (c, "type", "start"))
        event.tie_start = TRUE;
      else if (sr_xml_is_element (c, "notations"))
        read_notations (c, &event);
    }
  return event;
}

static void
read_attributes (const xmlNode *attributes, PartState *part, SrMeasure *measure, GArray *events, double onset,
                 gboolean first_part)
{
  double divisions = number_child (attributes, "divisions", 0);
  if (divisions > 0 && divisions < 1e7)
    part->divisions = divisions;
  for (const xmlNode *c = attributes->children; c != NULL; c = c->next)
    {
      if (sr_xml_is_element (c, "key"))
        {
          int fifths = CLAMP ((int) int_child (c, "fifths", 0), -7, 7);
          int number = attribute_int (c, "number", 0);
          for (int s = 0; s < part->n_staves; s++)
            if (number == 0 || number == s + 1)
              {
                measure->key_changed |= onset <= 0 && part->key_fifths[s] != fifths;
                measure->key_fifths[part->first_staff + s] = fifths;
                part->key_fifths[s] = fifths;
              }
        }
      else if (sr_xml_is_element (c, "time") && first_part)
        {
          int beats = (int) int_child (c, "beats", 0), beat_type = (int) int_child (c, "beat-type", 0);
          if (beats > 0 && beats <= 99 && beat_type > 0 && beat_type <= 128)
            {
              measure->beats = beats;
              measure->beat_type = beat_type;
              measure->time_changed = TRUE;
              measure->time_symbol = sr_xml_attribute_is (c, "symbol", "common") ? 'c'
                                     : sr_xml_attribute_is (c, "symbol", "cut") ? '|' : 0;
            }
        }
      else if (sr_xml_is_element (c, "clef"))
        {
          int staff = CLAMP (attribute_int (c, "number", 1), 1, part->n_staves) - 1;
          SrClef clef = clef_of (c);
          part->clefs[staff] = clef;
          if (onset <= 0)
            {
              measure->clef_changed = TRUE;
              measure->clefs[part->first_staff + staff] = clef;
            }
          else
            {
              SrEvent change = { .kind = SR_EVENT_CLEF, .onset = onset, .staff = part->first_staff + staff,
                                 .clef = clef, .group = -1 };
              g_array_append_val (events, change);
            }
        }
    }
}

static void
read_barline (const xmlNode *barline, SrMeasure *measure)
{
  g_autofree char *style = text_child (barline, "bar-style");
  xmlNode *repeat = sr_xml_child (barline, "repeat");
  if (repeat != NULL && sr_xml_attribute_is (repeat, "direction", "forward"))
    measure->repeat_start = TRUE;
  else if (repeat != NULL)
    measure->repeat_end = TRUE;
  else if (style != NULL && (strcmp (style, "light-heavy") == 0 || strcmp (style, "heavy") == 0))
    measure->final_bar = TRUE;
  else if (style != NULL && (strcmp (style, "light-light") == 0 || strcmp (style, "heavy-heavy") == 0))
    measure->double_bar = TRUE;
}

static int
compare_events (gconstpointer a, gconstpointer b)
{
  const SrEvent *x = a, *y = b;
  if (x->onset != y->onset)
    return x->onset < y->onset ? -1 : 1;
  if (x->grace != y->grace)
    return x->grace ? -1 : 1;
  if (x->staff != y->staff)
    return x->staff - y->staff;
  return x->voice - y->voice;
}

static SrMeasure *
measure_at (SrEngraving *engraving, guint index, const SrMeasure *previous)
{
  if (index < engraving->measures->len)
    return engraving->measures->pdata[index];
  SrMeasure *measure = g_new0 (SrMeasure, 1);
  measure->events = g_array_new (FALSE, TRUE, sizeof (SrEvent));
  if (previous != NULL)
    {
      measure->beats = previous->beats;
      measure->beat_type = previous->beat_type;
      measure->time_symbol = previous->time_symbol;
    }
  g_ptr_array_add (engraving->measures, measure);
  return measure;
}

static gboolean
read_part (SrEngraving *engraving, xmlNode *part_node, PartState *part, gboolean first_part, GError **error)
{
  guint index = 0;
  gsize n_events = 0;
  for (xmlNode *m = part_node->children; m != NULL; m = m->next)
    {
      if (!sr_xml_is_element (m, "measure"))
        continue;
      if (index >= MAX_MEASURES)
        {
          g_set_error (error, SR_ENGRAVE_ERROR, SR_ENGRAVE_ERROR_TOO_LARGE, _("more than %d measures"), MAX_MEASURES);
          return FALSE;
        }
      SrMeasure *measure = measure_at (engraving, index, index > 0 ? engraving->measures->pdata[index - 1] : NULL);
      if (measure->node == NULL)
        measure->node = m;
      if (measure->number == NULL)
        {
          xmlChar *number = xmlGetProp (m, (const xmlChar *) "number");
          measure->number = g_strdup (number != NULL ? (const char *) number : "");
          xmlFree (number);
        }
      for (int s = 0; s < part->n_staves; s++)
        {
          measure->clefs[part->first_staff + s] = part->clefs[s];
          measure->key_fifths[part->first_staff + s] = part->key_fifths[s];
        }
      double position = 0, end = 0, last_onset = 0;
      for (xmlNode *c = m->children; c != NULL; c = c->next)
        {
          if (sr_xml_is_element (c, "attributes"))
            {
              /* <staves> can only grow the part before its first note; the score's staff count was fixed up front. */
              read_attributes (c, part, measure, measure->events, position / part->divisions, first_part);
            }
          else if (sr_xml_is_element (c, "note"))
            {
              gboolean chord = sr_xml_child (c, "chord") != NULL;
              double onset = chord ? last_onset : position;
              SrEvent event = read_note (c, part, onset / part->divisions);
              event.group = -1;
              if (!chord)
                last_onset = position;
              if (!chord && !event.grace)
                position += event.duration * part->divisions;
              g_array_append_val (measure->events, event);
              if (++n_events > MAX_EVENTS)
                {
                  g_set_error (error, SR_ENGRAVE_ERROR, SR_ENGRAVE_ERROR_TOO_LARGE, _("more than %d notes"),
                               MAX_EVENTS);
                  return FALSE;
                }
            }
          else if (sr_xml_is_element (c, "backup"))
            position = MAX (0, position - number_child (c, "duration", 0));
          else if (sr_xml_is_element (c, "forward"))
            position += MAX (0, number_child (c, "duration", 0));
          else if (sr_xml_is_element (c, "barline"))
            read_barline (c, measure);
          end = MAX (end, position);
        }
      measure->duration = MAX (measure->duration, end / part->divisions);
      for (int s = 0; s < part->n_staves; s++)
        measure->end_clefs[part->first_staff + s] = part->clefs[s];
      index++;
    }
  return TRUE;
}

static int
staves_of (xmlNode *part_node)
{
  int staves = 1;
  for (xmlNode *m = part_node->children; m != NULL; m = m->next)
    for (xmlNode *a = sr_xml_is_element (m, "measure") ? m->children : NULL; a != NULL; a = a->next)
      if (sr_xml_is_element (a, "attributes"))
        staves = MAX (staves, (int) int_child (a, "staves", 1));
  return CLAMP (staves, 1, SR_ENGRAVE_MAX_STAVES);
}

gboolean
sr_engrave_read (SrEngraving *engraving, xmlDoc *document, GError **error)
{
  g_autoptr(GPtrArray) parts = sr_musicxml_parts (document);
  if (parts == NULL || parts->len == 0)
    {
      g_set_error_literal (error, SR_ENGRAVE_ERROR, SR_ENGRAVE_ERROR_NOT_A_SCORE, _("the score has no part"));
      return FALSE;
    }
  for (guint p = 0; p < parts->len; p++)
    {
      PartState part = { .first_staff = engraving->n_staves, .n_staves = staves_of (parts->pdata[p]),
                         .divisions = 1 };
      if (part.first_staff + part.n_staves > SR_ENGRAVE_MAX_STAVES)
        {
          g_set_error (error, SR_ENGRAVE_ERROR, SR_ENGRAVE_ERROR_TOO_LARGE, _("more than %d staves"),
                       SR_ENGRAVE_MAX_STAVES);
          return FALSE;
        }
      /* Without a clef, a second staff reads as the bass of a grand staff. */
      for (int s = 0; s < part.n_staves; s++)
        part.clefs[s] = s == 1 ? (SrClef) { SR_CLEF_F, 4, 0 } : (SrClef) { SR_CLEF_G, 2, 0 };
      SrPartStaves staves = { part.first_staff, part.n_staves };
      g_array_append_val (engraving->parts, staves);
      engraving->n_staves += part.n_staves;
      if (!read_part (engraving, parts->pdata[p], &part, p == 0, error))
        return FALSE;
    }
  if (engraving->measures->len == 0)
    {
      g_set_error_literal (error, SR_ENGRAVE_ERROR, SR_ENGRAVE_ERROR_NOT_A_SCORE, _("the score has no measure"));
      return FALSE;
    }
  for (guint i = 0; i < engraving->measures->len; i++)
    {
      SrMeasure *measure = engraving->measures->pdata[i];
      /* Chords keep their order (the first note of a chord carries the stem); a stable sort keeps it. */
      g_array_sort (measure->events, compare_events);
      if (measure->duration <= 0)
        measure->duration = measure->beats > 0 ? 4.0 * measure->beats / measure->beat_type : 1.0;
      /* A rest that fills its measure reads as a measure rest (centred), whatever type the file gave it. */
      for (guint e = 0; e < measure->events->len; e++)
        {
          SrEvent *event = &g_array_index (measure->events, SrEvent, e);
          if (event->kind == SR_EVENT_REST && event->onset == 0 && !event->positioned
              && event->duration >= measure->duration - 1e-6 && event->tuplet_number == 0)
            event->measure_rest = TRUE;
        }
    }
  ((SrMeasure *) engraving->measures->pdata[0])->time_changed
    = ((SrMeasure *) engraving->measures->pdata[0])->beats > 0;
  return TRUE;
}
