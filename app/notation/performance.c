/* Renders a MusicXML score as the notes it asks for; see performance.h. */
#include "performance.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "musicxml-read.h"
#include "performance-private.h"

#define DEFAULT_VELOCITY 64

static double
number_of (const xmlNode *node, double fallback)
{
  if (node == NULL)
    return fallback;
  xmlChar *text = xmlNodeGetContent (node);
  char *end = NULL;
  double value = g_ascii_strtod ((const char *) text, &end);
  gboolean ok = end != (char *) text;
  xmlFree (text);
  return ok && isfinite (value) ? value : fallback;
}

static double
number_attribute (const xmlNode *node, const char *name, double fallback)
{
  xmlChar *text = xmlGetProp (node, (const xmlChar *) name);
  if (text == NULL)
    return fallback;
  char *end = NULL;
  double value = g_ascii_strtod ((const char *) text, &end);
  gboolean ok = end != (char *) text;
  xmlFree (text);
  return ok && isfinite (value) ? value : fallback;
}

static int
dynamic_velocity (const char *mark)
{
  static const struct {
    const char *mark;
    int velocity;
  } table[] = { { "pppp", 12 }, { "ppp", 20 }, { "pp", 31 }, { "p", 42 }, { "mp", 53 }, { "mf", 64 }, { "f", 80 },
                { "ff", 96 }, { "fff", 112 }, { "ffff", 124 }, { "sf", 90 }, { "sfz", 96 }, { "fz", 90 } };
  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    if (strcmp (mark, table[i].mark) == 0)
      return table[i].velocity;
  return 0;
}

/* How much of its written value a note in a tuplet takes: normal-notes over actual-notes. */
static double
tuplet_ratio (const xmlNode *time_modification)
{
  double actual = number_of (sr_xml_child (time_modification, "actual-notes"), 1);
  double normal = number_of (sr_xml_child (time_modification, "normal-notes"), 1);
  return actual >= 1 && normal >= 1 && actual <= 1000 && normal <= 1000 ? normal / actual : 1;
}

static void
read_sound (const xmlNode *sound, double offset, MeasureContent *content, MeasureMarks *marks)
{
  double tempo = number_attribute (sound, "tempo", 0);
  if (tempo > 0)
    {
      Mark mark = { offset, CLAMP (tempo, 5, 1000) };
      g_array_append_val (content->tempos, mark);
    }
  double dynamics = number_attribute (sound, "dynamics", -1);
  if (dynamics >= 0)
    {
      /* MusicXML gives dynamics in per cent of forte, which is velocity 90. */
      Mark mark = { offset, CLAMP (round (dynamics * 90.0 / 100.0), 1, 127) };
      g_array_append_val (content->dynamics, mark);
    }
  xmlChar *damper = xmlGetProp (sound, (const xmlChar *) "damper-pedal");
  if (damper != NULL)
    {
      Mark pedal = { offset, strcmp ((const char *) damper, "no") != 0 ? 1 : 0 };
      g_array_append_val (content->pedals, pedal);
      xmlFree (damper);
    }
  if (marks != NULL)
    {
      marks->dacapo |= sr_xml_attribute_is (sound, "dacapo", "yes");
      marks->fine |= xmlHasProp (sound, (const xmlChar *) "fine") != NULL;
      marks->dalsegno |= xmlHasProp (sound, (const xmlChar *) "dalsegno") != NULL;
      marks->tocoda |= xmlHasProp (sound, (const xmlChar *) "tocoda") != NULL;
      marks->segno |= xmlHasProp (sound, (const xmlChar *) "segno") != NULL;
      marks->coda |= xmlHasProp (sound, (const xmlChar *) "coda") != NULL;
    }
}

