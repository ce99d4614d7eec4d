/* The score-image tokenizer at inference (../shared/specs/model.md §1.1), exactly the maths of
 * train/sightread_train/rqvae.py: a normalised system crop → a grid of 4 residual codes per 16×16 cell. */
#pragma once

#include "backend.h"

typedef struct SrRqvae SrRqvae;

SrRqvae *sr_rqvae_load (SrBackend *backend, const char *path, char message[SR_MESSAGE_SIZE]);
void sr_rqvae_free (SrRqvae *model);

/* Encodes a crop of HEIGHT × WIDTH grey pixels (0 black … 255 white; padded with paper to multiples of 16) into
 * *CODES: rows × columns cells, 4 codebook indices (0 … 1023) each, read column by column and top to bottom inside
 * a column (the order of the translator's image tokens). Free *CODES with free(). */
bool sr_rqvae_encode (SrRqvae *model, const uint8_t *pixels, int height, int width, int32_t **codes, int *rows,
                      int *columns, char message[SR_MESSAGE_SIZE]);
/* The picture a grid of codes stands for (the translator's image output, audio → image): CODES as sr_rqvae_encode
 * gives them (ROWS × COLUMNS cells, column by column) → *INK, (16·ROWS) × (16·COLUMNS) values row by row in the
 * model's units (0 paper … 1 ink; not clamped). Free *INK with free(). */
bool sr_rqvae_decode (SrRqvae *model, const int32_t *codes, int rows, int columns, float **ink,
                      char message[SR_MESSAGE_SIZE]);
