/* The reference backend; see reference-backend.h. Tensors are host arrays (fp16 widened to float on write, as the
 * CPU backend does), so that the two differ only in how they compute. */
#include "reference-backend.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend-private.h"
#include "half.h"

static float *
F (const SrTensor *t)
{
  return (float *) t->storage;
}

static int32_t *
I (const SrTensor *t)
{
  return (int32_t *) t->storage;
}

static void
ref_destroy (SrBackend *backend)
{
  free (backend);
}

static bool
ref_alloc (SrBackend *backend, SrTensor *t)
{
  t->storage = calloc (t->count, 4);
  return t->storage != NULL || sr_backend_fail (backend, "out of memory");
}

static void
ref_release (SrBackend *backend, SrTensor *t)
{
  free (t->storage);
}

static bool
ref_write (SrBackend *backend, SrTensor *t, const void *host)
{
  for (size_t i = 0; i < t->count; i++)
    if (t->dtype == SR_DTYPE_F16)
      F (t)[i] = sr_half_to_float (((const uint16_t *) host)[i]);
    else
      memcpy (F (t) + i, (const char *) host + 4 * i, 4);
  return true;
}

static bool
ref_read (SrBackend *backend, const SrTensor *t, void *host)
{
  for (size_t i = 0; i < t->count; i++)
    if (t->dtype == SR_DTYPE_F16)
      ((uint16_t *) host)[i] = sr_float_to_half (F (t)[i]);
    else
      memcpy ((char *) host + 4 * i, F (t) + i, 4);
  return true;
}

static bool
ref_sync (SrBackend *backend)
{
  return true;
}

static double
activate (SrActivation activation, double v)
{
  switch (activation)
    {
    case SR_ACTIVATION_GELU:
      return 0.5 * v * (1.0 + erf (v / sqrt (2.0)));
    case SR_ACTIVATION_SILU:
      return v / (1.0 + exp (-v));
    case SR_ACTIVATION_TANH:
      return tanh (v);
    default:
      return v;
    }
}

static bool
ref_gemm (SrBackend *backend, const SrGemm *g)
{
  const SrTensor *a = g->a, *b = g->b;
  int64_t ra = a->shape[a->dims - 2], ca = a->shape[a->dims - 1];
  int64_t rb = b->shape[b->dims - 2], cb = b->shape[b->dims - 1];
  int64_t m = g->transpose_a ? ca : ra, k = g->transpose_a ? ra : ca, n = g->transpose_b ? rb : cb;
  int64_t batch = (int64_t) a->count / (ra * ca);
  double alpha = g->alpha != 0 ? g->alpha : 1.0;
  for (int64_t z = 0; z < batch; z++)
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++)
        {
          double sum = 0;
          for (int64_t p = 0; p < k; p++)
            {
              double av = F (a)[z * ra * ca + (g->transpose_a ? p * ca + i : i * ca + p)];
              double bv = F (b)[(b->dims == 2 ? 0 : z * rb * cb) + (g->transpose_b ? j * cb + p : p * cb + j)];
              sum += av * bv;
            }
          sum = alpha * sum + (g->bias ? F (g->bias)[j] : 0.0);
          float *c = F (g->c) + z * m * n + i * n + j;
          *c = (float) ((g->accumulate ? *c : 0.0) + activate (g->activation, sum));
        }
  return true;
}

