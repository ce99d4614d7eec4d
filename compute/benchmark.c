/* The benchmarks; see benchmark.h. Each case is timed as the median of repetitions after one warm-up (which also
 * creates the Vulkan pipelines), each repetition ending in sr_backend_sync so that queued GPU work is counted. */
#include "benchmark.h"

#include "codec.h"
#include "rqvae.h"
#include "translator.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_REPETITIONS = 25 };
#define TIME_BUDGET_SECONDS 1.5

static double
now_seconds (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

typedef bool (*CaseRun) (void *state);

/* Median seconds of RUN, or a negative number when it failed. */
static double
time_case (CaseRun run, void *state)
{
  if (!run (state))
    return -1;
  double times[MAX_REPETITIONS];
  int count = 0;
  double started = now_seconds ();
  while (count < MAX_REPETITIONS && (count < 3 || now_seconds () - started < TIME_BUDGET_SECONDS))
    {
      double t0 = now_seconds ();
      if (!run (state))
        return -1;
      times[count++] = now_seconds () - t0;
    }
  qsort (times, (size_t) count, sizeof *times, compare_doubles);
  return times[count / 2];
}

static SrTensor *
random_tensor (SrBackend *backend, SrDType dtype, int dims, const int64_t *shape)
{
  SrTensor *tensor = sr_tensor_new (backend, dtype, dims, shape);
  if (tensor == NULL)
    return NULL;
  float *values = malloc (tensor->count * sizeof *values);
  if (values == NULL)
    {
      sr_tensor_free (tensor);
      return NULL;
    }
  unsigned state = 12345;
  for (size_t i = 0; i < tensor->count; i++)
    {
      state = state * 1103515245u + 12345u;
      values[i] = (float) ((state >> 9) & 0xffff) / 65536.0f - 0.5f;
    }
  bool written = sr_tensor_write_f32 (tensor, values);
  free (values);
  if (!written)
    {
      sr_tensor_free (tensor);
      return NULL;
    }
  return tensor;
}

/* ---- GEMM ---- */

typedef struct {
  SrBackend *backend;
  SrGemm gemm;
  float *a, *b, *c; /* OpenBLAS's own case */
  int m, n, k;
  int per_sync; /* GEMMs queued before each sync */
} GemmState;

static bool
run_gemm (void *data)
{
  GemmState *s = data;
  for (int i = 0; i < s->per_sync; i++)
    if (!sr_gemm (s->backend, &s->gemm))
      return false;
  return sr_backend_sync (s->backend);
}

static bool
run_openblas (void *data)
{
  GemmState *s = data;
  /* OpenBLAS at its best, on every core (the CPU backend keeps it on one and splits the work itself) */
  int threads = openblas_get_num_threads ();
  openblas_set_num_threads (openblas_get_num_procs ());
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, s->m, s->n, s->k, 1.0f, s->a, s->k, s->b, s->n, 0.0f, s->c,
               s->n);
  openblas_set_num_threads (threads);
  return true;
}

typedef struct {
  const char *group;
  SrBackend *const *backends;
  int n_backends;
  SrBenchReport report;
  void *context;
  char *message;
} Run;

static void
emit (Run *run, const char *name, const char *backend, const char *device, double seconds, double work,
      const char *unit)
{
  SrBenchResult result = { run->group, name, backend, device, seconds * 1e3, work / seconds * 1e-9, unit };
  run->report (run->context, &result);
}

static bool
failed (Run *run, SrBackend *backend, const char *name)
{
  snprintf (run->message, SR_MESSAGE_SIZE, "%s on %s: %s", name, sr_backend_name (backend),
            sr_backend_error (backend));
  return false;
}

/* With MOST_PER_SYNC > 1, a backend that does the GEMM in under 25 ms gets up to that many queued before each sync
 * (as a forward pass is recorded whole, not synced after each GEMM): a GPU's sync round trip then no longer counts
 * against its kernel, and a slow device (lavapipe) still syncs after each. */
