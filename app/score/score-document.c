/* Opens score files and renders their pages; see score-document.h. */
#include "score-document.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>
#include <math.h>
#include <poppler.h>

#include "tiff-pages.h"

/* Poppler 22.12's GLib binding declares no autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

typedef struct {
  double width_pt;
  double height_pt;
  double native_scale; /* pixels per point as the file holds the page (a PDF: as 300 dpi would) */
} PageGeometry;

struct _SrScoreDocument {
  GObject parent_instance;

  GFile *file;
  SrScoreFormat format;
  GBytes *bytes;
  GArray *pages;      /* PageGeometry */
  GPtrArray *notices; /* char *, NULL-terminated */

  /* Poppler documents are not thread-safe, and rendering may run on several workers: one render at a time. */
  GMutex render_lock;
  PopplerDocument *pdf;    /* PDF files only */
  cairo_surface_t *image;  /* PNG and JPEG files: the decoded page, upright, ARGB32 on white */
  SrTiffPages *tiff;       /* TIFF files: their pages, decoded when drawn */
  cairo_surface_t *tiff_page; /* the TIFF page last decoded, at its native scale */
  guint tiff_page_index;
};

G_DEFINE_FINAL_TYPE (SrScoreDocument, sr_score_document, G_TYPE_OBJECT)
G_DEFINE_QUARK (sr-score-error-quark, sr_score_error)

static void
sr_score_document_finalize (GObject *object)
{
  SrScoreDocument *self = SR_SCORE_DOCUMENT (object);

  g_clear_object (&self->pdf);
  g_clear_pointer (&self->image, cairo_surface_destroy);
  g_clear_pointer (&self->tiff_page, cairo_surface_destroy);
  g_clear_pointer (&self->tiff, sr_tiff_pages_free);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->pages, g_array_unref);
  g_clear_pointer (&self->notices, g_ptr_array_unref);
  g_clear_object (&self->file);
  g_mutex_clear (&self->render_lock);

  G_OBJECT_CLASS (sr_score_document_parent_class)->finalize (object);
}

static void
sr_score_document_class_init (SrScoreDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sr_score_document_finalize;
}

static void
sr_score_document_init (SrScoreDocument *self)
{
  g_mutex_init (&self->render_lock);
  self->pages = g_array_new (FALSE, TRUE, sizeof (PageGeometry));
  self->notices = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->notices, NULL);
}

static void
add_notice (SrScoreDocument *self, char *notice)
{
  g_ptr_array_insert (self->notices, (int) self->notices->len - 1, notice);
}

static void
add_page (SrScoreDocument *self, double width_pt, double height_pt, double native_scale)
{
  PageGeometry geometry = { width_pt, height_pt, native_scale };
  g_array_append_val (self->pages, geometry);
}

static GBytes *
read_score_bytes (GFile *file, GCancellable *cancellable, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                 G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_NOT_FOUND, _("no such file"));
      else
        g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_UNREADABLE, _("cannot be read: %s"), local_error->message);
      return NULL;
    }

  GFileType type = g_file_info_get_file_type (info);
  if (type == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_NOT_A_FILE, _("is a folder, not a score file"));
      return NULL;
    }
  if (type != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_NOT_A_FILE, _("is not a regular file"));
      return NULL;
    }

  goffset size = g_file_info_get_size (info);
  if (size == 0)
    {
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_EMPTY, _("the file is empty"));
      return NULL;
    }
  if ((guint64) size > SR_SCORE_MAX_FILE_BYTES)
    {
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_TOO_LARGE, _("the file is larger than 2 GiB"));
      return NULL;
    }

  GBytes *bytes = NULL;
  g_autofree char *path = g_file_get_path (file);
  if (path != NULL)
    {
      /* Mapped, not copied: a 300-dpi scan book can be hundreds of megabytes. */
      g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, &local_error);
      if (mapped != NULL)
        bytes = g_mapped_file_get_bytes (mapped);
    }
  else
    {
      char *contents = NULL;
      gsize length = 0;
      if (g_file_load_contents (file, cancellable, &contents, &length, NULL, &local_error))
        bytes = g_bytes_new_take (contents, length);
    }

  if (bytes == NULL)
    {
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_UNREADABLE, _("cannot be read: %s"), local_error->message);
      return NULL;
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      g_bytes_unref (bytes);
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_EMPTY, _("the file is empty"));
      return NULL;
    }
  return bytes;
}

