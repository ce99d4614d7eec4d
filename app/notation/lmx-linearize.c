/* Walks a MusicXML part and emits its LMX tokens; see lmx-linearize.h. */
#include "lmx-linearize.h"

#include <glib/gi18n.h>
#include <string.h>

#include "musicxml-read.h"

#define MAX_SKIP_MAXIMAS 16

typedef struct {
  GArray *tokens;
  GPtrArray *sources; /* NULL, or the <note> element behind each token (NULL for other tokens) */
  GPtrArray *problems;
  int measure_number;
  gint64 divisions;
  gboolean has_staves;
  /* What is in force, for the head of each system (§5.6). */
  int fifths;
  gboolean has_key;
  char clefs[4][16]; /* clef token per staff 1–3, "" when none yet */
  /* Per measure: what the previous note stated, so that voice, staff and stem are said only when they change. */
  int voice;
  int staff;
  const char *stem;
} Linearizer;

static void
emit (Linearizer *l, const char *text)
{
  sr_lmx_tokens_append (l->tokens, text);
  if (l->sources != NULL)
    g_ptr_array_add (l->sources, NULL);
}

/* Marks the token just emitted as coming from NOTE. */
static void
link_source (Linearizer *l, const xmlNode *note)
{
  if (l->sources != NULL && l->sources->len > 0)
    l->sources->pdata[l->sources->len - 1] = (gpointer) note;
}

