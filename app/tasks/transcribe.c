/* The transcription task; see transcribe.h. */
#include "transcribe.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "models-folder.h"
#include "codec.h"
#include "midi-tokens.h"
#include "translator.h"

/* As train_translator.reading_limit: 2 MIDI tokens an audio frame (about 170 a second), and some. */
#define TOKENS_PER_FRAME 2
#define TOKENS_EXTRA 16
/* What the A2I models before the metadata named their window learned (amt_tokens.WINDOW_SECONDS). */
#define DEFAULT_WINDOW_SECONDS 5.12
/* Below this RMS (-70 dBFS, where the codec's levelling leaves sound alone) a recording holds nothing to hear. */
#define SILENT_RMS 3.16e-4

struct _SrTranscriber {
  SrBackend *backend;
  SrCodec *codec;
  SrTranslator *translator;
  char *models_folder;
  double window_seconds;
  SrProgressFunc progress;
  gpointer progress_data;
  GCancellable *cancellable;
};

void
sr_transcriber_set_progress (SrTranscriber *transcriber, SrProgressFunc func, gpointer user_data)
{
  transcriber->progress = func;
  transcriber->progress_data = user_data;
}

void
sr_transcriber_set_cancellable (SrTranscriber *transcriber, GCancellable *cancellable)
{
  g_set_object (&transcriber->cancellable, cancellable);
}

void
sr_transcriber_free (SrTranscriber *transcriber)
{
  if (transcriber == NULL)
    return;
  sr_translator_free (transcriber->translator);
  sr_codec_free (transcriber->codec);
  sr_backend_free (transcriber->backend);
  g_free (transcriber->models_folder);
  g_clear_object (&transcriber->cancellable);
  g_free (transcriber);
}

static gboolean
load_models (SrTranscriber *transcriber, char message[SR_MESSAGE_SIZE])
{
  g_autofree char *codec_path = g_build_filename (transcriber->models_folder, "codec.safetensors", NULL);
  g_autofree char *a2i_path = g_build_filename (transcriber->models_folder, "a2i.safetensors", NULL);
  if (!g_file_test (a2i_path, G_FILE_TEST_EXISTS))
    {
      g_snprintf (message, SR_MESSAGE_SIZE, _("%s: no transcription model here (see train/RESULTS.md)"), a2i_path);
      return FALSE;
    }
  return (transcriber->codec = sr_codec_load (transcriber->backend, codec_path, message)) != NULL
         && (transcriber->translator = sr_translator_load (transcriber->backend, a2i_path, message)) != NULL;
}

SrTranscriber *
sr_transcriber_new (const SrDeviceChoice *device, const char *models_folder, char **notice, GError **error)
{
  g_autoptr(GString) notes = g_string_new (NULL);
  char message[SR_MESSAGE_SIZE] = "";
  SrTranscriber *transcriber = g_new0 (SrTranscriber, 1);
  transcriber->models_folder = g_strdup (models_folder);
  transcriber->backend = sr_backend_open (device, message);
  if (message[0] != '\0')
    g_string_append (notes, message);
  if (transcriber->backend == NULL || !load_models (transcriber, message))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, transcriber->backend ? message
                                                                                       : _("no compute backend"));
      sr_transcriber_free (transcriber);
      return NULL;
    }
  const char *tasks = sr_translator_metadata (transcriber->translator, "sightread.tasks");
  if (tasks == NULL || strstr (tasks, "\"amt\"") == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s/a2i.safetensors has not learned transcription"),
                   models_folder);
      sr_transcriber_free (transcriber);
      return NULL;
    }
  const char *window = sr_translator_metadata (transcriber->translator, "sightread.segment_seconds");
  transcriber->window_seconds = window != NULL ? g_ascii_strtod (window, NULL) : DEFAULT_WINDOW_SECONDS;
  if (!(transcriber->window_seconds >= 1.0 && transcriber->window_seconds <= SR_MIDI_TOKENS_SEGMENT_SECONDS))
    transcriber->window_seconds = DEFAULT_WINDOW_SECONDS;
  /* The model learned the audio tokens of one codec: another one's tokens sound like noise to it. */
  const char *wanted = sr_translator_metadata (transcriber->translator, "sightread.codec");
  g_autofree char *codec_path = g_build_filename (models_folder, "codec.safetensors", NULL);
  g_autofree char *have = sr_model_file_fingerprint (codec_path);
  if (wanted != NULL && have != NULL && !g_str_equal (wanted, have))
    g_string_append_printf (notes, "%s%s/a2i.safetensors was trained on the audio tokens of codec %s, not of %s",
                            notes->len ? "; " : "", models_folder, wanted, have);
  if (notice != NULL)
    *notice = notes->len ? g_strdup (notes->str) : NULL;
  return transcriber;
}