static bool
bench_gemm_case (Run *run, int m, int k, int n, SrDType b_type, bool transpose_b, bool with_openblas,
                 int most_per_sync)
{
  char name[96];
  snprintf (name, sizeof name, "%d×%d×%d%s%s", m, k, n, b_type == SR_DTYPE_F16 ? " fp16 B" : " fp32",
            transpose_b ? ", B transposed" : "");
  double flops = 2.0 * m * n * k;
  if (with_openblas)
    {
      GemmState s = { .m = m, .n = n, .k = k };
      s.a = malloc (sizeof (float) * (size_t) m * k);
      s.b = malloc (sizeof (float) * (size_t) k * n);
      s.c = malloc (sizeof (float) * (size_t) m * n);
      if (s.a && s.b && s.c)
        {
          for (size_t i = 0; i < (size_t) m * k; i++)
            s.a[i] = (float) (i % 17) * 0.01f;
          for (size_t i = 0; i < (size_t) k * n; i++)
            s.b[i] = (float) (i % 13) * 0.01f;
          double seconds = time_case (run_openblas, &s);
          emit (run, name, "openblas", "cblas_sgemm", seconds, flops, "GFLOP/s");
        }
      free (s.a), free (s.b), free (s.c);
    }
  for (int i = 0; i < run->n_backends; i++)
    {
      SrBackend *backend = run->backends[i];
      int64_t sa[2] = { m, k }, sb[2] = { transpose_b ? n : k, transpose_b ? k : n }, sc[2] = { m, n };
      GemmState s = { .backend = backend, .per_sync = 1 };
      SrTensor *a = random_tensor (backend, SR_DTYPE_F32, 2, sa), *b = random_tensor (backend, b_type, 2, sb);
      SrTensor *c = sr_tensor_new (backend, SR_DTYPE_F32, 2, sc);
      s.gemm = (SrGemm) { .a = a, .b = b, .c = c, .transpose_b = transpose_b };
      if (most_per_sync > 1 && a && b && c && run_gemm (&s)) /* the first run creates the pipelines */
        {
          double started = now_seconds ();
          if (run_gemm (&s))
            s.per_sync = (int) fmin (most_per_sync, fmax (1, 0.05 / (now_seconds () - started)));
        }
      double seconds = a && b && c ? time_case (run_gemm, &s) / s.per_sync : -1;
      sr_tensor_free (a), sr_tensor_free (b), sr_tensor_free (c);
      if (seconds < 0)
        return failed (run, backend, name);
      emit (run, name, sr_backend_name (backend), sr_backend_device_name (backend), seconds, flops, "GFLOP/s");
    }
  return true;
}

static bool
bench_gemm (Run *run)
{
  return bench_gemm_case (run, 1024, 1024, 1024, SR_DTYPE_F32, false, true, 1)
         && bench_gemm_case (run, 1024, 512, 1024, SR_DTYPE_F32, false, true, 1)
         && bench_gemm_case (run, 1024, 512, 1024, SR_DTYPE_F16, false, false, 1)
         && bench_gemm_case (run, 1024, 512, 1024, SR_DTYPE_F32, true, false, 1);
}

/* A discrete GPU's fp32 rate: the anchor shapes above are too small for one (their launch and sync overheads are
 * most of the time), so this is the shape its peak is judged on. Not in the default set: lavapipe takes minutes. */
static bool
bench_gemm_large (Run *run)
{
  return bench_gemm_case (run, 4096, 4096, 4096, SR_DTYPE_F32, false, true, 10)
         && bench_gemm_case (run, 4096, 4096, 4096, SR_DTYPE_F16, false, false, 10);
}

/* ---- attention ---- */

typedef struct {
  SrBackend *backend;
  SrAttention attention;
} AttentionState;

static bool
run_attention (void *data)
{
  AttentionState *s = data;
  return sr_attention (s->backend, &s->attention) && sr_backend_sync (s->backend);
}

