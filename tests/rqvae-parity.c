/* Runs the exported RQVAE in C on its golden file's crop (written by PyTorch, train/train_rqvae.py) and compares the
 * codes: identical on at least 99.9 % of the cells × depths (issue 9; a near-tie between two codes may go either way
 * in another summation order); then decodes the golden codes and compares the picture with PyTorch's (within 2e-3
 * ink: the golden keeps 4 decimals). Usage: rqvae-parity MODEL.safetensors GOLDEN.json cpu|vulkan. One line of
 * findings; exit 0 when it agrees. */
#include <math.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "backend.h"
#include "parity-common.h"
#include "rqvae.h"

int
main (int argc, char **argv)
{
  if (argc != 4)
    {
      fprintf (stderr, "usage: rqvae-parity MODEL GOLDEN cpu|vulkan\n");
      return 2;
    }
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *golden = parity_golden (parser, argv[2]);
  if (golden == NULL)
    return 1;
  JsonArray *rows = json_object_get_array_member (golden, "input_pixels");
  int height = (int) json_array_get_length (rows);
  int width = (int) json_array_get_length (json_array_get_array_element (rows, 0));
  g_autofree uint8_t *pixels = g_new (uint8_t, (gsize) height * width);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      pixels[y * width + x] = (uint8_t) json_array_get_int_element (json_array_get_array_element (rows, (guint) y),
                                                                     (guint) x);
  char message[SR_MESSAGE_SIZE];
  SrBackend *backend = parity_backend (argv[3]);
  if (backend == NULL)
    return 1;
  SrRqvae *model = sr_rqvae_load (backend, argv[1], message);
  int32_t *codes = NULL;
  int grid_rows = 0, grid_columns = 0;
  if (model == NULL || !sr_rqvae_encode (model, pixels, height, width, &codes, &grid_rows, &grid_columns, message))
    {
      printf ("%s\n", message);
      return 1;
    }
  JsonArray *want = json_object_get_array_member (golden, "codes");
  int cells = grid_rows * grid_columns, same = 0, total = 0;
  bool shaped = (int) json_array_get_length (want) == cells;
  for (int i = 0; shaped && i < cells; i++)
    for (int d = 0; d < 4; d++, total++)
      same += codes[i * 4 + d] == json_array_get_int_element (json_array_get_array_element (want, (guint) i),
                                                              (guint) d);
  double share = total ? (double) same / total : 0;
  /* the golden codes decoded */
  g_autofree int32_t *given = g_new (int32_t, 4 * (gsize) cells);
  for (int i = 0; shaped && i < cells; i++)
    for (int d = 0; d < 4; d++)
      given[i * 4 + d] = (int32_t) json_array_get_int_element (json_array_get_array_element (want, (guint) i),
                                                               (guint) d);
  JsonArray *want_ink = json_object_get_array_member (golden, "decoded");
  float *ink = NULL;
  double worst = INFINITY;
  if (shaped && sr_rqvae_decode (model, given, grid_rows, grid_columns, &ink, message)
      && json_array_get_length (want_ink) == (guint) (cells * 256))
    {
      worst = 0;
      for (int i = 0; i < cells * 256; i++)
        worst = fmax (worst, fabs (ink[i] - json_array_get_double_element (want_ink, (guint) i)));
    }
  free (ink);
  printf ("%d × %d crop → %d × %d cells on %s: %d of %d codes the same (%.2f %%); the golden codes decoded within "
          "%.1e of PyTorch's picture\n", height, width, grid_rows, grid_columns, sr_backend_name (backend), same,
          total, 100 * share, worst);
  free (codes);
  sr_rqvae_free (model);
  sr_backend_free (backend);
  return shaped && share >= 0.999 && worst <= 2e-3 ? 0 : 1;
}
