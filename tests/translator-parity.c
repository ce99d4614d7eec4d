/* Runs an exported translator in C on the source of its golden file (written by PyTorch, train/) and compares:
 * the first step's log-probabilities (the golden's "first_step_top5", or every allowed one in "first_step"), and
 * the greedy steps ("greedy": single tokens, or "greedy_steps": four codes a step). Usage:
 *   translator-parity MODEL.safetensors GOLDEN.json cpu|vulkan
 * Prints one line of findings; exits 0 when everything agrees, 1 otherwise. tests/translator-parity.py drives it. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "parity-common.h"
#include "translator.h"

static const char *
modality_name (SrModality m)
{
  static const char *names[] = { "image", "lmx", "midi", "audio" };
  return names[m];
}

static SrModality
modality_of (const char *name)
{
  for (int m = 0; m < SR_N_MODALITIES; m++)
    if (g_str_equal (name, modality_name ((SrModality) m)))
      return (SrModality) m;
  return SR_MODALITY_LMX;
}

static GArray *
int_list (JsonArray *array)
{
  GArray *values = g_array_new (FALSE, FALSE, sizeof (int32_t));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          g_autoptr(GArray) inner = int_list (json_node_get_array (node));
          g_array_append_vals (values, inner->data, inner->len);
        }
      else
        {
          int32_t v = (int32_t) json_node_get_int (node);
          g_array_append_val (values, v);
        }
    }
  return values;
}

/* log-softmax over the finite logits */
static void
log_softmax (const float *logits, int count, double *out)
{
  double largest = -INFINITY, sum = 0;
  for (int i = 0; i < count; i++)
    if (isfinite (logits[i]) && logits[i] > largest)
      largest = logits[i];
  for (int i = 0; i < count; i++)
    if (isfinite (logits[i]))
      sum += exp (logits[i] - largest);
  for (int i = 0; i < count; i++)
    out[i] = isfinite (logits[i]) ? logits[i] - largest - log (sum) : -INFINITY;
}

