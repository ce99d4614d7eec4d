/* Drawing one laid-out system with cairo, one unit a staff space: staves and barlines first, then each measure's
 * prefix (clef, key, time) and events, then what joins events (beams, ties, slurs, tuplets). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engrave-private.h"

#define LINE 0.11          /* staff line and ledger line thickness */
#define STEM 0.12
#define THIN_BAR 0.16
#define THICK_BAR 0.5
#define BEAM 0.5
#define BEAM_DISTANCE 0.75
#define GRACE_SCALE 0.62

typedef struct {
  const SrEngraving *engraving;
  const SrSystem *system;
  cairo_t *cr;
} Page;

static double
step_y (const Page *page, int staff, double step)
{
  return page->system->staff_top[staff] + (8 - step) / 2.0;
}

static void
line (cairo_t *cr, double x0, double y0, double x1, double y1, double width)
{
  cairo_set_line_width (cr, width);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);
}

/* ---- staves, barlines, brace ---- */

static void
draw_staves (const Page *page)
{
  const SrSystem *system = page->system;
  cairo_set_line_cap (page->cr, CAIRO_LINE_CAP_BUTT);
  for (int s = 0; s < page->engraving->n_staves; s++)
    for (int l = 0; l < 5; l++)
      line (page->cr, system->left, system->staff_top[s] + l, system->width, system->staff_top[s] + l, LINE);
  double top = system->staff_top[0], bottom = system->staff_top[page->engraving->n_staves - 1] + 4;
  if (page->engraving->n_staves > 1)
    line (page->cr, system->left, top, system->left, bottom, THIN_BAR);
  for (guint p = 0; p < page->engraving->parts->len; p++)
    {
      const SrPartStaves *part = &g_array_index (page->engraving->parts, SrPartStaves, p);
      if (part->n_staves > 1)
        sr_engrave_brace (page->cr, system->left - 1.35, system->staff_top[part->first_staff],
                          system->staff_top[part->first_staff + part->n_staves - 1] + 4, 1.0);
    }
}

static void
repeat_dots (const Page *page, double x)
{
  for (int s = 0; s < page->engraving->n_staves; s++)
    for (int k = 0; k < 2; k++)
      {
        cairo_new_sub_path (page->cr);
        cairo_arc (page->cr, x, step_y (page, s, k == 0 ? 5 : 3), 0.22, 0, 2 * G_PI);
        cairo_fill (page->cr);
      }
}

static void
draw_barline (const Page *page, const SrMeasure *measure, const SrMeasureLayout *layout, gboolean last_in_score)
{
  const SrSystem *system = page->system;
  double top = system->staff_top[0], bottom = system->staff_top[page->engraving->n_staves - 1] + 4;
  double x = layout->x + layout->width;
  cairo_t *cr = page->cr;
  if (measure->repeat_end || measure->final_bar || (last_in_score && !measure->double_bar))
    {
      line (cr, x - THICK_BAR / 2, top, x - THICK_BAR / 2, bottom, THICK_BAR);
      line (cr, x - THICK_BAR - 0.4, top, x - THICK_BAR - 0.4, bottom, THIN_BAR);
      if (measure->repeat_end)
        repeat_dots (page, x - THICK_BAR - 0.95);
    }
  else if (measure->double_bar)
    {
      line (cr, x - THIN_BAR / 2, top, x - THIN_BAR / 2, bottom, THIN_BAR);
      line (cr, x - 0.55, top, x - 0.55, bottom, THIN_BAR);
    }
  else
    line (cr, x - THIN_BAR / 2, top, x - THIN_BAR / 2, bottom, THIN_BAR);
  if (measure->repeat_start)
    {
      double start = layout->x + layout->prefix - SR_ENGRAVE_REPEAT_WIDTH + 0.5;
      line (cr, start + THICK_BAR / 2, top, start + THICK_BAR / 2, bottom, THICK_BAR);
      line (cr, start + THICK_BAR + 0.4, top, start + THICK_BAR + 0.4, bottom, THIN_BAR);
      repeat_dots (page, start + THICK_BAR + 0.95);
    }
}

/* ---- clefs, keys, times ---- */

