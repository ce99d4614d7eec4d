/* Attention on the CPU: each thread takes whole (sequence, head) pairs and, for a block of queries at a time, has
 * OpenBLAS make the scores (Q·Kᵀ reads the head's columns in place through the leading dimension), applies the masks
 * and a vectorised softmax, and has OpenBLAS multiply by V straight into the head's columns of the output. OpenBLAS
 * runs single-threaded meanwhile: small products split over threads inside OpenBLAS measured slower (≈ 120 GFLOP/s
 * for 512×512×64 on two threads) than two such products side by side (≈ 90 each). Blocks bound the score memory
 * for long sequences. */
#include "cpu-backend.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "cpu-math.h"

enum { QUERY_BLOCK = 256 };

typedef struct {
  const SrAttention *attention;
  int64_t queries, width, heads, head_size, keys, capacity, block;
  float scale;
  float *scores;        /* block × keys per thread */
  float *chosen_rows;   /* [batch, heads, keys]: the probability query's softmax per head */
  int64_t pairs;        /* sequences × heads */
  int pieces;
} AttentionJob;

static void
mask_and_softmax (const AttentionJob *job, float *scores, int64_t rows, int64_t first, int64_t visible)
{
  const SrAttention *at = job->attention;
  for (int64_t r = 0; r < rows; r++)
    {
      float *row = scores + r * job->keys;
      int64_t seen = visible;
      if (at->causal && at->query_offset + first + r + 1 < seen)
        seen = at->query_offset + first + r + 1;
      for (int64_t j = seen; j < job->keys; j++)
        row[j] = -INFINITY;
      sr_cpu_softmax_row (row, job->keys);
    }
}

/* The pool runs one call per piece (range [piece, piece + 1)); each piece has its own slice of the scratch and its
 * share of the (sequence, head) pairs. */
static void
attend_pairs (void *context, int64_t piece, int64_t piece_end)
{
  const AttentionJob *job = context;
  const SrAttention *at = job->attention;
  float *scores = job->scores + piece * job->block * job->keys;
  int64_t begin = job->pairs * piece / job->pieces, end = job->pairs * (piece + 1) / job->pieces;
  for (int64_t pair = begin; pair < end; pair++)
    {
      int64_t b = pair / job->heads, h = pair % job->heads;
      int64_t visible = job->keys;
      if (at->key_lengths != NULL && cpu_i (at->key_lengths)[b] < visible)
        visible = cpu_i (at->key_lengths)[b] < 0 ? 0 : cpu_i (at->key_lengths)[b];
      const float *q = cpu_f (at->q) + b * job->queries * job->width + h * job->head_size;
      const float *k = cpu_f (at->k) + b * job->capacity * job->width + h * job->head_size;
      const float *v = cpu_f (at->v) + b * job->capacity * job->width + h * job->head_size;
      float *out = cpu_f (at->out) + b * job->queries * job->width + h * job->head_size;
      for (int64_t first = 0; first < job->queries; first += job->block)
        {
          int64_t rows = job->queries - first < job->block ? job->queries - first : job->block;
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) rows, (int) job->keys, (int) job->head_size,
                       job->scale, q + first * job->width, (int) job->width, k, (int) job->width, 0.0f, scores,
                       (int) job->keys);
          mask_and_softmax (job, scores, rows, first, visible);
          int64_t chosen = at->probability_query - first;
          if (job->chosen_rows != NULL && chosen >= 0 && chosen < rows)
            memcpy (job->chosen_rows + pair * job->keys, scores + chosen * job->keys,
                    (size_t) job->keys * sizeof *scores);
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) rows, (int) job->head_size, (int) job->keys,
                       1.0f, scores, (int) job->keys, v, (int) job->width, 0.0f, out + first * job->width,
                       (int) job->width);
        }
    }
}

bool
sr_cpu_attention (SrBackend *backend, const SrAttention *attention)
{
  SrCpuBackend *cpu = (SrCpuBackend *) backend;
  const SrTensor *q = attention->q;
  AttentionJob job = { attention, q->shape[1], q->shape[2], attention->heads, q->shape[2] / attention->heads,
                       attention->key_count, attention->k->shape[1] };
  job.block = job.queries < QUERY_BLOCK ? job.queries : QUERY_BLOCK;
  job.scale = attention->scale != 0 ? attention->scale : 1.0f / sqrtf ((float) job.head_size);
  int64_t pairs = q->shape[0] * job.heads;
  int threads = sr_thread_pool_size (cpu->pool);
  /* Small attention (a decoder step) is cheaper on one thread than the hand-over to two. */
  double work = (double) job.queries * (double) job.keys * (double) q->shape[2];
  bool side_by_side = pairs >= threads && threads > 1 && work >= 1 << 20;
  job.pairs = pairs;
  job.pieces = side_by_side ? threads : 1;
  size_t per_piece = (size_t) (job.block * job.keys);
  size_t chosen = attention->probabilities != NULL ? (size_t) (pairs * job.keys) : 0;
  float *scratch = sr_cpu_scratch (cpu, per_piece * (size_t) job.pieces + chosen);
  if (scratch == NULL)
    return sr_backend_fail (backend, "out of memory for %lld × %lld attention scores", (long long) job.block,
                            (long long) job.keys);
  job.scores = scratch;
  job.chosen_rows = chosen ? scratch + per_piece * (size_t) job.pieces : NULL;

  sr_parallel_for (cpu->pool, job.pieces, 1, attend_pairs, &job);

  if (job.chosen_rows != NULL)
    for (int64_t b = 0; b < q->shape[0]; b++)
      {
        float *average = cpu_f (attention->probabilities) + b * job.keys;
        memset (average, 0, (size_t) job.keys * sizeof *average);
        for (int64_t h = 0; h < job.heads; h++)
          for (int64_t j = 0; j < job.keys; j++)
            average[j] += job.chosen_rows[(b * job.heads + h) * job.keys + j] / (float) job.heads;
      }
  return true;
}