gboolean
sr_transcribe_is_silent (const float *samples, gsize frames)
{
  double sum = 0;
  for (gsize i = 0; i < frames; i++)
    sum += (double) samples[i] * samples[i];
  return frames == 0 || sqrt (sum / (double) frames) < SILENT_RMS;
}

/* WINDOW_STEPS codec steps from CODES read into the MIDI tokenizer's ids (a GArray of guint16); NULL with MESSAGE
 * set when the model fails. *CUT tells whether the reading reached its length limit. */
static GArray *
read_window (SrTranscriber *transcriber, const int32_t *codes, int window_steps, gboolean *cut,
             char message[SR_MESSAGE_SIZE])
{
  const SrTranslatorConfig *config = sr_translator_config (transcriber->translator);
  int limit = MIN (TOKENS_PER_FRAME * window_steps + TOKENS_EXTRA, config->max_positions);
  g_autofree int32_t *tokens = g_new (int32_t, (gsize) window_steps * SR_VOCAB_CODEBOOKS);
  g_autofree int32_t *positions = g_new (int32_t, window_steps);
  for (int s = 0; s < window_steps; s++)
    {
      for (int k = 0; k < SR_VOCAB_CODEBOOKS; k++)
        tokens[s * SR_VOCAB_CODEBOOKS + k] = SR_VOCAB_AUDIO_CODE (k, codes[s * SR_VOCAB_CODEBOOKS + k]);
      positions[s] = s;
    }
  SrTranslatorState *state = sr_translator_state_new (transcriber->translator, window_steps, limit, message);
  if (state == NULL)
    return NULL;
  g_autofree int32_t *read = g_new (int32_t, limit);
  int count = sr_translator_encode (state, SR_MODALITY_AUDIO, SR_MODALITY_MIDI, tokens, positions, window_steps)
                ? sr_translator_read (state, NULL, NULL, read, limit) : -1;
  if (count < 0)
    {
      g_strlcpy (message, sr_translator_state_error (state), SR_MESSAGE_SIZE);
      sr_translator_state_free (state);
      return NULL;
    }
  sr_translator_state_free (state);
  *cut = count >= limit;
  GArray *segment = g_array_sized_new (FALSE, FALSE, sizeof (guint16), (guint) count);
  for (int i = 0; i < count; i++)
    {
      /* the masked logits allow MIDI tokens only; the unified block leaves out the tokenizer's PAD, EOS and UNK */
      guint16 id = (guint16) (read[i] - SR_VOCAB_MIDI_START + SR_VOCAB_MIDI_SPECIALS);
      g_array_append_val (segment, id);
    }
  return segment;
}

/* After a lost GPU: the same models on the CPU backend. */
static gboolean
fall_back_to_cpu (SrTranscriber *transcriber, char message[SR_MESSAGE_SIZE])
{
  sr_translator_free (transcriber->translator);
  sr_codec_free (transcriber->codec);
  sr_backend_free (transcriber->backend);
  transcriber->translator = NULL;
  transcriber->codec = NULL;
  transcriber->backend = sr_backend_open_cpu (0);
  return transcriber->backend != NULL && load_models (transcriber, message);
}

