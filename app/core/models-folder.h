/* Where the model weights are: $SIGHTREAD_MODELS, else the installed folder, else the source tree's (an uninstalled
 * build). The CLI's --models and the window's reading both start here. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_MODELS_ENV "SIGHTREAD_MODELS"

char *sr_models_folder_default (void);

G_END_DECLS
