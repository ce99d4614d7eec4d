/* Ornaments and rolled chords as they sound; see performance-private.h. */
#include <math.h>
#include <string.h>

#include "musicxml-read.h"
#include "performance-private.h"

void
sr_performance_read_ornament (const xmlNode *ornaments, MeasureNote *note)
{
  static const struct {
    const char *element;
    Ornament ornament;
  } kinds[] = {
    { "trill-mark", ORNAMENT_TRILL },
    { "mordent", ORNAMENT_MORDENT },
    { "inverted-mordent", ORNAMENT_INVERTED_MORDENT },
    { "turn", ORNAMENT_TURN },
    { "inverted-turn", ORNAMENT_INVERTED_TURN },
  };
  for (const xmlNode *item = ornaments != NULL ? ornaments->children : NULL; item != NULL; item = item->next)
    {
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        if (sr_xml_is_element (item, kinds[k].element))
          note->ornament = kinds[k].ornament;
      if (sr_xml_is_element (item, "accidental-mark"))
        {
          static const struct {
            const char *name;
            int alter;
          } marks[] = { { "sharp", 1 }, { "flat", -1 }, { "natural", 0 }, { "double-sharp", 2 }, { "flat-flat", -2 } };
          xmlChar *text = xmlNodeGetContent (item);
          for (guint k = 0; k < G_N_ELEMENTS (marks) && text != NULL; k++)
            if (strcmp ((const char *) text, marks[k].name) == 0)
              note->neighbour_alter = marks[k].alter;
          xmlFree (text);
        }
    }
}

/* The MIDI pitch of the note STEPS diatonic steps from NOTE, in the key of FIFTHS (or as its accidental mark says). */
static int
neighbour_pitch (const MeasureNote *note, int steps, int fifths)
{
  static const int semitones[] = { 0, 2, 4, 5, 7, 9, 11 };
  static const int sharp_order[] = { 3, 0, 4, 1, 5, 2, 6 }; /* F C G D A E B */
  int diatonic = note->diatonic + steps;
  int step = ((diatonic % 7) + 7) % 7, octave = (diatonic - step) / 7;
  /* The main note's own spelling gives the transposition and the written alteration: measure the neighbour from it. */
  int main_step = ((note->diatonic % 7) + 7) % 7, main_octave = (note->diatonic - main_step) / 7;
  int offset = note->pitch - ((main_octave + 1) * 12 + semitones[main_step]);
  int main_alter = 0, alter = 0;
  for (int k = 0; k < ABS (CLAMP (fifths, -7, 7)); k++)
    {
      int altered = fifths > 0 ? sharp_order[k] : sharp_order[6 - k];
      if (altered == step)
        alter = fifths > 0 ? 1 : -1;
      if (altered == main_step)
        main_alter = fifths > 0 ? 1 : -1;
    }
  if (note->neighbour_alter != G_MININT)
    alter = note->neighbour_alter;
  /* OFFSET is the transposition plus the main note's alteration; take the key's alteration of the main note out. */
  return (octave + 1) * 12 + semitones[step] + alter + offset - main_alter;
}

/* Ornaments sound as MuseScore plays them: trills in 32nd notes from the main note, mordents in 32nds and turns in
 * 64ths with the main note held to the end, all shorter where the note is too short for them. */
