/* The notation route of `perform`; see perform.h. */
#include "perform.h"

#include <glib/gi18n.h>

#include "lmx-delinearize.h"
#include "midi-notes.h"
#include "performance.h"
#include "reference-synth.h"

SrAudio *
sr_perform_lmx (const GArray *tokens, double tempo_scale, int rate, guint *n_notes, GArray **performed,
                GArray **note_tokens, GError **error)
{
  SrLmxDelinearizeOptions options = { NULL, 0, 0 };
  xmlDoc *score = sr_lmx_delinearize (tokens, &options, NULL);
  SrPerformanceOptions performance = SR_PERFORMANCE_OPTIONS_DEFAULT;
  performance.tempo_scale = tempo_scale;
  g_autoptr(SrMidiFile) midi = sr_performance_to_midi (score, &performance);
  if (note_tokens != NULL)
    {
      GArray *played = sr_performance_render (score, &performance);
      *note_tokens = g_array_sized_new (FALSE, FALSE, sizeof (gint64), played->len);
      for (guint i = 0; i < played->len; i++)
        {
          SrPerformedNote *note = &g_array_index (played, SrPerformedNote, i);
          gint64 token = sr_lmx_note_token (note->source);
          g_array_append_val (*note_tokens, token);
          note->source = NULL; /* the document goes below */
        }
      if (performed != NULL)
        *performed = played;
      else
        g_array_unref (played);
    }
  xmlFreeDoc (score);
  g_autoptr(GArray) notes = sr_midi_file_get_notes (midi, SR_MIDI_NOTES_SUSTAIN);
  if (n_notes != NULL)
    *n_notes = notes->len;
  if (notes->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the reading has no notes to play"));
      return NULL;
    }
  return sr_reference_synth_render ((const SrNote *) notes->data, notes->len, NULL, rate, error);
}

/* The spot of each performed note whose token was read with a focus: TOKENS are the systems' readings one after
 * another, in the order of SYSTEMS (SrOmrSystem arrays, a page each). */
static GArray *
spots_of (const GPtrArray *pages, const GArray *performed, const GArray *note_tokens)
{
  GArray *spots = g_array_new (FALSE, FALSE, sizeof (SrPerformedSpot));
  for (guint i = 0; i < performed->len; i++)
    {
      gint64 token = g_array_index (note_tokens, gint64, i);
      const SrPerformedNote *note = &g_array_index (performed, SrPerformedNote, i);
      for (guint p = 0; p < pages->len && token >= 0; p++)
        {
          const GArray *systems = pages->pdata[p];
          for (guint s = 0; s < systems->len && token >= 0; s++)
            {
              const SrOmrSystem *system = &g_array_index (systems, SrOmrSystem, s);
              if (token < system->lmx->len)
                {
                  SrPerformedSpot spot = { note->onset_seconds, note->offset_seconds, note->pitch, system->page_index,
                                           system->skew_degrees,
                                           g_array_index (system->focus, SrOmrFocus, (guint) token) };
                  g_array_append_val (spots, spot);
                }
              token -= system->lmx->len;
            }
        }
    }
  return spots;
}

/* What streaming keeps while systems are read: the readings so far, where the last one starts, how much sound was
 * handed on. */
typedef struct {
  GArray *tokens;        /* guint16, every system read so far */
  guint last_start;      /* where the last system's tokens start */
  guint systems;
  int rate;
  double tempo_scale;
  gsize handed;          /* frames given to SOUND */
  SrPerformSoundFunc sound;
  gpointer sound_data;
} Streaming;

static void
system_read (const SrOmrSystem *system, gpointer user_data)
{
  Streaming *streaming = user_data;
  streaming->last_start = streaming->tokens->len;
  g_array_append_vals (streaming->tokens, system->lmx->data, system->lmx->len);
  if (++streaming->systems < 2 || streaming->sound == NULL)
    return;
  /* The performance so far; before the first note of the newest system, nothing can change any more. */
  g_autoptr(GArray) performed = NULL, note_tokens = NULL;
  g_autoptr(SrAudio) audio = sr_perform_lmx (streaming->tokens, streaming->tempo_scale, streaming->rate, NULL, &performed, &note_tokens, NULL);
  if (audio == NULL)
    return;
  double first = G_MAXDOUBLE;
  for (guint i = 0; i < performed->len; i++)
    if (g_array_index (note_tokens, gint64, i) >= (gint64) streaming->last_start)
      first = MIN (first, g_array_index (performed, SrPerformedNote, i).onset_seconds);
  if (first == G_MAXDOUBLE)
    return; /* nothing read in it: wait for the next */
  gsize final = MIN ((gsize) (first * streaming->rate), audio->frames);
  if (final > streaming->handed)
    {
      streaming->sound (audio->samples + streaming->handed, final - streaming->handed, FALSE, streaming->sound_data);
      streaming->handed = final;
    }
}

SrAudio *
sr_perform_through_notation (SrOmrReader *reader, SrScoreDocument *document, guint only_page, int rate,
                             double tempo_scale, SrPerformSummary *summary, GArray **spots, SrPerformSoundFunc sound,
                             gpointer sound_data, GError **error)
{
  *summary = (SrPerformSummary) { 0 };
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr(GArray) tokens = g_array_new (FALSE, FALSE, sizeof (guint16));
  Streaming streaming = { g_array_new (FALSE, FALSE, sizeof (guint16)), 0, 0, rate, tempo_scale, 0, sound, sound_data };
  sr_omr_reader_set_system_callback (reader, system_read, &streaming);
  guint n_pages = sr_score_document_get_n_pages (document);
  for (guint p = 0; p < n_pages; p++)
    {
      if (only_page > 0 && p + 1 != only_page)
        continue;
      GArray *systems = sr_omr_read_page (reader, document, p, error);
      if (systems == NULL)
        {
          sr_omr_reader_set_system_callback (reader, NULL, NULL);
          g_array_unref (streaming.tokens);
          return NULL;
        }
      g_ptr_array_add (pages, systems);
      for (guint i = 0; i < systems->len; i++)
        {
          const SrOmrSystem *system = &g_array_index (systems, SrOmrSystem, i);
          g_array_append_vals (tokens, system->lmx->data, system->lmx->len);
          summary->systems++;
          summary->empty += system->lmx->len == 0;
        }
    }
  sr_omr_reader_set_system_callback (reader, NULL, NULL);
  g_array_unref (streaming.tokens);
  if (summary->systems == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("no systems were found to read"));
      return NULL;
    }
  g_autoptr(GArray) performed = NULL, note_tokens = NULL;
  SrAudio *audio = sr_perform_lmx (tokens, tempo_scale, rate, &summary->notes, spots != NULL ? &performed : NULL,
                                   spots != NULL ? &note_tokens : NULL, error);
  if (audio != NULL)
    summary->seconds = (double) audio->frames / rate;
  if (audio != NULL && sound != NULL && audio->frames > streaming.handed)
    sound (audio->samples + streaming.handed, audio->frames - streaming.handed, TRUE, sound_data);
  if (audio != NULL && spots != NULL)
    *spots = spots_of (pages, performed, note_tokens);
  return audio;
}
