/* Application start-up, app actions and the mapping of opened files to windows; see sr-application.h. */
#include "sr-application.h"

#include "models-folder.h"
#include "sr-preferences.h"

#include <glib/gi18n.h>

#include "sr-config.h"
#include "sr-resources.h"
#include "sr-window.h"

struct _SrApplication {
  GtkApplication parent_instance;

  GSettings *settings;
  SrDeviceChoice device;
  gboolean device_given;   /* by --device or $SIGHTREAD_DEVICE: it wins over the preferences */
  char *models_folder;     /* by --models or $SIGHTREAD_MODELS, or NULL */
};

G_DEFINE_FINAL_TYPE (SrApplication, sr_application, GTK_TYPE_APPLICATION)

static GSettings *
settings_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source != NULL ? g_settings_schema_source_lookup (source, SR_APP_ID, TRUE) : NULL;
  if (schema == NULL)
    {
      g_message ("The settings schema %s is not installed; window size, zoom and folder are not remembered", SR_APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  const char *developers[] = { _("The Sightread developers"), NULL };
  gtk_show_about_dialog (gtk_application_get_active_window (GTK_APPLICATION (user_data)),
                         "program-name", _("Sightread"),
                         "logo-icon-name", SR_APP_ID,
                         "version", SR_VERSION,
                         "comments", _("Read scanned scores, hear them, and turn playing into sheet music"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", developers,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
new_window_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  gtk_window_present (GTK_WINDOW (sr_window_new (SR_APPLICATION (user_data))));
}

static void
preferences_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrApplication *self = SR_APPLICATION (user_data);
  if (self->settings == NULL)
    return;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (sr_preferences_new (parent, self->settings)));
}

static const GActionEntry app_actions[] = {
  { "preferences", preferences_activated },
  { "quit", quit_activated },
  { "about", about_activated },
  { "new-window", new_window_activated },
};

static void
load_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, SR_RESOURCE_PATH "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
sr_application_startup (GApplication *application)
{
  SrApplication *self = SR_APPLICATION (application);
  G_APPLICATION_CLASS (sr_application_parent_class)->startup (application);

  gtk_window_set_default_icon_name (SR_APP_ID);
  self->settings = settings_if_installed ();
  load_style ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  struct {
    const char *action;
    const char *accels[4];
  } shortcuts[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.new-window", { "<Control>n", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.close", { "<Control>w", NULL } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
    { "win.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
    { "win.zoom-reset", { "<Control>0", "<Control>KP_0", NULL } },
    { "win.read-page", { "<Control>r", NULL } },
    { "win.save-project", { "<Control>s", NULL } },
    { "win.record", { "<Control><Shift>r", NULL } },
    { "win.cancel-reading", { "Escape", NULL } },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), shortcuts[i].action, shortcuts[i].accels);
}

static void
sr_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));
  if (window == NULL)
    {
      /* Started plainly: the first window offers back what a crash left (opening files goes straight to them). */
      window = GTK_WINDOW (sr_window_new (SR_APPLICATION (application)));
      sr_window_offer_recovery (SR_WINDOW (window));
    }
  gtk_window_present (window);
}

static void
sr_application_open (GApplication *application, GFile **files, int n_files, const char *hint)
{
  SrApplication *self = SR_APPLICATION (application);
  for (int i = 0; i < n_files; i++)
    {
      /* The first file goes into an idle, empty window; every other file gets a window of its own. */
      GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));
      SrWindow *window = (active != NULL && sr_window_is_empty (SR_WINDOW (active))) ? SR_WINDOW (active)
                                                                                      : sr_window_new (self);
      sr_window_open_file (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
sr_application_finalize (GObject *object)
{
  SrApplication *self = SR_APPLICATION (object);
  g_clear_object (&self->settings);
  g_free (self->models_folder);
  G_OBJECT_CLASS (sr_application_parent_class)->finalize (object);
}

static void
sr_application_class_init (SrApplicationClass *klass)
{
  /* Once per process, however many applications a test creates. */
  sr_register_resource ();
  g_set_application_name (_("Sightread"));
  G_OBJECT_CLASS (klass)->finalize = sr_application_finalize;
  G_APPLICATION_CLASS (klass)->startup = sr_application_startup;
  G_APPLICATION_CLASS (klass)->activate = sr_application_activate;
  G_APPLICATION_CLASS (klass)->open = sr_application_open;
}

static void
sr_application_init (SrApplication *self)
{
}

SrApplication *
sr_application_new (const SrDeviceChoice *device, const char *models_folder)
{
  SrApplication *self = g_object_new (SR_TYPE_APPLICATION,
                                      "application-id", SR_APP_ID,
                                      "flags", G_APPLICATION_HANDLES_OPEN,
                                      NULL);
  char message[256];
  const char *device_env = g_getenv (SR_DEVICE_ENV);
  self->device_given = (device != NULL && device->kind != SR_DEVICE_AUTO) || (device_env != NULL && *device_env);
  if (device != NULL)
    self->device = *device;
  else if (!sr_device_choice_resolve (NULL, &self->device, message, sizeof message))
    self->device = (SrDeviceChoice) { SR_DEVICE_AUTO, -1 }; /* a bad $SIGHTREAD_DEVICE: the CLI reports it */
  const char *models_env = g_getenv (SR_MODELS_ENV);
  self->models_folder = models_folder != NULL ? g_strdup (models_folder)
                        : models_env != NULL && *models_env ? g_strdup (models_env) : NULL;
  return self;
}

SrDeviceChoice
sr_application_get_device (SrApplication *self)
{
  SrDeviceChoice chosen = self->device;
  char message[256];
  g_autofree char *preferred = self->settings != NULL ? g_settings_get_string (self->settings, "device") : NULL;
  if (!self->device_given && preferred != NULL && !sr_device_choice_parse (preferred, &chosen, message, sizeof message))
    chosen = self->device;
  return chosen;
}

char *
sr_application_get_models_folder (SrApplication *self)
{
  g_return_val_if_fail (SR_IS_APPLICATION (self), NULL);
  if (self->models_folder != NULL)
    return g_strdup (self->models_folder);
  g_autofree char *preferred = self->settings != NULL ? g_settings_get_string (self->settings, "models-folder") : NULL;
  return preferred != NULL && *preferred != '\0' ? g_steal_pointer (&preferred) : sr_models_folder_default ();
}

GSettings *
sr_application_get_settings (SrApplication *self)
{
  g_return_val_if_fail (SR_IS_APPLICATION (self), NULL);
  return self->settings;
}
