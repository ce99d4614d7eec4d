/* What the parity programs (rqvae-, codec-, translator-parity.c) share: their golden file and their backend. */
#pragma once

#include <json-glib/json-glib.h>

#include "backend.h"

/* The golden file's top object, or NULL after printing why (PARSER keeps it alive). */
JsonObject *parity_golden (JsonParser *parser, const char *path);
/* The backend NAME ("cpu" or "vulkan") asks for, or NULL after printing why: Vulkan must not fall back here. */
SrBackend *parity_backend (const char *name);
