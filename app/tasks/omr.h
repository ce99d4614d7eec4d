/* Reading a score image as notation (DESIGN §2): each detected system cut and normalised as in training, encoded by
 * the RQVAE into image tokens, read by the I2A translator into LMX. The models run on the compute backend the user
 * chose; this file knows nothing of how. */
#pragma once

#include <gio/gio.h>

#include "device-choice.h"
#include "progress.h"
#include "score-document.h"
#include "system-image.h"

G_BEGIN_DECLS

/* Where the reader looked while choosing a token: the source cell the last decoder layer's cross-attention weighed
 * most (averaged over heads), as a rectangle on the page, and that weight. */
typedef struct {
  SrPageBox box;
  float weight;
} SrOmrFocus;

typedef struct {
  guint page_index;
  double skew_degrees;       /* how far the page was turned: it was straightened first (deskew.h) */
  SrPageBox box;             /* page pixels, on the straightened page */
  double staff_height;
  SrCropPlacement placement; /* crop ↔ page, for the overlay */
  int grid_rows, grid_columns;
  GArray *lmx;               /* guint16 LMX token ids (as everywhere in notation/), in reading order (EOS dropped) */
  GArray *focus;             /* SrOmrFocus, one per token of LMX */
  gboolean reached_limit;    /* the reading stopped at the length limit, not at the model's end token */
  SrGrayImage *crop;         /* the normalised crop the models read (crop = (page - origin) × scale) */
} SrOmrSystem;

/* Frees what SYSTEM (an SrOmrSystem *) holds: the clear function of arrays of them. */
void sr_omr_system_clear (gpointer system);
/* *COPY holds copies of everything SYSTEM holds. */
void sr_omr_system_copy (const SrOmrSystem *system, SrOmrSystem *copy);

typedef struct _SrOmrReader SrOmrReader;

/* Loads MODELS_FOLDER/rqvae.safetensors and i2a.safetensors on the chosen device. NOTICE (may be NULL) receives a
 * line worth telling the user (a device that could not be used, weights of another RQVAE), or NULL. */
SrOmrReader *sr_omr_reader_new (const SrDeviceChoice *device, const char *models_folder, char **notice,
                                GError **error);
void sr_omr_reader_free (SrOmrReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrOmrReader, sr_omr_reader_free)
/* A line worth telling the user that reading has produced since the last call (the caller frees it), or NULL. */
char *sr_omr_reader_take_notice (SrOmrReader *reader);

/* FUNC (may be NULL) hears how far reading has come over the next N_PAGES pages read: the share done, and "page 2 of
 * 3, system 4 of 7". */
void sr_omr_reader_set_progress (SrOmrReader *reader, guint n_pages, SrProgressFunc func, gpointer user_data);

/* FUNC (may be NULL) hears of each system as soon as it is read, before the rest of its page: what plays while the
 * reader goes on. */
typedef void (*SrOmrSystemFunc) (const SrOmrSystem *system, gpointer user_data);
void sr_omr_reader_set_system_callback (SrOmrReader *reader, SrOmrSystemFunc func, gpointer user_data);

/* Reading stops within a decoding step once CANCELLABLE (may be NULL) is cancelled, with G_IO_ERROR_CANCELLED. */
void sr_omr_reader_set_cancellable (SrOmrReader *reader, GCancellable *cancellable);

/* The systems of page PAGE_INDEX, top to bottom, each read (an array of SrOmrSystem; free with g_array_unref). A
 * GPU lost on the way (a reset, a driver crash) is replaced by the CPU backend and the system read again; the
 * reader then has a notice to give (sr_omr_reader_take_notice). */
GArray *sr_omr_read_page (SrOmrReader *reader, SrScoreDocument *document, guint page_index, GError **error);

/* The systems at BOXES (SrSystemBox: page pixels of the page as it is, not straightened), each read, in the order
 * given — systems a user drew or corrected. A box outside its page is an error naming it. */
GArray *sr_omr_read_boxes (SrOmrReader *reader, SrScoreDocument *document, const GArray *boxes, GError **error);

/* sr_omr_read_page on a worker thread, the models loaded there from MODELS_FOLDER on DEVICE. PROGRESS (may be NULL)
 * is called in the caller's main context; cancelling CANCELLABLE stops the reading. */
void sr_omr_read_page_async (SrScoreDocument *document, guint page_index, const SrDeviceChoice *device,
                             const char *models_folder, SrProgressFunc progress, gpointer progress_data,
                             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* sr_omr_read_boxes on a worker thread (BOXES copied), as sr_omr_read_page_async; the same finish. */
void sr_omr_read_boxes_async (SrScoreDocument *document, const GArray *boxes, const SrDeviceChoice *device,
                              const char *models_folder, SrProgressFunc progress, gpointer progress_data,
                              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* The systems read (free with g_array_unref), or NULL with the error; *NOTICE (may be NULL) gets a line worth telling
 * the user (a device that could not be used), or NULL. */
GArray *sr_omr_read_page_finish (GAsyncResult *result, char **notice, GError **error);

G_END_DECLS
