/* See sr-transport-bar.h. */
#include "sr-transport-bar.h"

#include <glib/gi18n.h>

#define POSITION_MS 100

/* The routes a reading can take to sound; the direct one needs an image → audio model, which is not shipped yet. */
enum { ROUTE_NOTATION, ROUTE_DIRECT };

struct _SrTransportBar {
  GtkBox parent_instance;

  SrReadingPlayer *player;
  GtkDropDown *route;
  GtkScale *position;
  GtkLabel *time;
  GtkSpinButton *tempo;
  GtkScaleButton *volume;
  guint position_source;
  gboolean updating; /* the position is being set from the player, not by the user */
};

G_DEFINE_FINAL_TYPE (SrTransportBar, sr_transport_bar, GTK_TYPE_BOX)

static void
format_time (char *out, gsize size, double seconds)
{
  int whole = (int) MAX (seconds, 0);
  g_snprintf (out, size, "%d:%02d", whole / 60, whole % 60);
}

static gboolean
show_position (gpointer user_data)
{
  SrTransportBar *self = user_data;
  double duration = sr_reading_player_get_duration (self->player);
  double seconds = MAX (sr_reading_player_get_seconds (self->player), 0);
  GtkAdjustment *adjustment = gtk_range_get_adjustment (GTK_RANGE (self->position));
  self->updating = TRUE;
  gtk_adjustment_configure (adjustment, MIN (seconds, duration), 0, MAX (duration, 0.001), 1, 5, 0);
  self->updating = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->position), duration > 0);
  /* How much sound exists ahead of what is heard: all of it once rendered (the notation route renders at once). */
  gtk_range_set_fill_level (GTK_RANGE (self->position), duration);
  if (sr_reading_player_get_playing (self->player) && duration <= 0)
    {
      gtk_label_set_text (self->time, _("Rendering…"));
      return G_SOURCE_CONTINUE;
    }
  char now[32], total[32];
  format_time (now, sizeof now, seconds);
  format_time (total, sizeof total, duration);
  /* TRANSLATORS: the time played and the length of what plays, as 0:12 / 1:05 */
  g_autofree char *text = g_strdup_printf (_("%s / %s"), now, total);
  gtk_label_set_text (self->time, text);
  return G_SOURCE_CONTINUE;
}

static void
duration_changed (SrTransportBar *self)
{
  show_position (self);
}

static void
playing_changed (SrTransportBar *self)
{
  gboolean playing = sr_reading_player_get_playing (self->player);
  if (playing && self->position_source == 0)
    self->position_source = g_timeout_add (POSITION_MS, show_position, self);
  else if (!playing)
    g_clear_handle_id (&self->position_source, g_source_remove);
  show_position (self);
}

static gboolean
position_dragged (SrTransportBar *self, GtkScrollType scroll, double value)
{
  if (!self->updating)
    sr_reading_player_seek (self->player, value);
  return FALSE;
}

static void
route_chosen (SrTransportBar *self)
{
  if (gtk_drop_down_get_selected (self->route) != ROUTE_DIRECT)
    return;
  /* Not possible yet: back to the notation route, with the reason where the user looks. */
  gtk_drop_down_set_selected (self->route, ROUTE_NOTATION);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->route),
                               _("Straight from the image needs an image → audio model, which is not installed; "
                                 "the reading plays through its notation"));
}

static gboolean
percent_to_tempo (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  g_value_set_double (to, g_value_get_double (from) / 100.0);
  return TRUE;
}

static gboolean
tempo_to_percent (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  g_value_set_double (to, g_value_get_double (from) * 100.0);
  return TRUE;
}

/* The tempo shown as "100 %", read back with or without the sign. */
static gboolean
tempo_output (GtkSpinButton *spin)
{
  g_autofree char *text = g_strdup_printf ("%.0f %%", gtk_spin_button_get_value (spin));
  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
tempo_input (GtkSpinButton *spin, double *value)
{
  char *end = NULL;
  *value = g_strtod (gtk_editable_get_text (GTK_EDITABLE (spin)), &end);
  return end != NULL && end != gtk_editable_get_text (GTK_EDITABLE (spin)) ? TRUE : GTK_INPUT_ERROR;
}

GtkWidget *
sr_transport_bar_get_control (SrTransportBar *self, const char *name)
{
  g_return_val_if_fail (SR_IS_TRANSPORT_BAR (self), NULL);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (gtk_widget_get_name (child), name) == 0)
      return child;
  return NULL;
}

