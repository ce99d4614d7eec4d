/* Where everything goes: stems and chords, beam groups, horizontal spacing by duration (a column for every onset
 * of every staff, wider for longer notes, room for accidentals and grace notes before it), measures packed greedily
 * into systems and stretched to the width, and staves spaced so that what sticks out of one misses the next. */
#include <math.h>
#include <string.h>

#include "engrave-private.h"

#define LEFT_PAD 1.0          /* after a barline */
#define RIGHT_PAD 0.6         /* before a barline, after the last column's room */
#define ACCIDENTAL_ROOM 1.15  /* per accidental column */
#define GRACE_ROOM 1.25       /* per grace note */
#define MIN_STAFF_GAP 4.5     /* between a staff's bottom line and the next one's top line */
#define PART_GAP 6.0
#define BRACE_ROOM 1.6        /* left of the staves in systems of several staves */

/* Space after a note of QUARTERS before the next column: longer notes take more, but far less than proportionally. */
static double
duration_space (double quarters)
{
  return 0.7 + 1.2 * log2 (1.0 + 4.0 * MAX (quarters, 1.0 / 32));
}

static gboolean
is_head (const SrEvent *e)
{
  return e->kind == SR_EVENT_NOTE && !e->chord;
}

/* Chords: every note knows its chord's first note; stems point up or down, and seconds in a chord sit on both sides. */
static void
layout_chords (SrMeasure *measure)
{
  SrEvent *events = (SrEvent *) measure->events->data;
  guint n = measure->events->len;
  /* Which voices share a staff in this measure: then the first voice's stems go up and the others' down. */
  int first_voice[SR_ENGRAVE_MAX_STAVES], other_voice[SR_ENGRAVE_MAX_STAVES];
  for (int s = 0; s < SR_ENGRAVE_MAX_STAVES; s++)
    first_voice[s] = other_voice[s] = 0;
  for (guint i = 0; i < n; i++)
    {
      if (events[i].kind == SR_EVENT_CLEF)
        continue;
      int s = events[i].staff;
      if (first_voice[s] == 0 || events[i].voice < first_voice[s])
        {
          if (first_voice[s] != 0 && first_voice[s] != events[i].voice)
            other_voice[s] = first_voice[s];
          first_voice[s] = events[i].voice;
        }
      else if (events[i].voice != first_voice[s])
        other_voice[s] = events[i].voice;
    }

  for (guint i = 0; i < n; i++)
    {
      SrEvent *head = &events[i];
      head->chord_head = (int) i;
      if (head->kind == SR_EVENT_REST)
        head->stem_direction = other_voice[head->staff] == 0 ? 0 : head->voice == first_voice[head->staff] ? 1 : -1;
      if (head->kind != SR_EVENT_NOTE)
        continue;
      if (head->chord && i > 0 && events[i - 1].kind == SR_EVENT_NOTE)
        {
          head->chord_head = events[i - 1].chord_head;
          continue;
        }
      guint end = i + 1;
      while (end < n && events[end].kind == SR_EVENT_NOTE && events[end].chord)
        end++;
      int low = head->step, high = head->step;
      for (guint j = i; j < end; j++)
        {
          low = MIN (low, events[j].step);
          high = MAX (high, events[j].step);
        }
      int direction;
      if (head->type <= 0 || head->stem == 2)
        direction = 0;
      else if (head->stem != 0)
        direction = head->stem;
      else if (other_voice[head->staff] != 0)
        direction = head->voice == first_voice[head->staff] ? 1 : -1;
      else
        direction = (high - 4) > (4 - low) ? -1 : (high - 4) < (4 - low) ? 1 : (high + low >= 8 ? -1 : 1);
      for (guint j = i; j < end; j++)
        events[j].stem_direction = direction;
    }
}

/* The stem's far end (in steps) of the chord starting at HEAD: 3.5 spaces past its outer note, longer for many flags,
 * and reaching the middle line when the chord lies far off the staff. */
