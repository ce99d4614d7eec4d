/* Draws an engraving at a fixed staff space, all measures on one system (the reading of one scanned system); see
 * sr-engraving-view.h. */
#include "sr-engraving-view.h"

#include "engraving.h"
#include "lmx-delinearize.h"
#include "musicxml-read.h"

#define STAFF_SPACE SR_ENGRAVING_VIEW_STAFF_SPACE
#define PADDING_X 0.0 /* measure starts are given from the left edge */
#define PADDING 8.0

struct _SrEngravingView {
  GtkWidget parent_instance;

  xmlDoc *document;
  SrEngraving *engraving;
  gint64 selected_token;
  GArray *measure_starts; /* double, staff spaces; NULL for natural spacing */
};

enum {
  PROP_0,
  PROP_SELECTED_TOKEN,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SrEngravingView, sr_engraving_view, GTK_TYPE_WIDGET)

guint
sr_engraving_view_get_n_repaired_measures (SrEngravingView *self)
{
  guint n = 0;
  for (guint m = 0; self->engraving != NULL && m < sr_engraving_n_measures (self->engraving); m++)
    n += sr_lmx_measure_repairs (sr_engraving_measure_node (self->engraving, m)) > 0;
  return n;
}

/* The <note> element rooted at TOKEN, or NULL. */
static xmlNode *
note_of_token (xmlNode *node, gint64 token)
{
  for (; node != NULL; node = node->next)
    {
      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (sr_xml_is_element (node, "note") && sr_lmx_note_token (node) == token)
        return node;
      xmlNode *found = note_of_token (node->children, token);
      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
sr_engraving_view_get_token_bounds (SrEngravingView *self, gint64 token, graphene_rect_t *bounds)
{
  if (self->engraving == NULL || token < 0)
    return FALSE;
  xmlNode *note = note_of_token (xmlDocGetRootElement (self->document), token);
  guint system;
  double x, y, width, height;
  if (note == NULL || !sr_engraving_note_box (self->engraving, note, &system, &x, &y, &width, &height))
    return FALSE;
  graphene_rect_init (bounds, PADDING_X + x * STAFF_SPACE, PADDING + y * STAFF_SPACE, width * STAFF_SPACE,
                      height * STAFF_SPACE);
  return TRUE;
}

guint
sr_engraving_view_set_lmx (SrEngravingView *self, const GArray *tokens)
{
  g_clear_pointer (&self->engraving, sr_engraving_free);
  g_clear_pointer (&self->document, xmlFreeDoc);
  guint repairs = 0;
  if (tokens != NULL)
    {
      self->document = sr_lmx_delinearize (tokens, NULL, &repairs);
      SrEngravingOptions options = SR_ENGRAVING_OPTIONS_DEFAULT;
      options.width = G_MAXDOUBLE;
      if (self->measure_starts != NULL)
        {
          options.measure_starts = (const double *) self->measure_starts->data;
          options.n_measure_starts = self->measure_starts->len;
        }
      g_autoptr(GError) error = NULL;
      self->engraving = sr_engraving_new (self->document, &options, &error);
      if (self->engraving == NULL)
        g_warning ("engraving the reading: %s", error->message);
    }
  graphene_rect_t unused;
  if (self->selected_token >= 0 && !sr_engraving_view_get_token_bounds (self, self->selected_token, &unused))
    sr_engraving_view_set_selected_token (self, -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  return repairs;
}

void
sr_engraving_view_set_measure_starts (SrEngravingView *self, const double *starts, guint n)
{
  g_clear_pointer (&self->measure_starts, g_array_unref);
  if (starts == NULL)
    return;
  self->measure_starts = g_array_sized_new (FALSE, FALSE, sizeof (double), n);
  g_array_append_vals (self->measure_starts, starts, n);
}

xmlDoc *
sr_engraving_view_get_document (SrEngravingView *self)
{
  return self->document;
}

gint64
sr_engraving_view_get_selected_token (SrEngravingView *self)
{
  return self->selected_token;
}

void
sr_engraving_view_set_selected_token (SrEngravingView *self, gint64 token)
{
  if (self->selected_token == token)
    return;
  self->selected_token = token;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_TOKEN]);
}

static void
pressed (GtkGestureClick *gesture, int n_press, double x, double y, SrEngravingView *self)
{
  if (self->engraving == NULL || sr_engraving_n_systems (self->engraving) == 0)
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  xmlNode *note = sr_engraving_note_at (self->engraving, 0, (x - PADDING_X) / STAFF_SPACE,
                                        (y - PADDING) / STAFF_SPACE, 1.5);
  sr_engraving_view_set_selected_token (self, note != NULL ? sr_lmx_note_token (note) : -1);
}

static void
sr_engraving_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum, int *natural,
                           int *minimum_baseline, int *natural_baseline)
{
  SrEngravingView *self = SR_ENGRAVING_VIEW (widget);
  double width = 0, height = 0;
  if (self->engraving != NULL && sr_engraving_n_systems (self->engraving) > 0)
    sr_engraving_system_size (self->engraving, 0, &width, &height);
  gboolean horizontal = orientation == GTK_ORIENTATION_HORIZONTAL;
  *minimum = *natural = (int) ((horizontal ? width : height) * STAFF_SPACE + 2 * (horizontal ? PADDING_X : PADDING));
  *minimum_baseline = *natural_baseline = -1;
}

