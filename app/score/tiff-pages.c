#include "tiff-pages.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <tiffio.h>

/* No single allocation of libtiff's may pass this: a damaged file that declares vast strips fails instead of
 * exhausting memory. A 600-dpi A3 scan's strips and our bands stay far below it. */
#define MAX_LIBTIFF_ALLOCATION (256 * 1024 * 1024)
#define BAND_ROWS 64

struct SrTiffPages {
  GBytes *bytes;
  const guint8 *data;
  gsize size;
  toff_t offset;
  TIFF *tiff;
  TIFFOpenOptions *options;
  char message[256]; /* libtiff's last error */
  GArray *infos;     /* SrTiffPageInfo */
};

static tmsize_t
source_read (thandle_t handle, void *buffer, tmsize_t size)
{
  SrTiffPages *pages = handle;
  if (size < 0 || pages->offset >= pages->size)
    return 0;
  gsize n = MIN ((gsize) size, pages->size - pages->offset);
  memcpy (buffer, pages->data + pages->offset, n);
  pages->offset += n;
  return (tmsize_t) n;
}

static tmsize_t
source_write (thandle_t handle, void *buffer, tmsize_t size)
{
  return 0; /* read only */
}

static toff_t
source_seek (thandle_t handle, toff_t offset, int whence)
{
  SrTiffPages *pages = handle;
  toff_t base = whence == SEEK_CUR ? pages->offset : whence == SEEK_END ? pages->size : 0;
  if (offset > G_MAXUINT64 - base)
    return (toff_t) -1;
  pages->offset = base + offset;
  return pages->offset;
}

static int
source_close (thandle_t handle)
{
  return 0;
}

static toff_t
source_size (thandle_t handle)
{
  return ((SrTiffPages *) handle)->size;
}

static int
source_map (thandle_t handle, void **base, toff_t *size)
{
  SrTiffPages *pages = handle;
  *base = (void *) pages->data;
  *size = pages->size;
  return 1;
}

static void
source_unmap (thandle_t handle, void *base, toff_t size)
{
}

/* libtiff's errors are kept for the message; its warnings (unknown tags and the like) are of no use to a reader. */
static int keep_error (TIFF *tiff, void *user_data, const char *module, const char *format, va_list arguments)
  G_GNUC_PRINTF (4, 0);

static int
keep_error (TIFF *tiff, void *user_data, const char *module, const char *format, va_list arguments)
{
  SrTiffPages *pages = user_data;
  vsnprintf (pages->message, sizeof pages->message, format, arguments);
  return 1;
}

static int
ignore_warning (TIFF *tiff, void *user_data, const char *module, const char *format, va_list arguments)
{
  return 1;
}

void
sr_tiff_pages_free (SrTiffPages *pages)
{
  if (pages == NULL)
    return;
  if (pages->tiff != NULL)
    TIFFClose (pages->tiff);
  if (pages->options != NULL)
    TIFFOpenOptionsFree (pages->options);
  g_clear_pointer (&pages->infos, g_array_unref);
  g_clear_pointer (&pages->bytes, g_bytes_unref);
  g_free (pages);
}

SrTiffPages *
sr_tiff_pages_open (GBytes *bytes, GError **error)
{
  g_autoptr(SrTiffPages) pages = g_new0 (SrTiffPages, 1);
  pages->bytes = g_bytes_ref (bytes);
  pages->data = g_bytes_get_data (bytes, &pages->size);
  pages->infos = g_array_new (FALSE, TRUE, sizeof (SrTiffPageInfo));
  pages->options = TIFFOpenOptionsAlloc ();
  TIFFOpenOptionsSetMaxSingleMemAlloc (pages->options, MAX_LIBTIFF_ALLOCATION);
  TIFFOpenOptionsSetErrorHandlerExtR (pages->options, keep_error, pages);
  TIFFOpenOptionsSetWarningHandlerExtR (pages->options, ignore_warning, pages);
  /* "m": no memory mapping of a file (ours is memory already, handed over by source_map) */
  pages->tiff = TIFFClientOpenExt ("score", "rm", pages, source_read, source_write, source_seek, source_close,
                                   source_size, source_map, source_unmap, pages->options);
  if (pages->tiff == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", pages->message[0] ? pages->message
                                                                                        : _("not a readable TIFF"));
      return NULL;
    }
  /* Every directory is a page; a damaged chain of directories ends the book where it breaks. */
  for (tdir_t index = 0;; index++)
    {
      if (index > 0 && !TIFFReadDirectory (pages->tiff))
        break;
      guint32 width = 0, height = 0;
      float resolution = 0;
      guint16 unit = RESUNIT_INCH;
      TIFFGetField (pages->tiff, TIFFTAG_IMAGEWIDTH, &width);
      TIFFGetField (pages->tiff, TIFFTAG_IMAGELENGTH, &height);
      if (width == 0 || height == 0 || width > G_MAXINT || height > G_MAXINT)
        continue; /* a thumbnail's stub, or damage: not a page */
      SrTiffPageInfo info = { (int) width, (int) height, 0 };
      if (TIFFGetField (pages->tiff, TIFFTAG_XRESOLUTION, &resolution) && resolution > 0)
        {
          TIFFGetFieldDefaulted (pages->tiff, TIFFTAG_RESOLUTIONUNIT, &unit);
          info.dpi = unit == RESUNIT_CENTIMETER ? resolution * 2.54 : unit == RESUNIT_INCH ? resolution : 0;
        }
      g_array_append_val (pages->infos, info);
      if (pages->infos->len >= 10000)
        break;
    }
  if (pages->infos->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", _("the TIFF holds no page"));
      return NULL;
    }
  return g_steal_pointer (&pages);
}

