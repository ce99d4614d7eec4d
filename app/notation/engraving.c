/* The engraver's public face: read, lay out, answer questions about systems and draw them. */
#include <glib/gi18n.h>

#include "engrave-private.h"

G_DEFINE_QUARK (sr-engrave-error-quark, sr_engrave_error)

SrEngraving *
sr_engraving_new (xmlDoc *document, const SrEngravingOptions *options, GError **error)
{
  if (!sr_engrave_font_available (error))
    return NULL;
  SrEngraving *engraving = g_new0 (SrEngraving, 1);
  engraving->options = options != NULL ? *options : SR_ENGRAVING_OPTIONS_DEFAULT;
  engraving->options.width = MAX (engraving->options.width, 20.0);
  engraving->measures = g_ptr_array_new_with_free_func (sr_engrave_measure_free);
  engraving->parts = g_array_new (FALSE, TRUE, sizeof (SrPartStaves));
  engraving->systems = g_array_new (FALSE, TRUE, sizeof (SrSystem));
  g_array_set_clear_func (engraving->systems, sr_engrave_system_clear);
  if (!sr_engrave_read (engraving, document, error))
    {
      sr_engraving_free (engraving);
      return NULL;
    }
  sr_engrave_layout (engraving);
  return engraving;
}

void
sr_engraving_free (SrEngraving *engraving)
{
  if (engraving == NULL)
    return;
  g_ptr_array_unref (engraving->measures);
  g_array_unref (engraving->parts);
  g_array_unref (engraving->systems);
  g_free (engraving);
}

gboolean
sr_engraving_font_available (GError **error)
{
  return sr_engrave_font_available (error);
}

guint
sr_engraving_n_systems (const SrEngraving *engraving)
{
  return engraving->systems->len;
}

guint
sr_engraving_n_measures (const SrEngraving *engraving)
{
  return engraving->measures->len;
}

guint
sr_engraving_system_measures (const SrEngraving *engraving, guint index, guint *n_measures)
{
  g_return_val_if_fail (index < engraving->systems->len, 0);
  const SrSystem *system = &g_array_index (engraving->systems, SrSystem, index);
  if (n_measures != NULL)
    *n_measures = system->n_measures;
  return system->first_measure;
}

void
sr_engraving_system_size (const SrEngraving *engraving, guint index, double *width, double *height)
{
  g_return_if_fail (index < engraving->systems->len);
  const SrSystem *system = &g_array_index (engraving->systems, SrSystem, index);
  *width = system->width;
  *height = system->height;
}

void
sr_engraving_draw_system (const SrEngraving *engraving, guint index, cairo_t *cr)
{
  g_return_if_fail (index < engraving->systems->len);
  sr_engrave_draw_system (engraving, index, cr);
}

static void
event_box (const SrSystem *system, const SrEvent *e, double *x, double *y, double *width, double *height)
{
  double scale = e->grace ? 0.62 : 1.0;
  *width = SR_ENGRAVE_HEAD_WIDTH * scale * (e->type <= 0 ? 1.35 : 1.0);
  *height = e->kind == SR_EVENT_REST ? 3.0 : 1.0 * scale;
  *x = e->x;
  *y = system->staff_top[e->staff] + (8 - e->step) / 2.0 - *height / 2;
}

xmlNode *
sr_engraving_note_at (const SrEngraving *engraving, guint index, double x, double y, double max_distance)
{
  g_return_val_if_fail (index < engraving->systems->len, NULL);
  const SrSystem *system = &g_array_index (engraving->systems, SrSystem, index);
  xmlNode *nearest = NULL;
  double best = max_distance * max_distance;
  for (guint m = system->first_measure; m < system->first_measure + system->n_measures; m++)
    {
      const SrMeasure *measure = engraving->measures->pdata[m];
      for (guint i = 0; i < measure->events->len; i++)
        {
          const SrEvent *e = &g_array_index (measure->events, SrEvent, i);
          if (e->kind == SR_EVENT_CLEF || e->node == NULL)
            continue;
          double bx, by, bw, bh;
          event_box (system, e, &bx, &by, &bw, &bh);
          double dx = x < bx ? bx - x : x > bx + bw ? x - bx - bw : 0;
          double dy = y < by ? by - y : y > by + bh ? y - by - bh : 0;
          if (dx * dx + dy * dy <= best)
            {
              best = dx * dx + dy * dy;
              nearest = e->node;
            }
        }
    }
  return nearest;
}

gboolean
sr_engraving_note_box (const SrEngraving *engraving, const xmlNode *note, guint *system_index, double *x, double *y,
                       double *width, double *height)
{
  for (guint s = 0; s < engraving->systems->len; s++)
    {
      const SrSystem *system = &g_array_index (engraving->systems, SrSystem, s);
      for (guint m = system->first_measure; m < system->first_measure + system->n_measures; m++)
        {
          const SrMeasure *measure = engraving->measures->pdata[m];
          for (guint i = 0; i < measure->events->len; i++)
            {
              const SrEvent *e = &g_array_index (measure->events, SrEvent, i);
              if (e->node != note || e->kind == SR_EVENT_CLEF)
                continue;
              *system_index = s;
              event_box (system, e, x, y, width, height);
              return TRUE;
            }
        }
    }
  return FALSE;
}

xmlNode *
sr_engraving_measure_node (const SrEngraving *engraving, guint index)
{
  g_return_val_if_fail (index < engraving->measures->len, NULL);
  return ((const SrMeasure *) engraving->measures->pdata[index])->node;
}

gboolean
sr_engraving_measure_span (const SrEngraving *engraving, guint index, guint *system_index, double *x, double *width)
{
  for (guint s = 0; s < engraving->systems->len; s++)
    {
      const SrSystem *system = &g_array_index (engraving->systems, SrSystem, s);
      if (index >= system->first_measure && index < system->first_measure + system->n_measures)
        {
          const SrMeasureLayout *layout = &system->measure_layouts[index - system->first_measure];
          *system_index = s;
          *x = layout->x;
          *width = layout->width;
          return TRUE;
        }
    }
  return FALSE;
}