GArray *
sr_transcriber_run (SrTranscriber *transcriber, const float *samples, gsize frames, SrTranscribeSummary *summary,
                    GError **error)
{
  *summary = (SrTranscribeSummary) { .seconds = (double) frames / sr_codec_sample_rate (transcriber->codec) };
  if (sr_transcribe_is_silent (samples, frames))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _(SR_TRANSCRIBE_SILENT_MESSAGE));
      return NULL;
    }
  /* As training cut each system: brought to the codec's level as a whole, padded with silence to whole windows,
   * encoded in one pass, then read window by window. */
  int hop = sr_codec_hop (transcriber->codec);
  int window_steps = (int) lround (transcriber->window_seconds * sr_codec_sample_rate (transcriber->codec) / hop);
  gsize window_frames = (gsize) window_steps * (gsize) hop;
  guint n_windows = (guint) ((frames + window_frames - 1) / window_frames);
  g_autofree float *levelled = g_new0 (float, (gsize) n_windows * window_frames);
  sr_codec_level (samples, frames, levelled);
  char message[SR_MESSAGE_SIZE] = "";
  int32_t *codes = NULL;
  int steps = 0;
  gboolean encoded = sr_codec_encode (transcriber->codec, levelled, (gsize) n_windows * window_frames, &codes, &steps,
                                      message);
  if (!encoded && sr_backend_lost (transcriber->backend) && fall_back_to_cpu (transcriber, message))
    encoded = sr_codec_encode (transcriber->codec, levelled, (gsize) n_windows * window_frames, &codes, &steps,
                               message);
  if (!encoded)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the codec failed: %s"), message);
      return NULL;
    }
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint w = 0; w < n_windows; w++)
    {
      if (g_cancellable_set_error_if_cancelled (transcriber->cancellable, error))
        {
          free (codes);
          return NULL;
        }
      if (transcriber->progress != NULL)
        {
          g_autofree char *where = g_strdup_printf (_("window %u of %u"), w + 1, n_windows);
          transcriber->progress ((double) w / n_windows, where, transcriber->progress_data);
        }
      int first = (int) w * window_steps, count = MIN (window_steps, steps - first);
      gboolean cut = FALSE;
      GArray *segment = count > 0 ? read_window (transcriber, codes + (gsize) first * SR_VOCAB_CODEBOOKS, count, &cut,
                                                 message)
                                  : g_array_new (FALSE, FALSE, sizeof (guint16));
      if (segment == NULL && sr_backend_lost (transcriber->backend))
        {
          /* the codes are plain numbers: they stay valid on the CPU */
          if (fall_back_to_cpu (transcriber, message))
            segment = read_window (transcriber, codes + (gsize) first * SR_VOCAB_CODEBOOKS, count, &cut, message);
        }
      if (segment == NULL)
        {
          free (codes);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the transcription model failed: %s"), message);
          return NULL;
        }
      summary->windows++;
      summary->windows_cut += cut;
      g_ptr_array_add (segments, segment);
    }
  free (codes);
  if (transcriber->progress != NULL)
    transcriber->progress (1.0, NULL, transcriber->progress_data);
  SrMidiTokenConfig config = SR_MIDI_TOKEN_CONFIG_DEFAULT;
  GArray *notes = sr_midi_tokens_decode (&config, segments, transcriber->window_seconds, &summary->misplaced_tokens);
  /* Padding is silence the recording did not have: a note the model ends there ends with the recording. */
  for (guint i = 0; i < notes->len; i++)
    {
      SrNote *note = &g_array_index (notes, SrNote, i);
      note->offset = MIN (note->offset, summary->seconds);
    }
  for (guint i = notes->len; i-- > 0;)
    if (g_array_index (notes, SrNote, i).onset >= summary->seconds)
      g_array_remove_index (notes, i);
  return notes;
}
