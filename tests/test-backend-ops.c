/* Every kernel of every available backend against the plain reference (tests/reference-backend.c), in the manner of
 * ggml's test-backend-ops: random operands on random shapes (odd sizes included), the same inputs on both, then the
 * normalised squared error ‖out − ref‖² / ‖ref‖² within a tolerance per kernel, and no NaN or Inf where the
 * reference has none. The CPU backend always runs; the Vulkan backend (lavapipe on CI) must open, or the Vulkan
 * cases fail: a machine without Vulkan is a broken test machine, not a reason to pass. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "backend.h"
#include "half.h"
#include "reference-backend.h"

enum { ROUNDS = 10 };

typedef struct {
  const char *name;
  SrBackend *(*open) (void);
} BackendUnderTest;

static SrBackend *reference;

typedef struct {
  SrTensor *ref, *dut;
} Pair;

static Pair
pair_new (SrBackend *dut, SrDType dtype, int dims, const int64_t *shape)
{
  Pair p = { sr_tensor_new (reference, dtype, dims, shape), sr_tensor_new (dut, dtype, dims, shape) };
  g_assert_nonnull (p.ref);
  if (p.dut == NULL)
    g_error ("%s", sr_backend_error (dut));
  return p;
}

static void
pair_free (Pair *p)
{
  sr_tensor_free (p->ref);
  sr_tensor_free (p->dut);
}

/* Uniform values in [-scale, scale], written to both; fp16 tensors get values exactly representable in fp16. */
static Pair
random_pair (SrBackend *dut, SrDType dtype, int dims, const int64_t *shape, double scale)
{
  Pair p = pair_new (dut, dtype, dims, shape);
  size_t n = p.ref->count;
  if (dtype == SR_DTYPE_F16)
    {
      g_autofree uint16_t *h = g_new (uint16_t, n);
      for (size_t i = 0; i < n; i++)
        h[i] = sr_float_to_half ((float) g_test_rand_double_range (-scale, scale));
      g_assert_true (sr_tensor_write (p.ref, h));
      g_assert_true (sr_tensor_write (p.dut, h));
    }
  else
    {
      g_autofree float *f = g_new (float, n);
      for (size_t i = 0; i < n; i++)
        f[i] = (float) g_test_rand_double_range (-scale, scale);
      g_assert_true (sr_tensor_write (p.ref, f));
      g_assert_true (sr_tensor_write (p.dut, f));
    }
  return p;
}

static Pair
ids_pair (SrBackend *dut, int dims, const int64_t *shape, int32_t below)
{
  Pair p = pair_new (dut, SR_DTYPE_I32, dims, shape);
  g_autofree int32_t *ids = g_new (int32_t, p.ref->count);
  for (size_t i = 0; i < p.ref->count; i++)
    ids[i] = g_test_rand_int_range (0, below);
  g_assert_true (sr_tensor_write (p.ref, ids));
  g_assert_true (sr_tensor_write (p.dut, ids));
  return p;
}

static int64_t
size_in (int low, int high)
{
  return g_test_rand_int_range (low, high + 1);
}

/* Checks the pair's float contents agree within TOLERANCE (normalised squared error). */
static void
assert_close (SrBackend *dut, const Pair *p, double tolerance, const char *what)
{
  g_assert_true (sr_backend_sync (dut));
  size_t n = p->ref->count;
  g_autofree float *want = g_new (float, n);
  g_autofree float *got = g_new (float, n);
  g_assert_true (sr_tensor_read_f32 (p->ref, want));
  if (!sr_tensor_read_f32 (p->dut, got))
    g_error ("%s: %s", what, sr_backend_error (dut));
  double error = 0, norm = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (isfinite (want[i]) && !isfinite (got[i]))
        g_error ("%s: element %zu is %g where the reference has %g", what, i, got[i], want[i]);
      error += ((double) got[i] - want[i]) * ((double) got[i] - want[i]);
      norm += (double) want[i] * want[i];
    }
  double nmse = norm > 0 ? error / norm : error;
  if (nmse > tolerance)
    g_error ("%s: normalised error %.3g above %.3g (%zu values)", what, nmse, tolerance, n);
}