static bool
bench_attention_case (Run *run, const char *name, int heads, int head_size, int queries, int keys, bool causal,
                      bool probabilities)
{
  /* the work of Q·Kᵀ and P·V; a causal mask halves what must be done but is counted whole, as is usual */
  double flops = 4.0 * heads * head_size * (double) queries * keys;
  for (int i = 0; i < run->n_backends; i++)
    {
      SrBackend *backend = run->backends[i];
      int64_t sq[3] = { 1, queries, heads * head_size }, sk[3] = { 1, keys, heads * head_size };
      int64_t sp[2] = { 1, keys };
      SrTensor *q = random_tensor (backend, SR_DTYPE_F32, 3, sq), *k = random_tensor (backend, SR_DTYPE_F32, 3, sk);
      SrTensor *v = random_tensor (backend, SR_DTYPE_F32, 3, sk), *out = sr_tensor_new (backend, SR_DTYPE_F32, 3, sq);
      SrTensor *p = probabilities ? sr_tensor_new (backend, SR_DTYPE_F32, 2, sp) : NULL;
      AttentionState s = { backend, { .q = q, .k = k, .v = v, .out = out, .probabilities = p, .heads = heads,
                                      .key_count = keys, .causal = causal,
                                      .query_offset = causal ? keys - queries : 0 } };
      double seconds = q && k && v && out ? time_case (run_attention, &s) : -1;
      sr_tensor_free (q), sr_tensor_free (k), sr_tensor_free (v), sr_tensor_free (out), sr_tensor_free (p);
      if (seconds < 0)
        return failed (run, backend, name);
      emit (run, name, sr_backend_name (backend), sr_backend_device_name (backend), seconds, flops, "GFLOP/s");
    }
  return true;
}

static bool
bench_attention (Run *run)
{
  return bench_attention_case (run, "8 heads × 64, 512 queries × 512 keys", 8, 64, 512, 512, false, false)
         && bench_attention_case (run, "8 heads × 64, decode step: 1 query × 1024 keys, heat map", 8, 64, 1, 1024,
                                  false, true)
         && bench_attention_case (run, "4 heads × 64, causal, 256 queries × 256 keys", 4, 64, 256, 256, true,
                                  false);
}

/* ---- convolutions ---- */

typedef struct {
  SrBackend *backend;
  SrConv conv;
} ConvState;

static bool
run_conv (void *data)
{
  ConvState *s = data;
  return sr_conv (s->backend, &s->conv) && sr_backend_sync (s->backend);
}

static bool
bench_conv_case (Run *run, const char *name, int dims, const int64_t *x_shape, const int64_t *w_shape,
                 const int64_t *y_shape, SrConv params, double flops)
{
  for (int i = 0; i < run->n_backends; i++)
    {
      SrBackend *backend = run->backends[i];
      SrTensor *x = random_tensor (backend, SR_DTYPE_F32, dims, x_shape);
      SrTensor *w = random_tensor (backend, SR_DTYPE_F16, dims, w_shape);
      SrTensor *y = sr_tensor_new (backend, SR_DTYPE_F32, dims, y_shape);
      ConvState s = { backend, params };
      s.conv.x = x, s.conv.weight = w, s.conv.y = y;
      double seconds = x && w && y ? time_case (run_conv, &s) : -1;
      sr_tensor_free (x), sr_tensor_free (w), sr_tensor_free (y);
      if (seconds < 0)
        return failed (run, backend, name);
      emit (run, name, sr_backend_name (backend), sr_backend_device_name (backend), seconds, flops, "GFLOP/s");
    }
  return true;
}

static bool
bench_conv (Run *run)
{
  int64_t x2[4] = { 1, 64, 128, 128 }, w2[4] = { 64, 64, 3, 3 };
  SrConv same2 = { .padding = { 1, 1 } };
  int64_t x1[3] = { 1, 64, 44100 }, w1[3] = { 64, 64, 7 };
  SrConv same1 = { .padding = { 9, 0 }, .dilation = { 3, 0 } };
  int64_t xt[3] = { 1, 128, 5513 }, wt[3] = { 128, 64, 16 }, yt[3] = { 1, 64, 44104 };
  SrConv up = { .transposed = true, .stride = { 8, 0 }, .padding = { 4, 0 } };
  return bench_conv_case (run, "conv2d 3×3, 64 → 64 channels at 128×128", 4, x2, w2, x2, same2,
                          2.0 * 64 * 64 * 9 * 128 * 128)
         && bench_conv_case (run, "conv1d k7 dilation 3, 64 → 64 channels over 44 100 steps", 3, x1, w1, x1, same1,
                             2.0 * 64 * 64 * 7 * 44100)
         && bench_conv_case (run, "transposed conv1d k16 stride 8, 128 → 64 channels, 5 513 → 44 104 steps", 3, xt,
                             wt, yt, up, 2.0 * 128 * 64 * 16 * 5513);
}

