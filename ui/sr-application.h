/* The workstation's GtkApplication: one process, a window per score, app-wide actions and settings. */
#pragma once

#include <gtk/gtk.h>

#include "device-choice.h"

G_BEGIN_DECLS

#define SR_TYPE_APPLICATION (sr_application_get_type ())
G_DECLARE_FINAL_TYPE (SrApplication, sr_application, SR, APPLICATION, GtkApplication)

SrApplication *sr_application_new (const SrDeviceChoice *device, const char *models_folder);

/* The application's settings, or NULL when the GSettings schema is not installed (the window then keeps its
 * state for this run only). */
GSettings *sr_application_get_settings (SrApplication *self);
/* The compute device and models folder the reading uses: as given on the command line, else $SIGHTREAD_DEVICE and
 * $SIGHTREAD_MODELS, else the preferences, else auto and the shipped models. */
SrDeviceChoice sr_application_get_device (SrApplication *self);
char *sr_application_get_models_folder (SrApplication *self);

G_END_DECLS
