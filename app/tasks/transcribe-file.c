/* See transcribe-file.h. */
#include "transcribe-file.h"

#include <glib/gi18n.h>

#include "audio-file.h"
#include "midi-file.h"
#include "musicxml-read.h"
#include "musicxml-write.h"

void
sr_transcription_free (SrTranscription *transcription)
{
  if (transcription == NULL)
    return;
  g_clear_pointer (&transcription->notes, g_array_unref);
  g_clear_pointer (&transcription->draft, g_array_unref);
  sr_draft_summary_clear (&transcription->draft_summary);
  g_free (transcription->notice);
  g_free (transcription);
}

SrTranscription *
sr_transcribe_file (const char *path, const SrDeviceChoice *device, const char *models_folder, const char *midi_path,
                    const char *musicxml_path, SrProgressFunc progress, gpointer progress_data,
                    GCancellable *cancellable, GError **error)
{
  GError *failure = NULL;
  g_autoptr(SrAudio) audio = sr_audio_read (path, 44100, &failure);
  if (audio == NULL)
    {
      g_propagate_prefixed_error (error, failure, "%s: ", path);
      return NULL;
    }
  /* Said before the models load: a silent take is the commonest mistake (a muted input), and the quickest to fix. */
  if (sr_transcribe_is_silent (audio->samples, audio->frames))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", path, _(SR_TRANSCRIBE_SILENT_MESSAGE));
      return NULL;
    }
  g_autoptr(SrTranscription) transcription = g_new0 (SrTranscription, 1);
  g_autoptr(SrTranscriber) transcriber = sr_transcriber_new (device, models_folder, &transcription->notice, error);
  if (transcriber == NULL)
    return NULL;
  sr_transcriber_set_progress (transcriber, progress, progress_data);
  sr_transcriber_set_cancellable (transcriber, cancellable);
  transcription->notes = sr_transcriber_run (transcriber, audio->samples, audio->frames, &transcription->summary,
                                             &failure);
  if (transcription->notes == NULL)
    {
      g_propagate_prefixed_error (error, failure, "%s: ", path);
      return NULL;
    }
  if (transcription->notes->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s: the model heard no notes in the recording"),
                   path);
      return NULL;
    }
  if (midi_path != NULL)
    {
      g_autoptr(SrMidiFile) file = sr_midi_file_new_from_notes ((const SrNote *) transcription->notes->data,
                                                                transcription->notes->len);
      if (!sr_midi_file_write (file, midi_path, &failure))
        {
          g_propagate_prefixed_error (error, failure, "%s: ", midi_path);
          return NULL;
        }
    }
  transcription->draft = sr_draft_score_lmx ((const SrNote *) transcription->notes->data, transcription->notes->len,
                                             NULL, &transcription->draft_summary, &failure);
  if (transcription->draft == NULL)
    {
      g_propagate_prefixed_error (error, failure, _("%s: no draft score: "), path);
      return NULL;
    }
  if (musicxml_path != NULL)
    {
      g_autoptr(xmlDoc) document = sr_draft_musicxml (transcription->draft, &transcription->draft_summary);
      g_autofree char *xml = sr_musicxml_to_text (document);
      if (!g_file_set_contents (musicxml_path, xml, -1, &failure))
        {
          g_propagate_prefixed_error (error, failure, "%s: ", musicxml_path);
          return NULL;
        }
    }
  return g_steal_pointer (&transcription);
}

typedef struct {
  char *path, *models_folder, *midi_path, *musicxml_path;
  SrDeviceChoice device;
  SrProgressFunc progress;
  gpointer progress_data;
  GMainContext *context;
} TranscribeJob;

static void
transcribe_job_free (gpointer data)
{
  TranscribeJob *job = data;
  g_free (job->path);
  g_free (job->models_folder);
  g_free (job->midi_path);
  g_free (job->musicxml_path);
  g_main_context_unref (job->context);
  g_free (job);
}

/* On the worker: the report goes to the caller's context, where the task's callback also runs, after them. */
static void
forward_progress (double done, const char *where, gpointer user_data)
{
  TranscribeJob *job = user_data;
  sr_progress_invoke_in (job->context, job->progress, job->progress_data, done, where);
}

static void
transcribe_in_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  TranscribeJob *job = task_data;
  GError *error = NULL;
  SrTranscription *transcription = sr_transcribe_file (job->path, &job->device, job->models_folder, job->midi_path,
                                                       job->musicxml_path, job->progress ? forward_progress : NULL,
                                                       job, cancellable, &error);
  if (transcription == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, transcription, (GDestroyNotify) sr_transcription_free);
}

void
sr_transcribe_file_async (const char *path, const SrDeviceChoice *device, const char *models_folder,
                          const char *midi_path, const char *musicxml_path, SrProgressFunc progress,
                          gpointer progress_data, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  TranscribeJob *job = g_new0 (TranscribeJob, 1);
  job->path = g_strdup (path);
  job->models_folder = g_strdup (models_folder);
  job->midi_path = g_strdup (midi_path);
  job->musicxml_path = g_strdup (musicxml_path);
  job->device = *device;
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_transcribe_file_async);
  g_task_set_task_data (task, job, transcribe_job_free);
  g_task_run_in_thread (task, transcribe_in_thread);
}

SrTranscription *
sr_transcribe_file_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