static void
assert_ids_equal (SrBackend *dut, const Pair *p, const char *what)
{
  g_assert_true (sr_backend_sync (dut));
  g_autofree int32_t *want = g_new (int32_t, p->ref->count);
  g_autofree int32_t *got = g_new (int32_t, p->ref->count);
  g_assert_true (sr_tensor_read (p->ref, want));
  g_assert_true (sr_tensor_read (p->dut, got));
  for (size_t i = 0; i < p->ref->count; i++)
    if (want[i] != got[i])
      g_error ("%s: index %zu is %d where the reference has %d", what, i, got[i], want[i]);
}

#define RUN_BOTH(call_ref, call_dut) \
  do { g_assert_true (call_ref); if (!(call_dut)) g_error ("%s", sr_backend_error (dut)); } while (0)

/* ---- the cases ---- */

static void
gemm_cases (SrBackend *dut)
{
  for (int round = 0; round < 4 * ROUNDS; round++)
    {
      /* every fifth a row vector: the decoder step's matrix-vector path; every third (m ≥ 8) over several of the
       * GPU kernel's 64- or 128-wide tiles, ragged edges included, with its own mix of transposes and fp16 B and
       * mostly rows, inner sizes and columns in fours (the kernel reads four at a time along whichever dimension is
       * contiguous: rows of a transposed A, inner steps of a transposed B) */
      bool wide = round % 3 == 2 && round % 5 != 4;
      int w = round / 3;
      int64_t m = round % 5 == 4 ? 1 : wide ? size_in (8, 300) : size_in (1, 70);
      int64_t n = wide ? size_in (1, 300) : size_in (1, 90), k = wide ? size_in (1, 300) : size_in (1, 130);
      if (wide && w % 3 != 2)
        m = (m + 3) / 4 * 4, n = (n + 3) / 4 * 4, k = (k + 3) / 4 * 4;
      /* most row vectors with columns in fours: a GPU's split-inner-dimension kernel takes those */
      if (round % 5 == 4 && round % 3 != 0)
        n = (n + 3) / 4 * 4;
      int64_t batch = round % 3 == 0 || (wide && w % 4 == 0) ? 3 : 1;
      bool ta = wide ? w & 1 : round & 1, tb = wide ? (w >> 1) & 1 : (round >> 1) & 1, shared = round % 2 == 0;
      SrDType bt = (wide ? (w >> 2) & 1 : round % 4 == 3) ? SR_DTYPE_F16 : SR_DTYPE_F32;
      int64_t sa[3] = { batch, ta ? k : m, ta ? m : k }, sb[3] = { batch, tb ? n : k, tb ? k : n };
      int64_t sc[3] = { batch, m, n };
      int dims = batch > 1 ? 3 : 2;
      Pair a = random_pair (dut, SR_DTYPE_F32, dims, sa + 3 - dims, 1.0);
      int bdims = batch > 1 && !shared ? 3 : 2;
      Pair b = random_pair (dut, bt, bdims, sb + 3 - bdims, 1.0);
      Pair c = random_pair (dut, SR_DTYPE_F32, dims, sc + 3 - dims, 1.0);
      Pair bias = random_pair (dut, bt, 1, &n, 1.0);
      SrGemm g = { .transpose_a = ta, .transpose_b = tb, .accumulate = round % 5 == 1,
                   .activation = (SrActivation) (round % 4), .alpha = round % 7 == 2 ? 0.5f : 0.0f };
      SrGemm gr = g, gd = g;
      gr.a = a.ref, gr.b = b.ref, gr.c = c.ref, gr.bias = round % 3 ? bias.ref : NULL;
      gd.a = a.dut, gd.b = b.dut, gd.c = c.dut, gd.bias = round % 3 ? bias.dut : NULL;
      RUN_BOTH (sr_gemm (reference, &gr), sr_gemm (dut, &gd));
      assert_close (dut, &c, 1e-9, "gemm");
      pair_free (&a), pair_free (&b), pair_free (&c), pair_free (&bias);
    }
}