static void
sr_transport_bar_dispose (GObject *object)
{
  SrTransportBar *self = SR_TRANSPORT_BAR (object);
  g_clear_handle_id (&self->position_source, g_source_remove);
  g_clear_object (&self->player);
  G_OBJECT_CLASS (sr_transport_bar_parent_class)->dispose (object);
}

static void
sr_transport_bar_class_init (SrTransportBarClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sr_transport_bar_dispose;
}

static void
sr_transport_bar_init (SrTransportBar *self)
{
}

static void
name_control (GtkWidget *widget, const char *name, const char *label)
{
  gtk_widget_set_name (widget, name);
  gtk_widget_set_tooltip_text (widget, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

GtkWidget *
sr_transport_bar_new (SrReadingPlayer *player)
{
  g_return_val_if_fail (SR_IS_READING_PLAYER (player), NULL);
  SrTransportBar *self = g_object_new (SR_TYPE_TRANSPORT_BAR, "orientation", GTK_ORIENTATION_HORIZONTAL, "spacing", 6,
                                       NULL);
  self->player = g_object_ref (player);

  const char *routes[] = { _("Via notation"), _("Straight from the image"), NULL };
  self->route = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (routes));
  name_control (GTK_WIDGET (self->route), "route", _("How the reading is turned into sound"));
  g_signal_connect_object (self->route, "notify::selected", G_CALLBACK (route_chosen), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->route));

  self->position = GTK_SCALE (gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 1));
  gtk_scale_set_draw_value (self->position, FALSE);
  gtk_range_set_show_fill_level (GTK_RANGE (self->position), TRUE);
  gtk_range_set_restrict_to_fill_level (GTK_RANGE (self->position), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->position), TRUE);
  name_control (GTK_WIDGET (self->position), "position", _("Where playing is (drag to go elsewhere)"));
  g_signal_connect_object (self->position, "change-value", G_CALLBACK (position_dragged), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->position));

  self->time = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (self->time), "time");
  gtk_label_set_width_chars (self->time, 11);
  gtk_widget_add_css_class (GTK_WIDGET (self->time), "numeric");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->time));

  self->tempo = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (100 * SR_READING_PLAYER_MIN_TEMPO,
                                                                 100 * SR_READING_PLAYER_MAX_TEMPO, 5));
  name_control (GTK_WIDGET (self->tempo), "tempo", _("Tempo, in per cent of the marked tempo"));
  g_signal_connect (self->tempo, "output", G_CALLBACK (tempo_output), NULL);
  g_signal_connect (self->tempo, "input", G_CALLBACK (tempo_input), NULL);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->tempo), 5);
  gtk_spin_button_set_value (self->tempo, 100 * sr_reading_player_get_tempo (player)); /* before binding: kept */
  g_object_bind_property_full (self->tempo, "value", player, "tempo", G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               percent_to_tempo, tempo_to_percent, NULL, NULL);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->tempo));

  static const char *icons[] = { "audio-volume-muted-symbolic", "audio-volume-high-symbolic",
                                 "audio-volume-low-symbolic", "audio-volume-medium-symbolic", NULL };
  self->volume = GTK_SCALE_BUTTON (gtk_scale_button_new (0, 1, 0.05, icons));
  name_control (GTK_WIDGET (self->volume), "volume", _("Volume"));
  g_object_bind_property (player, "volume", gtk_scale_button_get_adjustment (self->volume), "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->volume));

  g_signal_connect_object (player, "notify::playing", G_CALLBACK (playing_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (player, "notify::duration", G_CALLBACK (duration_changed), self, G_CONNECT_SWAPPED);
  show_position (self);
  return GTK_WIDGET (self);
}