static gboolean
load_pdf (SrScoreDocument *self, GError **error)
{
  g_autoptr(GError) poppler_error = NULL;
  self->pdf = poppler_document_new_from_bytes (self->bytes, NULL, &poppler_error);
  if (self->pdf == NULL)
    {
      if (g_error_matches (poppler_error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
        g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_ENCRYPTED, _("the PDF is protected by a password"));
      else
        g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_DAMAGED, _("the PDF is damaged or truncated (%s)"),
                     poppler_error != NULL ? poppler_error->message : _("no details"));
      return FALSE;
    }

  int n_pages = poppler_document_get_n_pages (self->pdf);
  if (n_pages <= 0)
    {
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_NO_PAGES, _("the PDF has no pages"));
      return FALSE;
    }

  for (int index = 0; index < n_pages; index++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (self->pdf, index);
      double width_pt = 0, height_pt = 0;
      if (page != NULL)
        poppler_page_get_size (page, &width_pt, &height_pt);
      if (page == NULL || !(width_pt >= 1.0 && height_pt >= 1.0) || !isfinite (width_pt) || !isfinite (height_pt))
        {
          g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_DAMAGED, _("page %d of the PDF is damaged"), index + 1);
          return FALSE;
        }
      add_page (self, width_pt, height_pt, SR_SCORE_ASSUMED_IMAGE_DPI / 72.0);
    }
  return TRUE;
}

typedef struct {
  SrScoreDocument *document;
  double scale; /* stored pixels per decoded pixel */
  int declared_width;
  int declared_height;
  gboolean refused;
  int rows_decoded; /* how far down the decoder got: a truncated file stops short */
} SizeLimit;

static void
note_rows_decoded (GdkPixbufLoader *loader, int x, int y, int width, int height, gpointer user_data)
{
  SizeLimit *limit = user_data;
  limit->rows_decoded = MAX (limit->rows_decoded, y + height);
}

static void
limit_decoded_size (GdkPixbufLoader *loader, int width, int height, gpointer user_data)
{
  SizeLimit *limit = user_data;
  limit->declared_width = width;
  limit->declared_height = height;
  double pixels = (double) width * (double) height;
  if (pixels > SR_SCORE_MAX_IMAGE_PIXELS)
    {
      /* A size of 0 × 0 makes gdk-pixbuf's decoders stop before they allocate the full-size pixbuf. */
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      limit->refused = TRUE;
      return;
    }

  double scale = 1.0;
  if (pixels > SR_SCORE_MAX_PAGE_PIXELS)
    scale = sqrt (SR_SCORE_MAX_PAGE_PIXELS / pixels);
  scale = MIN (scale, SR_SCORE_MAX_PAGE_SIDE / MAX (width, height));
  if (scale >= 1.0)
    return;

  int scaled_width = MAX (1, (int) floor (width * scale));
  int scaled_height = MAX (1, (int) floor (height * scale));
  gdk_pixbuf_loader_set_size (loader, scaled_width, scaled_height);
  limit->scale = scale;
  add_notice (limit->document, g_strdup_printf (_("the image is %d × %d pixels; it was scaled down to %d × %d"),
                                                width, height, scaled_width, scaled_height));
}

