/* The OMR task; see omr.h. */
#include "omr.h"

#include <glib/gi18n.h>
#include <string.h>

#include "backend.h"
#include "models-folder.h"
#include "lmx-reading-loops.h"
#include "page-analysis.h"
#include "rqvae.h"
#include "translator.h"

/* As train_translator.reading_limit: 16 LMX tokens an image column, and some. */
#define TOKENS_PER_COLUMN 16
#define TOKENS_EXTRA 32
/* crop pixels per image token, each way: the RQVAE's downsampling */
#define CELL_PIXELS 16.0

struct _SrOmrReader {
  SrBackend *backend;
  SrRqvae *rqvae;
  SrTranslator *translator;
  char *models_folder;
  char *notice;
  SrProgressFunc progress;
  gpointer progress_data;
  guint pages_planned, pages_done;
  GCancellable *cancellable;
  SrOmrSystemFunc system_read;
  gpointer system_read_data;
};

void
sr_omr_reader_set_system_callback (SrOmrReader *reader, SrOmrSystemFunc func, gpointer user_data)
{
  reader->system_read = func;
  reader->system_read_data = user_data;
}

void
sr_omr_reader_set_cancellable (SrOmrReader *reader, GCancellable *cancellable)
{
  g_set_object (&reader->cancellable, cancellable);
}

void
sr_omr_reader_set_progress (SrOmrReader *reader, guint n_pages, SrProgressFunc func, gpointer user_data)
{
  reader->progress = func;
  reader->progress_data = user_data;
  reader->pages_planned = MAX (n_pages, 1u);
  reader->pages_done = 0;
}

/* DONE of TOTAL systems of the page being read. */
static void
report_progress (SrOmrReader *reader, guint done, guint total)
{
  if (reader->progress == NULL)
    return;
  double page_share = total > 0 ? (double) done / total : 1.0;
  g_autofree char *where = g_strdup_printf (_("page %u of %u, system %u of %u"),
                                            MIN (reader->pages_done + 1, reader->pages_planned),
                                            reader->pages_planned, MIN (done + 1, total), total);
  reader->progress ((reader->pages_done + page_share) / reader->pages_planned, where, reader->progress_data);
}

void
sr_omr_reader_free (SrOmrReader *reader)
{
  if (reader == NULL)
    return;
  sr_translator_free (reader->translator);
  sr_rqvae_free (reader->rqvae);
  sr_backend_free (reader->backend);
  g_free (reader->models_folder);
  g_free (reader->notice);
  g_clear_object (&reader->cancellable);
  g_free (reader);
}

/* The RQVAE and the I2A translator of the reader's folder on its backend; FALSE with MESSAGE set. */
static gboolean
load_models (SrOmrReader *reader, char message[SR_MESSAGE_SIZE])
{
  g_autofree char *rqvae_path = g_build_filename (reader->models_folder, "rqvae.safetensors", NULL);
  g_autofree char *i2a_path = g_build_filename (reader->models_folder, "i2a.safetensors", NULL);
  return (reader->rqvae = sr_rqvae_load (reader->backend, rqvae_path, message)) != NULL
         && (reader->translator = sr_translator_load (reader->backend, i2a_path, message)) != NULL;
}

SrOmrReader *
sr_omr_reader_new (const SrDeviceChoice *device, const char *models_folder, char **notice, GError **error)
{
  g_autoptr(GString) notes = g_string_new (NULL);
  char message[SR_MESSAGE_SIZE];
  SrOmrReader *reader = g_new0 (SrOmrReader, 1);
  reader->models_folder = g_strdup (models_folder);
  reader->backend = sr_backend_open (device, message);
  if (message[0] != '\0')
    g_string_append (notes, message);
  if (reader->backend == NULL || !load_models (reader, message))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, reader->backend ? message
                                                                                 : _("no compute backend"));
      sr_omr_reader_free (reader);
      return NULL;
    }
  /* The translator learned the image tokens of one RQVAE: another one's tokens read as noise. */
  const char *wanted = sr_translator_metadata (reader->translator, "sightread.rqvae");
  g_autofree char *rqvae_path = g_build_filename (models_folder, "rqvae.safetensors", NULL);
  g_autofree char *have = sr_model_file_fingerprint (rqvae_path);
  if (wanted != NULL && have != NULL && !g_str_equal (wanted, have))
    g_string_append_printf (notes, "%s%s/i2a.safetensors was trained on the image tokens of RQVAE %s, not of %s",
                            notes->len ? "; " : "", models_folder, wanted, have);
  if (notice != NULL)
    *notice = notes->len ? g_strdup (notes->str) : NULL;
  return reader;
}

char *
sr_omr_reader_take_notice (SrOmrReader *reader)
{
  return g_steal_pointer (&reader->notice);
}