static double
default_stem_end (const SrEvent *events, guint n, guint head)
{
  int low = events[head].step, high = low;
  for (guint j = head + 1; j < n && events[j].kind == SR_EVENT_NOTE && events[j].chord; j++)
    {
      low = MIN (low, events[j].step);
      high = MAX (high, events[j].step);
    }
  double extra = MAX (0, events[head].type - 4) * 1.5;
  if (events[head].stem_direction > 0)
    return MAX (high + SR_ENGRAVE_STEM_LENGTH + extra, 4);
  return MIN (low - SR_ENGRAVE_STEM_LENGTH - extra, 4);
}

/* Seconds in a chord: the upper of two adjacent notes goes right of an up-stem, the lower left of a down-stem. */
static void
flip_seconds (SrEvent *events, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      if (!is_head (&events[i]))
        continue;
      guint end = i + 1;
      while (end < n && events[end].kind == SR_EVENT_NOTE && events[end].chord)
        end++;
      if (end - i < 2)
        continue;
      /* Walk the chord from the stem's root outwards. */
      int direction = events[i].stem_direction >= 0 ? 1 : -1;
      gboolean placed[64] = { FALSE };
      int previous = G_MININT;
      gboolean previous_flipped = FALSE;
      for (guint k = 0; k < end - i && k < 64; k++)
        {
          /* The next note outwards: lowest first for up-stems, highest first for down-stems. */
          guint best = G_MAXUINT;
          for (guint j = i; j < end && j - i < 64; j++)
            if (!placed[j - i] && (best == G_MAXUINT || (direction > 0 ? events[j].step < events[best].step
                                                                        : events[j].step > events[best].step)))
              best = j;
          placed[best - i] = TRUE;
          gboolean adjacent = previous != G_MININT && abs (events[best].step - previous) == 1;
          events[best].head_flipped = adjacent && !previous_flipped;
          previous = events[best].step;
          previous_flipped = events[best].head_flipped;
        }
    }
}

/* Beam groups from MusicXML's <beam number="1">: per staff and voice, begin … continue … end. */
static void
layout_beams (SrMeasure *measure)
{
  SrEvent *events = (SrEvent *) measure->events->data;
  guint n = measure->events->len;
  if (measure->groups == NULL)
    measure->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_ptr_array_set_size (measure->groups, 0);
  GHashTable *open = g_hash_table_new (NULL, NULL); /* staff × voice → group index + 1 */
  for (guint i = 0; i < n; i++)
    {
      SrEvent *e = &events[i];
      e->group = -1;
      if (!is_head (e) || e->grace || e->type < 3 || e->stem_direction == 0)
        continue;
      gpointer key = GINT_TO_POINTER (e->staff * 128 + e->voice);
      int current = GPOINTER_TO_INT (g_hash_table_lookup (open, key)) - 1;
      SrBeamState state = e->beams[0];
      if (state == SR_BEAM_BEGIN || ((state == SR_BEAM_CONTINUE || state == SR_BEAM_END) && current < 0))
        {
          GArray *group = g_array_new (FALSE, FALSE, sizeof (int));
          g_ptr_array_add (measure->groups, group);
          current = (int) measure->groups->len - 1;
          g_hash_table_insert (open, key, GINT_TO_POINTER (current + 1));
        }
      else if (state != SR_BEAM_CONTINUE && state != SR_BEAM_END)
        continue;
      int index = (int) i;
      g_array_append_val ((GArray *) measure->groups->pdata[current], index);
      e->group = current;
      if (state == SR_BEAM_END)
        g_hash_table_remove (open, key);
    }
  g_hash_table_unref (open);
  /* A group of one is no group (a damaged file): that note gets its flag back; a group's notes share a direction. */
  for (guint g = 0; g < measure->groups->len; g++)
    {
      GArray *group = measure->groups->pdata[g];
      if (group->len < 2)
        {
          events[g_array_index (group, int, 0)].group = -1;
          g_array_set_size (group, 0);
          continue;
        }
      int explicit_direction = 0, balance = 0;
      for (guint k = 0; k < group->len; k++)
        {
          const SrEvent *e = &events[g_array_index (group, int, k)];
          if (e->stem == 1 || e->stem == -1)
            explicit_direction = explicit_direction != 0 ? explicit_direction : e->stem;
          balance += e->step - 4;
        }
      const SrEvent *first = &events[g_array_index (group, int, 0)];
      int direction = explicit_direction != 0 ? explicit_direction : first->stem_direction;
      if (explicit_direction == 0)
        {
          /* Not voiced by a second voice: the group's notes decide together. */
          gboolean voiced = FALSE;
          for (guint i = 0; i < n; i++)
            voiced |= events[i].staff == first->staff && events[i].voice != first->voice
                      && events[i].kind != SR_EVENT_CLEF;
          if (!voiced)
            direction = balance > 0 ? -1 : 1;
        }
      for (guint k = 0; k < group->len; k++)
        {
          int head = g_array_index (group, int, k);
          for (guint j = (guint) head; j < n && (j == (guint) head || (events[j].kind == SR_EVENT_NOTE
                                                                         && events[j].chord)); j++)
            events[j].stem_direction = direction;
        }
    }
}