/* Feeds the loader in chunks so that an absurd declared size stops the decoding before memory is spent on it. */
static gboolean
decode_in_chunks (GdkPixbufLoader *loader, GBytes *bytes, const SizeLimit *limit, GError **error)
{
  enum { CHUNK_BYTES = 64 * 1024 };
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  for (gsize offset = 0; offset < length && !limit->refused; offset += CHUNK_BYTES)
    if (!gdk_pixbuf_loader_write (loader, data + offset, MIN ((gsize) CHUNK_BYTES, length - offset), error))
      return FALSE;
  return TRUE;
}

/* The page's resolution, as the file states it, or the scanner default. */
static double
image_dpi (GdkPixbuf *pixbuf)
{
  const char *text = gdk_pixbuf_get_option (pixbuf, "x-dpi");
  double dpi = text != NULL ? g_ascii_strtod (text, NULL) : 0.0;
  return (dpi >= 50.0 && dpi <= 4800.0) ? dpi : SR_SCORE_ASSUMED_IMAGE_DPI;
}

/* Composites the pixbuf over white into a premultiplied ARGB32 surface. */
static cairo_surface_t *
surface_from_pixbuf (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  gboolean has_alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  int source_stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *source = gdk_pixbuf_read_pixels (pixbuf);

  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    return surface;

  cairo_surface_flush (surface);
  guint8 *target = cairo_image_surface_get_data (surface);
  int target_stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < height; y++)
    {
      const guint8 *in = source + (gsize) y * source_stride;
      guint32 *out = (guint32 *) (target + (gsize) y * target_stride);
      for (int x = 0; x < width; x++, in += channels)
        {
          guint alpha = has_alpha ? in[3] : 255;
          guint red = (in[0] * alpha + 255 * (255 - alpha)) / 255;
          guint green = (in[1] * alpha + 255 * (255 - alpha)) / 255;
          guint blue = (in[2] * alpha + 255 * (255 - alpha)) / 255;
          out[x] = 0xff000000u | (red << 16) | (green << 8) | blue;
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

static gboolean
load_image (SrScoreDocument *self, GError **error)
{
  const char *format_name = sr_score_format_name (self->format);
  g_autoptr(GError) decode_error = NULL;
  /* By the sniffed type, not by content-type guessing, which needs the shared MIME database. */
  const char *loader_type = self->format == SR_SCORE_FORMAT_PNG    ? "png"
                            : self->format == SR_SCORE_FORMAT_JPEG ? "jpeg"
                                                                   : "tiff";
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type (loader_type, &decode_error);
  if (loader == NULL)
    {
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_UNREADABLE, _("%s images cannot be read here (%s)"),
                   format_name, decode_error->message);
      return FALSE;
    }
  SizeLimit limit = { self, 1.0, 0, 0, FALSE, 0 };
  g_signal_connect (loader, "size-prepared", G_CALLBACK (limit_decoded_size), &limit);
  g_signal_connect (loader, "area-updated", G_CALLBACK (note_rows_decoded), &limit);

  gboolean written = decode_in_chunks (loader, self->bytes, &limit, &decode_error);
  /* Always close: a loader finalised open complains, and closing is what reports a truncated image. */
  gboolean closed = gdk_pixbuf_loader_close (loader, written && !limit.refused ? &decode_error : NULL);
  if (limit.refused)
    {
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_TOO_LARGE,
                   _("the image is %d × %d pixels, too large to open (the limit is %.0f megapixels)"),
                   limit.declared_width, limit.declared_height, SR_SCORE_MAX_IMAGE_PIXELS / 1e6);
      return FALSE;
    }
  GdkPixbuf *decoded = gdk_pixbuf_loader_get_pixbuf (loader);
  if (!written || !closed || decoded == NULL)
    {
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_DAMAGED, _("the %s image is damaged or truncated (%s)"),
                   format_name, decode_error != NULL ? decode_error->message : _("no details"));
      return FALSE;
    }
  /* gdk-pixbuf hands back what it decoded of a cut-off file without complaint; the rest would be blank paper. */
  if (limit.rows_decoded < gdk_pixbuf_get_height (decoded))
    {
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_DAMAGED,
                   _("the %s image is damaged or truncated (only %d of its %d rows could be read)"), format_name,
                   limit.rows_decoded, gdk_pixbuf_get_height (decoded));
      return FALSE;
    }

  g_autoptr(GdkPixbuf) upright = gdk_pixbuf_apply_embedded_orientation (decoded);
  if (upright == NULL)
    {
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_TOO_LARGE, _("not enough memory to turn the image upright"));
      return FALSE;
    }

  self->image = surface_from_pixbuf (upright);
  if (cairo_surface_status (self->image) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_TOO_LARGE, _("not enough memory for a %d × %d image"),
                   gdk_pixbuf_get_width (upright), gdk_pixbuf_get_height (upright));
      return FALSE;
    }

  double points_per_pixel = 72.0 / (image_dpi (decoded) * limit.scale);
  add_page (self, gdk_pixbuf_get_width (upright) * points_per_pixel,
            gdk_pixbuf_get_height (upright) * points_per_pixel, 1.0 / points_per_pixel);
  return TRUE;
}