/* Reads one measure of one part. MARKS (the first part's only) collects its repeat structure. */
static void
read_measure (const xmlNode *measure, PartState *state, MeasureContent *content, MeasureMarks *marks,
              guint32 *open_ending)
{
  /* REACH: how far anything reaches; NOTE_REACH: notes and rests; SOLID_REACH: those printed at full size. */
  double cursor = 0, reach = 0, note_reach = 0, solid_reach = 0, previous_onset = 0;
  guint chord_start = 0;
  gboolean a_voice_fills_the_bar = FALSE;
  if (marks != NULL && *open_ending != 0)
    marks->endings = *open_ending;

  for (const xmlNode *child = measure->children; child != NULL; child = child->next)
    {
      if (child->type != XML_ELEMENT_NODE)
        continue;
      if (sr_xml_is_element (child, "attributes"))
        {
          double divisions = number_of (sr_xml_child (child, "divisions"), 0);
          if (divisions > 0)
            state->divisions = divisions;
          const xmlNode *time = sr_xml_child (child, "time");
          double beats = number_of (sr_xml_child (time, "beats"), 0), beat_type = number_of (sr_xml_child (time, "beat-type"), 0);
          if (beats > 0 && beat_type > 0)
            state->bar_length = beats * 4.0 / beat_type;
          const xmlNode *key = sr_xml_child (child, "key");
          if (sr_xml_child (key, "fifths") != NULL)
            state->fifths = (int) CLAMP (number_of (sr_xml_child (key, "fifths"), 0), -7, 7);
          const xmlNode *transpose = sr_xml_child (child, "transpose");
          if (transpose != NULL)
            state->transpose = (int) CLAMP (number_of (sr_xml_child (transpose, "chromatic"), 0), -128, 128) +
                               12 * (int) CLAMP (number_of (sr_xml_child (transpose, "octave-change"), 0), -10, 10);
        }
      else if (sr_xml_is_element (child, "note"))
        {
          gboolean is_chord = sr_xml_child (child, "chord") != NULL;
          gboolean is_grace = sr_xml_child (child, "grace") != NULL;
          double duration = is_grace ? 0 : number_of (sr_xml_child (child, "duration"), 0) / state->divisions;
          double onset = MAX (is_chord ? previous_onset : cursor, 0);
          previous_onset = onset;
          if (!is_chord && !is_grace)
            cursor += duration;
          reach = MAX (reach, cursor);
          if (!is_grace)
            note_reach = MAX (note_reach, onset + duration);
          if (!is_grace && !sr_xml_attribute_is (child, "print-object", "no") && sr_xml_child (child, "cue") == NULL &&
              !sr_xml_attribute_is (sr_xml_child (child, "type"), "size", "cue"))
            solid_reach = MAX (solid_reach, onset + duration);

          const xmlNode *pitch = sr_xml_child (child, "pitch");
          /* Cue-sized notes sound: editions print ossia and ornament figures small (MuseScore exports them as cue). */
          if (pitch == NULL)
            continue;
          xmlChar *step_text = xmlNodeGetContent (sr_xml_child (pitch, "step"));
          const char *step_position = step_text != NULL && step_text[0] != '\0' ? strchr ("CDEFGAB", step_text[0]) : NULL;
          static const int semitones[] = { 0, 2, 4, 5, 7, 9, 11 };
          int step = step_position != NULL ? semitones[step_position - "CDEFGAB"] : -1;
          xmlFree (step_text);
          if (step < 0)
            continue;
          /* Clamped before any cast: a damaged file may say octave 1e300. */
          int octave = (int) CLAMP (number_of (sr_xml_child (pitch, "octave"), 4), -20, 20);
          int midi = (octave + 1) * 12 + step + (int) lround (CLAMP (number_of (sr_xml_child (pitch, "alter"), 0), -20, 20)) +
                     state->transpose;
          if (midi < 0 || midi > 127)
            continue;

          /* A damaged file may give a note no length or a negative one (nested tuplets, seen in ASAP's Kreisleriana
           * 3): it sounds as long as it is written; where the cursor goes, the file says. */
          double sounding = is_grace || duration <= 0 ? sr_performance_written_length (child) : duration;
          if (!is_grace && duration <= 0)
            sounding *= tuplet_ratio (sr_xml_child (child, "time-modification"));
          if (sounding <= 0)
            continue;
          MeasureNote note = { onset, sounding, (guint8) midi, FALSE,
                               FALSE, is_grace, 1.0,
                               (int) CLAMP (number_of (sr_xml_child (child, "voice"), 1), -1000, 1000), FALSE, FALSE,
                               ORNAMENT_NONE, octave * 7 + (int) (step_position - "CDEFGAB"), G_MININT, 0, child };
          for (const xmlNode *item = child->children; item != NULL; item = item->next)
            if (sr_xml_is_element (item, "tie"))
              {
                note.tie_start |= sr_xml_attribute_is (item, "type", "start");
                note.tie_stop |= sr_xml_attribute_is (item, "type", "stop");
              }
            else if (sr_xml_is_element (item, "notations"))
              {
                /* Some writers give only the notated tie; it ties the sound just the same. */
                for (const xmlNode *tied = item->children; tied != NULL; tied = tied->next)
                  if (sr_xml_is_element (tied, "tied"))
                    {
                      note.tie_start |= sr_xml_attribute_is (tied, "type", "start");
                      note.tie_stop |= sr_xml_attribute_is (tied, "type", "stop");
                    }
                sr_performance_read_ornament (sr_xml_child (item, "ornaments"), &note);
                const xmlNode *arpeggiate = sr_xml_child (item, "arpeggiate");
                note.arpeggiate |= arpeggiate != NULL;
                note.roll_down |= sr_xml_attribute_is (arpeggiate, "direction", "down");
                /* Detached marks sound for part of the note, as MuseScore plays them: a staccatissimo a third, a
                 * staccato half, a portato two thirds; where writers stack a staccato and a staccatissimo (in
                 * either order), the staccato sounds: ASAP's score MIDI plays it so in more of its pieces (17-1,
                 * 8-1, 11-1 of Beethoven's sonatas), the wedge in fewer (Chopin op. 25/4, sonatas 7-1, 17-3, 21-3),
                 * 399 more notes matched over the corpus than taking the last mark. A marcato is detached too (two
                 * thirds) unless a shorter mark says more. */
                const xmlNode *articulations = sr_xml_child (item, "articulations");
                gboolean marcato = FALSE, staccato = FALSE;
                for (const xmlNode *mark = articulations != NULL ? articulations->children : NULL; mark != NULL;
                     mark = mark->next)
                  if (sr_xml_is_element (mark, "staccatissimo"))
                    note.length_factor = staccato ? 0.5 : 1.0 / 3;
                  else if (sr_xml_is_element (mark, "staccato") || sr_xml_is_element (mark, "spiccato"))
                    note.length_factor = 0.5, staccato = TRUE;
                  else if (sr_xml_is_element (mark, "detached-legato"))
                    note.length_factor = 2.0 / 3;
                  else if (sr_xml_is_element (mark, "strong-accent"))
                    marcato = TRUE;
                if (marcato)
                  note.length_factor = MIN (note.length_factor, 2.0 / 3);
              }
          /* An articulation written on one note of a chord is meant for the whole chord. */
          if (is_chord && content->notes->len > 0)
            {
              for (guint k = chord_start; k < content->notes->len && note.ornament == ORNAMENT_NONE; k++)
                note.ornament = g_array_index (content->notes, MeasureNote, k).ornament;
              for (guint k = chord_start; k < content->notes->len; k++)
                if (g_array_index (content->notes, MeasureNote, k).ornament == ORNAMENT_NONE)
                  g_array_index (content->notes, MeasureNote, k).ornament = note.ornament;
              double factor = note.length_factor;
              for (guint k = content->notes->len; k-- > chord_start;)
                factor = MIN (factor, g_array_index (content->notes, MeasureNote, k).length_factor);
              for (guint k = chord_start; k < content->notes->len; k++)
                g_array_index (content->notes, MeasureNote, k).length_factor = factor;
              note.length_factor = factor;
            }
          else
            chord_start = content->notes->len;
          note.chord = chord_start;
          g_array_append_val (content->notes, note);
        }
      else if (sr_xml_is_element (child, "backup"))
        {
          /* Where the stretch before a backup ends tells whether that voice filled the bar. */
          a_voice_fills_the_bar |= state->bar_length > 0 && fabs (cursor - state->bar_length) < 1e-6;
          /* A backup past the measure's start (a model's reading can say so, and LMX writes "backup whole" after a
           * hidden measure rest) goes back to the start, no further. One absurdly far past it, more than four bars,
           * is an exporter's detour that a <forward> brings back (MuseScore writes such pairs around hidden trill
           * notes): the count goes on from where the pair leads, and notes written on the way sound at the start. */
          cursor -= number_of (sr_xml_child (child, "duration"), 0) / state->divisions;
          if (cursor > -4 * MAX (state->bar_length, 4))
            cursor = MAX (cursor, 0);
        }
      else if (sr_xml_is_element (child, "forward"))
        {
          cursor += number_of (sr_xml_child (child, "duration"), 0) / state->divisions;
          reach = MAX (reach, cursor);
        }
      else if (sr_xml_is_element (child, "direction"))
        {
          double offset = MAX (cursor, 0) + number_of (sr_xml_child (child, "offset"), 0) / state->divisions;
          for (const xmlNode *type = child->children; type != NULL; type = type->next)
            {
              const xmlNode *pedal = sr_xml_is_element (type, "direction-type") ? sr_xml_child (type, "pedal") : NULL;
              if (pedal != NULL && sr_xml_child (child, "sound") == NULL)
                {
                  /* A change lifts and presses again at once. */
                  gboolean start = sr_xml_attribute_is (pedal, "type", "start"), change = sr_xml_attribute_is (pedal, "type", "change");
                  if (change || sr_xml_attribute_is (pedal, "type", "stop"))
                    {
                      Mark up = { offset, 0 };
                      g_array_append_val (content->pedals, up);
                    }
                  if (start || change)
                    {
                      Mark down = { offset, 1 };
                      g_array_append_val (content->pedals, down);
                    }
                }
              const xmlNode *dynamics = sr_xml_is_element (type, "direction-type") ? sr_xml_child (type, "dynamics") : NULL;
              for (const xmlNode *mark = dynamics != NULL ? dynamics->children : NULL; mark != NULL; mark = mark->next)
                {
                  int velocity = mark->type == XML_ELEMENT_NODE ? dynamic_velocity ((const char *) mark->name) : 0;
                  if (velocity > 0)
                    {
                      Mark dynamic = { offset, velocity };
                      g_array_append_val (content->dynamics, dynamic);
                    }
                }
            }
          const xmlNode *sound = sr_xml_child (child, "sound");
          if (sound != NULL)
            read_sound (sound, offset, content, marks);
        }
      else if (sr_xml_is_element (child, "sound"))
        read_sound (child, cursor, content, marks);
      else if (sr_xml_is_element (child, "barline") && marks != NULL)
        {
          const xmlNode *repeat = sr_xml_child (child, "repeat");
          if (repeat != NULL && sr_xml_attribute_is (repeat, "direction", "forward"))
            marks->forward_repeat = TRUE;
          if (repeat != NULL && sr_xml_attribute_is (repeat, "direction", "backward"))
            {
              marks->backward_repeat = TRUE;
              marks->times = (int) CLAMP (number_attribute (repeat, "times", 2), 0, 100);
            }
          const xmlNode *ending = sr_xml_child (child, "ending");
          if (ending != NULL && sr_xml_attribute_is (ending, "type", "start"))
            {
              *open_ending = sr_performance_ending_numbers (ending);
              marks->endings = *open_ending;
            }
          else if (ending != NULL)
            {
              marks->endings = marks->endings != 0 ? marks->endings : sr_performance_ending_numbers (ending);
              *open_ending = 0;
            }
          const xmlNode *sound = sr_xml_child (child, "sound");
          if (sound != NULL)
            read_sound (sound, cursor, content, marks);
        }
    }
  a_voice_fills_the_bar |= state->bar_length > 0 && fabs (cursor - state->bar_length) < 1e-6;
  content->length = MAX (content->length, sr_performance_measure_length (state->bar_length, reach, note_reach,
                                                                          solid_reach, a_voice_fills_the_bar));
  if (state->with_graces)
    sr_performance_place_grace_notes (content->notes);
  sr_performance_roll_arpeggios (content->notes);
  sr_performance_realize_ornaments (content->notes, state);
}