/* Two voices on a staff meeting at a second or a unison: the lower voice's chord moves right of the upper's. */
static void
shift_colliding_voices (SrEvent *events, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      SrEvent *low = &events[i];
      if (low->kind != SR_EVENT_NOTE || low->grace || low->stem_direction >= 0)
        continue;
      for (guint j = 0; j < n; j++)
        {
          const SrEvent *high = &events[j];
          if (high->kind == SR_EVENT_NOTE && !high->grace && high->stem_direction > 0 && high->staff == low->staff
              && high->voice != low->voice && high->onset == low->onset && abs (high->step - low->step) <= 1)
            {
              /* The whole chord of LOW moves, so that its stem stays one. */
              for (guint k = (guint) low->chord_head; k < n && (k == (guint) low->chord_head
                                                                 || (events[k].kind == SR_EVENT_NOTE
                                                                     && events[k].chord)); k++)
                events[k].voice_shifted = TRUE;
              break;
            }
        }
    }
}

static void
layout_stems (SrMeasure *measure)
{
  layout_chords (measure);
  layout_beams (measure);
  SrEvent *events = (SrEvent *) measure->events->data;
  guint n = measure->events->len;
  flip_seconds (events, n);
  shift_colliding_voices (events, n);
  for (guint i = 0; i < n; i++)
    if (is_head (&events[i]))
      {
        double end = default_stem_end (events, n, i);
        for (guint j = i; j < n && (j == i || (events[j].kind == SR_EVENT_NOTE && events[j].chord)); j++)
          events[j].stem_end = end;
      }
}

/* Accidentals of one chord: from the top down, each in the nearest column clear of the ones above it by 3 spaces. */
static int
place_accidentals (SrEvent *events, guint from, guint to)
{
  int last_step[8], n_columns = 0;
  for (;;)
    {
      guint best = G_MAXUINT;
      for (guint j = from; j < to; j++)
        if (events[j].accidental != SR_ACCIDENTAL_NONE && events[j].accidental_column < 0
            && (best == G_MAXUINT || events[j].step > events[best].step))
          best = j;
      if (best == G_MAXUINT)
        return n_columns;
      int column = 0;
      while (column < n_columns && last_step[column] - events[best].step < 6)
        column++;
      column = MIN (column, 7);
      events[best].accidental_column = column;
      last_step[column] = events[best].step;
      n_columns = MAX (n_columns, column + 1);
    }
}

typedef struct {
  double onset;
  double before;   /* fixed room left of the heads: accidentals, graces, clefs, left-flipped heads */
  double after;    /* flexible room to the next column */
  double fixed_after;
} Column;

