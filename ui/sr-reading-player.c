/* See sr-reading-player.h. */
#include "sr-reading-player.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "audio-devices.h"
#include "audio-playback.h"
#include "perform.h"
#include "sr-application.h"
#include "performance.h"

#define RENDER_RATE 44100
#define POLL_MS 100

struct _SrReadingPlayer {
  GObject parent_instance;

  GCancellable *rendering; /* set while a reading renders */
  SrPlayback *playback;
  int playback_rate;
  guint poll_source;
  gboolean playing;
  GArray *notes; /* Sounding: when the notes of the reading played sound, and the token each came from */
  GArray *tokens;       /* what plays (guint16 LMX ids), kept to render again at another tempo */
  double tempo;         /* times the marked tempo */
  double volume;        /* 0–1, the playback's gain */
  double duration;      /* seconds of the rendering that plays, 0 before it exists */
  double start_seconds; /* where playing starts once rendered: a tempo change goes on from where it was */
};

typedef struct {
  GArray *tokens;
  double tempo;
} RenderJob;

static void
render_job_free (gpointer data)
{
  RenderJob *job = data;
  g_array_unref (job->tokens);
  g_free (job);
}

typedef struct {
  double onset, offset;
  gint64 token;
} Sounding;

typedef struct {
  SrAudio *audio;
  GArray *notes; /* Sounding */
} Rendering;

static void
rendering_free (gpointer data)
{
  Rendering *rendering = data;
  sr_audio_free (rendering->audio);
  if (rendering->notes != NULL)
    g_array_unref (rendering->notes);
  g_free (rendering);
}

enum {
  PROP_0,
  PROP_PLAYING,
  PROP_TEMPO,
  PROP_VOLUME,
  PROP_DURATION,
  N_PROPS,
};

enum {
  FAILED,
  N_SIGNALS,
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SrReadingPlayer, sr_reading_player, G_TYPE_OBJECT)

static void
set_playing (SrReadingPlayer *self, gboolean playing)
{
  if (self->playing == playing)
    return;
  self->playing = playing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

static void
set_duration (SrReadingPlayer *self, double duration)
{
  if (self->duration == duration)
    return;
  self->duration = duration;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
}

static void
render_in_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  guint n_notes = 0;
  g_autoptr(GArray) performed = NULL, note_tokens = NULL;
  const RenderJob *job = task_data;
  SrAudio *audio = sr_perform_lmx (job->tokens, job->tempo, RENDER_RATE, &n_notes, &performed, &note_tokens, &error);
  if (audio == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (n_notes == 0)
    {
      sr_audio_free (audio);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the reading holds no note to play"));
      return;
    }
  Rendering *rendering = g_new0 (Rendering, 1);
  rendering->audio = audio;
  rendering->notes = g_array_new (FALSE, FALSE, sizeof (Sounding));
  for (guint i = 0; i < performed->len && i < note_tokens->len; i++)
    {
      const SrPerformedNote *note = &g_array_index (performed, SrPerformedNote, i);
      Sounding sounding = { note->onset_seconds, note->offset_seconds, g_array_index (note_tokens, gint64, i) };
      g_array_append_val (rendering->notes, sounding);
    }
  g_task_return_pointer (task, rendering, rendering_free);
}

static gboolean
poll_playback (gpointer user_data)
{
  SrReadingPlayer *self = user_data;
  if (self->playback != NULL && !sr_playback_finished (self->playback))
    return G_SOURCE_CONTINUE;
  self->poll_source = 0;
  g_clear_pointer (&self->playback, sr_playback_free);
  g_clear_pointer (&self->notes, g_array_unref);
  set_duration (self, 0);
  set_playing (self, FALSE);
  return G_SOURCE_REMOVE;
}

/* Opens the output and starts AUDIO on it; FALSE with the reason. */
static gboolean
start_playback (SrReadingPlayer *self, const SrAudio *audio, GError **error)
{
  if (!sr_audio_system_open (error))
    return FALSE;
  /* $SIGHTREAD_AUDIO_DEVICE, else the preferences' sound output, else the system's default. */
  const char *wanted = g_getenv ("SIGHTREAD_AUDIO_DEVICE");
  g_autofree char *preferred = NULL;
  GApplication *application = g_application_get_default ();
  GSettings *settings = SR_IS_APPLICATION (application) ? sr_application_get_settings (SR_APPLICATION (application))
                                                        : NULL;
  if ((wanted == NULL || *wanted == '\0') && settings != NULL)
    {
      preferred = g_settings_get_string (settings, "audio-output");
      wanted = *preferred != '\0' ? preferred : NULL;
    }
  g_autoptr(SrAudioDevice) device = sr_audio_device_choose (wanted, FALSE, error);
  if (device == NULL)
    {
      sr_audio_system_close ();
      return FALSE;
    }
  int rate = sr_audio_device_rate (device, FALSE, audio->rate);
  self->playback_rate = rate;
  g_autoptr(SrAudio) resampled = rate != audio->rate
                                   ? sr_audio_resample (audio->samples, audio->frames, audio->rate, rate, error)
                                   : NULL;
  if (rate != audio->rate && resampled == NULL)
    {
      sr_audio_system_close ();
      return FALSE;
    }
  g_autoptr(SrAudioStream) stream = sr_audio_stream_new_from_audio (resampled != NULL ? resampled : audio);
  self->playback = sr_playback_new (stream);
  sr_playback_set_gain (self->playback, (float) self->volume);
  if (self->start_seconds > 0)
    sr_playback_seek (self->playback, (gsize) (self->start_seconds * rate));
  gboolean opened = sr_playback_open_output (self->playback, device, 0, error);
  sr_audio_system_close (); /* the playback holds its own reference */
  if (!opened)
    {
      g_clear_pointer (&self->playback, sr_playback_free);
      return FALSE;
    }
  self->poll_source = g_timeout_add (POLL_MS, poll_playback, self);
  return TRUE;
}

static void
rendered (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SrReadingPlayer) self = user_data;
  g_autoptr(GError) error = NULL;
  Rendering *rendering = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_task_get_cancellable (G_TASK (result)) != self->rendering)
    {
      if (rendering != NULL)
        rendering_free (rendering);
      return; /* stopped, or a later play took over */
    }
  g_clear_object (&self->rendering);
  if (rendering == NULL || !start_playback (self, rendering->audio, &error))
    {
      set_playing (self, FALSE);
      g_signal_emit (self, signals[FAILED], 0, error->message);
    }
  else
    {
      self->notes = g_steal_pointer (&rendering->notes);
      set_duration (self, (double) rendering->audio->frames / rendering->audio->rate);
    }
  if (rendering != NULL)
    rendering_free (rendering);
}