/* ---- normalisation ---- */

typedef struct {
  SrBackend *backend;
  SrTensor *x, *y, *gamma, *beta;
  int kind; /* 0 LayerNorm, 1 softmax, 2 GroupNorm */
} NormState;

static bool
run_norm (void *data)
{
  NormState *s = data;
  bool ok = s->kind == 0   ? sr_layer_norm (s->backend, s->x, s->gamma, s->beta, 1e-5f, s->y)
            : s->kind == 1 ? sr_softmax (s->backend, s->x, s->y)
                           : sr_group_norm (s->backend, s->x, 8, s->gamma, s->beta, 1e-5f, s->y);
  return ok && sr_backend_sync (s->backend);
}

static bool
bench_norm_case (Run *run, const char *name, int kind, int dims, const int64_t *shape, int64_t affine)
{
  for (int i = 0; i < run->n_backends; i++)
    {
      SrBackend *backend = run->backends[i];
      NormState s = { backend, random_tensor (backend, SR_DTYPE_F32, dims, shape),
                      sr_tensor_new (backend, SR_DTYPE_F32, dims, shape),
                      random_tensor (backend, SR_DTYPE_F32, 1, &affine),
                      random_tensor (backend, SR_DTYPE_F32, 1, &affine), kind };
      double seconds = s.x && s.y && s.gamma && s.beta ? time_case (run_norm, &s) : -1;
      double bytes = 2.0 * (double) (s.x ? s.x->count : 0) * 4;
      sr_tensor_free (s.x), sr_tensor_free (s.y), sr_tensor_free (s.gamma), sr_tensor_free (s.beta);
      if (seconds < 0)
        return failed (run, backend, name);
      emit (run, name, sr_backend_name (backend), sr_backend_device_name (backend), seconds, bytes, "GB/s");
    }
  return true;
}

static bool
bench_norm (Run *run)
{
  int64_t rows[2] = { 512, 1024 }, planes[4] = { 1, 128, 64, 256 };
  return bench_norm_case (run, "LayerNorm 512×1024", 0, 2, rows, 1024)
         && bench_norm_case (run, "softmax 512×1024", 1, 2, rows, 1024)
         && bench_norm_case (run, "GroupNorm 8 groups, 128 channels × 64×256", 2, 4, planes, 128);
}

/* ---- the translator ---- */

/* The source of the benchmark: synthetic codes of the model's source modality (for an image a grid of 4 rows). */
static void
synthetic_source (const SrTranslator *model, SrModality source, int steps, int32_t *tokens, int32_t *positions)
{
  for (int i = 0; i < steps; i++)
    {
      for (int k = 0; k < SR_VOCAB_CODEBOOKS; k++)
        {
          int code = (i * 37 + k * 101) % SR_VOCAB_CODEBOOK_SIZE;
          tokens[i * SR_VOCAB_CODEBOOKS + k] = source == SR_MODALITY_IMAGE ? SR_VOCAB_IMAGE_CODE (k, code)
                                                                          : SR_VOCAB_AUDIO_CODE (k, code);
        }
      if (source == SR_MODALITY_IMAGE)
        {
          positions[2 * i] = (i / 4) % sr_translator_config (model)->image_columns;
          positions[2 * i + 1] = i % 4;
        }
      else
        positions[i] = i;
    }
}