/* The columns of MEASURE with their room; events get their column's index in chord_head's stead (temporarily). */
static GArray *
measure_columns (SrMeasure *measure)
{
  GArray *columns = g_array_new (FALSE, TRUE, sizeof (Column));
  SrEvent *events = (SrEvent *) measure->events->data;
  guint n = measure->events->len;
  for (guint i = 0; i < n; i++)
    {
      events[i].accidental_column = -1;
      if (events[i].grace)
        continue;
      double onset = events[i].measure_rest ? 0 : events[i].onset;
      if (columns->len == 0 || onset > g_array_index (columns, Column, columns->len - 1).onset + 1e-6)
        {
          Column column = { .onset = onset };
          g_array_append_val (columns, column);
        }
    }
  if (columns->len == 0)
    {
      /* An empty measure (a reading that lost its notes) still reads as a bar: the room of a short note or two. */
      Column column = { .after = duration_space (1.0) + 1.5 };
      g_array_append_val (columns, column);
    }
  guint c = 0;
  int graces[SR_ENGRAVE_MAX_STAVES] = { 0 };
  double rest_room = 0; /* a measure rest asks the measure for a whole note's room */
  for (guint i = 0; i < n; i++)
    {
      SrEvent *e = &events[i];
      double onset = e->measure_rest ? 0 : e->onset;
      while (c + 1 < columns->len && g_array_index (columns, Column, c + 1).onset <= onset + 1e-6)
        c++;
      Column *column = &g_array_index (columns, Column, c);
      if (e->grace)
        {
          /* Grace notes stand before the next column. */
          Column *next = c + 1 < columns->len && onset > column->onset + 1e-6 ? column + 1 : column;
          graces[e->staff] += !e->chord;
          next->before = MAX (next->before, graces[e->staff] * GRACE_ROOM + 0.3);
          continue;
        }
      graces[e->staff] = 0;
      if (e->kind == SR_EVENT_CLEF)
        {
          column->before = MAX (column->before, SR_ENGRAVE_CLEF_WIDTH * 0.75);
          continue;
        }
      double next_onset = c + 1 < columns->len ? g_array_index (columns, Column, c + 1).onset : measure->duration;
      double span = e->measure_rest ? measure->duration : MAX (next_onset - column->onset, 1.0 / 32);
      if (e->measure_rest)
        rest_room = duration_space (4.0) + 2.0; /* the whole measure's, below: not its first column's */
      else
        column->after = MAX (column->after, duration_space (MIN (span, MAX (e->duration, 1.0 / 32))));
      column->fixed_after = MAX (column->fixed_after, SR_ENGRAVE_HEAD_WIDTH + 0.3 + 0.55 * e->dots
                                                        + (e->voice_shifted ? SR_ENGRAVE_HEAD_WIDTH + 0.1 : 0)
                                                        + (e->head_flipped && e->stem_direction > 0 ? 1.1 : 0)
                                                        + (e->stem_direction > 0 && e->type >= 3 && e->group < 0
                                                             ? 0.9 : 0));
      /* The accidentals of every voice sounding here on this staff share one set of columns (events are sorted by
       * onset, staff and voice, so they lie together): two voices' accidentals never land on one another. */
      gboolean first_here = i == 0 || events[i - 1].onset != e->onset || events[i - 1].staff != e->staff
                            || events[i - 1].grace || events[i - 1].kind == SR_EVENT_CLEF;
      if (first_here && !e->grace)
        {
          guint end = i + 1;
          while (end < n && events[end].onset == e->onset && events[end].staff == e->staff && !events[end].grace
                 && events[end].kind != SR_EVENT_CLEF)
            end++;
          int accidental_columns = place_accidentals (events, i, end);
          gboolean flipped_left = FALSE;
          for (guint j = i; j < end; j++)
            flipped_left |= events[j].head_flipped && events[j].stem_direction < 0;
          column->before = MAX (column->before, accidental_columns * ACCIDENTAL_ROOM + (flipped_left ? 1.1 : 0)
                                                  + (accidental_columns > 0 ? 0.15 : 0));
        }
    }
  /* A bar of rest looks like one: the measure is at least a whole note wide. */
  double total = 0;
  for (guint k = 0; k < columns->len; k++)
    total += g_array_index (columns, Column, k).after;
  if (rest_room > total)
    g_array_index (columns, Column, columns->len - 1).after += rest_room - total;
  return columns;
}

