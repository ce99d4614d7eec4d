/* Cutting and normalising system crops; see system-image.h. */
#include "system-image.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>

SrGrayImage *
sr_gray_image_new (int width, int height)
{
  g_return_val_if_fail (width > 0 && height > 0, NULL);
  SrGrayImage *image = g_new0 (SrGrayImage, 1);
  image->width = width;
  image->height = height;
  image->pixels = g_malloc0_n ((gsize) width, (gsize) height);
  return image;
}

void
sr_gray_image_free (SrGrayImage *image)
{
  if (image == NULL)
    return;
  g_free (image->pixels);
  g_free (image);
}

SrGrayImage *
sr_gray_image_new_from_surface (cairo_surface_t *surface)
{
  cairo_surface_flush (surface);
  int width = cairo_image_surface_get_width (surface), height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  SrGrayImage *image = sr_gray_image_new (width, height);
  for (int y = 0; y < height; y++)
    {
      const guint32 *row = (const guint32 *) (data + (gsize) y * stride);
      for (int x = 0; x < width; x++)
        {
          guint32 pixel = row[x];
          guint r = (pixel >> 16) & 0xff, g = (pixel >> 8) & 0xff, b = pixel & 0xff;
          image->pixels[(gsize) y * width + x] = (guint8) ((299 * r + 587 * g + 114 * b + 500) / 1000);
        }
    }
  return image;
}

cairo_surface_t *
sr_gray_image_to_surface (const SrGrayImage *image)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, image->width, image->height);
  cairo_surface_flush (surface);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; data != NULL && y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        guint32 v = image->pixels[(size_t) y * image->width + x];
        ((guint32 *) (data + (size_t) y * stride))[x] = 0xff000000u | v << 16 | v << 8 | v;
      }
  cairo_surface_mark_dirty (surface);
  return surface;
}

gboolean
sr_gray_image_write_pgm (const SrGrayImage *image, const char *path, GError **error)
{
  g_autofree char *header = g_strdup_printf ("P5\n%d %d\n255\n", image->width, image->height);
  gsize header_length = strlen (header), pixels = (gsize) image->width * image->height;
  g_autofree char *contents = g_malloc (header_length + pixels);
  memcpy (contents, header, header_length);
  memcpy (contents + header_length, image->pixels, pixels);
  return g_file_set_contents (path, contents, (gssize) (header_length + pixels), error);
}

/* Resamples one axis: every output pixel averages the input pixels its footprint covers (by the covered fraction),
 * which is exact area averaging when shrinking and linear interpolation when enlarging. */
static void
resample_axis (const float *in, int in_length, float *out, int out_length, double scale, gsize in_step, gsize out_step)
{
  for (int o = 0; o < out_length; o++)
    {
      double sum = 0, weight = 0;
      if (scale < 1)
        {
          double start = o / scale, end = (o + 1) / scale;
          for (int i = (int) floor (start); i < (int) ceil (end) && i < in_length; i++)
            {
              double cover = MIN (end, i + 1.0) - MAX (start, (double) i);
              if (i >= 0 && cover > 0)
                {
                  sum += cover * in[(gsize) i * in_step];
                  weight += cover;
                }
            }
        }
      else
        {
          double centre = (o + 0.5) / scale - 0.5;
          int left = (int) floor (centre);
          double t = centre - left;
          int a = CLAMP (left, 0, in_length - 1), b = CLAMP (left + 1, 0, in_length - 1);
          sum = (1 - t) * in[(gsize) a * in_step] + t * in[(gsize) b * in_step];
          weight = 1;
        }
      out[(gsize) o * out_step] = weight > 0 ? (float) (sum / weight) : 255.0f;
    }
}

void
sr_gray_image_threshold_at_median (SrGrayImage *image)
{
  gsize n = (gsize) image->width * image->height;
  guint64 histogram[256] = { 0 };
  for (gsize i = 0; i < n; i++)
    histogram[image->pixels[i]]++;
  /* The lower median: the smallest value with at least half of the pixels at or below it. */
  guint64 seen = 0;
  int median = 255;
  for (int v = 0; v < 256; v++)
    {
      seen += histogram[v];
      if (2 * seen >= n)
        {
          median = v;
          break;
        }
    }
  for (gsize i = 0; i < n; i++)
    if (image->pixels[i] > median)
      image->pixels[i] = 255;
}