static void
sr_engraving_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  SrEngravingView *self = SR_ENGRAVING_VIEW (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  /* Measures whose tokens the delinearizer had to repair: a soft red behind them. */
  for (guint m = 0; self->engraving != NULL && m < sr_engraving_n_measures (self->engraving); m++)
    {
      guint system;
      double x, measure_width;
      if (sr_lmx_measure_repairs (sr_engraving_measure_node (self->engraving, m)) == 0
          || !sr_engraving_measure_span (self->engraving, m, &system, &x, &measure_width) || system != 0)
        continue;
      cairo_set_source_rgba (cr, 0.88, 0.11, 0.14, 0.12);
      cairo_rectangle (cr, PADDING_X + x * STAFF_SPACE, 0, measure_width * STAFF_SPACE, height);
      cairo_fill (cr);
    }
  graphene_rect_t selected;
  if (sr_engraving_view_get_token_bounds (self, self->selected_token, &selected))
    {
      /* The accent colour of Adwaita, behind the note. */
      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.35);
      cairo_rectangle (cr, selected.origin.x - 4, selected.origin.y - 4, selected.size.width + 8,
                       selected.size.height + 8);
      cairo_fill (cr);
    }
  if (self->engraving != NULL && sr_engraving_n_systems (self->engraving) > 0)
    {
      cairo_translate (cr, PADDING_X, PADDING);
      cairo_scale (cr, STAFF_SPACE, STAFF_SPACE);
      sr_engraving_draw_system (self->engraving, 0, cr);
    }
  cairo_destroy (cr);
}

static void
sr_engraving_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SrEngravingView *self = SR_ENGRAVING_VIEW (object);
  switch (prop_id)
    {
    case PROP_SELECTED_TOKEN:
      g_value_set_int64 (value, self->selected_token);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_engraving_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  SrEngravingView *self = SR_ENGRAVING_VIEW (object);
  switch (prop_id)
    {
    case PROP_SELECTED_TOKEN:
      sr_engraving_view_set_selected_token (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_engraving_view_finalize (GObject *object)
{
  SrEngravingView *self = SR_ENGRAVING_VIEW (object);
  g_clear_pointer (&self->engraving, sr_engraving_free);
  g_clear_pointer (&self->document, xmlFreeDoc);
  g_clear_pointer (&self->measure_starts, g_array_unref);
  G_OBJECT_CLASS (sr_engraving_view_parent_class)->finalize (object);
}

static void
sr_engraving_view_class_init (SrEngravingViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->get_property = sr_engraving_view_get_property;
  object_class->set_property = sr_engraving_view_set_property;
  object_class->finalize = sr_engraving_view_finalize;
  widget_class->measure = sr_engraving_view_measure;
  widget_class->snapshot = sr_engraving_view_snapshot;

  properties[PROP_SELECTED_TOKEN] = g_param_spec_int64 ("selected-token", NULL, NULL, -1, G_MAXINT64, -1,
                                                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                                                          | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (widget_class, "engravingview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sr_engraving_view_init (SrEngravingView *self)
{
  self->selected_token = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  GtkGesture *click = gtk_gesture_click_new ();
  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
sr_engraving_view_new (void)
{
  return g_object_new (SR_TYPE_ENGRAVING_VIEW, NULL);
}