static void
report (Linearizer *l, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
report (Linearizer *l, const char *format, ...)
{
  if (l->problems == NULL)
    return;
  va_list arguments;
  va_start (arguments, format);
  g_autofree char *message = g_strdup_vprintf (format, arguments);
  va_end (arguments);
  g_ptr_array_add (l->problems, g_strdup_printf (_("measure %d: %s"), l->measure_number, message));
}

static char *
text_of (const xmlNode *node)
{
  if (node == NULL)
    return NULL;
  xmlChar *content = xmlNodeGetContent (node);
  char *text = g_strstrip (g_strdup ((const char *) content));
  xmlFree (content);
  return text;
}

static int
int_attribute (const xmlNode *node, const char *name, int fallback)
{
  xmlChar *attribute = xmlGetProp (node, (const xmlChar *) name);
  int value = fallback;
  if (attribute != NULL)
    {
      gint64 parsed;
      if (g_ascii_string_to_signed ((const char *) attribute, 10, G_MININT, G_MAXINT, &parsed, NULL))
        value = (int) parsed;
      xmlFree (attribute);
    }
  return value;
}

typedef struct {
  int number;
  char token[16];
} Clef;

static int
compare_clefs (gconstpointer a, gconstpointer b)
{
  return ((const Clef *) a)->number - ((const Clef *) b)->number;
}

/* Reads an <attributes> element into the state and emits its tokens. At the head of a system (§5.6) the key and
 * every staff's clef in force are stated even when the element does not change them; the time only when it does. */
static void
linearize_attributes (Linearizer *l, const xmlNode *attributes, gboolean system_head)
{
  gint64 value;
  if (attributes != NULL && sr_xml_int (sr_xml_child (attributes, "divisions"), &value) && value > 0)
    l->divisions = value;

  xmlNode *key = sr_xml_child (attributes, "key");
  gboolean key_given = FALSE;
  if (key != NULL)
    {
      if (sr_xml_int (sr_xml_child (key, "fifths"), &value) && value >= -7 && value <= 7)
        {
          l->fifths = (int) value;
          l->has_key = key_given = TRUE;
        }
      else
        report (l, _("a key without a traditional key signature was skipped"));
    }
  if (key_given || (system_head && l->has_key))
    {
      g_autofree char *token = g_strdup_printf ("key:fifths:%d", l->fifths);
      emit (l, token);
    }

  xmlNode *time = sr_xml_child (attributes, "time");
  if (time != NULL)
    {
      gint64 beats, beat_type;
      if (sr_xml_int (sr_xml_child (time, "beats"), &beats) && sr_xml_int (sr_xml_child (time, "beat-type"), &beat_type) &&
          beats >= 1 && beats <= 16 && (beat_type == 2 || beat_type == 4 || beat_type == 8 || beat_type == 16))
        {
          g_autofree char *beats_token = g_strdup_printf ("beats:%d", (int) beats);
          g_autofree char *beat_type_token = g_strdup_printf ("beat-type:%d", (int) beat_type);
          emit (l, "time");
          emit (l, beats_token);
          emit (l, beat_type_token);
        }
      else
        report (l, _("a time signature LMX cannot express was skipped"));
    }

  if (sr_xml_child (attributes, "staves") != NULL)
    l->has_staves = TRUE;

  g_autoptr(GArray) clefs = g_array_new (FALSE, FALSE, sizeof (Clef));
  for (xmlNode *node = attributes != NULL ? attributes->children : NULL; node != NULL; node = node->next)
    {
      if (!sr_xml_is_element (node, "clef"))
        continue;
      g_autofree char *sign = text_of (sr_xml_child (node, "sign"));
      int line = 0;
      if (sr_xml_int (sr_xml_child (node, "line"), &value))
        line = (int) value;
      else if (sign != NULL)
        line = strcmp (sign, "G") == 0 ? 2 : strcmp (sign, "F") == 0 ? 4 : 3;
      Clef clef = { int_attribute (node, "number", 1), "" };
      g_snprintf (clef.token, sizeof clef.token, "clef:%s%d", sign != NULL ? sign : "?", line);
      if (sr_lmx_token_id (clef.token) < 0 || clef.number < 1 || clef.number > 3)
        {
          report (l, _("a clef LMX cannot express was skipped"));
          continue;
        }
      g_strlcpy (l->clefs[clef.number], clef.token, sizeof l->clefs[clef.number]);
      if (!system_head)
        g_array_append_val (clefs, clef);
    }
  if (system_head)
    for (int number = 1; number <= 3; number++)
      if (l->clefs[number][0] != '\0')
        {
          Clef clef = { number, "" };
          g_strlcpy (clef.token, l->clefs[number], sizeof clef.token);
          g_array_append_val (clefs, clef);
        }
  g_array_sort (clefs, compare_clefs);
  for (guint i = 0; i < clefs->len; i++)
    {
      const Clef *clef = &g_array_index (clefs, Clef, i);
      emit (l, clef->token);
      if (l->has_staves)
        {
          g_autofree char *staff = g_strdup_printf ("staff:%d", clef->number);
          emit (l, staff);
        }
    }
}

static gboolean
is_stemless (int type_index)
{
  return type_index >= sr_lmx_type_index ("whole");
}

/* The notations LMX keeps, gathered over every <notations> element of a note, emitted in one normalised order. */
typedef struct {
  gboolean tied_stop, tied_start, tuplet_stop, tuplet_start;
  int slur_stops, slur_starts;
  gboolean fermata, arpeggiate, staccato, accent, strong_accent, tenuto, trill_mark;
  char *tremolo_type;
  int tremolo_marks;
} Notations;

static void
gather_notations (const xmlNode *note, Notations *n)
{
  for (xmlNode *notations = note->children; notations != NULL; notations = notations->next)
    {
      if (!sr_xml_is_element (notations, "notations"))
        continue;
      for (xmlNode *child = notations->children; child != NULL; child = child->next)
        {
          if (child->type != XML_ELEMENT_NODE)
            continue;
          if (sr_xml_is_element (child, "tied"))
            {
              n->tied_start |= sr_xml_attribute_is (child, "type", "start");
              n->tied_stop |= sr_xml_attribute_is (child, "type", "stop");
            }
          else if (sr_xml_is_element (child, "tuplet"))
            {
              n->tuplet_start |= sr_xml_attribute_is (child, "type", "start");
              n->tuplet_stop |= sr_xml_attribute_is (child, "type", "stop");
            }
          else if (sr_xml_is_element (child, "slur"))
            {
              n->slur_starts += sr_xml_attribute_is (child, "type", "start");
              n->slur_stops += sr_xml_attribute_is (child, "type", "stop");
            }
          else if (sr_xml_is_element (child, "fermata"))
            n->fermata = TRUE;
          else if (sr_xml_is_element (child, "arpeggiate"))
            n->arpeggiate = TRUE;
          else if (sr_xml_is_element (child, "articulations"))
            for (xmlNode *a = child->children; a != NULL; a = a->next)
              {
                n->staccato |= sr_xml_is_element (a, "staccato");
                n->accent |= sr_xml_is_element (a, "accent");
                n->strong_accent |= sr_xml_is_element (a, "strong-accent");
                n->tenuto |= sr_xml_is_element (a, "tenuto");
              }
          else if (sr_xml_is_element (child, "ornaments"))
            for (xmlNode *o = child->children; o != NULL; o = o->next)
              {
                n->trill_mark |= sr_xml_is_element (o, "trill-mark");
                if (sr_xml_is_element (o, "tremolo") && n->tremolo_type == NULL)
                  {
                    xmlChar *type = xmlGetProp (o, (const xmlChar *) "type");
                    n->tremolo_type = g_strdup (type != NULL ? (const char *) type : "single");
                    xmlFree (type);
                    gint64 marks = 3;
                    sr_xml_int (o, &marks);
                    n->tremolo_marks = (int) marks;
                  }
              }
        }
    }
}

static void
emit_notations (Linearizer *l, Notations *n)
{
  if (n->tied_stop)
    emit (l, "tied:stop");
  if (n->tied_start)
    emit (l, "tied:start");
  if (n->tuplet_stop)
    emit (l, "tuplet:stop");
  if (n->tuplet_start)
    emit (l, "tuplet:start");
  for (int i = 0; i < n->slur_stops; i++)
    emit (l, "slur:stop");
  for (int i = 0; i < n->slur_starts; i++)
    emit (l, "slur:start");
  if (n->fermata)
    emit (l, "fermata");
  if (n->arpeggiate)
    emit (l, "arpeggiate");
  if (n->staccato)
    emit (l, "staccato");
  if (n->accent)
    emit (l, "accent");
  if (n->strong_accent)
    emit (l, "strong-accent");
  if (n->tenuto)
    emit (l, "tenuto");
  if (n->tremolo_type != NULL)
    {
      g_autofree char *type = g_strdup_printf ("tremolo:%s", n->tremolo_type);
      g_autofree char *marks = g_strdup_printf ("tremolo:%d", n->tremolo_marks);
      if (sr_lmx_token_id (type) >= 0 && sr_lmx_token_id (marks) >= 0)
        {
          emit (l, type);
          emit (l, marks);
        }
    }
  if (n->trill_mark)
    emit (l, "trill-mark");
  g_free (n->tremolo_type);
}

static void
linearize_note (Linearizer *l, const xmlNode *note)
{
  if (sr_xml_child (note, "cue") != NULL || sr_xml_child (note, "unpitched") != NULL)
    return; /* not encoded in LMX */

  const xmlNode *rest = sr_xml_child (note, "rest");
  const xmlNode *pitch = sr_xml_child (note, "pitch");
  gboolean is_chord = sr_xml_child (note, "chord") != NULL;
  gboolean is_measure_rest = rest != NULL && sr_xml_attribute_is (rest, "measure", "yes");
  g_autofree char *type_text = text_of (sr_xml_child (note, "type"));
  int type_index = type_text != NULL ? sr_lmx_type_index (type_text) : -1;
  if (type_index < 0 && !(is_measure_rest && type_text == NULL))
    {
      report (l, _("a note without a known type was skipped"));
      return;
    }

  char pitch_token[8] = "";
  if (rest == NULL)
    {
      g_autofree char *step = text_of (sr_xml_child (pitch, "step"));
      gint64 octave = -1;
      if (step == NULL || strlen (step) != 1 || !sr_xml_int (sr_xml_child (pitch, "octave"), &octave) ||
          octave < 0 || octave > 9)
        {
          report (l, _("a note without a pitch LMX can express was skipped"));
          return;
        }
      g_snprintf (pitch_token, sizeof pitch_token, "%s%d", step, (int) octave);
      if (sr_lmx_token_id (pitch_token) < 0)
        {
          report (l, _("a note with the unknown step %s was skipped"), step);
          return;
        }
    }

  if (sr_xml_attribute_is (note, "print-object", "no"))
    emit (l, "print-object:no");
  const xmlNode *grace = sr_xml_child (note, "grace");
  if (grace != NULL)
    {
      emit (l, "grace");
      if (sr_xml_attribute_is (grace, "slash", "yes"))
        emit (l, "grace:slash");
    }
  if (is_chord)
    emit (l, "chord");
  emit (l, rest != NULL ? "rest" : pitch_token);

  gint64 voice;
  if (sr_xml_int (sr_xml_child (note, "voice"), &voice) && voice >= 1 && voice <= 12 && voice != l->voice)
    {
      g_autofree char *token = g_strdup_printf ("voice:%d", (int) voice);
      emit (l, token);
      l->voice = (int) voice;
    }

  emit (l, type_index >= 0 ? sr_lmx_type_names[type_index] : "rest:measure");
  link_source (l, note);

  const xmlNode *modification = sr_xml_child (note, "time-modification");
  if (modification != NULL)
    {
      gint64 actual = 0, normal = 0;
      sr_xml_int (sr_xml_child (modification, "actual-notes"), &actual);
      sr_xml_int (sr_xml_child (modification, "normal-notes"), &normal);
      g_autofree char *token = g_strdup_printf ("%din%d", (int) actual, (int) normal);
      if (sr_lmx_token_id (token) >= 0)
        emit (l, token);
      else
        report (l, _("the tuplet ratio %s is not in LMX and was skipped"), token);
    }

  for (xmlNode *child = note->children; child != NULL; child = child->next)
    if (sr_xml_is_element (child, "dot"))
      emit (l, "dot");

  g_autofree char *accidental = text_of (sr_xml_child (note, "accidental"));
  if (accidental != NULL && sr_lmx_accidental_alter (accidental, NULL))
    emit (l, accidental);

  g_autofree char *stem = text_of (sr_xml_child (note, "stem"));
  if (stem != NULL && rest == NULL && !is_stemless (type_index))
    {
      g_autofree char *token = g_strdup_printf ("stem:%s", stem);
      if (sr_lmx_token_id (token) >= 0 && (l->stem == NULL || strcmp (l->stem, token) != 0))
        {
          emit (l, token);
          l->stem = sr_lmx_token_text ((guint) sr_lmx_token_id (token));
        }
    }

  gint64 staff;
  if (sr_xml_int (sr_xml_child (note, "staff"), &staff) && staff >= 1 && staff <= 3 && staff != l->staff)
    {
      g_autofree char *token = g_strdup_printf ("staff:%d", (int) staff);
      emit (l, token);
      l->staff = (int) staff;
    }

  if (!is_chord && rest == NULL)
    for (xmlNode *child = note->children; child != NULL; child = child->next)
      {
        if (!sr_xml_is_element (child, "beam"))
          continue;
        g_autofree char *beam = text_of (child);
        if (strcmp (beam, "begin") == 0)
          emit (l, "beam:begin");
        else if (strcmp (beam, "end") == 0)
          emit (l, "beam:end");
        else if (strcmp (beam, "forward hook") == 0)
          emit (l, "beam:forward-hook");
        else if (strcmp (beam, "backward hook") == 0)
          emit (l, "beam:backward-hook");
      }

  Notations notations = { 0 };
  gather_notations (note, &notations);
  emit_notations (l, &notations);
}

static void
linearize_skip (Linearizer *l, const xmlNode *element, gboolean is_backup)
{
  gint64 duration = 0;
  if (!sr_xml_int (sr_xml_child (element, "duration"), &duration) || duration <= 0)
    return;

  /* No measure skips more than a few maximas; a larger value is garbage that would become millions of tokens. */
  if (duration > MAX_SKIP_MAXIMAS * 32 * l->divisions)
    {
      report (l, _("a %s of %lld divisions is longer than any measure and was skipped"), is_backup ? "backup" : "forward",
              (long long) duration);
      return;
    }

  /* Greedy, longest type first, in 1/256ths of a division to stay exact. */
  gint64 remainder = duration * 256;
  gboolean emitted = FALSE;
  for (int type = SR_LMX_N_TYPES - 1; type >= 0; type--)
    {
      gint64 cost = l->divisions * sr_lmx_type_length_256th (type);
      while (cost > 0 && cost <= remainder)
        {
          emit (l, is_backup ? "backup" : "forward");
          emit (l, sr_lmx_type_names[type]);
          remainder -= cost;
          emitted = TRUE;
        }
    }
  if (remainder != 0)
    report (l, _("a %s of %lld divisions is not a sum of note types; the rest was skipped"),
            is_backup ? "backup" : "forward", (long long) duration);
  if (is_backup && emitted)
    {
      l->voice = 0;
      l->staff = 0;
      l->stem = NULL;
    }
}

static gboolean
starts_system (const xmlNode *measure)
{
  const xmlNode *print = sr_xml_child (measure, "print");
  return print != NULL && (sr_xml_attribute_is (print, "new-system", "yes") || sr_xml_attribute_is (print, "new-page", "yes"));
}

/* Walks the part; with SYSTEMS set, starts a new token array at each new system and opens it with a head. */
/* Where lines break: nowhere, where the score starts a system, or around the measure ranges a caller names. */
typedef struct {
  gboolean at_printed_systems;
  const SrLmxMeasureRange *ranges; /* ascending, not overlapping; measures outside them are read but not kept */
  guint n_ranges;
} Cuts;

static GPtrArray *
linearize (const xmlNode *part, const Cuts *cuts, GPtrArray *sources, GPtrArray *problems)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  Linearizer l = { 0 };
  l.sources = sources;
  l.problems = problems;
  l.divisions = 1;
  guint measure_index = 0, range = 0;
  /* Measures outside the ranges still set the key and clefs: they are read into a line that is thrown away. */
  g_autoptr(GArray) unkept = g_array_new (FALSE, FALSE, sizeof (guint16));
  for (xmlNode *measure = part->children; measure != NULL; measure = measure->next)
    {
      if (!sr_xml_is_element (measure, "measure"))
        continue;
      guint index = measure_index++;
      gboolean head;
      if (cuts->ranges != NULL)
        {
          while (range < cuts->n_ranges && index >= cuts->ranges[range].end)
            range++;
          if (range == cuts->n_ranges)
            break;
          gboolean inside = index >= cuts->ranges[range].start;
          head = inside && index == cuts->ranges[range].start;
          if (!inside)
            l.tokens = unkept;
          else if (head)
            l.tokens = NULL;
        }
      else
        head = cuts->at_printed_systems && (l.tokens == NULL || starts_system (measure));
      if (l.tokens == NULL || head)
        {
          l.tokens = g_array_new (FALSE, FALSE, sizeof (guint16));
          g_ptr_array_add (result, l.tokens);
        }
      l.measure_number++;
      emit (&l, "measure");
      l.voice = 0;
      l.staff = 0;
      l.stem = NULL;

      /* The head merges with the measure's own leading attributes, or stands alone before its first note. */
      const xmlNode *first = measure->children;
      while (first != NULL && !(sr_xml_is_element (first, "attributes") || sr_xml_is_element (first, "note") ||
                                sr_xml_is_element (first, "backup") || sr_xml_is_element (first, "forward")))
        first = first->next;
      const xmlNode *head_attributes = head && sr_xml_is_element (first, "attributes") ? first : NULL;
      if (head)
        linearize_attributes (&l, head_attributes, TRUE);

      for (xmlNode *child = measure->children; child != NULL; child = child->next)
        {
          if (child->type != XML_ELEMENT_NODE || child == head_attributes)
            continue;
          if (sr_xml_is_element (child, "attributes"))
            linearize_attributes (&l, child, FALSE);
          else if (sr_xml_is_element (child, "note"))
            linearize_note (&l, child);
          else if (sr_xml_is_element (child, "backup"))
            linearize_skip (&l, child, TRUE);
          else if (sr_xml_is_element (child, "forward"))
            linearize_skip (&l, child, FALSE);
        }
    }
  if (result->len == 0 && cuts->ranges == NULL)
    g_ptr_array_add (result, g_array_new (FALSE, FALSE, sizeof (guint16)));
  return result;
}