static void
draw_clef (const Page *page, int staff, SrClef clef, double x, double scale)
{
  cairo_t *cr = page->cr;
  switch (clef.sign)
    {
    case SR_CLEF_G:
      /* The curl's centre on the clef's line; the glyph reaches ~1.6 spaces below and above the staff. */
      sr_engrave_glyph (cr, SR_GLYPH_G_CLEF, x, step_y (page, staff, 2 * (clef.line - 1)), 7.2 * scale, 0.315);
      break;
    case SR_CLEF_F:
      sr_engrave_glyph (cr, SR_GLYPH_F_CLEF, x, step_y (page, staff, 2 * (clef.line - 1)), 3.3 * scale, 0.7);
      break;
    case SR_CLEF_C:
      sr_engrave_glyph (cr, SR_GLYPH_C_CLEF, x, step_y (page, staff, 2 * (clef.line - 1)), 4.0 * scale, 0.5);
      break;
    case SR_CLEF_PERCUSSION:
    default:
      sr_engrave_glyph (cr, SR_GLYPH_PERCUSSION_CLEF, x + 0.4, step_y (page, staff, 4), 2.0 * scale, 0.5);
      break;
    }
  if (clef.octave != 0)
    {
      double y = clef.octave > 0 ? step_y (page, staff, 12.5) : step_y (page, staff, -4.5);
      sr_engrave_text (cr, abs (clef.octave) == 2 ? "15" : "8", x + 1.2 * scale, y, 1.4 * scale, FALSE);
    }
}

static void
draw_accidental (cairo_t *cr, SrAccidental accidental, double right, double y, double scale)
{
  SrGlyph glyph;
  double height, anchor;
  switch (accidental)
    {
    case SR_ACCIDENTAL_SHARP: glyph = SR_GLYPH_SHARP; height = 2.7; anchor = 0.5; break;
    case SR_ACCIDENTAL_FLAT: glyph = SR_GLYPH_FLAT; height = 2.3; anchor = 0.27; break;
    case SR_ACCIDENTAL_NATURAL: glyph = SR_GLYPH_NATURAL; height = 2.7; anchor = 0.5; break;
    case SR_ACCIDENTAL_DOUBLE_SHARP: glyph = SR_GLYPH_DOUBLE_SHARP; height = 1.0; anchor = 0.5; break;
    case SR_ACCIDENTAL_DOUBLE_FLAT: glyph = SR_GLYPH_DOUBLE_FLAT; height = 2.3; anchor = 0.27; break;
    case SR_ACCIDENTAL_NONE:
    default:
      return;
    }
  double width = sr_engrave_glyph_width (glyph, height * scale);
  sr_engrave_glyph (cr, glyph, right - width, y, height * scale, anchor);
}

static void
draw_key (const Page *page, const SrMeasure *measure, int staff, double x)
{
  int steps[7];
  SrClef clef = measure->clefs[staff];
  int n = sr_key_signature_steps (measure->key_fifths[staff], clef, steps);
  SrAccidental accidental = measure->key_fifths[staff] > 0 ? SR_ACCIDENTAL_SHARP : SR_ACCIDENTAL_FLAT;
  for (int i = 0; i < n; i++)
    draw_accidental (page->cr, accidental, x + (i + 1) * SR_ENGRAVE_KEY_ACCIDENTAL_WIDTH, step_y (page, staff, steps[i]),
                     1.0);
}

static void
draw_time (const Page *page, const SrMeasure *measure, int staff, double x)
{
  double centre = x + SR_ENGRAVE_TIME_WIDTH / 2 - 0.2;
  if (measure->time_symbol == 'c' || measure->time_symbol == '|')
    {
      SrGlyph glyph = measure->time_symbol == 'c' ? SR_GLYPH_COMMON_TIME : SR_GLYPH_CUT_TIME;
      double height = measure->time_symbol == 'c' ? 2.0 : 2.8;
      sr_engrave_glyph (page->cr, glyph, centre - sr_engrave_glyph_width (glyph, height) / 2, step_y (page, staff, 4),
                        height, 0.5);
      return;
    }
  char text[8];
  snprintf (text, sizeof text, "%d", measure->beats);
  sr_engrave_text (page->cr, text, centre, step_y (page, staff, 4) - 0.06, 2.75, TRUE);
  snprintf (text, sizeof text, "%d", measure->beat_type);
  sr_engrave_text (page->cr, text, centre, step_y (page, staff, 0) - 0.06, 2.75, TRUE);
}