typedef struct {
  GArray *columns;
  double fixed, flexible;   /* natural widths without the prefix */
} MeasureSpace;

static int
key_accidentals (const SrMeasure *measure, int n_staves)
{
  int most = 0;
  for (int s = 0; s < n_staves; s++)
    most = MAX (most, abs (measure->key_fifths[s]));
  return most;
}

static gboolean
clef_differs (SrClef a, SrClef b)
{
  return a.sign != b.sign || a.line != b.line || a.octave != b.octave;
}

static double
prefix_width (const SrEngraving *engraving, guint index, gboolean first_in_system, SrMeasureLayout *layout)
{
  const SrMeasure *measure = engraving->measures->pdata[index];
  const SrMeasure *previous = index > 0 ? engraving->measures->pdata[index - 1] : NULL;
  layout->draw_clef = first_in_system;
  if (!first_in_system && previous != NULL)
    for (int s = 0; s < engraving->n_staves; s++)
      layout->draw_clef |= clef_differs (measure->clefs[s], previous->end_clefs[s]);
  layout->draw_key = (first_in_system || measure->key_changed) && key_accidentals (measure, engraving->n_staves) > 0;
  layout->draw_time = measure->time_changed && measure->beats > 0;
  double width = 0;
  if (layout->draw_clef)
    width += first_in_system ? SR_ENGRAVE_CLEF_WIDTH : SR_ENGRAVE_CLEF_WIDTH * 0.8;
  if (layout->draw_key)
    width += key_accidentals (measure, engraving->n_staves) * SR_ENGRAVE_KEY_ACCIDENTAL_WIDTH + 0.6;
  if (layout->draw_time)
    width += SR_ENGRAVE_TIME_WIDTH;
  if (measure->repeat_start)
    width += SR_ENGRAVE_REPEAT_WIDTH;
  return width;
}

/* Positions every event of MEASURE for a measure STRETCH times its natural flexible width, starting at X. */
static void
place_measure (SrMeasure *measure, const MeasureSpace *space, double x, double prefix, double stretch,
               SrMeasureLayout *layout)
{
  layout->x = x;
  layout->prefix = prefix;
  double column_x[4096];
  guint n_columns = MIN (space->columns->len, G_N_ELEMENTS (column_x));
  double cursor = x + LEFT_PAD + prefix;
  for (guint c = 0; c < n_columns; c++)
    {
      const Column *column = &g_array_index (space->columns, Column, c);
      cursor += column->before;
      column_x[c] = cursor;
      /* As measure_space counted it: flexible columns stretch, the others keep what their heads and dots need. */
      cursor += column->after >= column->fixed_after ? MAX (column->after * stretch, column->fixed_after)
                                                     : column->fixed_after;
    }
  layout->width = cursor + RIGHT_PAD - x;
  SrEvent *events = (SrEvent *) measure->events->data;
  guint c = 0, grace_count = 0;
  for (guint i = 0; i < measure->events->len; i++)
    {
      SrEvent *e = &events[i];
      double onset = e->measure_rest ? 0 : e->onset;
      while (c + 1 < n_columns && g_array_index (space->columns, Column, c + 1).onset <= onset + 1e-6)
        c++;
      if (e->measure_rest)
        e->x = x + LEFT_PAD + prefix + (layout->width - LEFT_PAD - prefix - RIGHT_PAD) / 2 - SR_ENGRAVE_HEAD_WIDTH / 2;
      else if (e->grace)
        {
          /* Count this staff's graces before the next column, then step back from it. */
          guint next = c + 1 < n_columns && onset > g_array_index (space->columns, Column, c).onset + 1e-6 ? c + 1 : c;
          guint after = 0;
          for (guint j = i + 1; j < measure->events->len && events[j].grace; j++)
            after += events[j].staff == e->staff && !events[j].chord;
          e->x = column_x[next] - 0.4 - (after + 1) * GRACE_ROOM - (e->chord ? 0 : 0);
          if (e->chord)
            e->x = events[e->chord_head].x;
          grace_count++;
        }
      else if (e->kind == SR_EVENT_CLEF)
        e->x = column_x[c] - SR_ENGRAVE_CLEF_WIDTH * 0.75;
      else
        e->x = column_x[c];
      if (e->voice_shifted)
        e->x += SR_ENGRAVE_HEAD_WIDTH + 0.1;
      if (e->kind == SR_EVENT_NOTE && !e->grace)
        {
          /* The stem stands right of the heads for up-stems, left for down-stems. */
          e->stem_x = e->stem_direction > 0 ? e->x + SR_ENGRAVE_HEAD_WIDTH - 0.06 : e->x + 0.06;
          if (e->head_flipped)
            e->x += e->stem_direction > 0 ? SR_ENGRAVE_HEAD_WIDTH - 0.12 : -(SR_ENGRAVE_HEAD_WIDTH - 0.12);
        }
      else if (e->kind == SR_EVENT_NOTE)
        e->stem_x = e->x + 0.62 * SR_ENGRAVE_HEAD_WIDTH;
    }
}