static bool
ref_attention (SrBackend *backend, const SrAttention *at)
{
  int64_t batch = at->q->shape[0], queries = at->q->shape[1], width = at->q->shape[2];
  int64_t heads = at->heads, dh = width / heads, keys = at->key_count, cap = at->k->shape[1];
  double scale = at->scale != 0 ? at->scale : 1.0 / sqrt ((double) dh);
  double *p = malloc ((size_t) keys * sizeof *p);
  if (at->probabilities)
    memset (at->probabilities->storage, 0, at->probabilities->count * 4);
  for (int64_t b = 0; b < batch; b++)
    for (int64_t h = 0; h < heads; h++)
      for (int64_t i = 0; i < queries; i++)
        {
          double largest = -INFINITY;
          for (int64_t j = 0; j < keys; j++)
            {
              bool masked = (at->key_lengths && j >= I (at->key_lengths)[b])
                            || (at->causal && j > at->query_offset + i);
              double s = -INFINITY;
              if (!masked)
                {
                  s = 0;
                  for (int64_t d = 0; d < dh; d++)
                    s += (double) F (at->q)[(b * queries + i) * width + h * dh + d]
                         * F (at->k)[(b * cap + j) * width + h * dh + d];
                  s *= scale;
                }
              p[j] = s;
              largest = s > largest ? s : largest;
            }
          double sum = 0;
          for (int64_t j = 0; j < keys; j++)
            {
              p[j] = largest == -INFINITY ? 0.0 : exp (p[j] - largest);
              sum += p[j];
            }
          for (int64_t j = 0; j < keys; j++)
            p[j] = sum > 0 ? p[j] / sum : 0.0;
          for (int64_t d = 0; d < dh; d++)
            {
              double o = 0;
              for (int64_t j = 0; j < keys; j++)
                o += p[j] * F (at->v)[(b * cap + j) * width + h * dh + d];
              F (at->out)[(b * queries + i) * width + h * dh + d] = (float) o;
            }
          if (at->probabilities && i == at->probability_query)
            for (int64_t j = 0; j < keys; j++)
              F (at->probabilities)[b * keys + j] += (float) (p[j] / (double) heads);
        }
  free (p);
  return true;
}

static bool
ref_conv (SrBackend *backend, const SrConv *cv)
{
  int spatial = cv->weight->dims - 2;
  const SrTensor *x = cv->x, *y = cv->y, *w = cv->weight;
  int64_t cin = x->shape[x->dims - spatial - 1], cout = y->shape[y->dims - spatial - 1];
  int64_t ih = spatial == 2 ? x->shape[x->dims - 2] : 1, iw = x->shape[x->dims - 1];
  int64_t oh = spatial == 2 ? y->shape[y->dims - 2] : 1, ow = y->shape[y->dims - 1];
  int64_t kh = spatial == 2 ? w->shape[2] : 1, kw = w->shape[w->dims - 1];
  int last = spatial - 1;
  int sh = spatial == 2 && cv->stride[0] ? cv->stride[0] : 1, sw = cv->stride[last] ? cv->stride[last] : 1;
  int ph = spatial == 2 ? cv->padding[0] : 0, pw = cv->padding[last];
  int dh = spatial == 2 && cv->dilation[0] ? cv->dilation[0] : 1, dw = cv->dilation[last] ? cv->dilation[last] : 1;
  int64_t batch = (int64_t) x->count / (cin * ih * iw);
  for (int64_t b = 0; b < batch; b++)
    for (int64_t co = 0; co < cout; co++)
      for (int64_t r = 0; r < oh; r++)
        for (int64_t c = 0; c < ow; c++)
          {
            double sum = cv->bias ? F (cv->bias)[co] : 0.0;
            for (int64_t ci = 0; ci < cin; ci++)
              for (int64_t a = 0; a < kh; a++)
                for (int64_t e = 0; e < kw; e++)
                  {
                    int64_t sr, sc;
                    if (!cv->transposed)
                      {
                        sr = r * sh - ph + a * dh;
                        sc = c * sw - pw + e * dw;
                      }
                    else
                      {
                        /* output (r, c) takes input (i, j) when i·s − p + a·d = r */
                        int64_t nr = r + ph - a * dh, nc = c + pw - e * dw;
                        if (nr < 0 || nc < 0 || nr % sh || nc % sw)
                          continue;
                        sr = nr / sh;
                        sc = nc / sw;
                      }
                    if (sr < 0 || sr >= ih || sc < 0 || sc >= iw)
                      continue;
                    double wv = cv->transposed ? F (w)[((ci * cout + co) * kh + a) * kw + e]
                                               : F (w)[((co * cin + ci) * kh + a) * kw + e];
                    sum += wv * F (x)[((b * cin + ci) * ih + sr) * iw + sc];
                  }
            F (y)[((b * cout + co) * oh + r) * ow + c] = (float) sum;
          }
  return true;
}

