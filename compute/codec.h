/* The audio tokenizer at inference (../shared/specs/model.md §1.2), the maths of train/sightread_train/codec.py:
 * 44.1 kHz mono PCM ⇄ 4 residual codes per 512-sample step. Encoding and decoding also work on a range of steps with
 * enough neighbours around it that the result equals the same steps of a pass over the whole sequence: playback can
 * start before the last steps exist, and a long recording is encoded in bounded memory. */
#pragma once

#include "backend.h"

typedef struct SrCodec SrCodec;

SrCodec *sr_codec_load (SrBackend *backend, const char *path, char message[SR_MESSAGE_SIZE]);
void sr_codec_free (SrCodec *codec);
int sr_codec_hop (const SrCodec *codec);          /* samples per step: 512 */
int sr_codec_sample_rate (const SrCodec *codec);  /* 44 100 */
int sr_codec_codebook_size (const SrCodec *codec); /* 1024 */
/* Steps of context a range decode takes on each side (see sr_codec_decode_range). */
int sr_codec_decode_margin (const SrCodec *codec);

/* PCM brought to the level the codec learned (-20 dBFS RMS, peaks limited to ±1, near-silence below -70 dBFS left
 * as it is), as training did to each clip before encoding (normalize_loudness in codec.py). OUT may be PCM. */
void sr_codec_level (const float *pcm, size_t samples, float *out);
/* PCM (SAMPLES values at the codec's rate, already levelled: see sr_codec_level) → *CODES: *STEPS × 4 codebook
 * indices (0 … 1023); the last partial step is padded with silence. Free *CODES with free(). */
bool sr_codec_encode (SrCodec *codec, const float *pcm, size_t samples, int32_t **codes, int *steps,
                      char message[SR_MESSAGE_SIZE]);
/* Steps of context a range encode takes on each side (see sr_codec_encode_range). */
int sr_codec_encode_margin (const SrCodec *codec);
/* Steps FIRST … FIRST + COUNT of the encoding of PCM (SAMPLES values, levelled) → COUNT × 4 codes into CODES, the same
 * as those steps of one pass over all of PCM (to float rounding): the neighbours within the margin are encoded too.
 * sr_codec_encode works this way in chunks of a few seconds, so its memory does not grow with the recording. */
bool sr_codec_encode_range (SrCodec *codec, const float *pcm, size_t samples, int first, int count, int32_t *codes,
                            char message[SR_MESSAGE_SIZE]);
/* CODES (STEPS × 4) → STEPS × hop samples into PCM. */
bool sr_codec_decode (SrCodec *codec, const int32_t *codes, int steps, float *pcm, char message[SR_MESSAGE_SIZE]);
/* Steps FIRST … FIRST + COUNT of a sequence of TOTAL steps → COUNT × hop samples into PCM, the same as those samples
 * of sr_codec_decode over all TOTAL steps (to float rounding): the neighbours within the margin are decoded too. */
bool sr_codec_decode_range (SrCodec *codec, const int32_t *codes, int total, int first, int count, float *pcm,
                            char message[SR_MESSAGE_SIZE]);
