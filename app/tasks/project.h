/* A piece of work as one file (`.sightread`): the score it started from (its bytes, so the project travels alone),
 * every system read — where it lies, the crop the models saw, the reading and where the reader looked — and the
 * reading as the user corrected it. JSON, read with limits like every other parser. */
#pragma once

#include <gio/gio.h>

#include "omr.h"

G_BEGIN_DECLS

#define SR_PROJECT_SUFFIX ".sightread"
#define SR_PROJECT_FORMAT 1

typedef struct {
  char *score_name;     /* the score's file name, as it was opened */
  GBytes *score;        /* its bytes */
  GArray *systems;      /* SrOmrSystem, as read (lmx is the model's reading) */
  GPtrArray *corrected; /* GArray of guint16 per system: the reading as corrected */
  guint current;        /* the system inspected */
} SrProject;

/* An empty project (no score, no systems). */
SrProject *sr_project_new (void);
void sr_project_free (SrProject *project);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrProject, sr_project_free)

/* Writes PROJECT to PATH (replaced in one step: a crash never leaves half a project). */
gboolean sr_project_save (const SrProject *project, const char *path, GError **error);

/* A project from its file, or NULL with an error naming what is wrong (not a project, a newer format, a damaged or
 * absurd part). */
SrProject *sr_project_load_bytes (const guint8 *data, gsize length, GError **error);
SrProject *sr_project_load (const char *path, GError **error);

G_END_DECLS
