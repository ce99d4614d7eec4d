/* Repeats, endings and jumps unfolded into the order measures sound in; see performance-private.h. */
#include <stdio.h>
#include <stdlib.h>

#include "performance-private.h"

/* The passes an <ending number="1, 2"> or "1-3" is played in, as bits. */
guint32
sr_performance_ending_numbers (const xmlNode *ending)
{
  xmlChar *text = xmlGetProp (ending, (const xmlChar *) "number");
  guint32 mask = 0;
  if (text != NULL)
    {
      g_auto(GStrv) items = g_strsplit_set ((const char *) text, ", ", -1);
      for (guint i = 0; items[i] != NULL; i++)
        {
          int first = 0, last = 0;
          if (sscanf (items[i], "%d-%d", &first, &last) == 2 || (last = first = atoi (items[i])) > 0)
            for (int n = MAX (first, 1); n <= MIN (last, 32); n++)
              mask |= 1u << (n - 1);
        }
      xmlFree (text);
    }
  return mask != 0 ? mask : 1;
}

/* The order in which the measures sound: repeats taken (not again after a da capo or dal segno), endings by pass. */
GArray *
sr_performance_unfold (const MeasureMarks *marks, guint n_measures, gboolean unfold_repeats)
{
  GArray *order = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (!unfold_repeats)
    {
      for (guint32 i = 0; i < n_measures; i++)
        g_array_append_val (order, i);
      return order;
    }

  g_autofree int *taken = g_new0 (int, n_measures);
  guint32 repeat_start = 0, i = 0;
  int pass = 1;
  gboolean jumped = FALSE, in_ending = FALSE;
  while (i < n_measures && order->len < MAX_UNFOLDED_MEASURES)
    {
      const MeasureMarks *m = &marks[i];
      if (m->forward_repeat)
        repeat_start = i;
      if (m->endings != 0 && !(m->endings & (1u << MIN (pass - 1, 31))))
        {
          i++;
          continue;
        }
      if (m->endings == 0 && in_ending)
        pass = 1; /* the last ending is over */
      in_ending = m->endings != 0;
      g_array_append_val (order, i);

      if (jumped && m->fine)
        break;
      if (m->backward_repeat && !jumped)
        {
          if (taken[i] < MAX (m->times, 2) - 1)
            {
              taken[i]++;
              pass++;
              i = repeat_start;
              in_ending = FALSE; /* a jump back does not leave the endings behind */
              continue;
            }
          taken[i] = 0;
          if (m->endings == 0)
            pass = 1;
          repeat_start = i + 1;
        }
      if ((m->dacapo || m->dalsegno) && !jumped)
        {
          jumped = TRUE;
          pass = 1;
          in_ending = FALSE;
          i = 0;
          if (m->dalsegno)
            for (guint32 s = 0; s < n_measures; s++)
              if (marks[s].segno)
                {
                  i = s;
                  break;
                }
          continue;
        }
      if (m->tocoda && jumped)
        {
          guint32 coda = i + 1;
          for (guint32 c = i + 1; c < n_measures; c++)
            if (marks[c].coda)
              {
                coda = c;
                break;
              }
          i = coda;
          continue;
        }
      i++;
    }
  return order;
}
