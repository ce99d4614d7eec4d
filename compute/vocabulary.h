/* The unified token space of the translation models (../shared/specs/model.md §2): index 0 is PAD, then SEP, a start
 * and an end token per modality, then one contiguous block per (modality, codebook). The Python side
 * (train/sightread_train/vocabulary.py) states the same numbers; tests/vocabulary.py checks that they agree.
 * The notation and MIDI blocks hold the tokenizers' own tokens shifted: LMX's 224 whole, MIDI's without its own
 * PAD, EOS and UNK (the start and end tokens here take their place). */
#pragma once

typedef enum {
  SR_MODALITY_IMAGE,
  SR_MODALITY_LMX,
  SR_MODALITY_MIDI,
  SR_MODALITY_AUDIO,
  SR_N_MODALITIES,
} SrModality;

#define SR_VOCAB_PAD 0
#define SR_VOCAB_SEP 1
#define SR_VOCAB_SOS(modality) (2 + 2 * (int) (modality))
#define SR_VOCAB_EOS(modality) (3 + 2 * (int) (modality))

#define SR_VOCAB_CODEBOOKS 4         /* image and audio steps carry 4 codes */
#define SR_VOCAB_CODEBOOK_SIZE 1024
#define SR_VOCAB_LMX_SIZE 224        /* SR_LMX_VOCABULARY_SIZE */
#define SR_VOCAB_MIDI_SPECIALS 3     /* the MIDI tokenizer's PAD, EOS, UNK: not carried over */
#define SR_VOCAB_MIDI_SIZE 2388      /* sr_midi_tokens_vocabulary_size (default) − SR_VOCAB_MIDI_SPECIALS */

#define SR_VOCAB_LMX_START 10
#define SR_VOCAB_MIDI_START (SR_VOCAB_LMX_START + SR_VOCAB_LMX_SIZE)
#define SR_VOCAB_IMAGE_START (SR_VOCAB_MIDI_START + SR_VOCAB_MIDI_SIZE)
#define SR_VOCAB_AUDIO_START (SR_VOCAB_IMAGE_START + SR_VOCAB_CODEBOOKS * SR_VOCAB_CODEBOOK_SIZE)
#define SR_VOCAB_SIZE (SR_VOCAB_AUDIO_START + SR_VOCAB_CODEBOOKS * SR_VOCAB_CODEBOOK_SIZE)

/* The first index of codebook K (0-based) of an image or audio step. */
#define SR_VOCAB_IMAGE_CODE(k, code) (SR_VOCAB_IMAGE_START + (k) * SR_VOCAB_CODEBOOK_SIZE + (code))
#define SR_VOCAB_AUDIO_CODE(k, code) (SR_VOCAB_AUDIO_START + (k) * SR_VOCAB_CODEBOOK_SIZE + (code))