static void
normalise (const float *x, float *y, int64_t n, double eps, const float *gamma, const float *beta, int64_t per)
{
  double mean = 0, var = 0;
  for (int64_t j = 0; j < n; j++)
    mean += x[j];
  mean /= (double) n;
  for (int64_t j = 0; j < n; j++)
    var += (x[j] - mean) * (x[j] - mean);
  double inv = 1.0 / sqrt (var / (double) n + eps);
  for (int64_t j = 0; j < n; j++)
    {
      int64_t a = j / per; /* which gamma */
      y[j] = (float) ((x[j] - mean) * inv * (gamma ? gamma[a] : 1.0) + (beta ? beta[a] : 0.0));
    }
}

static bool
ref_layer_norm (SrBackend *backend, const SrTensor *x, const SrTensor *gamma, const SrTensor *beta, float eps,
                SrTensor *y)
{
  int64_t n = x->shape[x->dims - 1], rows = (int64_t) x->count / n;
  for (int64_t r = 0; r < rows; r++)
    normalise (F (x) + r * n, F (y) + r * n, n, eps, gamma ? F (gamma) : NULL, beta ? F (beta) : NULL, 1);
  return true;
}

static bool
ref_group_norm (SrBackend *backend, const SrTensor *x, int groups, const SrTensor *gamma, const SrTensor *beta,
                float eps, SrTensor *y)
{
  int64_t channels = x->shape[1], per = (int64_t) x->count / (x->shape[0] * channels);
  int64_t n = per * (channels / groups);
  for (int64_t g = 0; g < x->shape[0] * groups; g++)
    {
      int64_t c0 = (g % groups) * (channels / groups);
      normalise (F (x) + g * n, F (y) + g * n, n, eps, F (gamma) + c0, F (beta) + c0, per);
    }
  return true;
}

static bool
ref_softmax (SrBackend *backend, const SrTensor *x, SrTensor *y)
{
  int64_t n = x->shape[x->dims - 1], rows = (int64_t) x->count / n;
  for (int64_t r = 0; r < rows; r++)
    {
      const float *in = F (x) + r * n;
      double largest = -INFINITY, sum = 0;
      for (int64_t j = 0; j < n; j++)
        largest = in[j] > largest ? in[j] : largest;
      for (int64_t j = 0; j < n; j++)
        sum += largest == -INFINITY ? 0 : exp (in[j] - largest);
      for (int64_t j = 0; j < n; j++)
        F (y)[r * n + j] = largest == -INFINITY ? 0.0f : (float) (exp (in[j] - largest) / sum);
    }
  return true;
}

static bool
ref_activation (SrBackend *backend, SrActivation activation, const SrTensor *x, SrTensor *y)
{
  for (size_t i = 0; i < x->count; i++)
    F (y)[i] = (float) activate (activation, F (x)[i]);
  return true;
}

static bool
ref_snake (SrBackend *backend, const SrTensor *x, const SrTensor *alpha, SrTensor *y)
{
  int64_t steps = x->shape[x->dims - 1], channels = (int64_t) alpha->count;
  for (size_t i = 0; i < x->count; i++)
    {
      double a = F (alpha)[(int64_t) i / steps % channels], v = F (x)[i], s = sin (a * v);
      F (y)[i] = (float) (v + s * s / (a + 1e-9));
    }
  return true;
}

static bool
ref_binary (SrBackend *backend, SrBinaryOp op, const SrTensor *a, const SrTensor *b, SrTensor *y)
{
  int64_t n = a->shape[a->dims - 1];
  bool whole = b->count == a->count && b->shape[b->dims - 1] == n, row = b->count == (size_t) n;
  for (size_t i = 0; i < a->count; i++)
    {
      double bv = F (b)[whole ? (int64_t) i : row ? (int64_t) i % n : (int64_t) i / n];
      F (y)[i] = (float) (op == SR_BINARY_ADD ? F (a)[i] + bv : F (a)[i] * bv);
    }
  return true;
}