static void
draw_prefix (const Page *page, const SrMeasure *measure, const SrMeasureLayout *layout)
{
  double x = layout->x + 0.6;
  for (int s = 0; s < page->engraving->n_staves; s++)
    {
      double at = x;
      if (layout->draw_clef)
        {
          gboolean first = layout->x <= page->system->left + 1e-6;
          draw_clef (page, s, measure->clefs[s], at, first ? 1.0 : 0.8);
          at += first ? SR_ENGRAVE_CLEF_WIDTH : SR_ENGRAVE_CLEF_WIDTH * 0.8;
        }
      if (layout->draw_key)
        {
          int most = 0;
          for (int t = 0; t < page->engraving->n_staves; t++)
            most = MAX (most, abs (measure->key_fifths[t]));
          draw_key (page, measure, s, at - 0.4);
          at += most * SR_ENGRAVE_KEY_ACCIDENTAL_WIDTH + 0.6;
        }
      if (layout->draw_time)
        draw_time (page, measure, s, at);
    }
}

/* ---- notes ---- */

static void
notehead (cairo_t *cr, double x, double y, int type, double scale)
{
  double w = SR_ENGRAVE_HEAD_WIDTH * scale;
  cairo_save (cr);
  if (type <= 0)
    {
      /* Whole notes and breves: wider, the hole tilted the other way. */
      double ww = w * 1.35;
      cairo_translate (cr, x + ww / 2, y);
      cairo_save (cr);
      cairo_scale (cr, ww / 2, 0.52 * scale);
      cairo_new_sub_path (cr);
      cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
      cairo_restore (cr);
      cairo_save (cr);
      cairo_rotate (cr, 1.0);
      cairo_scale (cr, 0.42 * scale, 0.24 * scale);
      cairo_new_sub_path (cr);
      cairo_arc_negative (cr, 0, 0, 1, 2 * G_PI, 0);
      cairo_restore (cr);
      cairo_fill (cr);
      if (type < 0)
        for (int side = -1; side <= 1; side += 2)
          for (int k = 0; k < 2; k++)
            line (cr, side * (ww / 2 + 0.15 + 0.22 * k), -0.75, side * (ww / 2 + 0.15 + 0.22 * k), 0.75, 0.1);
      cairo_restore (cr);
      return;
    }
  cairo_translate (cr, x + w / 2, y);
  cairo_rotate (cr, -0.35);
  cairo_save (cr);
  cairo_scale (cr, w / 2 * 0.95, 0.44 * scale);
  cairo_new_sub_path (cr);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_restore (cr);
  if (type == 1)
    {
      cairo_save (cr);
      cairo_scale (cr, w / 2 * 0.72, 0.2 * scale);
      cairo_new_sub_path (cr);
      cairo_arc_negative (cr, 0, 0, 1, 2 * G_PI, 0);
      cairo_restore (cr);
    }
  cairo_fill (cr);
  cairo_restore (cr);
}

static void
ledger_lines (const Page *page, const SrEvent *e, double scale)
{
  double w = SR_ENGRAVE_HEAD_WIDTH * scale * (e->type <= 0 ? 1.35 : 1.0);
  for (int step = -2; step >= e->step; step -= 2)
    line (page->cr, e->x - 0.3, step_y (page, e->staff, step), e->x + w + 0.3, step_y (page, e->staff, step), LINE);
  for (int step = 10; step <= e->step; step += 2)
    line (page->cr, e->x - 0.3, step_y (page, e->staff, step), e->x + w + 0.3, step_y (page, e->staff, step), LINE);
}

static void
flags (cairo_t *cr, double x, double y, int direction, int count, double scale)
{
  for (int k = 0; k < count; k++)
    {
      double d = direction > 0 ? 1 : -1; /* flags hang down from an up-stem, rise from a down-stem */
      double y0 = y + d * k * 0.8 * scale;
      cairo_move_to (cr, x, y0);
      cairo_curve_to (cr, x + 0.05 * scale, y0 + d * 1.0 * scale, x + 1.25 * scale, y0 + d * 1.3 * scale,
                      x + 0.95 * scale, y0 + d * 2.9 * scale);
      cairo_curve_to (cr, x + 1.05 * scale, y0 + d * 1.8 * scale, x + 0.4 * scale, y0 + d * 1.45 * scale, x,
                      y0 + d * 1.1 * scale);
      cairo_close_path (cr);
      cairo_fill (cr);
    }
}

