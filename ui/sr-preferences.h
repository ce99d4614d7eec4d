/* The preferences window: compute device, models folder, sound output and the live overlay, each stored in
 * GSettings as soon as it changes. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SR_TYPE_PREFERENCES (sr_preferences_get_type ())
G_DECLARE_FINAL_TYPE (SrPreferences, sr_preferences, SR, PREFERENCES, GtkWindow)

/* SETTINGS: the application's (org.sightread.Sightread). */
GtkWidget *sr_preferences_new (GtkWindow *parent, GSettings *settings);

G_END_DECLS