static bool
ref_embed_sum (SrBackend *backend, const SrTensor *table, const SrTensor *ids, SrTensor *y)
{
  int64_t books = ids->shape[ids->dims - 1], steps = (int64_t) ids->count / books, width = table->shape[1];
  for (int64_t t = 0; t < steps; t++)
    for (int64_t d = 0; d < width; d++)
      {
        double sum = 0;
        for (int64_t k = 0; k < books; k++)
          {
            int32_t id = I (ids)[t * books + k];
            if (id >= 0 && id < table->shape[0])
              sum += F (table)[(int64_t) id * width + d];
          }
        F (y)[t * width + d] = (float) sum;
      }
  return true;
}

static bool
ref_upsample2x (SrBackend *backend, const SrTensor *x, SrTensor *y)
{
  int64_t h = x->shape[x->dims - 2], w = x->shape[x->dims - 1], planes = (int64_t) x->count / (h * w);
  for (int64_t p = 0; p < planes; p++)
    for (int64_t r = 0; r < 2 * h; r++)
      for (int64_t c = 0; c < 2 * w; c++)
        F (y)[(p * 2 * h + r) * 2 * w + c] = F (x)[(p * h + r / 2) * w + c / 2];
  return true;
}

static bool
ref_nearest_code (SrBackend *backend, const SrTensor *x, const SrTensor *codebook, SrCodeMetric metric,
                  SrTensor *ids)
{
  int64_t d = codebook->shape[1], codes = codebook->shape[0], rows = (int64_t) x->count / d;
  for (int64_t r = 0; r < rows; r++)
    {
      double best = INFINITY;
      for (int64_t j = 0; j < codes; j++)
        {
          double score = 0;
          for (int64_t e = 0; e < d; e++)
            {
              double xv = F (x)[r * d + e], cv = F (codebook)[j * d + e];
              score += metric == SR_CODE_NEAREST_L2 ? (xv - cv) * (xv - cv) : -xv * cv;
            }
          if (score < best)
            {
              best = score;
              I (ids)[r] = (int32_t) j;
            }
        }
    }
  return true;
}

static bool
ref_top_k (SrBackend *backend, const SrTensor *x, int k, SrTensor *values, SrTensor *indices)
{
  int64_t n = x->shape[x->dims - 1], rows = (int64_t) x->count / n;
  for (int64_t r = 0; r < rows; r++)
    for (int i = 0; i < k; i++)
      {
        /* the i-th: the largest value not yet taken, lowest index first among equals */
        int64_t best = -1;
        for (int64_t j = 0; j < n; j++)
          {
            bool taken = false;
            for (int t = 0; t < i; t++)
              taken |= I (indices)[r * k + t] == j;
            if (!taken && (best < 0 || F (x)[r * n + j] > F (x)[r * n + best]))
              best = j;
          }
        I (indices)[r * k + i] = (int32_t) best;
        if (values)
          F (values)[r * k + i] = F (x)[r * n + best];
      }
  return true;
}

static bool
ref_copy_rows (SrBackend *backend, const SrTensor *src, SrTensor *dst, int64_t first_row)
{
  int64_t n = src->shape[src->dims - 1];
  for (size_t i = 0; i < src->count; i++)
    F (dst)[first_row * n + (int64_t) i] = F (src)[i];
  return true;
}

static const SrBackendOps reference_ops = {
  "reference", ref_destroy, ref_alloc, ref_release, ref_write, ref_read, ref_sync, ref_gemm, ref_attention,
  ref_conv, ref_layer_norm, ref_group_norm, ref_softmax, ref_activation, ref_snake, ref_binary, ref_embed_sum,
  ref_upsample2x, ref_nearest_code, ref_top_k, ref_copy_rows,
};

SrBackend *
sr_reference_backend_new (void)
{
  SrBackend *backend = calloc (1, sizeof *backend);
  if (backend != NULL)
    {
      backend->ops = &reference_ops;
      strcpy (backend->device_name, "plain reference");
    }
  return backend;
}