/* A TIFF's pages, each as large as it is stored unless beyond the limits of an image page (then scaled down with a
 * notice, as PNG and JPEG pages are); decoded only when drawn. */
static gboolean
load_tiff (SrScoreDocument *self, GError **error)
{
  g_autoptr(GError) open_error = NULL;
  self->tiff = sr_tiff_pages_open (self->bytes, &open_error);
  if (self->tiff == NULL)
    {
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_DAMAGED, _("the %s image is damaged or truncated (%s)"),
                   "TIFF", open_error->message);
      return FALSE;
    }
  for (guint i = 0; i < sr_tiff_pages_count (self->tiff); i++)
    {
      const SrTiffPageInfo *info = sr_tiff_pages_info (self->tiff, i);
      double pixels = (double) info->width * (double) info->height;
      if (pixels > SR_SCORE_MAX_IMAGE_PIXELS)
        {
          g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_TOO_LARGE,
                       _("the image is %d × %d pixels, too large to open (the limit is %.0f megapixels)"),
                       info->width, info->height, SR_SCORE_MAX_IMAGE_PIXELS / 1e6);
          return FALSE;
        }
      double scale = MIN (1.0, sqrt (SR_SCORE_MAX_PAGE_PIXELS / pixels));
      scale = MIN (scale, SR_SCORE_MAX_PAGE_SIDE / MAX (info->width, info->height));
      int width = MAX (1, (int) floor (info->width * scale)), height = MAX (1, (int) floor (info->height * scale));
      if (scale < 1.0)
        add_notice (self, g_strdup_printf (_("page %u is %d × %d pixels; it was scaled down to %d × %d"), i + 1,
                                           info->width, info->height, width, height));
      double dpi = info->dpi >= 50.0 && info->dpi <= 4800.0 ? info->dpi : SR_SCORE_ASSUMED_IMAGE_DPI;
      double points_per_pixel = 72.0 / (dpi * (double) width / info->width);
      add_page (self, width * points_per_pixel, height * points_per_pixel, 1.0 / points_per_pixel);
    }
  return TRUE;
}

SrScoreDocument *
sr_score_document_new_for_file (GFile *file, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  g_autoptr(GBytes) bytes = read_score_bytes (file, cancellable, error);
  if (bytes == NULL)
    return NULL;
  return sr_score_document_new_for_bytes (bytes, file, error);
}

