/* Opening score files: every page of a PDF, images at their stated resolution, and a clear error for bad files. */
#include <glib/gstdio.h>

#include "score-document.h"
#include "test-files.h"

#include <tiffio.h>

static char *scratch;

static SrScoreDocument *
open_path (const char *path, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  return sr_score_document_new_for_file (file, NULL, error);
}

static void
assert_refused (const char *path, SrScoreError code, const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = open_path (path, &error);
  if (document != NULL)
    g_error ("%s: opened, but should have been refused", path);
  g_assert_error (error, SR_SCORE_ERROR, (int) code);
  if (strstr (error->message, words) == NULL)
    g_error ("%s: expected a message with “%s”, got “%s”", path, words, error->message);
}

static void
test_sample_pdf_is_one_a4_page_of_music (void)
{
  g_autofree char *path = sr_test_sample_path ("minuet-in-g.pdf");
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = open_path (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sr_score_document_get_format (document), ==, SR_SCORE_FORMAT_PDF);
  g_assert_cmpuint (sr_score_document_get_n_pages (document), ==, 1);

  double width_pt = 0, height_pt = 0;
  sr_score_document_get_page_size (document, 0, &width_pt, &height_pt);
  g_assert_cmpfloat_with_epsilon (width_pt, 595.28, 0.01);
  g_assert_cmpfloat_with_epsilon (height_pt, 841.89, 0.01);

  int width_px = 0, height_px = 0;
  sr_score_document_get_page_pixels (document, 0, 300 / 72.0, &width_px, &height_px);
  g_assert_cmpint (width_px, ==, 2480);
  g_assert_cmpint (height_px, ==, 3508);

  cairo_surface_t *page = sr_score_document_render_page (document, 0, 100 / 72.0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cairo_image_surface_get_width (page), ==, 827);
  /* Printed music covers a few per cent of its page: more than a blank page, far less than a black one. */
  double share = sr_test_dark_share (page, 0, 0, 827, 1169);
  g_assert_cmpfloat (share, >, 0.02);
  g_assert_cmpfloat (share, <, 0.30);
  cairo_surface_destroy (page);
}

static void
test_every_page_of_a_multi_page_pdf_is_there_with_its_own_size (void)
{
  g_autofree char *path = sr_test_write_pdf (scratch, "three-pages.pdf", 3, 612, 792);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = open_path (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_score_document_get_n_pages (document), ==, 3);
  for (guint page = 0; page < 3; page++)
    {
      double width_pt = 0, height_pt = 0;
      sr_score_document_get_page_size (document, page, &width_pt, &height_pt);
      g_assert_cmpfloat_with_epsilon (width_pt, 612, 0.01);
      g_assert_cmpfloat_with_epsilon (height_pt, 792, 0.01);
      cairo_surface_t *surface = sr_score_document_render_page (document, page, 0.5, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (sr_test_dark_share (surface, 0, 0, 306, 396), >, 0.001);
      cairo_surface_destroy (surface);
    }
}

static void
test_images_are_one_page_sized_by_their_stated_resolution (void)
{
  const char *formats[] = { "png", "jpeg", "tiff" };
  const SrScoreFormat expected[] = { SR_SCORE_FORMAT_PNG, SR_SCORE_FORMAT_JPEG, SR_SCORE_FORMAT_TIFF };
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("scan.%s", formats[i]);
      g_autofree char *path = sr_test_write_image (scratch, name, formats[i], 600, 800, 150);
      g_autoptr(GError) error = NULL;
      g_autoptr(SrScoreDocument) document = open_path (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (sr_score_document_get_format (document), ==, expected[i]);
      g_assert_cmpuint (sr_score_document_get_n_pages (document), ==, 1);

      /* 600 px at 150 dpi is 4 inches: 288 pt. */
      double width_pt = 0, height_pt = 0;
      sr_score_document_get_page_size (document, 0, &width_pt, &height_pt);
      g_assert_cmpfloat_with_epsilon (width_pt, 288, 0.5);
      g_assert_cmpfloat_with_epsilon (height_pt, 384, 0.5);

      cairo_surface_t *surface = sr_score_document_render_page (document, 0, 150 / 72.0, &error);
      g_assert_no_error (error);
      g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 600);
      g_assert_cmpfloat (sr_test_dark_share (surface, 0, 0, 600, 800), >, 0.005);
      cairo_surface_destroy (surface);
    }
}

/* A scanner's book in one TIFF: every page is there, sized by its own resolution (300 dpi where the file names none),
 * upright whichever way its rows are stored, and a damaged copy is refused or its pages fail with a reason. */