guint
sr_tiff_pages_count (const SrTiffPages *pages)
{
  return pages->infos->len;
}

const SrTiffPageInfo *
sr_tiff_pages_info (const SrTiffPages *pages, guint index)
{
  g_return_val_if_fail (index < pages->infos->len, NULL);
  return &g_array_index (pages->infos, SrTiffPageInfo, index);
}

/* The directory of page INDEX: pages skipped as stubs make the two differ. */
static gboolean
select_page (SrTiffPages *pages, guint index)
{
  guint page = 0;
  for (tdir_t directory = 0; TIFFSetDirectory (pages->tiff, directory); directory++)
    {
      guint32 width = 0, height = 0;
      TIFFGetField (pages->tiff, TIFFTAG_IMAGEWIDTH, &width);
      TIFFGetField (pages->tiff, TIFFTAG_IMAGELENGTH, &height);
      if (width == 0 || height == 0 || width > G_MAXINT || height > G_MAXINT)
        continue;
      if (page++ == index)
        return TRUE;
    }
  return FALSE;
}

/* Sums of the source pixels falling into one target row, composited on white. */
typedef struct {
  double *red, *green, *blue;
  guint32 *count;
} RowSums;

static void
flush_row (RowSums *sums, int columns, guint32 *out)
{
  for (int x = 0; x < columns; x++)
    {
      guint32 n = MAX (sums->count[x], 1);
      guint r = (guint) (sums->red[x] / n + 0.5), g = (guint) (sums->green[x] / n + 0.5);
      guint b = (guint) (sums->blue[x] / n + 0.5);
      out[x] = 0xff000000u | (MIN (r, 255u) << 16) | (MIN (g, 255u) << 8) | MIN (b, 255u);
      sums->red[x] = sums->green[x] = sums->blue[x] = 0;
      sums->count[x] = 0;
    }
}

cairo_surface_t *
sr_tiff_pages_decode (SrTiffPages *pages, guint index, int width, int height, GError **error)
{
  g_return_val_if_fail (index < pages->infos->len, NULL);
  const SrTiffPageInfo *info = sr_tiff_pages_info (pages, index);
  width = CLAMP (width, 1, info->width);
  height = CLAMP (height, 1, info->height);
  pages->message[0] = '\0';
  char refusal[1024] = "";
  TIFFRGBAImage image;
  if (!select_page (pages, index) || !TIFFRGBAImageOK (pages->tiff, refusal)
      || !TIFFRGBAImageBegin (&image, pages->tiff, 0, refusal))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                   refusal[0] ? refusal : pages->message[0] ? pages->message : _("the page cannot be found"));
      return NULL;
    }
  /* (Begun not stopping at a damaged strip: it stays paper, and the rest of the page can still be read, as a
   * scan with a blemish.) Bands of rows from the top, which needs a file stored top to bottom (nearly all are); one that is not is read
   * whole and turned by libtiff. */
  gboolean upright = image.orientation == ORIENTATION_TOPLEFT;
  int band_rows = upright ? BAND_ROWS : info->height;
  image.req_orientation = ORIENTATION_TOPLEFT;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  guint32 *raster = (gsize) info->width * band_rows <= MAX_LIBTIFF_ALLOCATION / 4
                      ? g_try_new (guint32, (gsize) info->width * band_rows) : NULL;
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS || raster == NULL)
    {
      TIFFRGBAImageEnd (&image);
      cairo_surface_destroy (surface);
      g_free (raster);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, _("not enough memory for a %d × %d page"), info->width,
                   info->height);
      return NULL;
    }
  guint8 *target = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  g_autofree int *column_of = g_new (int, info->width);
  for (int x = 0; x < info->width; x++)
    column_of[x] = (int) ((gint64) x * width / info->width);
  RowSums sums = { g_new0 (double, width), g_new0 (double, width), g_new0 (double, width), g_new0 (guint32, width) };
  int current = 0;
  gboolean ok = TRUE;
  for (int top = 0; top < info->height && ok; top += band_rows)
    {
      int rows = MIN (band_rows, info->height - top);
      image.row_offset = top;
      ok = TIFFRGBAImageGet (&image, raster, (guint32) info->width, (guint32) rows);
      for (int y = 0; ok && y < rows; y++)
        {
          int row = (int) ((gint64) (top + y) * height / info->height);
          if (row != current)
            {
              flush_row (&sums, width, (guint32 *) (gpointer) (target + (gsize) current * stride));
              current = row;
            }
          const guint32 *source = raster + (gsize) y * info->width;
          for (int x = 0; x < info->width; x++)
            {
              guint32 p = source[x];
              double alpha = TIFFGetA (p) / 255.0, paper = 255 * (1 - alpha);
              int c = column_of[x];
              sums.red[c] += TIFFGetR (p) * alpha + paper;
              sums.green[c] += TIFFGetG (p) * alpha + paper;
              sums.blue[c] += TIFFGetB (p) * alpha + paper;
              sums.count[c]++;
            }
        }
    }
  if (ok)
    flush_row (&sums, width, (guint32 *) (gpointer) (target + (gsize) current * stride));
  TIFFRGBAImageEnd (&image);
  g_free (raster);
  g_free (sums.red), g_free (sums.green), g_free (sums.blue), g_free (sums.count);
  if (!ok)
    {
      cairo_surface_destroy (surface);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                   pages->message[0] ? pages->message : _("its pixels cannot be read"));
      return NULL;
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}