typedef struct {
  double quarters;
  double bpm;
} TempoChange;

static int
compare_tempo (gconstpointer a, gconstpointer b)
{
  double x = ((const TempoChange *) a)->quarters, y = ((const TempoChange *) b)->quarters;
  return (x > y) - (x < y);
}

static double
seconds_at (const GArray *tempo, double quarters, double default_bpm)
{
  double seconds = 0, position = 0, bpm = default_bpm;
  for (guint i = 0; i < tempo->len; i++)
    {
      const TempoChange *change = &g_array_index (tempo, TempoChange, i);
      if (change->quarters >= quarters)
        break;
      seconds += (change->quarters - position) * 60.0 / bpm;
      position = change->quarters;
      bpm = change->bpm;
    }
  return seconds + (quarters - position) * 60.0 / bpm;
}

static int
compare_performed (gconstpointer a, gconstpointer b)
{
  const SrPerformedNote *x = a, *y = b;
  if (x->onset_quarters != y->onset_quarters)
    return x->onset_quarters < y->onset_quarters ? -1 : 1;
  return (int) x->pitch - (int) y->pitch;
}

typedef struct {
  guint16 part_index;
  double quarters;
  gboolean down;
} PedalChange;

typedef struct {
  GArray *notes;
  GArray *tempo;
  GArray *pedals;   /* PedalChange */
  GArray *measures; /* SrPerformedMeasure */
} Rendering;

