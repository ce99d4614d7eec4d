/* Makes the test inputs; see test-files.h. */
#include "test-files.h"

#include <math.h>

#include <cairo-pdf.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <string.h>
#include <tiffio.h>

char *
sr_test_sample_path (const char *name)
{
  const char *folder = g_getenv ("SIGHTREAD_SAMPLES");
  g_assert_nonnull (folder);
  return g_build_filename (folder, name, NULL);
}

static void
find_files (const char *folder, const char *const *suffixes, GPtrArray *paths)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  for (const char *name; dir != NULL && (name = g_dir_read_name (dir)) != NULL;)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          find_files (path, suffixes, paths);
          continue;
        }
      for (const char *const *suffix = suffixes; *suffix != NULL; suffix++)
        if (g_str_has_suffix (name, *suffix))
          {
            g_ptr_array_add (paths, g_steal_pointer (&path));
            break;
          }
    }
}

/* g_ptr_array_sort hands the comparison pointers to the elements, not the elements. */
static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
sr_test_find_files (const char *root, const char *const *suffixes)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  find_files (root, suffixes, paths);
  g_ptr_array_sort (paths, compare_paths);
  return paths;
}

guint
sr_test_count_valid_musicxml (GPtrArray *paths)
{
  const char *shared = g_getenv ("SIGHTREAD_SHARED");
  g_autofree char *catalog = g_build_filename (shared != NULL ? shared : "", "data", "schema", "musicxml",
                                               "catalog.xml", NULL);
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "XML_CATALOG_FILES", catalog, TRUE);
  guint n_valid = 0;
  for (guint start = 0; start < paths->len; start += 400)
    {
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      const char *head[] = { "xmllint", "--nonet", "--noout", "--schema", "http://www.musicxml.org/xsd/musicxml.xsd" };
      for (gsize i = 0; i < G_N_ELEMENTS (head); i++)
        g_ptr_array_add (argv, (gpointer) head[i]);
      for (guint i = start; i < MIN (start + 400, paths->len); i++)
        g_ptr_array_add (argv, paths->pdata[i]);
      g_ptr_array_add (argv, NULL);
      g_autofree char *out = NULL, *err = NULL;
      int status = 0;
      g_autoptr(GError) error = NULL;
      g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                                   &status, &error));
      g_assert_no_error (error);
      g_auto(GStrv) lines = g_strsplit (err, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          if (g_str_has_suffix (lines[i], " validates"))
            n_valid++;
          else if (lines[i][0] != '\0')
            g_test_message ("%s", lines[i]);
        }
    }
  return n_valid;
}

char *
sr_test_write_file (const char *dir, const char *name, const void *data, gsize length)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_file_set_contents (path, data, (gssize) length, &error);
  g_assert_no_error (error);
  return path;
}

char *
sr_test_write_truncated_copy (const char *dir, const char *name, const char *source, double fraction)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;
  g_file_get_contents (source, &contents, &length, &error);
  g_assert_no_error (error);
  return sr_test_write_file (dir, name, contents, (gsize) (length * fraction));
}

/* A grand staff with a few note heads: enough ink to tell a drawn page from a blank one. */
static void
draw_music (cairo_t *cr, double width, double height)
{
  double staff_space = height / 120.0;
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, staff_space * 0.15);
  for (int staff = 0; staff < 2; staff++)
    {
      double top = height * 0.15 + staff * staff_space * 9;
      for (int line = 0; line < 5; line++)
        {
          cairo_move_to (cr, width * 0.1, top + line * staff_space);
          cairo_line_to (cr, width * 0.9, top + line * staff_space);
        }
      cairo_stroke (cr);
      for (int note = 0; note < 12; note++)
        {
          double x = width * (0.15 + note * 0.06);
          double y = top + (note % 5) * staff_space * 0.5;
          cairo_save (cr);
          cairo_translate (cr, x, y);
          cairo_scale (cr, staff_space * 0.65, staff_space * 0.5);
          cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
          cairo_restore (cr);
          cairo_fill (cr);
          cairo_rectangle (cr, x + staff_space * 0.55, y - staff_space * 3.5, staff_space * 0.12, staff_space * 3.5);
          cairo_fill (cr);
        }
    }
}