static void
measure_space (SrMeasure *measure, MeasureSpace *space)
{
  space->columns = measure_columns (measure);
  space->fixed = LEFT_PAD + RIGHT_PAD;
  space->flexible = 0;
  for (guint c = 0; c < space->columns->len; c++)
    {
      const Column *column = &g_array_index (space->columns, Column, c);
      space->fixed += column->before;
      /* Each column's room is its flexible space, but never less than what its heads and dots need. */
      if (column->after >= column->fixed_after)
        space->flexible += column->after;
      else
        space->fixed += column->fixed_after;
    }
}

/* How far events stick out of each staff, in spaces above its top line and below its bottom line. */
static void
staff_extents (const SrEngraving *engraving, const SrSystem *system, double *above, double *below)
{
  for (int s = 0; s < engraving->n_staves; s++)
    above[s] = below[s] = 0;
  for (guint m = system->first_measure; m < system->first_measure + system->n_measures; m++)
    {
      const SrMeasure *measure = engraving->measures->pdata[m];
      for (guint i = 0; i < measure->events->len; i++)
        {
          const SrEvent *e = &g_array_index (measure->events, SrEvent, i);
          if (e->kind == SR_EVENT_CLEF)
            continue;
          double top = e->step + 1, bottom = e->step - 1;
          if (e->kind == SR_EVENT_NOTE && e->stem_direction != 0 && !e->grace)
            {
              top = MAX (top, e->stem_end + (e->stem_direction > 0 ? 1 : 0));
              bottom = MIN (bottom, e->stem_end - (e->stem_direction < 0 ? 1 : 0));
            }
          if (e->articulations != 0 || e->slur_starts != 0 || e->tuplet_start)
            {
              top += 2;
              bottom -= 2;
            }
          above[e->staff] = MAX (above[e->staff], (top - 8) / 2);
          below[e->staff] = MAX (below[e->staff], -bottom / 2);
        }
    }
}

static void
stack_staves (const SrEngraving *engraving, SrSystem *system)
{
  double above[SR_ENGRAVE_MAX_STAVES], below[SR_ENGRAVE_MAX_STAVES];
  staff_extents (engraving, system, above, below);
  system->staff_top = g_new (double, engraving->n_staves);
  double y = MAX (3.0, above[0] + 1.2);
  for (int s = 0; s < engraving->n_staves; s++)
    {
      if (s > 0)
        {
          gboolean new_part = FALSE;
          for (guint p = 0; p < engraving->parts->len; p++)
            new_part |= g_array_index (engraving->parts, SrPartStaves, p).first_staff == s;
          y += 4 + MAX (new_part ? PART_GAP : MIN_STAFF_GAP, below[s - 1] + above[s] + 1.0);
        }
      system->staff_top[s] = y;
    }
  system->height = y + 4 + MAX (2.0, below[engraving->n_staves - 1] + 1.0);
}

void
sr_engrave_system_clear (gpointer data)
{
  SrSystem *system = data;
  g_free (system->measure_layouts);
  g_free (system->staff_top);
}