SrScoreDocument *
sr_score_document_new_for_bytes (GBytes *bytes, GFile *file, GError **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (g_bytes_get_size (bytes) == 0)
    {
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_EMPTY, _("the file is empty"));
      return NULL;
    }

  g_autoptr(SrScoreDocument) self = g_object_new (SR_TYPE_SCORE_DOCUMENT, NULL);
  self->file = g_object_ref (file);
  self->bytes = g_bytes_ref (bytes);

  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  self->format = sr_score_format_sniff (data, length);

  gboolean loaded = FALSE;
  switch (self->format)
    {
    case SR_SCORE_FORMAT_PDF:
      loaded = load_pdf (self, error);
      break;
    case SR_SCORE_FORMAT_PNG:
    case SR_SCORE_FORMAT_JPEG:
      loaded = load_image (self, error);
      break;
    case SR_SCORE_FORMAT_TIFF:
      loaded = load_tiff (self, error);
      break;
    case SR_SCORE_FORMAT_UNKNOWN:
    default:
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_UNKNOWN_FORMAT,
                   _("not a PDF, PNG, JPEG or TIFF file (its first bytes match none of them)"));
      break;
    }

  /* The decoded image is all a PNG or JPEG page needs; PDFs and TIFFs keep their bytes, read page by page. */
  if (loaded && self->format != SR_SCORE_FORMAT_PDF && self->format != SR_SCORE_FORMAT_TIFF)
    g_clear_pointer (&self->bytes, g_bytes_unref);

  return loaded ? g_steal_pointer (&self) : NULL;
}

static void
open_in_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  SrScoreDocument *document = sr_score_document_new_for_file (G_FILE (task_data), cancellable, &error);
  if (document != NULL)
    g_task_return_pointer (task, document, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
sr_score_document_new_async (GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sr_score_document_new_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, open_in_thread);
}

SrScoreDocument *
sr_score_document_new_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GFile *
sr_score_document_get_file (SrScoreDocument *self)
{
  g_return_val_if_fail (SR_IS_SCORE_DOCUMENT (self), NULL);
  return self->file;
}

SrScoreFormat
sr_score_document_get_format (SrScoreDocument *self)
{
  g_return_val_if_fail (SR_IS_SCORE_DOCUMENT (self), SR_SCORE_FORMAT_UNKNOWN);
  return self->format;
}

guint
sr_score_document_get_n_pages (SrScoreDocument *self)
{
  g_return_val_if_fail (SR_IS_SCORE_DOCUMENT (self), 0);
  return self->pages->len;
}

void
sr_score_document_get_page_size (SrScoreDocument *self, guint page_index, double *width_pt, double *height_pt)
{
  g_return_if_fail (SR_IS_SCORE_DOCUMENT (self));
  g_return_if_fail (page_index < self->pages->len);
  const PageGeometry *geometry = &g_array_index (self->pages, PageGeometry, page_index);
  if (width_pt != NULL)
    *width_pt = geometry->width_pt;
  if (height_pt != NULL)
    *height_pt = geometry->height_pt;
}

const char *const *
sr_score_document_get_notices (SrScoreDocument *self)
{
  g_return_val_if_fail (SR_IS_SCORE_DOCUMENT (self), NULL);
  return (const char *const *) self->notices->pdata;
}

double
sr_score_document_clamp_scale (SrScoreDocument *self, guint page_index, double pixels_per_point)
{
  double width_pt = 1, height_pt = 1;
  sr_score_document_get_page_size (self, page_index, &width_pt, &height_pt);
  double scale = MAX (pixels_per_point, 1e-3);
  scale = MIN (scale, sqrt (SR_SCORE_MAX_PAGE_PIXELS / (width_pt * height_pt)));
  scale = MIN (scale, SR_SCORE_MAX_PAGE_SIDE / MAX (width_pt, height_pt));
  return scale;
}

void
sr_score_document_get_page_pixels (SrScoreDocument *self, guint page_index, double pixels_per_point, int *width_px,
                                   int *height_px)
{
  double width_pt = 0, height_pt = 0;
  sr_score_document_get_page_size (self, page_index, &width_pt, &height_pt);
  double scale = sr_score_document_clamp_scale (self, page_index, pixels_per_point);
  /* Rounded as pdftoppm does: A4 (595.28 × 841.89 pt) at 300 dpi is 2480 × 3508. */
  *width_px = MAX (1, (int) round (width_pt * scale));
  *height_px = MAX (1, (int) round (height_pt * scale));
}