static void
attention_cases (SrBackend *dut)
{
  for (int round = 0; round < 2 * ROUNDS; round++)
    {
      /* head size 64 (the Vulkan kernel's two-queries-a-lane variant) with and without a causal mask and key
       * lengths, and the general kernel likewise */
      bool head64 = round % 4 == 1 || round % 4 == 2;
      int64_t batch = size_in (1, 2), heads = size_in (1, 4), dh = head64 ? 64 : size_in (1, 40);
      int64_t tq = round % 3 == 0 ? 1 : size_in (1, 37), capacity = size_in (1, 80);
      int64_t keys = size_in (1, (int) capacity), width = heads * dh;
      if (round == 4)
        /* a long cache with an odd head size: more inner steps than lavapipe lets one loop nest run */
        dh = 40, heads = 2, width = 80, capacity = 1800, keys = 1700, tq = 3;
      int64_t sq[3] = { batch, tq, width }, sk[3] = { batch, capacity, width }, sp[2] = { batch, keys };
      Pair q = random_pair (dut, SR_DTYPE_F32, 3, sq, 2.0), k = random_pair (dut, SR_DTYPE_F32, 3, sk, 2.0);
      Pair v = random_pair (dut, SR_DTYPE_F32, 3, sk, 1.0), out = pair_new (dut, SR_DTYPE_F32, 3, sq);
      Pair probabilities = pair_new (dut, SR_DTYPE_F32, 2, sp);
      Pair lengths = pair_new (dut, SR_DTYPE_I32, 1, &batch);
      int32_t length_values[2] = { (int32_t) size_in (1, (int) keys), (int32_t) keys };
      g_assert_true (sr_tensor_write (lengths.ref, length_values) && sr_tensor_write (lengths.dut, length_values));
      SrAttention at = { .heads = (int) heads, .key_count = (int) keys, .causal = round % 2 == 1,
                         .query_offset = round % 2 ? (int) size_in (0, (int) keys) : 0,
                         .probability_query = (int) size_in (0, (int) tq - 1) };
      SrAttention ar = at, ad = at;
      ar.q = q.ref, ar.k = k.ref, ar.v = v.ref, ar.out = out.ref, ar.probabilities = probabilities.ref;
      ad.q = q.dut, ad.k = k.dut, ad.v = v.dut, ad.out = out.dut, ad.probabilities = probabilities.dut;
      if (round % 4 == 2 || round % 4 == 0)
        ar.key_lengths = lengths.ref, ad.key_lengths = lengths.dut;
      RUN_BOTH (sr_attention (reference, &ar), sr_attention (dut, &ad));
      assert_close (dut, &out, 1e-9, "attention");
      assert_close (dut, &probabilities, 1e-9, "attention probabilities");
      pair_free (&q), pair_free (&k), pair_free (&v), pair_free (&out), pair_free (&probabilities);
      pair_free (&lengths);
    }
}

