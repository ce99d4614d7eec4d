/* The compute engine's benchmarks on the shapes that matter for the models (ENVIRONMENT.md's anchor shapes):
 * each case runs on every given backend, and GEMM also on OpenBLAS called directly, so ratios come from one run. */
#pragma once

#include "backend.h"
#include "vocabulary.h"

typedef struct {
  const char *group;     /* "gemm", "attention", "conv", "norm" */
  const char *name;      /* e.g. "1024×1024×1024 fp32" */
  const char *backend;   /* "openblas", "cpu", "vulkan" */
  const char *device;
  double milliseconds;   /* median of the repetitions */
  double rate;           /* in UNIT */
  const char *unit;      /* "GFLOP/s" or "GB/s" */
} SrBenchResult;

typedef void (*SrBenchReport) (void *context, const SrBenchResult *result);

/* The translator at MODEL_PATH on each backend, reading SOURCE (image for I2A, audio for A2I): the encoder over
 * SOURCE_STEPS synthetic steps (an image as a grid of 4 rows), then DECODE_STEPS greedy decoder steps to the
 * direction's single-stream target (LMX, MIDI), and for I2A as many to audio (four codes a step through the
 * sub-decoder); reported per backend as "encoder" and "decode" in steps per second and image → audio as a real-time
 * factor. */
bool sr_bench_translator (const char *model_path, SrModality source, int source_steps, int decode_steps,
                          SrBackend *const *backends, int n_backends, SrBenchReport report, void *context,
                          char message[SR_MESSAGE_SIZE]);

/* The codec at MODEL_PATH on each backend: SECONDS of audio encoded, then its codes decoded, each once after a
 * warm-up; reported as real-time factors ("encode" matters to transcription, "decode" to playback). */
bool sr_bench_codec (const char *model_path, double seconds, SrBackend *const *backends, int n_backends,
                     SrBenchReport report, void *context, char message[SR_MESSAGE_SIZE]);

/* Loads every shipped model in MODELS_FOLDER (rqvae, codec, i2a, and a2i where the folder has it) on the first
 * backend and reports the process's
 * resident memory with them loaded ("MiB", beside issue 9's limit: 1.5 × their files + 200 MiB) and its peak. The
 * process's memory counts everything before it too, so it is measured first, and on one backend only. */
bool sr_bench_memory (const char *models_folder, SrBackend *const *backends, int n_backends, SrBenchReport report,
                      void *context, char message[SR_MESSAGE_SIZE]);

/* True when GROUP names a benchmark group. */
bool sr_bench_is_group (const char *group);
/* Runs GROUP's cases on BACKENDS (and OpenBLAS alone, for GEMM), reporting each result as it comes; false with
 * MESSAGE when a backend fails. */
bool sr_bench_run (const char *group, SrBackend *const *backends, int n_backends, SrBenchReport report,
                   void *context, char message[SR_MESSAGE_SIZE]);
