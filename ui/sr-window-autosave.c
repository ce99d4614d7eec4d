/* Work is never lost: two seconds after each change to the readings, the window's work is written as a project to
 * $XDG_STATE_HOME/sightread/autosave, in a file named by the process; a window that closes cleanly removes it. A file
 * whose process is gone was left by a crash, and the next window offers it back. */
#include "sr-window-private.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <unistd.h>

#include "project.h"

#define AUTOSAVE_DELAY_MS 2000

static char *
autosave_folder (void)
{
  return g_build_filename (g_get_user_state_dir (), "sightread", "autosave", NULL);
}

static gboolean
autosave_now (gpointer user_data)
{
  SrWindow *self = user_data;
  self->autosave_source = 0;
  if (sr_inspector_get_n_systems (self->inspector) == 0)
    return G_SOURCE_REMOVE;
  if (self->autosave_path == NULL)
    {
      static guint serial = 0;
      g_autofree char *folder = autosave_folder ();
      if (g_mkdir_with_parents (folder, 0700) != 0)
        return G_SOURCE_REMOVE;
      g_autofree char *name = g_strdup_printf ("%d-%u" SR_PROJECT_SUFFIX, (int) getpid (), ++serial);
      self->autosave_path = g_build_filename (folder, name, NULL);
    }
  g_autoptr(GError) error = NULL;
  if (!sr_window_write_project (self, self->autosave_path, &error))
    g_warning ("autosave to %s: %s", self->autosave_path, error->message);
  return G_SOURCE_REMOVE;
}

void
sr_window_autosave_schedule (SrWindow *self)
{
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  self->autosave_source = g_timeout_add (AUTOSAVE_DELAY_MS, autosave_now, self);
}

void
sr_window_autosave_discard (SrWindow *self)
{
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  if (self->autosave_path != NULL)
    g_remove (self->autosave_path);
  g_clear_pointer (&self->autosave_path, g_free);
}

/* The newest autosave whose process has ended (a crash), or NULL. */
static char *
left_behind (void)
{
  g_autofree char *folder = autosave_folder ();
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  char *newest = NULL;
  gint64 newest_time = 0;
  for (const char *name; dir != NULL && (name = g_dir_read_name (dir)) != NULL;)
    {
      char *end = NULL;
      gint64 pid = g_ascii_strtoll (name, &end, 10);
      if (end == name || *end != '-' || !g_str_has_suffix (name, SR_PROJECT_SUFFIX) || pid <= 0 || pid > G_MAXINT)
        continue;
      if (pid == getpid () || kill ((pid_t) pid, 0) == 0 || errno == EPERM)
        continue; /* a running Sightread's own */
      g_autofree char *path = g_build_filename (folder, name, NULL);
      GStatBuf info;
      if (g_stat (path, &info) == 0 && (newest == NULL || info.st_mtime > newest_time))
        {
          g_free (newest);
          newest = g_steal_pointer (&path);
          newest_time = info.st_mtime;
        }
    }
  return newest;
}

gboolean
sr_window_offer_recovery (SrWindow *self)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), FALSE);
  g_autofree char *path = left_behind ();
  if (path == NULL)
    return FALSE;
  sr_window_show_offer (self, _("Sightread ended before some work was saved; it was kept."), _("_Recover"),
                        "win.recover-autosave");
  return TRUE;
}

void
sr_window_recover_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrWindow *self = SR_WINDOW (user_data);
  g_autofree char *path = left_behind ();
  if (path == NULL)
    return;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  sr_window_open_project (self, file);
  /* The recovered work is this window's now: its autosave, and Save asks where it goes. */
  g_clear_object (&self->project_file);
  sr_window_autosave_discard (self);
  self->autosave_path = g_steal_pointer (&path);
  g_autofree char *folder = autosave_folder ();
  g_autofree char *name = g_strdup_printf ("%d-recovered" SR_PROJECT_SUFFIX, (int) getpid ());
  g_autofree char *ours = g_build_filename (folder, name, NULL);
  if (g_rename (self->autosave_path, ours) == 0)
    {
      g_free (self->autosave_path);
      self->autosave_path = g_steal_pointer (&ours);
    }
}