void
sr_reading_player_stop (SrReadingPlayer *self)
{
  g_return_if_fail (SR_IS_READING_PLAYER (self));
  if (self->rendering != NULL)
    g_cancellable_cancel (self->rendering);
  g_clear_object (&self->rendering);
  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_clear_pointer (&self->playback, sr_playback_free);
  g_clear_pointer (&self->notes, g_array_unref);
  set_duration (self, 0);
  set_playing (self, FALSE);
}

double
sr_reading_player_get_seconds (SrReadingPlayer *self)
{
  g_return_val_if_fail (SR_IS_READING_PLAYER (self), -1);
  if (self->playback == NULL || self->playback_rate <= 0)
    return -1;
  return (double) sr_playback_sounding (self->playback) / self->playback_rate;
}

GArray *
sr_reading_player_tokens_at (SrReadingPlayer *self, double seconds)
{
  g_return_val_if_fail (SR_IS_READING_PLAYER (self), NULL);
  GArray *tokens = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; self->notes != NULL && i < self->notes->len; i++)
    {
      const Sounding *note = &g_array_index (self->notes, Sounding, i);
      if (note->onset <= seconds && seconds < note->offset && note->token >= 0)
        g_array_append_val (tokens, note->token);
    }
  return tokens;
}

/* Renders the kept tokens at the tempo now, to play from START_SECONDS of that rendering. */
static void
render_and_play (SrReadingPlayer *self, double start_seconds)
{
  self->start_seconds = start_seconds;
  self->rendering = g_cancellable_new ();
  set_playing (self, TRUE);
  RenderJob *job = g_new0 (RenderJob, 1);
  job->tokens = g_array_ref (self->tokens);
  job->tempo = self->tempo;
  g_autoptr(GTask) task = g_task_new (NULL, self->rendering, rendered, g_object_ref (self));
  g_task_set_task_data (task, job, render_job_free);
  g_task_run_in_thread (task, render_in_thread);
}

void
sr_reading_player_play (SrReadingPlayer *self, const GArray *tokens)
{
  g_return_if_fail (SR_IS_READING_PLAYER (self));
  sr_reading_player_stop (self);
  g_clear_pointer (&self->tokens, g_array_unref);
  self->tokens = g_array_sized_new (FALSE, FALSE, sizeof (guint16), tokens->len);
  g_array_append_vals (self->tokens, tokens->data, tokens->len);
  render_and_play (self, 0);
}

