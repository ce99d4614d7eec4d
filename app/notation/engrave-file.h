/* A score engraved into a file, the kind chosen by the name: PNG or SVG (every system, or one, one under the other,
 * WIDTH pixels wide) or PDF (A4 pages filled with systems). The CLI's `engrave` and the inspector's export share it. */
#pragma once

#include "engraving.h"

G_BEGIN_DECLS

typedef struct {
  double width;       /* pixels, PNG and SVG (default 1600) */
  double staff_space; /* pixels, PNG and SVG (default 10) */
  guint system;       /* from 1; 0 for all */
} SrEngraveFileOptions;

#define SR_ENGRAVE_FILE_OPTIONS_DEFAULT ((SrEngraveFileOptions) { 1600.0, 10.0, 0 })

/* TRUE when PATH names a kind of file this writes (.png, .svg, .pdf). */
gboolean sr_engrave_file_supported (const char *path);

/* Engraves DOCUMENT into PATH. *N_SYSTEMS (may be NULL) gets the number of systems at that width, *N_MEASURES (may
 * be NULL) the measures. Errors: the engraver's, a --system beyond the last (SR_ENGRAVE_ERROR_TOO_LARGE), a picture
 * beyond cairo's size, a file that cannot be written. */
gboolean sr_engrave_file_write (xmlDoc *document, const char *path, const SrEngraveFileOptions *options,
                                guint *n_systems, guint *n_measures, GError **error);

G_END_DECLS