/* After a lost GPU: the same models on the CPU backend. */
static gboolean
fall_back_to_cpu (SrOmrReader *reader, GError **error)
{
  g_autofree char *lost = g_strdup (sr_backend_device_name (reader->backend));
  sr_translator_free (reader->translator);
  sr_rqvae_free (reader->rqvae);
  sr_backend_free (reader->backend);
  reader->translator = NULL;
  reader->rqvae = NULL;
  reader->backend = sr_backend_open_cpu (0);
  char message[SR_MESSAGE_SIZE] = "";
  if (reader->backend == NULL || !load_models (reader, message))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s was lost, and the CPU backend could not take over: %s"),
                   lost, message);
      return FALSE;
    }
  g_free (reader->notice);
  reader->notice = g_strdup_printf (_("%s was lost; reading goes on with the CPU backend"), lost);
  return TRUE;
}

void
sr_omr_system_copy (const SrOmrSystem *system, SrOmrSystem *copy)
{
  *copy = *system;
  copy->lmx = system->lmx != NULL ? g_array_copy (system->lmx) : NULL;
  copy->focus = system->focus != NULL ? g_array_copy (system->focus) : NULL;
  if (system->crop != NULL)
    {
      copy->crop = sr_gray_image_new (system->crop->width, system->crop->height);
      memcpy (copy->crop->pixels, system->crop->pixels, (gsize) system->crop->width * system->crop->height);
    }
}

void
sr_omr_system_clear (gpointer data)
{
  SrOmrSystem *system = data;
  g_clear_pointer (&system->lmx, g_array_unref);
  g_clear_pointer (&system->focus, g_array_unref);
  g_clear_pointer (&system->crop, sr_gray_image_free);
}

/* The page rectangle of the source cell ATTENTION (one weight per source step, column by column) weighs most. */
static void
focus_of (const SrOmrSystem *system, const float *attention, int steps, SrOmrFocus *focus)
{
  if (attention == NULL)
    return;
  int best = 0;
  for (int s = 1; s < steps; s++)
    if (attention[s] > attention[best])
      best = s;
  /* a cell is 16 × 16 crop pixels; page = origin + crop / scale */
  double cell = CELL_PIXELS / system->placement.scale;
  int column = best / system->grid_rows, row = best % system->grid_rows;
  focus->box = (SrPageBox) { system->placement.origin_x + column * cell, system->placement.origin_y + row * cell, cell,
                             cell };
  focus->weight = attention[best];
}

/* Reads one normalised crop into SYSTEM->lmx and SYSTEM->focus. */
static gboolean
read_crop (SrOmrReader *reader, const SrGrayImage *crop, SrOmrSystem *system, GError **error)
{
  char message[SR_MESSAGE_SIZE];
  int32_t *codes = NULL;
  if (!sr_rqvae_encode (reader->rqvae, crop->pixels, crop->height, crop->width, &codes, &system->grid_rows,
                        &system->grid_columns, message))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, message);
      return FALSE;
    }
  int steps = system->grid_rows * system->grid_columns;
  g_autofree int32_t *tokens = g_new (int32_t, steps * SR_VOCAB_CODEBOOKS);
  g_autofree int32_t *positions = g_new (int32_t, steps * 2);
  for (int s = 0; s < steps; s++)
    {
      for (int k = 0; k < SR_VOCAB_CODEBOOKS; k++)
        tokens[s * SR_VOCAB_CODEBOOKS + k] = SR_VOCAB_IMAGE_CODE (k, codes[s * SR_VOCAB_CODEBOOKS + k]);
      positions[2 * s] = s / system->grid_rows;     /* column */
      positions[2 * s + 1] = s % system->grid_rows; /* row */
    }
  free (codes);
  const SrTranslatorConfig *config = sr_translator_config (reader->translator);
  int limit = MIN (TOKENS_PER_COLUMN * system->grid_columns + TOKENS_EXTRA, config->max_positions);
  SrTranslatorState *state = sr_translator_state_new (reader->translator, steps, limit, message);
  gboolean ok = state != NULL && sr_translator_encode (state, SR_MODALITY_IMAGE, SR_MODALITY_LMX, tokens, positions,
                                                       steps);
  if (ok)
    sr_translator_watch_layer (state, config->decoder_layers - 1);
  system->lmx = g_array_new (FALSE, FALSE, sizeof (guint16));
  system->focus = g_array_new (FALSE, FALSE, sizeof (SrOmrFocus));
  int32_t previous[SR_VOCAB_CODEBOOKS] = { SR_VOCAB_SOS (SR_MODALITY_LMX) };
  gboolean ended = FALSE;
  for (int t = 0; ok && t < limit && !ended; t++)
    {
      if (g_cancellable_set_error_if_cancelled (reader->cancellable, error))
        {
          sr_translator_state_free (state);
          return FALSE;
        }
      int32_t position[2] = { t, 0 }, chosen[SR_VOCAB_CODEBOOKS];
      ok = sr_translator_step (state, previous, position, NULL, NULL, chosen);
      ended = ok && (chosen[0] < 0 || chosen[0] == SR_VOCAB_EOS (SR_MODALITY_LMX));
      if (!ok || ended)
        break;
      guint16 id = (guint16) (chosen[0] - SR_VOCAB_LMX_START); /* the masked logits allow LMX tokens only */
      g_array_append_val (system->lmx, id);
      g_array_append_val (system->focus, (SrOmrFocus) { 0 });
      focus_of (system, sr_translator_attention (state), steps,
                &g_array_index (system->focus, SrOmrFocus, system->focus->len - 1));
      memcpy (previous, chosen, sizeof previous);
      /* fallen into a loop: what came before the loop's second time is the reading */
      guint keep = sr_lmx_reading_keep ((const guint16 *) (gpointer) system->lmx->data, system->lmx->len);
      if (keep < system->lmx->len)
        {
          g_array_set_size (system->lmx, keep);
          g_array_set_size (system->focus, keep);
          ended = TRUE;
        }
    }
  if (!ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the reader failed: %s"),
                   state ? sr_translator_state_error (state) : message);
      sr_translator_state_free (state);
      return FALSE;
    }
  sr_translator_state_free (state);
  system->reached_limit = !ended;
  return TRUE;
}