static bool
bench_translator_on (SrBackend *backend, const char *model_path, SrModality source, SrModality target,
                     int source_steps, int decode_steps, double *encoder_seconds, double *decode_seconds,
                     double *audio_seconds, char message[SR_MESSAGE_SIZE])
{
  SrTranslator *model = sr_translator_load (backend, model_path, message);
  if (model == NULL)
    return false;
  SrTranslatorState *state = sr_translator_state_new (model, source_steps, decode_steps, message);
  int32_t *tokens = malloc ((size_t) source_steps * SR_VOCAB_CODEBOOKS * sizeof *tokens);
  int32_t *positions = malloc ((size_t) source_steps * 2 * sizeof *positions);
  bool ok = state != NULL && tokens != NULL && positions != NULL;
  if (ok)
    synthetic_source (model, source, source_steps, tokens, positions);
  /* a warm-up encode (pipelines, buffer pool), then the median of five timed ones; the decoder steps are timed
   * together */
  ok = ok && sr_translator_encode (state, source, target, tokens, positions, source_steps);
  double encodes[5];
  for (int i = 0; ok && i < 5; i++)
    {
      double started = now_seconds ();
      ok = sr_translator_encode (state, source, target, tokens, positions, source_steps)
           && sr_backend_sync (backend);
      encodes[i] = now_seconds () - started;
    }
  qsort (encodes, 5, sizeof *encodes, compare_doubles);
  double t0 = 0, t1 = ok ? encodes[2] : 0;
  int32_t previous[SR_VOCAB_CODEBOOKS] = { SR_VOCAB_SOS (target) }, chosen[SR_VOCAB_CODEBOOKS];
  double decode_started = now_seconds ();
  for (int t = 0; ok && t < decode_steps; t++)
    {
      int32_t position[2] = { t, 0 };
      ok = sr_translator_step (state, previous, position, NULL, NULL, chosen);
      previous[0] = chosen[0] >= 0 ? chosen[0] : SR_VOCAB_PAD; /* an early EOS does not stop the measurement */
    }
  double t2 = now_seconds ();
  /* image → audio (I2A only): the same source, decoder steps of four codes each through the sub-decoder */
  if (audio_seconds != NULL)
    {
      ok = ok && sr_translator_encode (state, source, SR_MODALITY_AUDIO, tokens, positions, source_steps);
      double t3 = now_seconds ();
      int32_t step[SR_VOCAB_CODEBOOKS] = { SR_VOCAB_SOS (SR_MODALITY_AUDIO) };
      for (int t = 0; ok && t < decode_steps; t++)
        {
          int32_t position[2] = { t, 0 };
          ok = sr_translator_step (state, step, position, NULL, NULL, chosen);
          for (int k = 0; k < SR_VOCAB_CODEBOOKS; k++) /* an early end does not stop the measurement */
            step[k] = chosen[k] >= SR_VOCAB_AUDIO_CODE (k, 0) && chosen[k] < SR_VOCAB_AUDIO_CODE (k + 1, 0)
                        ? chosen[k] : SR_VOCAB_AUDIO_CODE (k, 0);
        }
      *audio_seconds = now_seconds () - t3;
    }
  if (!ok && state != NULL)
    snprintf (message, SR_MESSAGE_SIZE, "%s", sr_translator_state_error (state));
  *encoder_seconds = t1 - t0;
  *decode_seconds = t2 - decode_started;
  free (tokens);
  free (positions);
  sr_translator_state_free (state);
  sr_translator_free (model);
  return ok;
}

