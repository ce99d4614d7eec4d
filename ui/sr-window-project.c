/* Projects in the window: Save (Ctrl+S) writes the score, the systems read and the corrections as one file; opening
 * one brings the work back as it was left. */
#include "sr-window-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "project.h"

/* A project opens at once (it is read whole, score included): its score, its systems outlined, the inspector as it was
 * left. */
void
sr_window_open_project (SrWindow *self, GFile *file)
{
  g_autofree char *name = sr_window_display_name (file);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrProject) project = path != NULL ? sr_project_load (path, &error) : NULL;
  g_autoptr(SrScoreDocument) document = NULL;
  if (project != NULL && project->score == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the project holds no score"));
  else if (project != NULL)
    {
      g_autoptr(GFile) folder = g_file_get_parent (file);
      g_autoptr(GFile) score_file = g_file_get_child (folder, project->score_name);
      document = sr_score_document_new_for_bytes (project->score, score_file, &error);
    }
  if (document == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not open “%s”: %s."), name, error->message);
      sr_window_show_message (self, TRUE, text);
      return;
    }
  sr_window_hide_message (self);
  sr_page_view_set_document (self->page_view, document);
  gtk_stack_set_visible_child_name (self->stack, "document");
  g_autofree char *title = g_strdup_printf (_("%s — Sightread"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  g_set_object (&self->project_file, file);
  g_clear_pointer (&self->score_bytes, g_bytes_unref);
  self->score_bytes = g_bytes_ref (project->score);
  g_free (self->score_name);
  self->score_name = g_strdup (project->score_name);
  GArray *systems = g_steal_pointer (&project->systems);
  GPtrArray *corrected = g_steal_pointer (&project->corrected);
  project->systems = g_array_new (FALSE, TRUE, sizeof (SrOmrSystem)); /* for sr_project_free */
  project->corrected = g_ptr_array_new ();
  sr_window_show_systems_on_page (self, systems);
  gboolean any = systems->len > 0;
  sr_page_view_set_marks_editable (self->page_view, any);
  sr_inspector_restore (self->inspector, systems, corrected, project->current);
  gtk_widget_set_visible (GTK_WIDGET (self->inspector), any);
  gtk_widget_grab_focus (GTK_WIDGET (self->page_view));
}

gboolean
sr_window_write_project (SrWindow *self, const char *path, GError **error)
{
  SrScoreDocument *document = sr_page_view_get_document (self->page_view);
  if (document == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("there is no score to save"));
      return FALSE;
    }
  g_autoptr(SrProject) project = sr_project_new ();
  if (self->score_bytes != NULL)
    {
      project->score = g_bytes_ref (self->score_bytes);
      project->score_name = g_strdup (self->score_name);
    }
  else
    {
      GFile *score_file = sr_score_document_get_file (document);
      project->score = g_file_load_bytes (score_file, NULL, NULL, error);
      if (project->score == NULL)
        return FALSE;
      project->score_name = g_file_get_basename (score_file);
    }
  const GArray *systems = sr_inspector_get_systems (self->inspector);
  for (guint i = 0; systems != NULL && i < systems->len; i++)
    {
      SrOmrSystem copy;
      sr_omr_system_copy (&g_array_index (systems, SrOmrSystem, i), &copy);
      g_array_append_val (project->systems, copy);
      g_ptr_array_add (project->corrected, g_array_copy ((GArray *) sr_inspector_get_reading (self->inspector, i)));
    }
  project->current = sr_inspector_get_current (self->inspector);
  return sr_project_save (project, path, error);
}

gboolean
sr_window_save_project (SrWindow *self, GFile *file, GError **error)
{
  g_return_val_if_fail (SR_IS_WINDOW (self), FALSE);
  g_autofree char *path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("projects are saved to local files"));
      return FALSE;
    }
  if (!sr_window_write_project (self, path, error))
    return FALSE;
  g_set_object (&self->project_file, file);
  return TRUE;
}

static void
save_chooser_responded (GtkNativeDialog *dialog, int response, SrWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;
      if (file != NULL && !sr_window_save_project (self, file, &error))
        {
          g_autofree char *text = g_strdup_printf (_("Could not save the project: %s."), error->message);
          sr_window_show_message (self, TRUE, text);
        }
    }
  g_clear_object (&self->chooser);
}

void
sr_window_save_project_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SrWindow *self = SR_WINDOW (user_data);
  SrScoreDocument *document = sr_page_view_get_document (self->page_view);
  if (document == NULL || self->chooser != NULL)
    return;
  if (self->project_file != NULL)
    {
      g_autoptr(GError) error = NULL;
      if (!sr_window_save_project (self, self->project_file, &error))
        {
          g_autofree char *text = g_strdup_printf (_("Could not save the project: %s."), error->message);
          sr_window_show_message (self, TRUE, text);
        }
      return;
    }
  self->chooser = gtk_file_chooser_native_new (_("Save the Project"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  g_autofree char *base = g_file_get_basename (sr_score_document_get_file (document));
  char *dot = base != NULL ? strrchr (base, '.') : NULL;
  if (dot != NULL)
    *dot = '\0';
  g_autofree char *name = g_strconcat (base != NULL ? base : "score", SR_PROJECT_SUFFIX, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (save_chooser_responded), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}