char *
sr_test_write_pdf (const char *dir, const char *name, int n_pages, double width_pt, double height_pt)
{
  char *path = g_build_filename (dir, name, NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create (path, width_pt, height_pt);
  cairo_t *cr = cairo_create (surface);
  for (int page = 0; page < n_pages; page++)
    {
      draw_music (cr, width_pt, height_pt);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

char *
sr_test_write_image (const char *dir, const char *name, const char *format, int width, int height, int dpi)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  draw_music (cr, width, height);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  const guint8 *source = cairo_image_surface_get_data (surface);
  int source_stride = cairo_image_surface_get_stride (surface);
  guint8 *target = gdk_pixbuf_get_pixels (pixbuf);
  int target_stride = gdk_pixbuf_get_rowstride (pixbuf);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 pixel = ((const guint32 *) (source + y * source_stride))[x];
        guint8 *out = target + y * target_stride + x * 3;
        out[0] = (pixel >> 16) & 0xff;
        out[1] = (pixel >> 8) & 0xff;
        out[2] = pixel & 0xff;
      }
  cairo_surface_destroy (surface);

  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *dpi_text = g_strdup_printf ("%d", dpi);
  g_autoptr(GError) error = NULL;
  gdk_pixbuf_save (pixbuf, path, format, &error, "x-dpi", dpi_text, "y-dpi", dpi_text, NULL);
  g_assert_no_error (error);
  return path;
}

char *
sr_test_write_tiff_pages (const char *dir, const char *name, const SrTestTiffPage *pages, int n_pages)
{
  char *path = g_build_filename (dir, name, NULL);
  TIFF *tiff = TIFFOpen (path, "w");
  g_assert_nonnull (tiff);
  for (int p = 0; p < n_pages; p++)
    {
      const SrTestTiffPage *page = &pages[p];
      TIFFSetField (tiff, TIFFTAG_IMAGEWIDTH, (guint32) page->width);
      TIFFSetField (tiff, TIFFTAG_IMAGELENGTH, (guint32) page->height);
      TIFFSetField (tiff, TIFFTAG_BITSPERSAMPLE, 8);
      TIFFSetField (tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
      TIFFSetField (tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
      TIFFSetField (tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
      TIFFSetField (tiff, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
      TIFFSetField (tiff, TIFFTAG_ROWSPERSTRIP, 16);
      TIFFSetField (tiff, TIFFTAG_ORIENTATION, (guint16) page->orientation);
      TIFFSetField (tiff, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
      TIFFSetField (tiff, TIFFTAG_PAGENUMBER, (guint16) p, (guint16) n_pages);
      if (page->dpi > 0)
        {
          TIFFSetField (tiff, TIFFTAG_XRESOLUTION, (float) page->dpi);
          TIFFSetField (tiff, TIFFTAG_YRESOLUTION, (float) page->dpi);
          TIFFSetField (tiff, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
        }
      g_autofree guint8 *row = g_malloc ((gsize) page->width);
      for (int stored = 0; stored < page->height; stored++)
        {
          /* bottom-up files store the page's last row first */
          int y = page->orientation == ORIENTATION_BOTLEFT ? page->height - 1 - stored : stored;
          for (int x = 0; x < page->width; x++)
            row[x] = x >= page->square_x && x < page->square_x + page->square_size && y >= page->square_y
                         && y < page->square_y + page->square_size ? 0 : 255;
          g_assert_cmpint (TIFFWriteScanline (tiff, row, (guint32) stored, 0), ==, 1);
        }
      g_assert_true (TIFFWriteDirectory (tiff));
    }
  TIFFClose (tiff);
  return path;
}

static guint32
crc32_of (const guint8 *data, gsize length)
{
  guint32 crc = 0xffffffffu;
  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int bit = 0; bit < 8; bit++)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
  return crc ^ 0xffffffffu;
}

static void
append_chunk (GByteArray *png, const char *type, const guint8 *data, guint32 length)
{
  guint32 length_be = GUINT32_TO_BE (length);
  g_byte_array_append (png, (const guint8 *) &length_be, 4);
  g_autoptr(GByteArray) typed = g_byte_array_new ();
  g_byte_array_append (typed, (const guint8 *) type, 4);
  if (length > 0)
    g_byte_array_append (typed, data, length);
  g_byte_array_append (png, typed->data, typed->len);
  guint32 crc_be = GUINT32_TO_BE (crc32_of (typed->data, typed->len));
  g_byte_array_append (png, (const guint8 *) &crc_be, 4);
}

static GByteArray *
png_with_header (guint32 width, guint32 height)
{
  GByteArray *png = g_byte_array_new ();
  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  guint8 header[13] = { 0 };
  guint32 width_be = GUINT32_TO_BE (width), height_be = GUINT32_TO_BE (height);
  memcpy (header, &width_be, 4);
  memcpy (header + 4, &height_be, 4);
  header[8] = 8;  /* bit depth */
  header[9] = 0;  /* greyscale */
  append_chunk (png, "IHDR", header, sizeof header);
  /* An empty zlib stream: the image ends almost at once. */
  static const guint8 empty_zlib[] = { 0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 };
  append_chunk (png, "IDAT", empty_zlib, sizeof empty_zlib);
  append_chunk (png, "IEND", NULL, 0);
  return png;
}

char *
sr_test_write_png_claiming_size (const char *dir, const char *name, guint32 width, guint32 height)
{
  g_autoptr(GByteArray) png = png_with_header (width, height);
  return sr_test_write_file (dir, name, png->data, png->len);
}

char *
sr_test_write_png_with_garbled_header (const char *dir, const char *name)
{
  g_autoptr(GByteArray) png = png_with_header (64, 64);
  png->data[16 + 1] ^= 0x5a; /* inside IHDR's width field, after the checksum was computed */
  return sr_test_write_file (dir, name, png->data, png->len);
}

double
sr_test_dark_share (cairo_surface_t *surface, int x, int y, int width, int height)
{
  cairo_surface_flush (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int surface_width = cairo_image_surface_get_width (surface);
  int surface_height = cairo_image_surface_get_height (surface);
  guint64 dark = 0, total = 0;
  for (int row = MAX (y, 0); row < MIN (y + height, surface_height); row++)
    for (int column = MAX (x, 0); column < MIN (x + width, surface_width); column++)
      {
        guint32 pixel = ((const guint32 *) (data + row * stride))[column];
        guint luma = (((pixel >> 16) & 0xff) * 299 + ((pixel >> 8) & 0xff) * 587 + (pixel & 0xff) * 114) / 1000;
        dark += luma < 128;
        total++;
      }
  return total > 0 ? (double) dark / (double) total : 0.0;
}

double
sr_test_rms (const float *samples, gsize frames, int rate, double from_s, double to_s)
{
  gsize from = (gsize) (from_s * rate), to = MIN ((gsize) (to_s * rate), frames);
  double sum = 0;
  for (gsize i = from; i < to; i++)
    sum += (double) samples[i] * samples[i];
  return sqrt (sum / MAX (to > from ? to - from : 1, 1));
}

void
sr_test_isolate_home (void)
{
  g_autofree char *home = g_dir_make_tmp ("sightread-home-XXXXXX", NULL);
  const char *variables[] = { "HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME" };
  for (gsize i = 0; i < G_N_ELEMENTS (variables); i++)
    {
      g_autofree char *folder = g_build_filename (home, variables[i], NULL);
      g_mkdir_with_parents (folder, 0700);
      g_setenv (variables[i], folder, TRUE);
    }
}