/* Cuts BOX out of PAGE and reads it into *SYSTEM (whose page, skew, box and staff height the caller set); a GPU lost
 * on the way hands the work to the CPU. FALSE with an error when the box misses the page or the models fail. */
static gboolean
read_system (SrOmrReader *reader, const SrGrayImage *page, SrOmrSystem *system, GError **error)
{
  gboolean shrunk = FALSE;
  g_autoptr(SrGrayImage) crop = sr_system_image_normalize (page, &system->box, system->staff_height,
                                                           &system->placement, &shrunk);
  if (crop == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("the system at x %.0f, y %.0f lies outside page %u"),
                   system->box.x, system->box.y, system->page_index + 1);
      return FALSE;
    }
  g_autoptr(GError) failure = NULL;
  gboolean read = read_crop (reader, crop, system, &failure);
  if (!read && sr_backend_lost (reader->backend))
    {
      g_clear_error (&failure);
      read = fall_back_to_cpu (reader, &failure) && read_crop (reader, crop, system, &failure);
    }
  if (!read)
    g_propagate_error (error, g_steal_pointer (&failure));
  else
    system->crop = g_steal_pointer (&crop);
  return read;
}

static GArray *
new_systems (void)
{
  GArray *systems = g_array_new (FALSE, TRUE, sizeof (SrOmrSystem));
  g_array_set_clear_func (systems, sr_omr_system_clear);
  return systems;
}

GArray *
sr_omr_read_page (SrOmrReader *reader, SrScoreDocument *document, guint page_index, GError **error)
{
  g_autoptr(SrPageAnalysis) analysis = sr_page_analyse (document, page_index, error);
  if (analysis == NULL)
    return NULL;
  GArray *detected = analysis->systems;
  g_autoptr(GArray) systems = new_systems ();
  for (guint i = 0; i < detected->len; i++)
    {
      report_progress (reader, i, detected->len);
      const SrDetectedSystem *found = &g_array_index (detected, SrDetectedSystem, i);
      SrOmrSystem system = { page_index, analysis->skew_degrees, found->box, found->staff_height };
      g_autoptr(GError) failure = NULL;
      if (!read_system (reader, analysis->page, &system, &failure))
        {
          /* A detected box always lies on its page: only the models can fail here. */
          sr_omr_system_clear (&system);
          g_propagate_error (error, g_steal_pointer (&failure));
          return NULL;
        }
      g_array_append_val (systems, system);
      if (reader->system_read != NULL)
        reader->system_read (&g_array_index (systems, SrOmrSystem, systems->len - 1), reader->system_read_data);
    }
  report_progress (reader, detected->len, detected->len);
  reader->pages_done++;
  return g_steal_pointer (&systems);
}

GArray *
sr_omr_read_boxes (SrOmrReader *reader, SrScoreDocument *document, const GArray *boxes, GError **error)
{
  g_autoptr(GArray) systems = new_systems ();
  g_autoptr(SrGrayImage) page = NULL;
  guint page_loaded = G_MAXUINT;
  for (guint i = 0; i < boxes->len; i++)
    {
      if (reader->progress != NULL)
        {
          g_autofree char *where = g_strdup_printf (_("system %u of %u"), i + 1, boxes->len);
          reader->progress ((double) i / boxes->len, where, reader->progress_data);
        }
      const SrSystemBox *request = &g_array_index (boxes, SrSystemBox, i);
      if (request->page_index != page_loaded)
        {
          g_clear_pointer (&page, sr_gray_image_free);
          double scale = sr_score_document_get_native_scale (document, request->page_index);
          cairo_surface_t *surface = sr_score_document_render_page (document, request->page_index, scale, error);
          if (surface == NULL)
            return NULL;
          page = sr_gray_image_new_from_surface (surface);
          cairo_surface_destroy (surface);
          page_loaded = request->page_index;
        }
      SrOmrSystem system = { request->page_index, 0.0, request->box, request->staff_height };
      if (!read_system (reader, page, &system, error))
        {
          sr_omr_system_clear (&system);
          return NULL;
        }
      g_array_append_val (systems, system);
    }
  return g_steal_pointer (&systems);
}