/* Measure K placed at its requested start (never left of *X, where the previous one ends) and stretched to reach the
 * next one's: the stretch to use; *X moves to where it starts. */
static double
stretch_to_start (const SrEngraving *engraving, const MeasureSpace *spaces, guint k, double prefix, double *x)
{
  const double *starts = engraving->options.measure_starts;
  *x = MAX (*x, starts[k]);
  if (k + 1 >= engraving->options.n_measure_starts || spaces[k].flexible <= 0)
    return 1.0;
  double room = starts[k + 1] - *x - spaces[k].fixed - prefix;
  return CLAMP (room / spaces[k].flexible, 0.6, 8.0);
}

void
sr_engrave_layout (SrEngraving *engraving)
{
  guint n = engraving->measures->len;
  MeasureSpace *spaces = g_new0 (MeasureSpace, n);
  for (guint m = 0; m < n; m++)
    {
      layout_stems (engraving->measures->pdata[m]);
      measure_space (engraving->measures->pdata[m], &spaces[m]);
    }
  double left = engraving->n_staves > 1 ? BRACE_ROOM : 0.3;
  double width = engraving->options.measure_starts != NULL ? G_MAXDOUBLE : engraving->options.width;
  guint m = 0;
  while (m < n)
    {
      SrSystem system = { .first_measure = m, .left = left };
      double used = left, fixed = left, flexible = 0;
      SrMeasureLayout scratch;
      guint end = m;
      while (end < n)
        {
          double prefix = prefix_width (engraving, end, end == m, &scratch);
          double natural = spaces[end].fixed + spaces[end].flexible + prefix;
          if (end > m && used + natural > width)
            break;
          used += natural;
          fixed += spaces[end].fixed + prefix;
          flexible += spaces[end].flexible;
          end++;
        }
      system.n_measures = end - m;
      system.measure_layouts = g_new0 (SrMeasureLayout, system.n_measures);
      /* Stretch to the width, except a last system that would be pulled apart to more than twice its width. */
      double stretch = 1.0;
      if (width < G_MAXDOUBLE / 2 && flexible > 0 && used < width)
        stretch = (width - fixed) / flexible;
      if (end == n && stretch > 2.0)
        stretch = 1.0;
      double x = left;
      for (guint k = m; k < end; k++)
        {
          SrMeasureLayout *layout = &system.measure_layouts[k - m];
          double prefix = prefix_width (engraving, k, k == m, layout);
          double measure_stretch = stretch;
          if (k < engraving->options.n_measure_starts)
            measure_stretch = stretch_to_start (engraving, spaces, k, prefix, &x);
          place_measure (engraving->measures->pdata[k], &spaces[k], x, prefix, measure_stretch, layout);
          x += layout->width;
        }
      system.width = x;
      stack_staves (engraving, &system);
      g_array_append_val (engraving->systems, system);
      m = end;
    }
  for (guint k = 0; k < n; k++)
    g_array_unref (spaces[k].columns);
  g_free (spaces);
}

int
sr_key_signature_steps (int key_fifths, SrClef clef, int steps[7])
{
  /* The treble clef's places (F5 C5 G5 D5 A4 E5 B4 for sharps, B4 E5 A4 D5 G4 C5 F4 for flats), moved by octaves to
   * the nearest place on another clef's staff. */
  static const int sharps[] = { 38, 35, 39, 36, 33, 37, 34 };
  static const int flats[] = { 34, 37, 33, 36, 32, 35, 31 };
  int n = MIN (abs (key_fifths), 7);
  int bottom = sr_clef_bottom_line (clef);
  for (int i = 0; i < n; i++)
    {
      int treble_step = (key_fifths > 0 ? sharps[i] : flats[i]) - 30;
      int step = (key_fifths > 0 ? sharps[i] : flats[i]) - bottom;
      while (step - treble_step > 3)
        step -= 7;
      while (treble_step - step > 3)
        step += 7;
      steps[i] = clef.sign == SR_CLEF_PERCUSSION ? treble_step : step;
    }
  return n;
}