static void
conv_cases (SrBackend *dut)
{
  for (int round = 0; round < 4 * ROUNDS; round++)
    {
      bool two_d = round % 2, transposed = (round / 2) % 2;
      int64_t batch = size_in (1, 2), cin = size_in (1, 9), cout = size_in (1, 9);
      int64_t kh = two_d ? size_in (1, 4) : 1, kw = size_in (1, 7);
      int stride[2] = { (int) size_in (1, 3), (int) size_in (1, 3) };
      int dilation[2] = { transposed ? 1 : (int) size_in (1, 2), (int) size_in (1, 3) };
      int padding[2] = { (int) size_in (0, (int) kh - 1), (int) size_in (0, (int) kw - 1) };
      int output_padding[2] = { transposed ? (int) size_in (0, stride[0] - 1) : 0,
                                transposed ? (int) size_in (0, stride[1] - 1) : 0 };
      if (!two_d)
        stride[0] = stride[1], dilation[0] = dilation[1], padding[0] = padding[1],
        output_padding[0] = output_padding[1];
      int64_t in[2] = { size_in (4, 20), size_in (4, 40) }, outsz[2];
      int64_t kernel[2] = { two_d ? kh : kw, kw };
      for (int d = 0; d < 2; d++)
        outsz[d] = transposed ? (in[d] - 1) * stride[d] - 2 * padding[d] + dilation[d] * (kernel[d] - 1)
                                    + output_padding[d] + 1
                              : (in[d] + 2 * padding[d] - dilation[d] * (kernel[d] - 1) - 1) / stride[d] + 1;
      if (outsz[0] < 1 || outsz[1] < 1)
        continue;
      int64_t sx[4] = { batch, cin, in[0], in[1] }, sy[4] = { batch, cout, outsz[0], outsz[1] };
      int64_t sw[4] = { transposed ? cin : cout, transposed ? cout : cin, kh, kw };
      int64_t sx1[3] = { batch, cin, in[1] }, sy1[3] = { batch, cout, outsz[1] };
      int64_t sw1[3] = { sw[0], sw[1], kw };
      Pair x = two_d ? random_pair (dut, SR_DTYPE_F32, 4, sx, 1.0) : random_pair (dut, SR_DTYPE_F32, 3, sx1, 1.0);
      Pair y = two_d ? pair_new (dut, SR_DTYPE_F32, 4, sy) : pair_new (dut, SR_DTYPE_F32, 3, sy1);
      SrDType wt = round % 3 == 0 ? SR_DTYPE_F16 : SR_DTYPE_F32;
      Pair w = two_d ? random_pair (dut, wt, 4, sw, 1.0) : random_pair (dut, wt, 3, sw1, 1.0);
      Pair bias = random_pair (dut, wt, 1, &cout, 1.0);
      int p1[2] = { padding[1], 0 }, s1[2] = { stride[1], 0 }, d1[2] = { dilation[1], 0 };
      int o1[2] = { output_padding[1], 0 };
      SrConv cv = { .transposed = transposed };
      memcpy (cv.stride, two_d ? stride : s1, sizeof cv.stride);
      memcpy (cv.padding, two_d ? padding : p1, sizeof cv.padding);
      memcpy (cv.dilation, two_d ? dilation : d1, sizeof cv.dilation);
      memcpy (cv.output_padding, two_d ? output_padding : o1, sizeof cv.output_padding);
      SrConv cr = cv, cd = cv;
      cr.x = x.ref, cr.y = y.ref, cr.weight = w.ref, cr.bias = round % 4 ? bias.ref : NULL;
      cd.x = x.dut, cd.y = y.dut, cd.weight = w.dut, cd.bias = round % 4 ? bias.dut : NULL;
      RUN_BOTH (sr_conv (reference, &cr), sr_conv (dut, &cd));
      g_autofree char *what = g_strdup_printf ("conv%dd%s cin %lld cout %lld in %lld×%lld kernel %lld×%lld stride %d,%d "
                                               "padding %d,%d dilation %d,%d out-padding %d,%d%s%s", two_d ? 2 : 1,
                                               transposed ? " transposed" : "", (long long) cin, (long long) cout,
                                               (long long) in[0], (long long) in[1], (long long) kh, (long long) kw,
                                               stride[0], stride[1], padding[0], padding[1], dilation[0],
                                               dilation[1], output_padding[0], output_padding[1],
                                               wt == SR_DTYPE_F16 ? " fp16" : "", round % 4 ? " bias" : "");
      assert_close (dut, &y, 1e-9, what);
      pair_free (&x), pair_free (&y), pair_free (&w), pair_free (&bias);
    }
  /* Inputs long enough that a backend builds its columns a span at a time (the CPU's 16 MiB of columns: 1 170
   * positions at 512 × 7 in 1-D, 7 281 at 64 × 3 × 3 in 2-D, a span ending inside an output row), strided, dilated and
   * padded, as the codec's encoder and the RQVAE meet them on a long recording or a wide system. */
  const struct {
    int64_t x[4], w[4];
    int dims, stride, padding, dilation;
  } long_cases[] = {
    { { 1, 512, 3001 }, { 3, 512, 7 }, 3, 2, 3, 1 },
    { { 1, 512, 2500 }, { 2, 512, 7 }, 3, 1, 9, 3 },
    { { 1, 64, 101, 99 }, { 3, 64, 3, 3 }, 4, 1, 1, 1 },
    { { 1, 64, 150, 97 }, { 2, 64, 3, 3 }, 4, 2, 1, 1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (long_cases); i++)
    {
      int dims = long_cases[i].dims, stride = long_cases[i].stride, padding = long_cases[i].padding;
      int dilation = long_cases[i].dilation;
      int64_t y_shape[4] = { 1, long_cases[i].w[0] };
      for (int d = 2; d < dims; d++)
        y_shape[d] = (long_cases[i].x[d] + 2 * padding - dilation * (long_cases[i].w[d] - 1) - 1) / stride + 1;
      Pair x = random_pair (dut, SR_DTYPE_F32, dims, long_cases[i].x, 1.0);
      Pair w = random_pair (dut, SR_DTYPE_F32, dims, long_cases[i].w, 0.1);
      Pair y = pair_new (dut, SR_DTYPE_F32, dims, y_shape);
      SrConv cv = { .stride = { stride, dims == 4 ? stride : 0 }, .padding = { padding, dims == 4 ? padding : 0 },
                    .dilation = { dilation, dims == 4 ? dilation : 0 } };
      SrConv cr = cv, cd = cv;
      cr.x = x.ref, cr.y = y.ref, cr.weight = w.ref;
      cd.x = x.dut, cd.y = y.dut, cd.weight = w.dut;
      RUN_BOTH (sr_conv (reference, &cr), sr_conv (dut, &cd));
      g_autofree char *what = g_strdup_printf ("long conv%dd, %lld channels over %lld positions", dims - 2,
                                               (long long) long_cases[i].x[1],
                                               (long long) (y_shape[2] * (dims == 4 ? y_shape[3] : 1)));
      assert_close (dut, &y, 1e-9, what);
      pair_free (&x), pair_free (&y), pair_free (&w);
    }
}

static void
norm_cases (SrBackend *dut)
{
  for (int round = 0; round < ROUNDS; round++)
    {
      int64_t rows = size_in (1, 40), n = round % 2 ? 1024 : size_in (1, 300);
      int64_t shape[2] = { rows, n };
      Pair x = random_pair (dut, SR_DTYPE_F32, 2, shape, 3.0), y = pair_new (dut, SR_DTYPE_F32, 2, shape);
      Pair gamma = random_pair (dut, round % 3 ? SR_DTYPE_F32 : SR_DTYPE_F16, 1, &n, 1.0);
      Pair beta = random_pair (dut, SR_DTYPE_F32, 1, &n, 1.0);
      RUN_BOTH (sr_layer_norm (reference, x.ref, gamma.ref, beta.ref, 1e-5f, y.ref),
                sr_layer_norm (dut, x.dut, gamma.dut, beta.dut, 1e-5f, y.dut));
      assert_close (dut, &y, 1e-9, "layer norm");
      RUN_BOTH (sr_softmax (reference, x.ref, y.ref), sr_softmax (dut, x.dut, y.dut));
      assert_close (dut, &y, 1e-9, "softmax");
      pair_free (&x), pair_free (&y), pair_free (&gamma), pair_free (&beta);

      int64_t groups = size_in (1, 4), channels = groups * size_in (1, 4);
      int64_t gshape[4] = { size_in (1, 2), channels, size_in (1, 9), size_in (1, 17) };
      Pair gx = random_pair (dut, SR_DTYPE_F32, 4, gshape, 2.0), gy = pair_new (dut, SR_DTYPE_F32, 4, gshape);
      Pair gg = random_pair (dut, SR_DTYPE_F32, 1, &channels, 1.0), gb = random_pair (dut, SR_DTYPE_F32, 1,
                                                                                       &channels, 1.0);
      RUN_BOTH (sr_group_norm (reference, gx.ref, (int) groups, gg.ref, gb.ref, 1e-5f, gy.ref),
                sr_group_norm (dut, gx.dut, (int) groups, gg.dut, gb.dut, 1e-5f, gy.dut));
      assert_close (dut, &gy, 1e-9, "group norm");
      pair_free (&gx), pair_free (&gy), pair_free (&gg), pair_free (&gb);
    }
}

static void
elementwise_cases (SrBackend *dut)
{
  for (int round = 0; round < ROUNDS; round++)
    {
      int64_t shape[3] = { size_in (1, 3), size_in (1, 17), size_in (1, 301) };
      Pair x = random_pair (dut, SR_DTYPE_F32, 3, shape, 4.0), y = pair_new (dut, SR_DTYPE_F32, 3, shape);
      for (int a = SR_ACTIVATION_NONE; a <= SR_ACTIVATION_TANH; a++)
        {
          RUN_BOTH (sr_activation (reference, (SrActivation) a, x.ref, y.ref),
                    sr_activation (dut, (SrActivation) a, x.dut, y.dut));
          assert_close (dut, &y, 1e-10, "activation");
        }
      Pair alpha = random_pair (dut, SR_DTYPE_F32, 1, &shape[1], 2.0);
      RUN_BOTH (sr_snake (reference, x.ref, alpha.ref, y.ref), sr_snake (dut, x.dut, alpha.dut, y.dut));
      assert_close (dut, &y, 1e-10, "snake");
      int64_t per_row[2] = { shape[0] * shape[1], 1 };
      Pair whole = random_pair (dut, SR_DTYPE_F32, 3, shape, 1.0), row = random_pair (dut, SR_DTYPE_F16, 1,
                                                                                      &shape[2], 1.0);
      Pair column = random_pair (dut, SR_DTYPE_F32, 2, per_row, 1.0);
      Pair *operands[3] = { &whole, &row, &column };
      for (int o = 0; o < 3; o++)
        for (int op = SR_BINARY_ADD; op <= SR_BINARY_MUL; op++)
          {
            RUN_BOTH (sr_binary (reference, (SrBinaryOp) op, x.ref, operands[o]->ref, y.ref),
                      sr_binary (dut, (SrBinaryOp) op, x.dut, operands[o]->dut, y.dut));
            assert_close (dut, &y, 1e-12, "binary");
          }
      /* in place, as residual connections use it */
      RUN_BOTH (sr_binary (reference, SR_BINARY_ADD, x.ref, whole.ref, x.ref),
                sr_binary (dut, SR_BINARY_ADD, x.dut, whole.dut, x.dut));
      assert_close (dut, &x, 1e-12, "binary in place");
      int64_t grid[4] = { shape[0], shape[1], size_in (1, 9), size_in (1, 33) };
      int64_t doubled[4] = { grid[0], grid[1], 2 * grid[2], 2 * grid[3] };
      Pair small = random_pair (dut, SR_DTYPE_F32, 4, grid, 1.0), big = pair_new (dut, SR_DTYPE_F32, 4, doubled);
      RUN_BOTH (sr_upsample2x (reference, small.ref, big.ref), sr_upsample2x (dut, small.dut, big.dut));
      assert_close (dut, &big, 0, "upsample");
      int64_t cache[2] = { shape[1] + 5, shape[2] };
      Pair rows = random_pair (dut, SR_DTYPE_F32, 2, shape + 1, 1.0), kv = random_pair (dut, SR_DTYPE_F32, 2, cache,
                                                                                         1.0);
      int64_t at = size_in (0, 5);
      RUN_BOTH (sr_copy_rows (reference, rows.ref, kv.ref, at), sr_copy_rows (dut, rows.dut, kv.dut, at));
      assert_close (dut, &kv, 0, "copy rows");
      pair_free (&x), pair_free (&y), pair_free (&alpha), pair_free (&whole), pair_free (&row);
      pair_free (&column), pair_free (&small), pair_free (&big), pair_free (&rows), pair_free (&kv);
    }
}

static void
embedding_cases (SrBackend *dut)
{
  for (int round = 0; round < ROUNDS; round++)
    {
      int64_t vocabulary = size_in (2, 500), width = size_in (1, 70), steps = size_in (1, 40), books = size_in (1, 4);
      int64_t st[2] = { vocabulary, width }, si[2] = { steps, books }, sy[2] = { steps, width };
      Pair table = random_pair (dut, round % 2 ? SR_DTYPE_F16 : SR_DTYPE_F32, 2, st, 1.0);
      Pair ids = ids_pair (dut, 2, si, (int32_t) vocabulary), y = pair_new (dut, SR_DTYPE_F32, 2, sy);
      RUN_BOTH (sr_embed_sum (reference, table.ref, ids.ref, y.ref), sr_embed_sum (dut, table.dut, ids.dut, y.dut));
      assert_close (dut, &y, 1e-12, "embedding sum");
      pair_free (&table), pair_free (&ids), pair_free (&y);
    }
}

static void
search_cases (SrBackend *dut)
{
  for (int round = 0; round < ROUNDS; round++)
    {
      /* Codes far apart, vectors near one of them: the nearest is unambiguous whatever the rounding. The first
       * round has the RQVAE's shape, whose 262 144 inner steps once ran past lavapipe's loop limit. */
      int64_t codes = round == 0 ? 1024 : size_in (2, 300), width = round == 0 ? 256 : size_in (2, 40);
      int64_t rows = size_in (1, 50);
      int64_t sc[2] = { codes, width }, sx[2] = { rows, width };
      Pair codebook = random_pair (dut, round % 2 ? SR_DTYPE_F16 : SR_DTYPE_F32, 2, sc, 1.0);
      g_autofree float *book = g_new (float, codes * width);
      g_assert_true (sr_tensor_read_f32 (codebook.ref, book));
      g_autofree float *vectors = g_new (float, rows * width);
      for (int64_t r = 0; r < rows; r++)
        {
          int64_t pick = g_test_rand_int_range (0, (int32_t) codes);
          for (int64_t d = 0; d < width; d++)
            vectors[r * width + d] = book[pick * width + d] + (float) g_test_rand_double_range (-1e-3, 1e-3);
        }
      Pair x = pair_new (dut, SR_DTYPE_F32, 2, sx), ids = pair_new (dut, SR_DTYPE_I32, 1, &rows);
      g_assert_true (sr_tensor_write (x.ref, vectors) && sr_tensor_write (x.dut, vectors));
      RUN_BOTH (sr_nearest_code (reference, x.ref, codebook.ref, SR_CODE_NEAREST_L2, ids.ref),
                sr_nearest_code (dut, x.dut, codebook.dut, SR_CODE_NEAREST_L2, ids.dut));
      assert_ids_equal (dut, &ids, "nearest code (L2)");
      pair_free (&x), pair_free (&ids), pair_free (&codebook);

      /* top-k over distinct values (a shuffled ramp), so the order is exact */
      int64_t cols = size_in (1, 3000), trows = size_in (1, 5);
      int64_t wanted = size_in (1, 64); /* not inside MIN, which would draw it twice */
      int k = (int) MIN (cols, wanted);
      int64_t st[2] = { trows, cols }, sk[2] = { trows, k };
      g_autofree float *values = g_new (float, trows * cols);
      for (int64_t i = 0; i < trows * cols; i++)
        values[i] = (float) (i % cols) * 0.25f - 100.0f;
      for (int64_t r = 0; r < trows; r++)
        for (int64_t i = cols - 1; i > 0; i--)
          {
            int64_t j = g_test_rand_int_range (0, (int32_t) i + 1);
            float t = values[r * cols + i];
            values[r * cols + i] = values[r * cols + j];
            values[r * cols + j] = t;
          }
      Pair x2 = pair_new (dut, SR_DTYPE_F32, 2, st), top = pair_new (dut, SR_DTYPE_F32, 2, sk);
      Pair where = pair_new (dut, SR_DTYPE_I32, 2, sk);
      g_assert_true (sr_tensor_write (x2.ref, values) && sr_tensor_write (x2.dut, values));
      RUN_BOTH (sr_top_k (reference, x2.ref, k, top.ref, where.ref), sr_top_k (dut, x2.dut, k, top.dut, where.dut));
      assert_ids_equal (dut, &where, "top-k indices");
      assert_close (dut, &top, 0, "top-k values");
      pair_free (&x2), pair_free (&top), pair_free (&where);
    }
}

/* ---- registration ---- */

static SrBackend *
open_cpu (void)
{
  return sr_backend_open_cpu (0);
}

static SrBackend *
open_vulkan (void)
{
  SrDeviceChoice choice = { SR_DEVICE_VULKAN, -1 };
  char notice[SR_MESSAGE_SIZE];
  SrBackend *backend = sr_backend_open (&choice, notice);
  if (strcmp (sr_backend_name (backend), "vulkan") != 0)
    g_error ("no Vulkan device (%s): install mesa-vulkan-drivers for lavapipe", notice);
  return backend;
}

/* Vulkan with the GEMM kernels named (SIGHTREAD_VULKAN_GEMM): the GPU kernel's tiles run on lavapipe in CI too. */
static SrBackend *
open_vulkan_gemm (const char *kernels)
{
  g_setenv ("SIGHTREAD_VULKAN_GEMM", kernels, TRUE);
  SrBackend *backend = open_vulkan ();
  g_unsetenv ("SIGHTREAD_VULKAN_GEMM");
  return backend;
}

static SrBackend *
open_vulkan_tiled64 (void)
{
  return open_vulkan_gemm ("tiled64");
}

static SrBackend *
open_vulkan_tiled128 (void)
{
  return open_vulkan_gemm ("tiled128");
}

static SrBackend *
open_vulkan_lanes (void)
{
  return open_vulkan_gemm ("lanes");
}

/* A GEMM kernel family that does not exist is named back to the user, who gets the CPU backend. */
static void
unknown_gemm_kernels_fall_back_with_a_message (void)
{
  g_setenv ("SIGHTREAD_VULKAN_GEMM", "tiled256", TRUE);
  SrDeviceChoice choice = { SR_DEVICE_VULKAN, -1 };
  char notice[SR_MESSAGE_SIZE];
  SrBackend *backend = sr_backend_open (&choice, notice);
  g_unsetenv ("SIGHTREAD_VULKAN_GEMM");
  g_assert_cmpstr (sr_backend_name (backend), ==, "cpu");
  g_assert_nonnull (strstr (notice, "SIGHTREAD_VULKAN_GEMM=tiled256: not one of lanes, tiled, tiled64, tiled128"));
  sr_backend_free (backend);
}

typedef struct {
  const BackendUnderTest *backend;
  void (*cases) (SrBackend *dut);
} Case;

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  SrBackend *dut = c->backend->open ();
  g_assert_nonnull (dut);
  g_test_message ("%s: %s", sr_backend_name (dut), sr_backend_device_name (dut));
  c->cases (dut);
  sr_backend_free (dut);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Out-of-bounds reads and writes in a shader are then defined (zero, dropped) rather than whatever the driver
   * does, and the differential check sees them as wrong values instead of crashing. */
  g_setenv ("SIGHTREAD_VULKAN_ROBUST", "1", TRUE);
  reference = sr_reference_backend_new ();
  static const BackendUnderTest backends[] = { { "cpu", open_cpu }, { "vulkan", open_vulkan } };
  static const struct {
    const char *name;
    void (*cases) (SrBackend *dut);
  } kinds[] = {
    { "gemm", gemm_cases }, { "attention", attention_cases }, { "conv", conv_cases }, { "norm", norm_cases },
    { "elementwise", elementwise_cases }, { "embedding", embedding_cases }, { "search", search_cases },
  };
  static Case cases[G_N_ELEMENTS (backends) * G_N_ELEMENTS (kinds)];
  int n = 0;
  for (gsize b = 0; b < G_N_ELEMENTS (backends); b++)
    for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
      {
        cases[n] = (Case) { &backends[b], kinds[k].cases };
        g_autofree char *path = g_strdup_printf ("/backend-ops/%s/%s", backends[b].name, kinds[k].name);
        g_test_add_data_func (path, &cases[n++], run_case);
      }
  /* GEMM once more with each kernel family, whichever the device would choose itself */
  static const BackendUnderTest gemm_kernels[] = {
    { "lanes", open_vulkan_lanes }, { "tiled64", open_vulkan_tiled64 }, { "tiled128", open_vulkan_tiled128 },
  };
  static Case gemm_kernel_cases[G_N_ELEMENTS (gemm_kernels)];
  for (gsize b = 0; b < G_N_ELEMENTS (gemm_kernels); b++)
    {
      gemm_kernel_cases[b] = (Case) { &gemm_kernels[b], gemm_cases };
      g_autofree char *path = g_strdup_printf ("/backend-ops/vulkan/gemm-%s", gemm_kernels[b].name);
      g_test_add_data_func (path, &gemm_kernel_cases[b], run_case);
    }
  g_test_add_func ("/backend-ops/vulkan/unknown-gemm-kernels", unknown_gemm_kernels_fall_back_with_a_message);
  int status = g_test_run ();
  sr_backend_free (reference);
  return status;
}