void
sr_reading_player_set_tempo (SrReadingPlayer *self, double tempo)
{
  g_return_if_fail (SR_IS_READING_PLAYER (self));
  tempo = CLAMP (tempo, SR_READING_PLAYER_MIN_TEMPO, SR_READING_PLAYER_MAX_TEMPO);
  if (tempo == self->tempo)
    return;
  double old = self->tempo;
  self->tempo = tempo;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEMPO]);
  /* Playing: rendered again at the new tempo, going on from the same place in the music (from the start when the
   * old tempo's rendering had not sounded yet). */
  if (self->playing && self->tokens != NULL)
    {
      double from = MAX (sr_reading_player_get_seconds (self), 0) * old / tempo;
      sr_reading_player_stop (self);
      render_and_play (self, from);
    }
}

double
sr_reading_player_get_tempo (SrReadingPlayer *self)
{
  g_return_val_if_fail (SR_IS_READING_PLAYER (self), 1.0);
  return self->tempo;
}

void
sr_reading_player_set_volume (SrReadingPlayer *self, double volume)
{
  g_return_if_fail (SR_IS_READING_PLAYER (self));
  volume = CLAMP (volume, 0.0, 1.0);
  if (volume == self->volume)
    return;
  self->volume = volume;
  if (self->playback != NULL)
    sr_playback_set_gain (self->playback, (float) volume);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VOLUME]);
}

double
sr_reading_player_get_volume (SrReadingPlayer *self)
{
  g_return_val_if_fail (SR_IS_READING_PLAYER (self), 1.0);
  return self->volume;
}

double
sr_reading_player_get_duration (SrReadingPlayer *self)
{
  g_return_val_if_fail (SR_IS_READING_PLAYER (self), 0);
  return self->duration;
}

void
sr_reading_player_seek (SrReadingPlayer *self, double seconds)
{
  g_return_if_fail (SR_IS_READING_PLAYER (self));
  if (self->playback != NULL && self->playback_rate > 0)
    sr_playback_seek (self->playback, (gsize) (CLAMP (seconds, 0, self->duration) * self->playback_rate));
}

gboolean
sr_reading_player_get_playing (SrReadingPlayer *self)
{
  g_return_val_if_fail (SR_IS_READING_PLAYER (self), FALSE);
  return self->playing;
}

static void
sr_reading_player_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_PLAYING:
      g_value_set_boolean (value, SR_READING_PLAYER (object)->playing);
      break;
    case PROP_TEMPO:
      g_value_set_double (value, SR_READING_PLAYER (object)->tempo);
      break;
    case PROP_VOLUME:
      g_value_set_double (value, SR_READING_PLAYER (object)->volume);
      break;
    case PROP_DURATION:
      g_value_set_double (value, SR_READING_PLAYER (object)->duration);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_reading_player_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_TEMPO:
      sr_reading_player_set_tempo (SR_READING_PLAYER (object), g_value_get_double (value));
      break;
    case PROP_VOLUME:
      sr_reading_player_set_volume (SR_READING_PLAYER (object), g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sr_reading_player_dispose (GObject *object)
{
  SrReadingPlayer *self = SR_READING_PLAYER (object);
  if (self->rendering != NULL)
    g_cancellable_cancel (self->rendering);
  g_clear_object (&self->rendering);
  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_clear_pointer (&self->playback, sr_playback_free);
  g_clear_pointer (&self->notes, g_array_unref);
  g_clear_pointer (&self->tokens, g_array_unref);
  G_OBJECT_CLASS (sr_reading_player_parent_class)->dispose (object);
}

static void
sr_reading_player_class_init (SrReadingPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->get_property = sr_reading_player_get_property;
  object_class->set_property = sr_reading_player_set_property;
  object_class->dispose = sr_reading_player_dispose;
  properties[PROP_PLAYING] = g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEMPO] = g_param_spec_double ("tempo", NULL, NULL, SR_READING_PLAYER_MIN_TEMPO,
                                                SR_READING_PLAYER_MAX_TEMPO, 1.0,
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VOLUME] = g_param_spec_double ("volume", NULL, NULL, 0.0, 1.0, 1.0,
                                                 G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION] = g_param_spec_double ("duration", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
sr_reading_player_init (SrReadingPlayer *self)
{
  self->tempo = 1.0;
  self->volume = 1.0;
}

SrReadingPlayer *
sr_reading_player_new (void)
{
  return g_object_new (SR_TYPE_READING_PLAYER, NULL);
}