int
main (int argc, char **argv)
{
  if (argc != 4)
    {
      fprintf (stderr, "usage: translator-parity MODEL GOLDEN cpu|vulkan\n");
      return 2;
    }
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *golden = parity_golden (parser, argv[2]);
  if (golden == NULL)
    return 1;
  const char *task = json_object_get_string_member (golden, "task");
  SrModality source = g_str_equal (task, "omr") ? SR_MODALITY_IMAGE
                      : json_object_has_member (golden, "source_modality")
                        ? modality_of (json_object_get_string_member (golden, "source_modality"))
                        : SR_MODALITY_AUDIO;
  SrModality target = g_str_equal (task, "omr") ? SR_MODALITY_LMX
                      : json_object_has_member (golden, "target_modality")
                        ? modality_of (json_object_get_string_member (golden, "target_modality"))
                        : SR_MODALITY_MIDI;
  g_autoptr(GArray) tokens = int_list (json_object_get_array_member (golden, "source"));
  g_autoptr(GArray) positions = int_list (json_object_get_array_member (golden, "source_positions"));
  int steps = (int) tokens->len / SR_VOCAB_CODEBOOKS;

  char message[SR_MESSAGE_SIZE];
  SrBackend *backend = parity_backend (argv[3]);
  if (backend == NULL)
    return 1;
  SrTranslator *model = sr_translator_load (backend, argv[1], message);
  if (model == NULL)
    {
      printf ("%s\n", message);
      return 1;
    }
  const SrTranslatorConfig *config = sr_translator_config (model);
  SrTranslatorState *state = sr_translator_state_new (model, steps, 64, message);
  bool ok = state != NULL && sr_translator_encode (state, source, target, (const int32_t *) tokens->data,
                                                   (const int32_t *) positions->data, steps);
  GString *report = g_string_new (NULL);
  int failures = 0;
  if (!ok)
    {
      printf ("%s\n", state ? sr_translator_state_error (state) : message);
      return 1;
    }

  /* the first step, from the start token */
  int32_t previous[SR_VOCAB_CODEBOOKS] = { SR_VOCAB_SOS (target) }, position[2] = { 0, 0 }, chosen[4];
  ok = sr_translator_step (state, previous, position, NULL, NULL, chosen);
  g_autofree double *log_probs = g_new (double, config->vocabulary);
  if (ok)
    log_softmax (sr_translator_last_logits (state), config->vocabulary, log_probs);
  double worst = 0;
  const char *first_key = json_object_has_member (golden, "first_step") ? "first_step" : "first_step_top5";
  JsonArray *first = json_object_get_array_member (golden, first_key);
  for (guint i = 0; ok && i < json_array_get_length (first); i++)
    {
      JsonArray *pair = json_array_get_array_element (first, i);
      int index = (int) json_array_get_int_element (pair, 0);
      double want = json_array_get_double_element (pair, 1);
      double error_here = fabs (log_probs[index] - want) / fmax (1.0, fabs (want));
      worst = fmax (worst, error_here);
    }
  /* the golden's top five are rounded to 4 decimals: 1e-3 leaves room for that and for fp32 against fp32 */
  if (!ok || worst > 1e-3)
    failures++;
  g_string_append_printf (report, "first step: %u log-probabilities, worst relative error %.2e; ",
                          json_array_get_length (first), worst);

  /* greedy decoding from a fresh run state */
  sr_translator_state_free (state);
  state = sr_translator_state_new (model, steps, 64, message);
  ok = state && sr_translator_encode (state, source, target, (const int32_t *) tokens->data,
                                      (const int32_t *) positions->data, steps);
  if (target == SR_MODALITY_LMX || target == SR_MODALITY_MIDI)
    {
      g_autoptr(GArray) want = int_list (json_object_get_array_member (golden, "greedy"));
      int32_t got[64];
      int count = ok ? sr_translator_read (state, NULL, NULL, got, 64) : -1;
      /* the golden keeps 32 tokens at most: a shorter one ended there */
      int compared = want->len < 32 ? (int) want->len : 32;
      bool same = count >= 0 && (want->len < 32 ? count == (int) want->len : count >= 32);
      for (int i = 0; same && i < compared; i++)
        same = got[i] == g_array_index (want, int32_t, i);
      failures += !same;
      g_string_append_printf (report, "greedy: %d tokens, %s", count, same ? "the same" : "DIFFERENT");
    }
  else
    {
      g_autoptr(GArray) want = int_list (json_object_get_array_member (golden, "greedy_steps"));
      /* each step's (column, row) for an image target; older golden files have none: (step, 0) */
      g_autoptr(GArray) at = json_object_has_member (golden, "target_positions")
                               ? int_list (json_object_get_array_member (golden, "target_positions")) : NULL;
      int want_steps = (int) want->len / SR_VOCAB_CODEBOOKS, same_steps = 0;
      int32_t step_in[SR_VOCAB_CODEBOOKS] = { SR_VOCAB_SOS (target) };
      for (int t = 0; ok && t < want_steps; t++)
        {
          bool given = at != NULL && (int) at->len >= 2 * (t + 1);
          int32_t where[2] = { given ? g_array_index (at, int32_t, 2 * t) : t,
                               given ? g_array_index (at, int32_t, 2 * t + 1) : 0 }, out[SR_VOCAB_CODEBOOKS];
          ok = sr_translator_step (state, step_in, where, NULL, NULL, out);
          if (ok && memcmp (out, &g_array_index (want, int32_t, t * SR_VOCAB_CODEBOOKS), sizeof out) == 0)
            same_steps++;
          memcpy (step_in, out, sizeof out);
        }
      failures += same_steps != want_steps;
      g_string_append_printf (report, "greedy: %d of %d steps of four codes the same", same_steps, want_steps);
    }
  printf ("%s → %s on %s: %s\n", modality_name (source), modality_name (target), sr_backend_name (backend),
          report->str);
  g_string_free (report, TRUE);
  sr_translator_state_free (state);
  sr_translator_free (model);
  sr_backend_free (backend);
  return failures == 0 ? 0 : 1;
}
