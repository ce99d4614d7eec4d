/* The notation route of `perform`; see perform.h. */
#include "perform.h"

#include <glib/gi18n.h>

#include "lmx-delinearize.h"
#include "midi-notes.h"
#include "performance.h"
#include "reference-synth.h"

SrAudio *
sr_perform_lmx (const GArray *tokens, int rate, guint *n_notes, GError **error)
{
  SrLmxDelinearizeOptions options = { NULL, 0, 0 };
  xmlDoc *score = sr_lmx_delinearize (tokens, &options, NULL);
  SrPerformanceOptions performance = SR_PERFORMANCE_OPTIONS_DEFAULT;
  g_autoptr(SrMidiFile) midi = sr_performance_to_midi (score, &performance);
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

SrAudio *
sr_perform_through_notation (SrOmrReader *reader, SrScoreDocument *document, guint only_page, int rate,
                             SrPerformSummary *summary, GError **error)
{
  *summary = (SrPerformSummary) { 0 };
  g_autoptr(GArray) tokens = g_array_new (FALSE, FALSE, sizeof (guint16));
  guint n_pages = sr_score_document_get_n_pages (document);
  for (guint p = 0; p < n_pages; p++)
    {
      if (only_page > 0 && p + 1 != only_page)
        continue;
      g_autoptr(GArray) systems = sr_omr_read_page (reader, document, p, error);
      if (systems == NULL)
        return NULL;
      for (guint i = 0; i < systems->len; i++)
        {
          const SrOmrSystem *system = &g_array_index (systems, SrOmrSystem, i);
          g_array_append_vals (tokens, system->lmx->data, system->lmx->len);
          summary->systems++;
          summary->empty += system->lmx->len == 0;
        }
    }
  if (summary->systems == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("no systems were found to read"));
      return NULL;
    }
  SrAudio *audio = sr_perform_lmx (tokens, rate, &summary->notes, error);
  if (audio != NULL)
    summary->seconds = (double) audio->frames / rate;
  return audio;
}
