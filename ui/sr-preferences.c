/* See sr-preferences.h. The device and the sound output are drop-downs of what this machine has; their choice is
 * stored by name, so a device that is gone later falls back to the default with a note where it is used. */
#include "sr-preferences.h"

#include <glib/gi18n.h>

#include "audio-devices.h"
#include "device-choice.h"

struct _SrPreferences {
  GtkWindow parent_instance;

  GSettings *settings;
  GtkStringList *devices;       /* shown names (the drop-down owns them) */
  GPtrArray *device_values;     /* what is stored for each ("auto", "cpu", "vulkan") */
  GtkStringList *outputs;
  GPtrArray *output_values;     /* "" for the default, else the device's name */
  GtkDropDown *device;
  GtkDropDown *output;
};

G_DEFINE_FINAL_TYPE (SrPreferences, sr_preferences, GTK_TYPE_WINDOW)

static guint
index_of (GPtrArray *values, const char *value)
{
  for (guint i = 0; i < values->len; i++)
    if (g_strcmp0 (values->pdata[i], value) == 0)
      return i;
  return 0;
}

static void
device_chosen (SrPreferences *self)
{
  guint i = gtk_drop_down_get_selected (self->device);
  if (i < self->device_values->len)
    g_settings_set_string (self->settings, "device", self->device_values->pdata[i]);
}

static void
output_chosen (SrPreferences *self)
{
  guint i = gtk_drop_down_get_selected (self->output);
  if (i < self->output_values->len)
    g_settings_set_string (self->settings, "audio-output", self->output_values->pdata[i]);
}

static void
add_choice (GtkStringList *names, GPtrArray *values, const char *name, const char *value)
{
  gtk_string_list_append (names, name);
  g_ptr_array_add (values, g_strdup (value));
}

static GtkWidget *
label (const char *text, GtkWidget *for_widget)
{
  GtkWidget *widget = gtk_label_new_with_mnemonic (text);
  gtk_label_set_xalign (GTK_LABEL (widget), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (widget), for_widget);
  return widget;
}

static void
sr_preferences_dispose (GObject *object)
{
  SrPreferences *self = SR_PREFERENCES (object);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->device_values, g_ptr_array_unref);
  g_clear_pointer (&self->output_values, g_ptr_array_unref);
  G_OBJECT_CLASS (sr_preferences_parent_class)->dispose (object);
}

static void
sr_preferences_class_init (SrPreferencesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sr_preferences_dispose;
}

static void
sr_preferences_init (SrPreferences *self)
{
  self->device_values = g_ptr_array_new_with_free_func (g_free);
  self->output_values = g_ptr_array_new_with_free_func (g_free);
}

GtkWidget *
sr_preferences_new (GtkWindow *parent, GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  SrPreferences *self = g_object_new (SR_TYPE_PREFERENCES, "title", _("Preferences"), "transient-for", parent,
                                      "modal", TRUE, "default-width", 460, NULL);
  self->settings = g_object_ref (settings);

  GtkWidget *grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_margin_start (grid, 18);
  gtk_widget_set_margin_end (grid, 18);
  gtk_widget_set_margin_top (grid, 18);
  gtk_widget_set_margin_bottom (grid, 18);

  /* Compute device: the choices --device knows. */
  self->devices = gtk_string_list_new (NULL);
  add_choice (self->devices, self->device_values, _("Automatic (a GPU when there is one)"), "auto");
  add_choice (self->devices, self->device_values, _("CPU"), "cpu");
  add_choice (self->devices, self->device_values, _("Vulkan (the best GPU)"), "vulkan");
  self->device = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (self->devices), NULL));
  g_autofree char *device = g_settings_get_string (settings, "device");
  gtk_drop_down_set_selected (self->device, index_of (self->device_values, device));
  g_signal_connect_object (self->device, "notify::selected", G_CALLBACK (device_chosen), self, G_CONNECT_SWAPPED);
  gtk_grid_attach (GTK_GRID (grid), label (_("Compute _device"), GTK_WIDGET (self->device)), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->device), 1, 0, 1, 1);

  /* Models folder: empty for the shipped models. */
  GtkWidget *models = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (models), _("The shipped models"));
  gtk_widget_set_hexpand (models, TRUE);
  g_settings_bind (settings, "models-folder", models, "text", G_SETTINGS_BIND_DEFAULT);
  gtk_grid_attach (GTK_GRID (grid), label (_("_Models folder"), models), 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), models, 1, 1, 1, 1);

  /* Sound output: the devices PortAudio finds now. */
  self->outputs = gtk_string_list_new (NULL);
  add_choice (self->outputs, self->output_values, _("The system's default"), "");
  if (sr_audio_system_open (NULL))
    {
      g_autoptr(GPtrArray) found = sr_audio_devices ();
      for (guint i = 0; i < found->len; i++)
        {
          const SrAudioDevice *candidate = found->pdata[i];
          if (candidate->output_channels > 0)
            add_choice (self->outputs, self->output_values, candidate->name, candidate->name);
        }
      sr_audio_system_close ();
    }
  self->output = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (self->outputs), NULL));
  g_autofree char *output = g_settings_get_string (settings, "audio-output");
  gtk_drop_down_set_selected (self->output, index_of (self->output_values, output));
  g_signal_connect_object (self->output, "notify::selected", G_CALLBACK (output_chosen), self, G_CONNECT_SWAPPED);
  gtk_grid_attach (GTK_GRID (grid), label (_("Sound _output"), GTK_WIDGET (self->output)), 0, 2, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->output), 1, 2, 1, 1);

  GtkWidget *overlay = gtk_switch_new ();
  gtk_widget_set_halign (overlay, GTK_ALIGN_START);
  g_settings_bind (settings, "overlay", overlay, "active", G_SETTINGS_BIND_DEFAULT);
  gtk_grid_attach (GTK_GRID (grid), label (_("Live _overlay while playing"), overlay), 0, 3, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), overlay, 1, 3, 1, 1);

  GtkWidget *note = gtk_label_new (_("--device, --models and the SIGHTREAD_DEVICE, SIGHTREAD_MODELS and "
                                     "SIGHTREAD_AUDIO_DEVICE variables take precedence."));
  gtk_label_set_wrap (GTK_LABEL (note), TRUE);
  gtk_label_set_xalign (GTK_LABEL (note), 0);
  gtk_widget_add_css_class (note, "dim-label");
  gtk_grid_attach (GTK_GRID (grid), note, 0, 4, 2, 1);

  gtk_window_set_child (GTK_WINDOW (self), grid);
  return GTK_WIDGET (self);
}
