/* How long a measure lasts; see performance-private.h. */
#include <math.h>

#include "performance-private.h"

#define OVERRUN_TOLERANCE (1.0 / 32) /* quarters: a 128th note */

double
sr_performance_measure_length (double bar_length, double reach, double note_reach, double solid_reach,
                               gboolean a_voice_fills_the_bar)
{
  if (bar_length <= 0)
    return reach;
  /* Notes that overrun the bar (a cadenza written out) make it longer; a <forward> on past them is padding. In a bar
   * its notes do not overrun, a <forward> is time: an irregular bar whose extra beat an exporter wrote as a skip. */
  if (note_reach > bar_length + 1e-6)
    reach = note_reach;
  /* Where a voice fills the bar exactly, another overruns it only as far as what is printed at full size: cadenza
   * notes in cue size and an exporter's hidden rests fit in the bar, as players count it. */
  if (a_voice_fills_the_bar && reach > bar_length + OVERRUN_TOLERANCE - 1e-9)
    reach = MAX (bar_length, MIN (reach, solid_reach));
  double overrun = reach - bar_length;
  if (overrun > 1e-6 && overrun < OVERRUN_TOLERANCE)
    {
      double in_256ths = overrun * 64;
      if (fabs (in_256ths - round (in_256ths)) > 1e-6)
        return bar_length; /* tuplet durations rounded to whole divisions: no time at all */
      /* A bar a few 256ths longer is one that MuseScore exported, whose bars last whole 64ths: round up to one. */
      return bar_length + ceil (overrun * 16 - 1e-9) / 16;
    }
  return reach;
}