bool
sr_bench_translator (const char *model_path, SrModality source, int source_steps, int decode_steps,
                     SrBackend *const *backends, int n_backends, SrBenchReport report, void *context,
                     char message[SR_MESSAGE_SIZE])
{
  message[0] = '\0';
  Run run = { "translator", backends, n_backends, report, context, message };
  bool image = source == SR_MODALITY_IMAGE;
  SrModality target = image ? SR_MODALITY_LMX : SR_MODALITY_MIDI;
  char encoder_name[96], decode_name[96], audio_name[96];
  snprintf (encoder_name, sizeof encoder_name, "encoder, %d %s steps", source_steps, image ? "image" : "audio");
  snprintf (decode_name, sizeof decode_name, "decode to %s, %d steps, batch 1", image ? "LMX" : "MIDI",
            decode_steps);
  snprintf (audio_name, sizeof audio_name, "image → audio, %d steps of 4 codes (sub-decoder)", decode_steps);
  for (int i = 0; i < n_backends; i++)
    {
      double encoder_seconds, decode_seconds, audio_seconds;
      if (!bench_translator_on (backends[i], model_path, source, target, source_steps, decode_steps,
                                &encoder_seconds, &decode_seconds, image ? &audio_seconds : NULL, message))
        return false;
      const char *name = sr_backend_name (backends[i]), *device = sr_backend_device_name (backends[i]);
      /* rates in steps per second (emit scales by 1e-9) */
      emit (&run, encoder_name, name, device, encoder_seconds, source_steps * 1e9, "steps/s");
      emit (&run, decode_name, name, device, decode_seconds, decode_steps * 1e9, "steps/s");
      /* real-time factor: 86.13 audio steps make a second of sound (hop 512 at 44.1 kHz); codec decoding apart */
      if (image)
        emit (&run, audio_name, name, device, audio_seconds, decode_steps / (44100.0 / 512) * 1e9, "× real time");
    }
  return true;
}

/* ---- the codec ---- */

bool
sr_bench_codec (const char *model_path, double seconds, SrBackend *const *backends, int n_backends,
                SrBenchReport report, void *context, char message[SR_MESSAGE_SIZE])
{
  message[0] = '\0';
  Run run = { "codec", backends, n_backends, report, context, message };
  char encode_name[96], decode_name[96];
  snprintf (encode_name, sizeof encode_name, "encode, %.0f s of audio", seconds);
  snprintf (decode_name, sizeof decode_name, "decode, %.0f s of audio", seconds);
  for (int i = 0; i < n_backends; i++)
    {
      SrCodec *codec = sr_codec_load (backends[i], model_path, message);
      if (codec == NULL)
        return false;
      /* a chord with a little noise: the encoder's time does not depend on what it hears, only on how long */
      size_t samples = (size_t) (seconds * sr_codec_sample_rate (codec));
      float *pcm = malloc (samples * sizeof *pcm), *decoded = NULL;
      uint32_t noise = 1;
      for (size_t t = 0; pcm != NULL && t < samples; t++)
        {
          noise = noise * 1664525u + 1013904223u;
          double time = (double) t / sr_codec_sample_rate (codec);
          pcm[t] = (float) (0.1 * (sin (2 * M_PI * 220 * time) + sin (2 * M_PI * 277.2 * time))
                            + 0.01 * ((double) noise / 4294967296.0 - 0.5));
        }
      int32_t *codes = NULL, *warm_codes = NULL;
      int steps = 0, warm_steps = 0;
      bool ok = pcm != NULL;
      /* a warm-up second (pipelines, scratch memory), then the whole signal once each way */
      ok = ok && sr_codec_encode (codec, pcm, (size_t) sr_codec_sample_rate (codec), &warm_codes, &warm_steps,
                                  message);
      double started = now_seconds ();
      ok = ok && sr_codec_encode (codec, pcm, samples, &codes, &steps, message);
      double encoded = now_seconds ();
      decoded = ok ? malloc ((size_t) steps * (size_t) sr_codec_hop (codec) * sizeof *decoded) : NULL;
      ok = ok && decoded != NULL && sr_codec_decode (codec, codes, steps, decoded, message);
      double finished = now_seconds ();
      if (ok)
        {
          const char *name = sr_backend_name (backends[i]), *device = sr_backend_device_name (backends[i]);
          emit (&run, encode_name, name, device, encoded - started, seconds * 1e9, "× real time");
          emit (&run, decode_name, name, device, finished - encoded, seconds * 1e9, "× real time");
        }
      else if (message[0] == '\0')
        snprintf (message, SR_MESSAGE_SIZE, "codec: out of memory for %.0f s of audio", seconds);
      free (pcm), free (decoded), free (codes), free (warm_codes);
      sr_codec_free (codec);
      if (!ok)
        return false;
    }
  return true;
}

/* ---- memory ---- */