static void
test_every_page_of_a_multi_page_tiff_is_there_upright (void)
{
  const SrTestTiffPage pages[] = {
    { 600, 800, 150, ORIENTATION_TOPLEFT, 50, 100, 80 },
    { 900, 600, 300, ORIENTATION_TOPLEFT, 700, 20, 120 },
    { 500, 700, 0, ORIENTATION_BOTLEFT, 30, 40, 100 }, /* rows stored bottom first; the square is at the top */
  };
  const double expected_pt[][2] = { { 288, 384 }, { 216, 144 }, { 120, 168 } };
  g_autofree char *path = sr_test_write_tiff_pages (scratch, "book.tif", pages, G_N_ELEMENTS (pages));
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = open_path (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sr_score_document_get_format (document), ==, SR_SCORE_FORMAT_TIFF);
  g_assert_cmpuint (sr_score_document_get_n_pages (document), ==, G_N_ELEMENTS (pages));
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      const SrTestTiffPage *page = &pages[i];
      double width_pt = 0, height_pt = 0;
      sr_score_document_get_page_size (document, i, &width_pt, &height_pt);
      g_assert_cmpfloat_with_epsilon (width_pt, expected_pt[i][0], 0.5);
      g_assert_cmpfloat_with_epsilon (height_pt, expected_pt[i][1], 0.5);
      double scale = sr_score_document_get_native_scale (document, i);
      cairo_surface_t *surface = sr_score_document_render_page (document, i, scale, &error);
      g_assert_no_error (error);
      g_assert_cmpint (cairo_image_surface_get_width (surface), ==, page->width);
      g_assert_cmpint (cairo_image_surface_get_height (surface), ==, page->height);
      int inset = 4, s = page->square_size - 2 * inset;
      g_assert_cmpfloat (sr_test_dark_share (surface, page->square_x + inset, page->square_y + inset, s, s), >, 0.95);
      g_assert_cmpfloat (sr_test_dark_share (surface, 0, 0, page->width, page->height), <,
                         1.2 * page->square_size * page->square_size / ((double) page->width * page->height));
      cairo_surface_destroy (surface);
    }

  /* a page longer than a page may be (a scroll scanned whole) is scaled down, with a notice */
  const SrTestTiffPage scroll = { 40000, 12, 300, ORIENTATION_TOPLEFT, 0, 0, 12 };
  g_autofree char *scroll_path = sr_test_write_tiff_pages (scratch, "scroll.tif", &scroll, 1);
  g_autoptr(SrScoreDocument) long_one = open_path (scroll_path, &error);
  g_assert_no_error (error);
  const char *const *notices = sr_score_document_get_notices (long_one);
  g_assert_nonnull (notices[0]);
  g_assert_nonnull (strstr (notices[0], "scaled down to 32767 × 9"));
  int width_px = 0, height_px = 0;
  sr_score_document_get_page_pixels (long_one, 0, sr_score_document_get_native_scale (long_one, 0), &width_px,
                                     &height_px);
  g_assert_cmpint (width_px, ==, 32767);
  g_assert_cmpint (height_px, ==, 9);

  /* cut short: refused with a reason, or opened with the pages before the cut, each drawn or refused as damaged */
  g_autofree char *cut = sr_test_write_truncated_copy (scratch, "cut-book.tif", path, 0.6);
  g_clear_error (&error);
  g_autoptr(SrScoreDocument) damaged = open_path (cut, &error);
  if (damaged == NULL)
    g_assert_error (error, SR_SCORE_ERROR, SR_SCORE_ERROR_DAMAGED);
  for (guint i = 0; damaged != NULL && i < sr_score_document_get_n_pages (damaged); i++)
    {
      g_autoptr(GError) page_error = NULL;
      cairo_surface_t *surface = sr_score_document_render_page (damaged, i, 1.0, &page_error);
      if (surface == NULL)
        g_assert_error (page_error, SR_SCORE_ERROR, SR_SCORE_ERROR_DAMAGED);
      else
        cairo_surface_destroy (surface);
    }
}

static void
test_a_file_named_png_that_is_a_pdf_opens_as_a_pdf (void)
{
  g_autofree char *pdf = sr_test_write_pdf (scratch, "real.pdf", 1, 300, 300);
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
  g_autofree char *path = sr_test_write_file (scratch, "misnamed.png", contents, length);
  g_autoptr(SrScoreDocument) document = open_path (path, NULL);
  g_assert_nonnull (document);
  g_assert_cmpint (sr_score_document_get_format (document), ==, SR_SCORE_FORMAT_PDF);
}