double
sr_score_document_get_native_scale (SrScoreDocument *self, guint page_index)
{
  g_return_val_if_fail (SR_IS_SCORE_DOCUMENT (self), 1.0);
  g_return_val_if_fail (page_index < self->pages->len, 1.0);
  return g_array_index (self->pages, PageGeometry, page_index).native_scale;
}

/* Page PAGE_INDEX of a TIFF at least WIDTH × HEIGHT pixels large (at most as stored, or as the limits allow), kept
 * for the renders that follow: the page view's at one zoom, the analysis' at the native scale. The render lock is
 * held. */
static cairo_surface_t *
tiff_page (SrScoreDocument *self, guint page_index, int width, int height, GError **error)
{
  const PageGeometry *geometry = &g_array_index (self->pages, PageGeometry, page_index);
  width = MIN (width, MAX (1, (int) round (geometry->width_pt * geometry->native_scale)));
  height = MIN (height, MAX (1, (int) round (geometry->height_pt * geometry->native_scale)));
  if (self->tiff_page != NULL && self->tiff_page_index == page_index
      && cairo_image_surface_get_width (self->tiff_page) >= width
      && cairo_image_surface_get_height (self->tiff_page) >= height)
    return self->tiff_page;
  g_clear_pointer (&self->tiff_page, cairo_surface_destroy);
  g_autoptr(GError) decode_error = NULL;
  self->tiff_page = sr_tiff_pages_decode (self->tiff, page_index, width, height, &decode_error);
  if (self->tiff_page == NULL)
    {
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_DAMAGED, _("page %u of the TIFF is damaged (%s)"),
                   page_index + 1, decode_error->message);
      return NULL;
    }
  self->tiff_page_index = page_index;
  return self->tiff_page;
}

cairo_surface_t *
sr_score_document_render_page (SrScoreDocument *self, guint page_index, double pixels_per_point, GError **error)
{
  g_return_val_if_fail (SR_IS_SCORE_DOCUMENT (self), NULL);
  g_return_val_if_fail (page_index < self->pages->len, NULL);

  double width_pt = 0, height_pt = 0;
  sr_score_document_get_page_size (self, page_index, &width_pt, &height_pt);
  double scale = sr_score_document_clamp_scale (self, page_index, pixels_per_point);
  int width = 0, height = 0;
  sr_score_document_get_page_pixels (self, page_index, pixels_per_point, &width, &height);

  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_RENDER, _("not enough memory to draw page %u at %d × %d"),
                   page_index + 1, width, height);
      return NULL;
    }

  cairo_t *cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);

  g_mutex_lock (&self->render_lock);
  cairo_surface_t *picture = self->image;
  g_autoptr(GError) page_error = NULL;
  if (self->tiff != NULL)
    picture = tiff_page (self, page_index, width, height, &page_error);
  if (self->pdf != NULL)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (self->pdf, (int) page_index);
      if (page != NULL)
        poppler_page_render (page, cr);
    }
  else if (picture != NULL)
    {
      double points_per_pixel = width_pt / cairo_image_surface_get_width (picture);
      cairo_scale (cr, points_per_pixel, points_per_pixel);
      cairo_set_source_surface (cr, picture, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
      cairo_paint (cr);
    }
  g_mutex_unlock (&self->render_lock);
  if (page_error != NULL)
    {
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
      g_propagate_error (error, g_steal_pointer (&page_error));
      return NULL;
    }

  cairo_status_t status = cairo_status (cr);
  cairo_destroy (cr);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_RENDER, _("page %u could not be drawn: %s"), page_index + 1,
                   cairo_status_to_string (status));
      return NULL;
    }
  cairo_surface_flush (surface);
  return surface;
}