/* A field of /proc/self/status in kB (VmRSS, VmHWM), or -1. */
static long
status_kb (const char *field)
{
  FILE *status = fopen ("/proc/self/status", "r");
  char line[256];
  long value = -1;
  size_t length = strlen (field);
  while (status != NULL && fgets (line, sizeof line, status) != NULL)
    if (strncmp (line, field, length) == 0 && line[length] == ':')
      value = strtol (line + length + 1, NULL, 10);
  if (status != NULL)
    fclose (status);
  return value;
}

static long
file_size (const char *path)
{
  FILE *file = fopen (path, "rb");
  if (file == NULL)
    return -1;
  fseek (file, 0, SEEK_END);
  long size = ftell (file);
  fclose (file);
  return size;
}

bool
sr_bench_memory (const char *models_folder, SrBackend *const *backends, int n_backends, SrBenchReport report,
                 void *context, char message[SR_MESSAGE_SIZE])
{
  message[0] = '\0';
  char rqvae_path[4096], codec_path[4096], i2a_path[4096], a2i_path[4096];
  snprintf (rqvae_path, sizeof rqvae_path, "%s/rqvae.safetensors", models_folder);
  snprintf (codec_path, sizeof codec_path, "%s/codec.safetensors", models_folder);
  snprintf (i2a_path, sizeof i2a_path, "%s/i2a.safetensors", models_folder);
  snprintf (a2i_path, sizeof a2i_path, "%s/a2i.safetensors", models_folder);
  long a2i_bytes = file_size (a2i_path);
  bool with_a2i = a2i_bytes >= 0;
  long files = file_size (rqvae_path) + file_size (codec_path) + file_size (i2a_path) + (with_a2i ? a2i_bytes : 0);
  double limit_mib = 1.5 * (double) files / (1 << 20) + 200;
  for (int i = 0; i < n_backends && i < 1; i++)
    {
      SrRqvae *rqvae = sr_rqvae_load (backends[i], rqvae_path, message);
      SrCodec *codec = rqvae ? sr_codec_load (backends[i], codec_path, message) : NULL;
      SrTranslator *i2a = codec ? sr_translator_load (backends[i], i2a_path, message) : NULL;
      SrTranslator *a2i = i2a && with_a2i ? sr_translator_load (backends[i], a2i_path, message) : NULL;
      long rss = status_kb ("VmRSS"), peak = status_kb ("VmHWM");
      bool loaded = i2a != NULL && (a2i != NULL || !with_a2i);
      sr_translator_free (a2i);
      sr_translator_free (i2a);
      sr_codec_free (codec);
      sr_rqvae_free (rqvae);
      if (!loaded)
        return false;
      const char *name = sr_backend_name (backends[i]), *device = sr_backend_device_name (backends[i]);
      char label[128];
      snprintf (label, sizeof label, "resident with %s loaded (limit %.0f MiB)",
                with_a2i ? "rqvae, codec, i2a and a2i" : "rqvae, codec and i2a", limit_mib);
      SrBenchResult resident = { "memory", label, name, device, 0, rss / 1024.0, "MiB" };
      SrBenchResult highest = { "memory", "peak resident so far", name, device, 0, peak / 1024.0, "MiB" };
      report (context, &resident);
      report (context, &highest);
    }
  return true;
}

static const struct {
  const char *group;
  bool (*run) (Run *run);
} groups[] = {
  { "gemm", bench_gemm },
  { "gemm-large", bench_gemm_large },
  { "attention", bench_attention },
  { "conv", bench_conv },
  { "norm", bench_norm },
};

bool
sr_bench_is_group (const char *group)
{
  for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
    if (strcmp (groups[i].group, group) == 0)
      return true;
  return false;
}

bool
sr_bench_run (const char *group, SrBackend *const *backends, int n_backends, SrBenchReport report, void *context,
              char message[SR_MESSAGE_SIZE])
{
  message[0] = '\0';
  for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
    if (strcmp (groups[i].group, group) == 0)
      {
        Run run = { groups[i].group, backends, n_backends, report, context, message };
        return groups[i].run (&run);
      }
  snprintf (message, SR_MESSAGE_SIZE, "no benchmark '%s' (expected gemm, gemm-large, attention, conv or norm)",
            group);
  return false;
}