static void
dots (const Page *page, const SrEvent *e, double right)
{
  int step = e->step % 2 == 0 ? e->step + 1 : e->step;
  for (int k = 0; k < e->dots; k++)
    {
      cairo_new_sub_path (page->cr);
      cairo_arc (page->cr, right + 0.45 + 0.5 * k, step_y (page, e->staff, step), 0.19, 0, 2 * G_PI);
      cairo_fill (page->cr);
    }
}

static void
draw_rest (const Page *page, const SrEvent *e)
{
  cairo_t *cr = page->cr;
  int step = e->step;
  if (!e->positioned && e->stem_direction != 0)
    step += e->stem_direction * 4; /* two voices: the upper voice's rests higher, the lower's lower */
  if (e->measure_rest || e->type <= 0)
    {
      /* Hangs from the fourth line (from the line above the middle). */
      double y = step_y (page, e->staff, (step % 2 == 0 ? step : step - 1) + 2);
      cairo_rectangle (cr, e->x - 0.1, y, 1.4, 0.5);
      cairo_fill (cr);
      if (step + 2 > 8 || step + 2 < 0)
        line (cr, e->x - 0.45, y, e->x + 1.65, y, LINE);
      return;
    }
  if (e->type == 1)
    {
      double y = step_y (page, e->staff, step % 2 == 0 ? step : step + 1);
      cairo_rectangle (cr, e->x - 0.1, y - 0.5, 1.4, 0.5);
      cairo_fill (cr);
      return;
    }
  static const SrGlyph glyphs[] = { SR_GLYPH_QUARTER_REST, SR_GLYPH_EIGHTH_REST, SR_GLYPH_16TH_REST,
                                    SR_GLYPH_32ND_REST, SR_GLYPH_64TH_REST };
  static const double heights[] = { 3.0, 2.0, 3.0, 4.0, 5.0 };
  static const double anchors[] = { 0.5, 0.35, 0.5, 0.5, 0.5 };
  int k = CLAMP (e->type - 2, 0, 4);
  sr_engrave_glyph (cr, glyphs[k], e->x, step_y (page, e->staff, step), heights[k], anchors[k]);
  dots (page, e, e->x + sr_engrave_glyph_width (glyphs[k], heights[k]));
}

/* The outer notes of the chord starting at HEAD: the one the stem starts from and the one nearest its end. */
static void
chord_span (const SrEvent *events, guint n, guint head, int *root, int *tip)
{
  int low = events[head].step, high = low;
  for (guint j = head + 1; j < n && events[j].kind == SR_EVENT_NOTE && events[j].chord; j++)
    {
      low = MIN (low, events[j].step);
      high = MAX (high, events[j].step);
    }
  *root = events[head].stem_direction > 0 ? low : high;
  *tip = events[head].stem_direction > 0 ? high : low;
}

static void
draw_articulations (const Page *page, const SrEvent *e, int root, int tip)
{
  cairo_t *cr = page->cr;
  /* Opposite the stem, a step clear of the head (or above the staff for fermatas). */
  int side = e->stem_direction > 0 ? -1 : 1;
  double centre = e->x + SR_ENGRAVE_HEAD_WIDTH / 2;
  int far = side > 0 ? MAX (root, tip) : MIN (root, tip);
  double step = far + side * 2;
  if (step > 0 && step < 8 && (int) step % 2 == 0)
    step += side; /* in a space, not on a line */
  double y = step_y (page, e->staff, step) - side * 0.15;
  guint a = e->articulations;
  if (a & SR_ARTICULATION_STACCATO)
    {
      cairo_new_sub_path (cr);
      cairo_arc (cr, centre, y, 0.2, 0, 2 * G_PI);
      cairo_fill (cr);
      y -= side * 0.8;
    }
  if (a & SR_ARTICULATION_STACCATISSIMO)
    {
      cairo_move_to (cr, centre - 0.2, y - side * 0.5);
      cairo_line_to (cr, centre + 0.2, y - side * 0.5);
      cairo_line_to (cr, centre, y + side * 0.4);
      cairo_fill (cr);
      y -= side * 1.1;
    }
  if (a & SR_ARTICULATION_TENUTO)
    {
      line (cr, centre - 0.6, y, centre + 0.6, y, 0.16);
      y -= side * 0.8;
    }
  if (a & SR_ARTICULATION_ACCENT)
    {
      y -= side * 0.2;
      cairo_set_line_width (cr, 0.14);
      cairo_move_to (cr, centre - 0.7, y - 0.4);
      cairo_line_to (cr, centre + 0.7, y);
      cairo_line_to (cr, centre - 0.7, y + 0.4);
      cairo_stroke (cr);
      y -= side * 1.1;
    }
  double top = MIN (y, step_y (page, e->staff, MAX (tip, root) + 2));
  if (side < 0)
    top = MIN (step_y (page, e->staff, MAX (MAX (tip, root) + 2, 9)),
               step_y (page, e->staff, MAX (tip, root) + (e->stem_direction > 0 ? 1 : 0)) + 0.2);
  if (a & SR_ARTICULATION_MARCATO)
    {
      /* Always above the note, pointing up. */
      double base = top - 0.3;
      cairo_move_to (cr, centre - 0.55, base);
      cairo_line_to (cr, centre, base - 1.2);
      cairo_line_to (cr, centre + 0.55, base);
      cairo_line_to (cr, centre + 0.3, base);
      cairo_line_to (cr, centre, base - 0.7);
      cairo_line_to (cr, centre - 0.3, base);
      cairo_close_path (cr);
      cairo_fill (cr);
      top = base - 1.4;
    }
  if (a & SR_ARTICULATION_FERMATA)
    {
      double width = sr_engrave_glyph_width (SR_GLYPH_FERMATA, 1.4);
      sr_engrave_glyph (cr, SR_GLYPH_FERMATA, centre - width / 2, MIN (top, step_y (page, e->staff, 10)) - 0.3, 1.4,
                        0.0);
    }
}

