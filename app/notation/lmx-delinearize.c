/* Rebuilds MusicXML from LMX trees; see lmx-delinearize.h. */
#include "lmx-delinearize.h"

#include <stdlib.h>
#include <string.h>

#include "key-estimate.h"
#include "musicxml-read.h"
#include "musicxml-write.h"

#define MAX_DOTS 8
#define MAX_DIVISIONS 100800 /* beyond this (garbage tuplets) durations are rounded */

typedef struct {
  gint64 n, d; /* quarters */
} Fraction;

static gint64
gcd (gint64 a, gint64 b)
{
  a = a < 0 ? -a : a;
  b = b < 0 ? -b : b;
  while (b != 0)
    {
      gint64 t = a % b;
      a = b;
      b = t;
    }
  return a == 0 ? 1 : a;
}

static Fraction
fraction (gint64 n, gint64 d)
{
  gint64 g = gcd (n, d);
  return (Fraction) { n / g, d / g };
}

static Fraction
add (Fraction a, Fraction b)
{
  return fraction (a.n * b.d + b.n * a.d, a.d * b.d);
}

static int
compare_fractions (Fraction a, Fraction b)
{
  gint64 left = a.n * b.d, right = b.n * a.d;
  return (left > right) - (left < right);
}

typedef struct {
  int root;
  GArray *prefixes; /* guint16 */
  GArray *suffixes;
  guint root_index; /* where the root stands in the tokens */
} Tree;

typedef struct {
  xmlNode *node;
  Fraction value;
} Duration;

typedef struct {
  xmlNode *note;
  xmlNode *pitch;
  char step;
  int octave;
  int staff;
  Fraction onset;
  gboolean has_accidental;
  int accidental_alter;
  gboolean tie_stop;
  gboolean tie_start;
  int fifths;
} NoteRecord;

typedef struct {
  xmlNode *part;
  guint repairs;
  /* Across the part. */
  Fraction measure_length;
  gboolean has_time;
  int open_slurs;
  int fifths;
  int max_clef_staff;
  GArray *durations; /* Duration */
  GHashTable *tie_alters; /* "staff/step/octave" → alter + 100 */
  /* Across one measure. */
  xmlNode *measure;
  int voice;
  int staff;
  const char *stem;
  int open_beams;
  int open_grace_beams;
  xmlNode *attributes;
  xmlNode *last_skip;
  gboolean last_skip_is_backup;
  guint last_skip_duration;
  int last_skip_type; /* the type of the skip's last token, -1 when it had a time modification */
  Fraction onset;
  Fraction previous_onset;
  GArray *records; /* NoteRecord */
  /* With no time signature yet, a measure rest lasts as long as the measure turns out to be. */
  Fraction inferred_length; /* the last such measure's length; 4/4 at first */
  Fraction reach;           /* how far the measure's other content reaches */
  GArray *open_measure_rests; /* indices into durations */
  gint64 rest_before_skip;  /* index into durations of a measure rest that a backup may follow at once; -1 */
  Fraction rest_start;
} Delinearizer;

static const char *
text (guint16 id)
{
  return sr_lmx_token_text (id);
}

/* Finds the first prefix or suffix for which ACCEPT holds; extra ones are counted as repairs. */
static const char *
take (Delinearizer *d, const GArray *tokens, gboolean (*accept) (const char *))
{
  const char *found = NULL;
  for (guint i = 0; i < tokens->len; i++)
    {
      const char *token = text (g_array_index (tokens, guint16, i));
      if (!accept (token))
        continue;
      if (found == NULL)
        found = token;
      else
        d->repairs++;
    }
  return found;
}

static guint
count (const GArray *tokens, const char *wanted)
{
  guint n = 0;
  for (guint i = 0; i < tokens->len; i++)
    n += strcmp (text (g_array_index (tokens, guint16, i)), wanted) == 0;
  return n;
}

static gboolean
has (const GArray *tokens, const char *wanted)
{
  return count (tokens, wanted) > 0;
}

static gboolean is_beats (const char *t) { return g_str_has_prefix (t, "beats:"); }
static gboolean is_beat_type (const char *t) { return g_str_has_prefix (t, "beat-type:"); }
static gboolean is_staff (const char *t) { return g_str_has_prefix (t, "staff:"); }
static gboolean is_voice (const char *t) { return g_str_has_prefix (t, "voice:"); }
static gboolean is_stem (const char *t) { return g_str_has_prefix (t, "stem:"); }
static gboolean is_accidental (const char *t) { return sr_lmx_accidental_alter (t, NULL); }
static gboolean is_time_modification (const char *t) { int a, n; return sr_lmx_parse_time_modification (t, &a, &n); }
static gboolean is_tremolo_type (const char *t) { return g_str_has_prefix (t, "tremolo:") && !g_ascii_isdigit (t[8]); }
static gboolean is_tremolo_marks (const char *t) { return g_str_has_prefix (t, "tremolo:") && g_ascii_isdigit (t[8]); }

static gboolean
is_pitch (const char *t)
{
  return strlen (t) == 2 && strchr ("CDEFGAB", t[0]) != NULL && g_ascii_isdigit (t[1]);
}

static gboolean
is_step_kind (const char *t)
{
  return is_pitch (t) || strcmp (t, "rest") == 0 || strcmp (t, "forward") == 0 || strcmp (t, "backup") == 0;
}

static int
number_after_colon (const char *token)
{
  return atoi (strrchr (token, ':') + 1);
}

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

static void
note_tree (Delinearizer *d, const Tree *tree)
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

static void
spell_measure (Delinearizer *d)
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
  spell_measure (d);
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
      note_tree (d, tree);
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
