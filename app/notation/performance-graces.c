/* Grace notes in time; see performance-private.h. They are played on the beat, as MuseScore plays them and ASAP's
 * score MIDI has them: from the principal note's onset, each for its written value, together at most half of the
 * principal note, which sounds after them for what is left. */
#include <math.h>

#include "lmx-vocabulary.h"
#include "musicxml-read.h"
#include "performance-private.h"

#define LOOSE_GRACE_QUARTERS 0.125 /* a grace note with no principal note after it in its voice */

double
sr_performance_written_length (const xmlNode *note)
{
  xmlChar *text = xmlNodeGetContent (sr_xml_child (note, "type"));
  int type = text != NULL ? sr_lmx_type_index ((const char *) text) : -1;
  xmlFree (text);
  if (type < 0)
    return 0;
  double length = sr_lmx_type_length_256th (type) / 256.0, added = length / 2;
  for (const xmlNode *child = note->children; child != NULL; child = child->next)
    if (sr_xml_is_element (child, "dot"))
      {
        length += added;
        added /= 2;
      }
  return length;
}

/* The first note after AFTER of VOICE at OFFSET that is no grace note: the principal note; -1 when there is none. */
static int
principal_of (const GArray *notes, guint after, int voice, double offset)
{
  for (guint i = after; i < notes->len; i++)
    {
      const MeasureNote *note = &g_array_index (notes, MeasureNote, i);
      if (note->voice == voice && !note->is_grace)
        return fabs (note->offset - offset) < 1e-9 && !note->tie_stop ? (int) i : -1;
    }
  return -1;
}

void
sr_performance_place_grace_notes (GArray *notes)
{
  for (guint first = 0; first < notes->len;)
    {
      MeasureNote *lead = &g_array_index (notes, MeasureNote, first);
      if (!lead->is_grace)
        {
          first++;
          continue;
        }
      /* The run of grace notes (and grace chords) of one voice before a note. */
      guint end = first;
      double total = 0;
      while (end < notes->len && g_array_index (notes, MeasureNote, end).is_grace
             && g_array_index (notes, MeasureNote, end).voice == lead->voice)
        {
          if (g_array_index (notes, MeasureNote, end).chord == end)
            total += g_array_index (notes, MeasureNote, end).duration;
          end++;
        }
      int principal = principal_of (notes, end, lead->voice, lead->offset);
      if (principal < 0 || total <= 0)
        {
          for (guint i = first; i < end; i++)
            {
              MeasureNote *grace = &g_array_index (notes, MeasureNote, i);
              grace->duration = grace->duration > 0 ? MIN (grace->duration, LOOSE_GRACE_QUARTERS) : LOOSE_GRACE_QUARTERS;
            }
          first = end;
          continue;
        }
      MeasureNote *main_note = &g_array_index (notes, MeasureNote, principal);
      double scale = MIN (1.0, main_note->duration / 2 / total), at = main_note->offset, value = 0;
      for (guint i = first; i < end; i++)
        {
          MeasureNote *grace = &g_array_index (notes, MeasureNote, i);
          if (grace->chord == i)
            value = grace->duration * scale; /* a grace chord lasts as its first note is written */
          grace->offset = at;
          grace->duration = value;
          if (i + 1 >= end || g_array_index (notes, MeasureNote, i + 1).chord == i + 1)
            at += value;
        }
      /* The principal note's chord sounds after the grace notes. */
      double taken = at - main_note->offset, chord_offset = main_note->offset;
      guint chord = main_note->chord;
      for (guint i = chord; i < notes->len && g_array_index (notes, MeasureNote, i).chord == chord; i++)
        {
          MeasureNote *note = &g_array_index (notes, MeasureNote, i);
          if (fabs (note->offset - chord_offset) > 1e-9)
            break;
          note->offset += taken;
          note->duration = MAX (note->duration - taken, 0);
        }
      first = end;
    }
}