static void
draw_note (const Page *page, const SrMeasure *measure, guint index)
{
  const SrEvent *events = (const SrEvent *) measure->events->data;
  const SrEvent *e = &events[index];
  cairo_t *cr = page->cr;
  double scale = e->grace ? GRACE_SCALE : 1.0;
  double y = step_y (page, e->staff, e->step);
  ledger_lines (page, e, scale);
  notehead (cr, e->x, y, e->type, scale);
  if (e->accidental != SR_ACCIDENTAL_NONE)
    {
      const SrEvent *head = &events[e->chord_head];
      double left = MIN (head->x, head->stem_x - (head->stem_direction < 0 ? SR_ENGRAVE_HEAD_WIDTH : 0));
      if (e->grace)
        left = e->x;
      draw_accidental (cr, e->accidental, left - 0.18 - MAX (e->accidental_column, 0) * 1.15, y, scale);
    }
  double head_right = e->x + SR_ENGRAVE_HEAD_WIDTH * scale * (e->type <= 0 ? 1.35 : 1.0);
  if (e->dots > 0)
    {
      const SrEvent *head = &events[e->chord_head];
      double right = MAX (head_right, head->stem_x + (head->stem_direction > 0 && head->group < 0 && head->type >= 3
                                                        ? 1.0 : 0.0));
      dots (page, e, right);
    }
  if (e->chord || e->stem_direction == 0)
    return;

  int root, tip;
  chord_span (events, measure->events->len, index, &root, &tip);
  if (e->grace)
    {
      /* Grace notes: small, stem up, an eighth's flag slashed for an acciaccatura. */
      double sx = e->x + SR_ENGRAVE_HEAD_WIDTH * scale - 0.05;
      double top = step_y (page, e->staff, MAX (root, tip)) - 2.6;
      line (cr, sx, step_y (page, e->staff, MIN (root, tip)), sx, top, STEM * 0.8);
      if (e->type >= 3 && e->group < 0)
        {
          flags (cr, sx, top, 1, e->type - 2, scale);
          line (cr, sx - 0.5, top + 1.5, sx + 0.9, top + 0.4, 0.09);
        }
      return;
    }
  if (e->group < 0)
    {
      double y_root = step_y (page, e->staff, root), y_end = step_y (page, e->staff, e->stem_end);
      line (cr, e->stem_x, y_root, e->stem_x, y_end, STEM);
      if (e->type >= 3)
        flags (cr, e->stem_x - STEM / 2, y_end, e->stem_direction, e->type - 2, 1.0);
    }
  if (e->articulations != 0)
    draw_articulations (page, e, root, tip);
}

/* ---- beams ---- */

static int
beam_count (const SrEvent *e)
{
  return CLAMP (e->type - 2, 1, SR_ENGRAVE_MAX_BEAMS);
}