SrGrayImage *
sr_system_image_normalize (const SrGrayImage *page, const SrPageBox *box, double staff_height,
                           SrCropPlacement *placement, gboolean *shrunk)
{
  g_return_val_if_fail (staff_height > 0, NULL);
  int x0 = (int) floor (MAX (box->x, 0)), y0 = (int) floor (MAX (box->y, 0));
  int x1 = (int) ceil (MIN (box->x + box->width, page->width)), y1 = (int) ceil (MIN (box->y + box->height, page->height));
  if (x1 <= x0 || y1 <= y0 || !isfinite (box->width) || !isfinite (box->height))
    return NULL;
  int width = x1 - x0, height = y1 - y0;

  double scale = SR_SYSTEM_STAFF_HEIGHT / staff_height;
  gboolean fits = TRUE;
  if (height * scale > SR_SYSTEM_MAX_HEIGHT)
    scale = SR_SYSTEM_MAX_HEIGHT / (double) height, fits = FALSE;
  if (width * scale > SR_SYSTEM_MAX_WIDTH)
    scale = SR_SYSTEM_MAX_WIDTH / (double) width, fits = FALSE;
  int out_width = MAX ((int) lround (width * scale), 1), out_height = MAX ((int) lround (height * scale), 1);
  if (shrunk != NULL)
    *shrunk = !fits;
  if (placement != NULL)
    *placement = (SrCropPlacement) { x0, y0, scale };

  /* Rows first, then columns, through a float buffer so that rounding happens once. */
  g_autofree float *source = g_new (float, (gsize) width * height);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      source[(gsize) y * width + x] = page->pixels[(gsize) (y0 + y) * page->width + x0 + x];
  g_autofree float *narrow = g_new (float, (gsize) out_width * height);
  for (int y = 0; y < height; y++)
    resample_axis (source + (gsize) y * width, width, narrow + (gsize) y * out_width, out_width, scale, 1, 1);
  g_autofree float *result = g_new (float, (gsize) out_width * out_height);
  for (int x = 0; x < out_width; x++)
    resample_axis (narrow + x, height, result + x, out_height, scale, out_width, out_width);

  SrGrayImage *crop = sr_gray_image_new (out_width, out_height);
  for (gsize i = 0; i < (gsize) out_width * out_height; i++)
    crop->pixels[i] = (guint8) CLAMP (lround (result[i]), 0, 255);
  sr_gray_image_threshold_at_median (crop);
  return crop;
}

static double
member_number (JsonObject *object, const char *name, double fallback)
{
  JsonNode *node = json_object_get_member (object, name);
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return fallback;
  GType type = json_node_get_value_type (node);
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return NAN;
  return json_node_get_double (node);
}

GArray *
sr_system_boxes_from_json (const char *text, gssize length, guint n_pages, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, length, error))
    return NULL;
  JsonNode *root = json_parser_get_root (parser);
  /* `sightread systems --json` gives {"systems": [...]}: take it as it is. */
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) && json_object_has_member (json_node_get_object (root), "systems"))
    root = json_object_get_member (json_node_get_object (root), "systems");
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("expected a JSON array of boxes"));
      return NULL;
    }
  JsonArray *array = json_node_get_array (root);
  g_autoptr(GArray) boxes = g_array_new (FALSE, FALSE, sizeof (SrSystemBox));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      double page = object != NULL ? member_number (object, "page", 1) : NAN;
      SrSystemBox request = { 0,
                              { member_number (object, "x", NAN), member_number (object, "y", NAN),
                                member_number (object, "width", NAN), member_number (object, "height", NAN) },
                              member_number (object, "staff_height", NAN) };
      if (object == NULL)
        request.staff_height = NAN;
      gboolean sane = isfinite (page) && page >= 1 && page <= n_pages && isfinite (request.box.x) &&
                      isfinite (request.box.y) && isfinite (request.box.width) && isfinite (request.box.height) &&
                      request.box.width > 0 && request.box.height > 0 && fabs (request.box.x) < 1e6 &&
                      fabs (request.box.y) < 1e6 && request.box.width < 1e6 && request.box.height < 1e6 &&
                      isfinite (request.staff_height) && request.staff_height >= 1 && request.staff_height < 1e4;
      if (!sane)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       _("box %u needs page (1–%u), x, y, width, height and staff_height (pixels ≥ 1)"), i + 1,
                       n_pages);
          return NULL;
        }
      request.page_index = (guint) page - 1;
      g_array_append_val (boxes, request);
    }
  return g_steal_pointer (&boxes);
}

void
sr_system_box_add_json (gpointer builder, const SrPageBox *box, double staff_height)
{
  const char *names[] = { "x", "y", "width", "height", "staff_height" };
  double values[] = { box->x, box->y, box->width, box->height, staff_height };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      json_builder_set_member_name (builder, names[i]);
      json_builder_add_double_value (builder, values[i]);
    }
}
