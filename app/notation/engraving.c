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