static void
test_bad_files_are_refused_with_a_reason (void)
{
  g_autofree char *sample = sr_test_sample_path ("minuet-in-g.pdf");
  g_autofree char *missing = g_build_filename (scratch, "no-such-score.pdf", NULL);
  g_autofree char *empty = sr_test_write_file (scratch, "empty.pdf", "", 0);
  g_autofree char *truncated = sr_test_write_truncated_copy (scratch, "truncated.pdf", sample, 0.5);
  g_autofree char *text = sr_test_write_file (scratch, "notes.png", "these are not pixels\n", 21);
  g_autofree char *garbled = sr_test_write_png_with_garbled_header (scratch, "garbled.png");
  g_autofree char *sample_png = sr_test_sample_path ("minuet-in-g.png");
  g_autofree char *cut_png = sr_test_write_truncated_copy (scratch, "cut.png", sample_png, 0.3);

  assert_refused (missing, SR_SCORE_ERROR_NOT_FOUND, "no such file");
  assert_refused (scratch, SR_SCORE_ERROR_NOT_A_FILE, "folder");
  assert_refused (empty, SR_SCORE_ERROR_EMPTY, "empty");
  assert_refused (truncated, SR_SCORE_ERROR_DAMAGED, "damaged or truncated");
  assert_refused (text, SR_SCORE_ERROR_UNKNOWN_FORMAT, "not a PDF, PNG, JPEG or TIFF file");
  assert_refused (garbled, SR_SCORE_ERROR_DAMAGED, "PNG image is damaged");
  assert_refused (cut_png, SR_SCORE_ERROR_DAMAGED, "PNG image is damaged or truncated");
}

static void
test_an_image_declaring_absurd_dimensions_is_refused_before_decoding (void)
{
  g_autofree char *path = sr_test_write_png_claiming_size (scratch, "giant.png", 60000, 60000);
  assert_refused (path, SR_SCORE_ERROR_TOO_LARGE, "60000 × 60000 pixels, too large");
}

static void
test_huge_pages_render_within_the_pixel_limit (void)
{
  /* A 100-inch poster page at 300 dpi would need 30000² pixels. */
  g_autofree char *path = sr_test_write_pdf (scratch, "poster.pdf", 1, 7200, 7200);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = open_path (path, &error);
  g_assert_no_error (error);

  double scale = sr_score_document_clamp_scale (document, 0, 300 / 72.0);
  g_assert_cmpfloat (scale, <, 300 / 72.0);
  int width_px = 0, height_px = 0;
  sr_score_document_get_page_pixels (document, 0, 300 / 72.0, &width_px, &height_px);
  g_assert_cmpfloat ((double) width_px * height_px, <=, SR_SCORE_MAX_PAGE_PIXELS * 1.001);
  g_assert_cmpfloat (width_px, <=, SR_SCORE_MAX_PAGE_SIDE);

  /* Small scales are untouched. */
  g_assert_cmpfloat (sr_score_document_clamp_scale (document, 0, 0.1), ==, 0.1);
}

static void
remember_result (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_opening_on_a_worker_thread_gives_the_same_document (void)
{
  g_autofree char *path = sr_test_sample_path ("minuet-in-g.pdf");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  sr_score_document_new_async (file, NULL, remember_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = sr_score_document_new_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_score_document_get_n_pages (document), ==, 1);
  g_assert_true (g_file_equal (sr_score_document_get_file (document), file));
}

static void
test_a_cancelled_open_reports_cancellation (void)
{
  g_autofree char *path = sr_test_sample_path ("minuet-in-g.pdf");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  g_autoptr(GAsyncResult) result = NULL;
  sr_score_document_new_async (file, cancellable, remember_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = sr_score_document_new_finish (result, &error);
  g_assert_null (document);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  scratch = g_dir_make_tmp ("sightread-test-XXXXXX", NULL);

  g_test_add_func ("/score-document/sample-pdf", test_sample_pdf_is_one_a4_page_of_music);
  g_test_add_func ("/score-document/multi-page-pdf", test_every_page_of_a_multi_page_pdf_is_there_with_its_own_size);
  g_test_add_func ("/score-document/images", test_images_are_one_page_sized_by_their_stated_resolution);
  g_test_add_func ("/score-document/multi-page-tiff", test_every_page_of_a_multi_page_tiff_is_there_upright);
  g_test_add_func ("/score-document/sniffed-not-named", test_a_file_named_png_that_is_a_pdf_opens_as_a_pdf);
  g_test_add_func ("/score-document/bad-files", test_bad_files_are_refused_with_a_reason);
  g_test_add_func ("/score-document/absurd-dimensions", test_an_image_declaring_absurd_dimensions_is_refused_before_decoding);
  g_test_add_func ("/score-document/huge-pages", test_huge_pages_render_within_the_pixel_limit);
  g_test_add_func ("/score-document/async", test_opening_on_a_worker_thread_gives_the_same_document);
  g_test_add_func ("/score-document/cancelled", test_a_cancelled_open_reports_cancellation);
  int status = g_test_run ();

  g_autoptr(GFile) folder = g_file_new_for_path (scratch);
  g_autoptr(GFileEnumerator) entries = g_file_enumerate_children (folder, "standard::name", 0, NULL, NULL);
  for (GFileInfo *info; entries != NULL && (info = g_file_enumerator_next_file (entries, NULL, NULL)) != NULL;)
    {
      g_autofree char *child = g_build_filename (scratch, g_file_info_get_name (info), NULL);
      g_remove (child);
      g_object_unref (info);
    }
  g_rmdir (scratch);
  g_free (scratch);
  return status;
}