/* One key cannot be struck twice at once, nor sound twice: where voices of a part meet on a unison (or a grace note
 * or a rolled chord lands on one), the key is struck once and sounds as long as the longest of them; where a part
 * strikes a key that another of its voices still holds, the key is struck again there, and it sounds on until the
 * later of the two would end. NOTES are sorted by onset. */
static void
strike_each_key_once (GArray *notes)
{
  g_autoptr(GHashTable) sounding = g_hash_table_new (NULL, NULL); /* part and pitch → index + 1 of the last note */
  guint kept = 0;
  for (guint i = 0; i < notes->len; i++)
    {
      SrPerformedNote note = g_array_index (notes, SrPerformedNote, i);
      gpointer key = GUINT_TO_POINTER ((guint) note.part_index << 8 | note.pitch);
      guint last = GPOINTER_TO_UINT (g_hash_table_lookup (sounding, key));
      SrPerformedNote *held = last > 0 ? &g_array_index (notes, SrPerformedNote, last - 1) : NULL;
      double held_end = held != NULL ? held->onset_quarters + held->duration_quarters : 0;
      if (held != NULL && held_end > note.onset_quarters + 1e-9)
        {
          double end = note.onset_quarters + note.duration_quarters;
          double offset_seconds = end >= held_end ? note.offset_seconds : held->offset_seconds;
          end = MAX (end, held_end);
          if (note.onset_quarters - held->onset_quarters < 1e-6)
            {
              if (note.onset_quarters + note.duration_quarters > held_end)
                held->source = note.source;
              held->duration_quarters = end - held->onset_quarters;
              held->offset_seconds = offset_seconds;
              held->velocity = MAX (held->velocity, note.velocity);
              held->is_grace &= note.is_grace;
              held->arpeggiated |= note.arpeggiated;
              continue;
            }
          held->duration_quarters = note.onset_quarters - held->onset_quarters;
          held->offset_seconds = note.onset_seconds;
          note.duration_quarters = end - note.onset_quarters;
          note.offset_seconds = offset_seconds;
        }
      g_array_index (notes, SrPerformedNote, kept++) = note;
      g_hash_table_insert (sounding, key, GUINT_TO_POINTER (kept));
    }
  g_array_set_size (notes, kept);
}

