/* Reading a page on a worker thread for the window: the models load and read there, progress comes back to the
 * caller's main context, and cancelling stops the reader within a decoding step. */
#include "omr.h"

typedef struct {
  SrScoreDocument *document;
  guint page_index;
  GArray *boxes;           /* SrSystemBox to read, or NULL: the systems found on page PAGE_INDEX */
  SrDeviceChoice device;
  char *models_folder;
  SrProgressFunc progress;
  gpointer progress_data;
  GMainContext *context;
  char *notice;
} ReadJob;

static void
read_job_free (gpointer data)
{
  ReadJob *job = data;
  g_object_unref (job->document);
  if (job->boxes != NULL)
    g_array_unref (job->boxes);
  g_free (job->models_folder);
  g_main_context_unref (job->context);
  g_free (job->notice);
  g_free (job);
}

/* On the worker: the report goes to the caller's context. The job outlives every report (the task holds it until its
 * callback, which runs in the same context after them). */
static void
forward_progress (double done, const char *where, gpointer user_data)
{
  ReadJob *job = user_data;
  sr_progress_invoke_in (job->context, job->progress, job->progress_data, done, where);
}

static void
read_in_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  ReadJob *job = task_data;
  GError *error = NULL;
  g_autoptr(SrOmrReader) reader = sr_omr_reader_new (&job->device, job->models_folder, &job->notice, &error);
  if (reader == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sr_omr_reader_set_cancellable (reader, cancellable);
  if (job->progress != NULL)
    sr_omr_reader_set_progress (reader, 1, forward_progress, job);
  GArray *systems = job->boxes != NULL ? sr_omr_read_boxes (reader, job->document, job->boxes, &error)
                                       : sr_omr_read_page (reader, job->document, job->page_index, &error);
  char *later = sr_omr_reader_take_notice (reader);
  if (later != NULL)
    {
      g_free (job->notice);
      job->notice = later;
    }
  if (systems == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, systems, (GDestroyNotify) g_array_unref);
}

static void
start_job (SrScoreDocument *document, guint page_index, const GArray *boxes, const SrDeviceChoice *device,
           const char *models_folder, SrProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
           GAsyncReadyCallback callback, gpointer user_data)
{
  ReadJob *job = g_new0 (ReadJob, 1);
  job->document = g_object_ref (document);
  job->page_index = page_index;
  job->boxes = boxes != NULL ? g_array_copy ((GArray *) boxes) : NULL;
  job->device = *device;
  job->models_folder = g_strdup (models_folder);
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_omr_read_page_async);
  g_task_set_task_data (task, job, read_job_free);
  g_task_run_in_thread (task, read_in_thread);
}

void
sr_omr_read_page_async (SrScoreDocument *document, guint page_index, const SrDeviceChoice *device,
                        const char *models_folder, SrProgressFunc progress, gpointer progress_data,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  start_job (document, page_index, NULL, device, models_folder, progress, progress_data, cancellable, callback,
             user_data);
}

void
sr_omr_read_boxes_async (SrScoreDocument *document, const GArray *boxes, const SrDeviceChoice *device,
                         const char *models_folder, SrProgressFunc progress, gpointer progress_data,
                         GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  start_job (document, 0, boxes, device, models_folder, progress, progress_data, cancellable, callback, user_data);
}

GArray *
sr_omr_read_page_finish (GAsyncResult *result, char **notice, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  ReadJob *job = g_task_get_task_data (G_TASK (result));
  if (notice != NULL)
    *notice = g_strdup (job->notice);
  return g_task_propagate_pointer (G_TASK (result), error);
}