static void
beam_segment (cairo_t *cr, double x0, double x1, double y_at_0, double slope, double x_origin, double offset)
{
  double y0 = y_at_0 + slope * (x0 - x_origin) + offset, y1 = y_at_0 + slope * (x1 - x_origin) + offset;
  cairo_move_to (cr, x0, y0 - BEAM / 2);
  cairo_line_to (cr, x1, y1 - BEAM / 2);
  cairo_line_to (cr, x1, y1 + BEAM / 2);
  cairo_line_to (cr, x0, y0 + BEAM / 2);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
draw_beam_group (const Page *page, const SrMeasure *measure, const GArray *group)
{
  const SrEvent *events = (const SrEvent *) measure->events->data;
  guint n = measure->events->len;
  const SrEvent *first = &events[g_array_index (group, int, 0)];
  const SrEvent *last = &events[g_array_index (group, int, group->len - 1)];
  int direction = first->stem_direction;
  double d = direction > 0 ? -1 : 1; /* towards the beam, in page y */
  double x0 = first->stem_x, x1 = last->stem_x;
  double y0 = step_y (page, first->staff, first->stem_end), y1 = step_y (page, last->staff, last->stem_end);
  double slope = x1 > x0 ? (y1 - y0) / (x1 - x0) : 0;
  slope = CLAMP (slope, -0.2, 0.2);
  /* Every stem at least 2.5 spaces (3 with many beams) past its chord's tip note. */
  int most = 1;
  for (guint k = 0; k < group->len; k++)
    most = MAX (most, beam_count (&events[g_array_index (group, int, k)]));
  double shift = 0;
  for (guint k = 0; k < group->len; k++)
    {
      const SrEvent *e = &events[g_array_index (group, int, k)];
      int root, tip;
      chord_span (events, n, (guint) g_array_index (group, int, k), &root, &tip);
      double need = step_y (page, e->staff, tip) + d * (2.5 + (most - 1) * BEAM_DISTANCE);
      double at = y0 + slope * (e->stem_x - x0) + shift;
      if ((d > 0 && at < need) || (d < 0 && at > need))
        shift += need - at;
    }
  y0 += shift;
  cairo_t *cr = page->cr;
  for (guint k = 0; k < group->len; k++)
    {
      const SrEvent *e = &events[g_array_index (group, int, k)];
      int root, tip;
      chord_span (events, n, (guint) g_array_index (group, int, k), &root, &tip);
      line (cr, e->stem_x, step_y (page, e->staff, root), e->stem_x, y0 + slope * (e->stem_x - x0), STEM);
      if (e->articulations != 0)
        draw_articulations (page, e, root, tip);
    }
  beam_segment (cr, x0 - STEM / 2, x1 + STEM / 2, y0, slope, x0, 0);
  /* Secondary beams: between neighbours that both have them, a hook where a note has them alone. */
  for (int level = 2; level <= most; level++)
    {
      double offset = -d * (level - 1) * BEAM_DISTANCE;
      for (guint k = 0; k < group->len; k++)
        {
          const SrEvent *e = &events[g_array_index (group, int, k)];
          if (beam_count (e) < level)
            continue;
          gboolean left = k > 0 && beam_count (&events[g_array_index (group, int, k - 1)]) >= level
                          && e->beams[level - 1] != SR_BEAM_BEGIN && e->beams[level - 1] != SR_BEAM_FORWARD_HOOK;
          gboolean right = k + 1 < group->len && beam_count (&events[g_array_index (group, int, k + 1)]) >= level
                           && e->beams[level - 1] != SR_BEAM_END && e->beams[level - 1] != SR_BEAM_BACKWARD_HOOK;
          if (right)
            beam_segment (cr, e->stem_x - STEM / 2, events[g_array_index (group, int, k + 1)].stem_x + STEM / 2, y0,
                          slope, x0, offset);
          else if (!left)
            {
              gboolean forward = k == 0 || e->beams[level - 1] == SR_BEAM_FORWARD_HOOK;
              double stub = forward ? e->stem_x + 1.1 : e->stem_x - 1.1;
              beam_segment (cr, MIN (stub, e->stem_x), MAX (stub, e->stem_x), y0, slope, x0, offset);
            }
        }
    }
}

/* ---- ties, slurs, tuplets ---- */

static void
arc (cairo_t *cr, double x0, double y0, double x1, double y1, double bulge)
{
  /* A crescent: two curves, thick in the middle. */
  double dx = (x1 - x0) / 4;
  cairo_move_to (cr, x0, y0);
  cairo_curve_to (cr, x0 + dx, y0 + bulge, x1 - dx, y1 + bulge, x1, y1);
  double thickness = bulge > 0 ? 0.18 : -0.18;
  cairo_curve_to (cr, x1 - dx, y1 + bulge - thickness, x0 + dx, y0 + bulge - thickness, x0, y0);
  cairo_close_path (cr);
  cairo_fill (cr);
}

typedef struct {
  guint measure, index;
} EventRef;

static const SrEvent *
event_at (const Page *page, EventRef ref)
{
  const SrMeasure *measure = page->engraving->measures->pdata[ref.measure];
  return &g_array_index (measure->events, SrEvent, ref.index);
}

static gboolean
same_part (const Page *page, int a, int b)
{
  for (guint p = 0; p < page->engraving->parts->len; p++)
    {
      const SrPartStaves *part = &g_array_index (page->engraving->parts, SrPartStaves, p);
      if (a >= part->first_staff && a < part->first_staff + part->n_staves)
        return b >= part->first_staff && b < part->first_staff + part->n_staves;
    }
  return FALSE;
}

/* The next note after FROM (in the system) satisfying MATCH, on the same staff or (ANY_STAFF: slurs between the hands)
 * of the same part; FALSE when there is none. */
static gboolean
find_next (const Page *page, EventRef from, gboolean (*match) (const SrEvent *, const SrEvent *), gboolean any_staff,
           EventRef *found)
{
  const SrEvent *start = event_at (page, from);
  guint end = page->system->first_measure + page->system->n_measures;
  for (guint m = from.measure; m < end; m++)
    {
      const SrMeasure *measure = page->engraving->measures->pdata[m];
      for (guint i = m == from.measure ? from.index + 1 : 0; i < measure->events->len; i++)
        {
          const SrEvent *e = &g_array_index (measure->events, SrEvent, i);
          if (e->kind == SR_EVENT_NOTE && !e->grace && match (start, e)
              && (e->staff == start->staff || (any_staff && same_part (page, e->staff, start->staff))))
            {
              *found = (EventRef) { m, i };
              return TRUE;
            }
        }
    }
  return FALSE;
}

static gboolean
same_pitch_later (const SrEvent *start, const SrEvent *e)
{
  return e->step == start->step && e->onset + 1e-6 >= start->onset;
}

static gboolean
stops_a_slur (const SrEvent *start, const SrEvent *e)
{
  return (e->slur_stops & start->slur_starts) != 0;
}

static gboolean
ends_a_tuplet (const SrEvent *start, const SrEvent *e)
{
  return e->tuplet_stop && e->voice == start->voice;
}

static void
draw_ties_and_slurs (const Page *page)
{
  cairo_t *cr = page->cr;
  guint end = page->system->first_measure + page->system->n_measures;
  double system_end = page->system->width;
  for (guint m = page->system->first_measure; m < end; m++)
    {
      const SrMeasure *measure = page->engraving->measures->pdata[m];
      for (guint i = 0; i < measure->events->len; i++)
        {
          const SrEvent *e = &g_array_index (measure->events, SrEvent, i);
          if (e->kind != SR_EVENT_NOTE)
            continue;
          EventRef here = { m, i }, there;
          int side = e->stem_direction > 0 ? 1 : -1; /* ties and slurs bend away from the stem */
          if (e->tie_start)
            {
              double y = step_y (page, e->staff, e->step) + side * 0.45;
              double x0 = e->x + SR_ENGRAVE_HEAD_WIDTH + 0.1, x1 = system_end - 0.3;
              if (find_next (page, here, same_pitch_later, FALSE, &there))
                x1 = event_at (page, there)->x - 0.1;
              if (x1 > x0)
                arc (cr, x0, y, x1, y, side * MIN (0.9, 0.25 + (x1 - x0) * 0.06));
            }
          if (e->slur_starts != 0 && !e->grace)
            {
              /* Clear of the articulations, which sit on the same side (opposite the stem). */
              double x0 = e->x + SR_ENGRAVE_HEAD_WIDTH / 2, x1 = system_end - 0.3;
              double y0 = step_y (page, e->staff, e->step) + side * (e->articulations != 0 ? 2.2 : 1.0), y1 = y0;
              if (find_next (page, here, stops_a_slur, TRUE, &there))
                {
                  const SrEvent *stop = event_at (page, there);
                  x1 = stop->x + SR_ENGRAVE_HEAD_WIDTH / 2;
                  y1 = step_y (page, stop->staff, stop->step) + side * (stop->articulations != 0 ? 2.2 : 1.0);
                }
              if (x1 > x0)
                arc (cr, x0, y0, x1, y1, side * MIN (2.0, 0.6 + (x1 - x0) * 0.05));
            }
        }
    }
}

static void
draw_tuplets (const Page *page)
{
  guint end = page->system->first_measure + page->system->n_measures;
  for (guint m = page->system->first_measure; m < end; m++)
    {
      const SrMeasure *measure = page->engraving->measures->pdata[m];
      for (guint i = 0; i < measure->events->len; i++)
        {
          const SrEvent *e = &g_array_index (measure->events, SrEvent, i);
          if (!e->tuplet_start || e->chord || e->tuplet_number <= 0)
            continue;
          EventRef there;
          const SrEvent *stop = e;
          if (find_next (page, (EventRef) { m, i }, ends_a_tuplet, FALSE, &there))
            stop = event_at (page, there);
          int side = e->stem_direction < 0 ? -1 : 1; /* on the stems' side, beyond the beams */
          double extreme = side > 0 ? MAX (e->stem_end, stop->stem_end) : MIN (e->stem_end, stop->stem_end);
          if (e->kind == SR_EVENT_REST)
            extreme = side > 0 ? 10 : -2;
          double y = step_y (page, e->staff, extreme) - side * 1.0;
          char text[8];
          snprintf (text, sizeof text, "%d", e->tuplet_number);
          double x0 = e->x, x1 = stop->x + SR_ENGRAVE_HEAD_WIDTH;
          double centre = (x0 + x1) / 2;
          sr_engrave_text (page->cr, text, centre, y + 0.5, 1.5, FALSE);
          gboolean beamed = e->group >= 0 && stop->group == e->group;
          if (!beamed && x1 - x0 > 2)
            {
              cairo_set_line_width (page->cr, 0.1);
              cairo_move_to (page->cr, x0, y + side * 0.5);
              cairo_line_to (page->cr, x0, y);
              cairo_line_to (page->cr, centre - 0.8, y);
              cairo_move_to (page->cr, centre + 0.8, y);
              cairo_line_to (page->cr, x1, y);
              cairo_line_to (page->cr, x1, y + side * 0.5);
              cairo_stroke (page->cr);
            }
        }
    }
}

void
sr_engrave_draw_system (const SrEngraving *engraving, guint index, cairo_t *cr)
{
  const SrSystem *system = &g_array_index (engraving->systems, SrSystem, index);
  Page page = { engraving, system, cr };
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  draw_staves (&page);
  for (guint k = 0; k < system->n_measures; k++)
    {
      guint m = system->first_measure + k;
      const SrMeasure *measure = engraving->measures->pdata[m];
      const SrMeasureLayout *layout = &system->measure_layouts[k];
      draw_barline (&page, measure, layout, m + 1 == engraving->measures->len);
      draw_prefix (&page, measure, layout);
      for (guint i = 0; i < measure->events->len; i++)
        {
          const SrEvent *e = &g_array_index (measure->events, SrEvent, i);
          if (e->kind == SR_EVENT_NOTE)
            draw_note (&page, measure, i);
          else if (e->kind == SR_EVENT_REST)
            draw_rest (&page, e);
          else
            draw_clef (&page, e->staff, e->clef, e->x, 0.75);
        }
      for (guint g = 0; measure->groups != NULL && g < measure->groups->len; g++)
        if (((GArray *) measure->groups->pdata[g])->len >= 2)
          draw_beam_group (&page, measure, measure->groups->pdata[g]);
    }
  draw_ties_and_slurs (&page);
  draw_tuplets (&page);
  if (engraving->options.measure_numbers && system->n_measures > 0)
    {
      const SrMeasure *first = engraving->measures->pdata[system->first_measure];
      if (first->number != NULL && first->number[0] != '\0' && strcmp (first->number, "1") != 0
          && strcmp (first->number, "0") != 0)
        sr_engrave_text (cr, first->number, system->left + 0.6, system->staff_top[0] - 1.6, 1.3, FALSE);
    }
  cairo_restore (cr);
}