static Rendering
render (xmlDoc *document, const SrPerformanceOptions *options)
{
  g_autoptr(GPtrArray) parts = sr_musicxml_parts (document);
  Rendering result = { g_array_new (FALSE, FALSE, sizeof (SrPerformedNote)),
                       g_array_new (FALSE, FALSE, sizeof (TempoChange)),
                       g_array_new (FALSE, FALSE, sizeof (PedalChange)),
                       g_array_new (FALSE, FALSE, sizeof (SrPerformedMeasure)) };
  double scale = options->tempo_scale > 0 && isfinite (options->tempo_scale) ? options->tempo_scale : 1.0;
  double default_bpm = options->default_tempo_bpm * scale;
  if (parts->len == 0)
    return result;

  /* Each part's measures, read once; the first part's barlines give the form. */
  guint n_measures = 0;
  for (const xmlNode *m = ((xmlNode *) parts->pdata[0])->children; m != NULL; m = m->next)
    n_measures += sr_xml_is_element (m, "measure");
  g_autofree MeasureMarks *marks = g_new0 (MeasureMarks, MAX (n_measures, 1));
  g_autofree double *lengths = g_new0 (double, MAX (n_measures, 1));
  g_autoptr(GPtrArray) contents = g_ptr_array_new (); /* per part: MeasureContent[n_measures] */
  for (guint p = 0; p < parts->len; p++)
    {
      MeasureContent *part_contents = g_new0 (MeasureContent, MAX (n_measures, 1));
      PartState state = { 1, 0, 0, 0, options->include_grace_notes };
      guint32 open_ending = 0;
      guint index = 0;
      for (const xmlNode *m = ((xmlNode *) parts->pdata[p])->children; m != NULL && index < n_measures; m = m->next)
        {
          if (!sr_xml_is_element (m, "measure"))
            continue;
          MeasureContent *content = &part_contents[index];
          content->notes = g_array_new (FALSE, FALSE, sizeof (MeasureNote));
          content->tempos = g_array_new (FALSE, FALSE, sizeof (Mark));
          content->dynamics = g_array_new (FALSE, FALSE, sizeof (Mark));
          content->pedals = g_array_new (FALSE, FALSE, sizeof (Mark));
          read_measure (m, &state, content, p == 0 ? &marks[index] : NULL, &open_ending);
          lengths[index] = MAX (lengths[index], content->length);
          index++;
        }
      g_ptr_array_add (contents, part_contents);
    }

  g_autoptr(GArray) order = sr_performance_unfold (marks, n_measures, options->unfold_repeats);
  for (guint p = 0; p < parts->len; p++)
    {
      MeasureContent *part_contents = contents->pdata[p];
      g_autoptr(GHashTable) open_ties = g_hash_table_new (NULL, NULL); /* voice × 128 + pitch + 1 → index + 1 */
      int velocity = DEFAULT_VELOCITY;
      double start = 0;
      for (guint k = 0; k < order->len; k++)
        {
          guint32 index = g_array_index (order, guint32, k);
          const MeasureContent *content = &part_contents[index];
          if (content->notes == NULL)
            continue;
          if (p == 0)
            {
              SrPerformedMeasure measure = { index, start, 0 };
              g_array_append_val (result.measures, measure);
            }
          for (guint t = 0; t < content->tempos->len && p == 0; t++)
            {
              const Mark *mark = &g_array_index (content->tempos, Mark, t);
              TempoChange change = { start + mark->offset, mark->value * scale };
              g_array_append_val (result.tempo, change);
            }
          for (guint e = 0; e < content->pedals->len; e++)
            {
              const Mark *mark = &g_array_index (content->pedals, Mark, e);
              PedalChange change = { (guint16) p, start + mark->offset, mark->value > 0 };
              g_array_append_val (result.pedals, change);
            }
          guint next_dynamic = 0;
          for (guint n = 0; n < content->notes->len; n++)
            {
              const MeasureNote *note = &g_array_index (content->notes, MeasureNote, n);
              while (next_dynamic < content->dynamics->len &&
                     g_array_index (content->dynamics, Mark, next_dynamic).offset <= note->offset + 1e-9)
                velocity = (int) g_array_index (content->dynamics, Mark, next_dynamic++).value;
              if (note->is_grace && !options->include_grace_notes)
                continue;

              double onset = start + note->offset, duration = note->duration;
              /* Ties join notes of one voice: a unison in another voice neither ends nor continues them. */
              gpointer key = GUINT_TO_POINTER ((guint) note->pitch + 1 + 128u * (guint) CLAMP (note->voice, 0, 64));
              gpointer open = g_hash_table_lookup (open_ties, key);
              if (note->tie_stop && open != NULL)
                {
                  SrPerformedNote *tied = &g_array_index (result.notes, SrPerformedNote, GPOINTER_TO_UINT (open) - 1);
                  tied->duration_quarters = MAX (tied->duration_quarters, onset + duration - tied->onset_quarters);
                  if (!note->tie_start)
                    g_hash_table_remove (open_ties, key);
                  continue;
                }
              SrPerformedNote performed = {
                .onset_quarters = onset,
                .duration_quarters = note->tie_start ? duration : duration * note->length_factor,
                .pitch = note->pitch,
                .velocity = (guint8) CLAMP (velocity, 1, 127),
                .part_index = (guint16) p,
                .measure_index = index,
                .is_grace = note->is_grace,
                .arpeggiated = note->arpeggiate,
                .source = note->source,
              };
              g_array_append_val (result.notes, performed);
              if (note->tie_start)
                g_hash_table_insert (open_ties, key, GUINT_TO_POINTER (result.notes->len));
              else
                g_hash_table_remove (open_ties, key);
            }
          start += lengths[index];
        }
    }

  for (guint p = 0; p < contents->len; p++)
    {
      MeasureContent *part_contents = contents->pdata[p];
      for (guint m = 0; m < n_measures; m++)
        {
          if (part_contents[m].notes == NULL)
            continue;
          g_array_unref (part_contents[m].notes);
          g_array_unref (part_contents[m].tempos);
          g_array_unref (part_contents[m].dynamics);
          g_array_unref (part_contents[m].pedals);
        }
      g_free (part_contents);
    }

  g_array_sort (result.tempo, compare_tempo);
  for (guint i = 0; i < result.notes->len; i++)
    {
      SrPerformedNote *note = &g_array_index (result.notes, SrPerformedNote, i);
      note->onset_seconds = seconds_at (result.tempo, note->onset_quarters, default_bpm);
      note->offset_seconds = seconds_at (result.tempo, note->onset_quarters + note->duration_quarters, default_bpm);
    }
  for (guint i = 0; i < result.measures->len; i++)
    {
      SrPerformedMeasure *measure = &g_array_index (result.measures, SrPerformedMeasure, i);
      measure->onset_seconds = seconds_at (result.tempo, measure->onset_quarters, default_bpm);
    }
  g_array_sort (result.notes, compare_performed);
  strike_each_key_once (result.notes);
  return result;
}