GArray *
sr_lmx_linearize_part (const xmlNode *part, GPtrArray *problems)
{
  Cuts none = { FALSE, NULL, 0 };
  g_autoptr(GPtrArray) parts = linearize (part, &none, NULL, problems);
  return g_array_ref (parts->pdata[0]);
}

GArray *
sr_lmx_linearize_part_with_sources (const xmlNode *part, GPtrArray *sources, GPtrArray *problems)
{
  Cuts none = { FALSE, NULL, 0 };
  g_autoptr(GPtrArray) parts = linearize (part, &none, sources, problems);
  return g_array_ref (parts->pdata[0]);
}

GPtrArray *
sr_lmx_linearize_systems (const xmlNode *part, GPtrArray *problems)
{
  Cuts systems = { TRUE, NULL, 0 };
  return linearize (part, &systems, NULL, problems);
}

GPtrArray *
sr_lmx_linearize_measure_ranges (const xmlNode *part, const SrLmxMeasureRange *ranges, guint n_ranges,
                                 GPtrArray *problems)
{
  for (guint i = 0; i < n_ranges; i++)
    g_return_val_if_fail (ranges[i].start < ranges[i].end && (i == 0 || ranges[i - 1].end <= ranges[i].start), NULL);
  Cuts cuts = { FALSE, ranges, n_ranges };
  GPtrArray *lines = linearize (part, &cuts, NULL, problems);
  /* A range past the part's last measure still gets its (empty) line, so that lines and ranges pair up. */
  while (lines->len < n_ranges)
    g_ptr_array_add (lines, g_array_new (FALSE, FALSE, sizeof (guint16)));
  return lines;
}

char *
sr_lmx_tokens_to_text (const GArray *tokens)
{
  GString *text = g_string_new (NULL);
  for (guint i = 0; i < tokens->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, sr_lmx_token_text (g_array_index (tokens, guint16, i)));
    }
  return g_string_free (text, FALSE);
}
