/* Where the model weights are: $SIGHTREAD_MODELS, else the installed folder, else the source tree's (an uninstalled
 * build). The CLI's --models and the window's reading both start here. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_MODELS_ENV "SIGHTREAD_MODELS"

char *sr_models_folder_default (void);

/* The first 12 hex digits of PATH's SHA-256, as train/ records the tokenizer a model learned from; NULL when PATH
 * cannot be read. */
char *sr_model_file_fingerprint (const char *path);

G_END_DECLS