GArray *
sr_performance_render (xmlDoc *document, const SrPerformanceOptions *options)
{
  SrPerformanceOptions defaults = SR_PERFORMANCE_OPTIONS_DEFAULT;
  Rendering rendering = render (document, options != NULL ? options : &defaults);
  g_array_unref (rendering.tempo);
  g_array_unref (rendering.pedals);
  g_array_unref (rendering.measures);
  return rendering.notes;
}

GArray *
sr_performance_render_with_measures (xmlDoc *document, const SrPerformanceOptions *options, GArray **measures)
{
  SrPerformanceOptions defaults = SR_PERFORMANCE_OPTIONS_DEFAULT;
  Rendering rendering = render (document, options != NULL ? options : &defaults);
  g_array_unref (rendering.tempo);
  g_array_unref (rendering.pedals);
  *measures = rendering.measures;
  return rendering.notes;
}

SrMidiFile *
sr_performance_to_midi (xmlDoc *document, const SrPerformanceOptions *options)
{
  SrPerformanceOptions defaults = SR_PERFORMANCE_OPTIONS_DEFAULT;
  if (options == NULL)
    options = &defaults;
  Rendering rendering = render (document, options);
  const int ticks_per_quarter = 480;
  SrMidiFile *file = sr_midi_file_new (ticks_per_quarter);

  GArray *conductor = sr_midi_file_add_track (file);
  g_autoptr(GArray) tempo_points = g_array_new (FALSE, FALSE, sizeof (TempoChange));
  TempoChange initial = { 0, options->default_tempo_bpm *
                               (options->tempo_scale > 0 && isfinite (options->tempo_scale) ? options->tempo_scale : 1.0) };
  g_array_append_val (tempo_points, initial);
  g_array_append_vals (tempo_points, rendering.tempo->data, rendering.tempo->len);
  for (guint i = 0; i < tempo_points->len; i++)
    {
      const TempoChange *change = &g_array_index (tempo_points, TempoChange, i);
      guint32 microseconds = (guint32) CLAMP (lround (60e6 / change->bpm), 1, 0xffffff);
      guint8 payload[3] = { microseconds >> 16, microseconds >> 8, microseconds };
      sr_midi_track_add_meta (conductor, (guint64) llround (change->quarters * ticks_per_quarter), SR_MIDI_META_TEMPO,
                              payload, 3);
    }

  guint n_parts = 0;
  for (guint i = 0; i < rendering.notes->len; i++)
    n_parts = MAX (n_parts, (guint) g_array_index (rendering.notes, SrPerformedNote, i).part_index + 1);
  for (guint p = 0; p < n_parts; p++)
    {
      g_autoptr(GArray) planned = g_array_new (FALSE, FALSE, sizeof (SrMidiPlannedEvent));
      guint8 channel = (guint8) (p < 9 ? p : MIN (p + 1, 15));
      for (guint i = 0; i < rendering.notes->len; i++)
        {
          const SrPerformedNote *note = &g_array_index (rendering.notes, SrPerformedNote, i);
          if (note->part_index != p)
            continue;
          guint64 on = (guint64) llround (MAX (note->onset_quarters, 0) * ticks_per_quarter);
          guint64 off = MAX ((guint64) llround (MAX (note->onset_quarters + note->duration_quarters, 0)
                                                * ticks_per_quarter), on + 1);
          SrMidiPlannedEvent start = { on, 3, (guint8) (0x90 | channel), note->pitch, note->velocity };
          SrMidiPlannedEvent stop = { off, 0, (guint8) (0x80 | channel), note->pitch, 0 };
          g_array_append_val (planned, start);
          g_array_append_val (planned, stop);
        }
      for (guint i = 0; i < rendering.pedals->len; i++)
        {
          const PedalChange *pedal = &g_array_index (rendering.pedals, PedalChange, i);
          if (pedal->part_index != p)
            continue;
          /* At one tick: notes end (0), the pedal lifts (1), goes down (2), notes start (3), so that it catches them. */
          guint64 tick = (guint64) llround (MAX (pedal->quarters, 0) * ticks_per_quarter);
          SrMidiPlannedEvent sustain = { tick, pedal->down ? 2 : 1, (guint8) (0xb0 | channel), 64, pedal->down ? 127 : 0 };
          g_array_append_val (planned, sustain);
        }
      sr_midi_track_add_planned (sr_midi_file_add_track (file), planned);
    }

  g_array_unref (rendering.notes);
  g_array_unref (rendering.tempo);
  g_array_unref (rendering.pedals);
  g_array_unref (rendering.measures);
  return file;
}