void
sr_performance_realize_ornaments (GArray *notes, const PartState *state)
{
  for (guint i = 0; i < notes->len; i++)
    {
      MeasureNote note = g_array_index (notes, MeasureNote, i);
      if (note.ornament == ORNAMENT_NONE || note.is_grace || note.duration <= 0)
        continue;
      int pattern[4];
      guint n_pattern = 0;
      double unit = 0.125;
      switch (note.ornament)
        {
        case ORNAMENT_TRILL:
          pattern[n_pattern++] = 0, pattern[n_pattern++] = 1;
          break;
        case ORNAMENT_MORDENT:
          pattern[n_pattern++] = 0, pattern[n_pattern++] = -1, pattern[n_pattern++] = 0;
          break;
        case ORNAMENT_INVERTED_MORDENT:
          pattern[n_pattern++] = 0, pattern[n_pattern++] = 1, pattern[n_pattern++] = 0;
          break;
        case ORNAMENT_TURN:
          pattern[n_pattern++] = 1, pattern[n_pattern++] = 0, pattern[n_pattern++] = -1, pattern[n_pattern++] = 0;
          unit = 0.0625;
          break;
        case ORNAMENT_INVERTED_TURN:
          pattern[n_pattern++] = -1, pattern[n_pattern++] = 0, pattern[n_pattern++] = 1, pattern[n_pattern++] = 0;
          unit = 0.0625;
          break;
        case ORNAMENT_NONE:
        default:
          continue;
        }
      /* A trill fills the note; the others play once. The last note takes what is left. */
      guint count = note.ornament == ORNAMENT_TRILL ? MAX ((guint) floor (note.duration / unit + 1e-9), 1) : n_pattern;
      unit = MIN (unit, note.duration / count);
      GArray *expanded = g_array_sized_new (FALSE, FALSE, sizeof (MeasureNote), count);
      for (guint k = 0; k < count; k++)
        {
          MeasureNote part = note;
          int steps = pattern[k % n_pattern];
          part.pitch = (guint8) CLAMP (steps == 0 ? note.pitch : neighbour_pitch (&note, steps, state->fifths), 0, 127);
          part.offset = note.offset + k * unit;
          part.duration = k + 1 == count ? note.duration - k * unit : unit;
          part.tie_stop = note.tie_stop && k == 0;
          part.tie_start = note.tie_start && k + 1 == count && part.pitch == note.pitch;
          part.ornament = ORNAMENT_NONE;
          part.length_factor = k + 1 == count ? note.length_factor : 1.0;
          g_array_append_val (expanded, part);
        }
      g_array_remove_index (notes, i);
      g_array_insert_vals (notes, i, expanded->data, expanded->len);
      i += expanded->len - 1;
      g_array_free (expanded, TRUE);
    }
}

/* A rolled chord sounds one note after another from the bottom (or the top), each held to the chord's end. The step
 * is MuseScore's: 64 ticks of 480 a quarter, cut to two thirds until the whole roll fits in the chord. */
void
sr_performance_roll_arpeggios (GArray *notes)
{
  for (guint first = 0; first < notes->len;)
    {
      guint end = first + 1;
      while (end < notes->len && g_array_index (notes, MeasureNote, end).chord == first)
        end++;
      const MeasureNote *chord = &g_array_index (notes, MeasureNote, first);
      gboolean rolled = FALSE, down = FALSE;
      for (guint k = first; k < end; k++)
        {
          rolled |= g_array_index (notes, MeasureNote, k).arpeggiate;
          down |= g_array_index (notes, MeasureNote, k).roll_down;
        }
      guint n = end - first;
      if (rolled && n > 1 && !chord->is_grace)
        {
          int chord_ticks = (int) lround (chord->duration * 480), step = 64;
          while (step > 1 && step * (int) n > chord_ticks)
            step = 2 * step / 3;
          for (guint k = first; k < end; k++)
            {
              MeasureNote *note = &g_array_index (notes, MeasureNote, k);
              guint rank = 0; /* place in the roll: notes lower (or higher, rolling down) come first */
              for (guint j = first; j < end; j++)
                {
                  guint8 other = g_array_index (notes, MeasureNote, j).pitch;
                  rank += down ? other > note->pitch || (other == note->pitch && j < k)
                               : other < note->pitch || (other == note->pitch && j < k);
                }
              double delay = rank * step / 480.0;
              note->offset += delay;
              note->duration = MAX (note->duration - delay, 1.0 / 480);
              note->length_factor = 1.0;
            }
        }
      first = end;
    }
}
