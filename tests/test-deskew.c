/* Straightening a turned page before its systems are looked for: the sample page turned by a few degrees either
 * way is measured to within a tenth of a degree and, straightened, shows all its systems again. */
#include <glib.h>
#include <math.h>

#include "deskew.h"
#include "score-document.h"
#include "system-detect.h"
#include "test-files.h"

static SrGrayImage *
sample_page (void)
{
  g_autofree char *path = sr_test_sample_path ("minuet-in-g.pdf");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = sr_score_document_new_for_file (file, NULL, &error);
  g_assert_no_error (error);
  cairo_surface_t *surface = sr_score_document_render_page (document, 0,
                                                            sr_score_document_get_native_scale (document, 0), &error);
  g_assert_no_error (error);
  SrGrayImage *page = sr_gray_image_new_from_surface (surface);
  cairo_surface_destroy (surface);
  return page;
}

static guint
count_systems (const SrGrayImage *page)
{
  g_autoptr(GArray) staves = sr_detect_staves (page);
  g_autoptr(GArray) systems = sr_detect_systems (page, staves);
  return systems->len;
}

static void
test_a_straight_page_is_left_alone (void)
{
  g_autoptr(SrGrayImage) page = sample_page ();
  double skew = 99;
  g_autoptr(SrGrayImage) straightened = sr_page_straightened (page, &skew);
  g_assert_null (straightened);
  g_assert_cmpfloat (fabs (skew), <, 0.05);
}

static void
test_a_turned_page_is_measured_and_straightened (void)
{
  g_autoptr(SrGrayImage) page = sample_page ();
  guint expected = count_systems (page);
  g_assert_cmpuint (expected, >=, 3);
  const double turns[] = { 2.5, -1.3, 4.6, -0.7 };
  for (gsize i = 0; i < G_N_ELEMENTS (turns); i++)
    {
      /* turning by -x gives a page measured at x (see deskew.h) */
      g_autoptr(SrGrayImage) turned = sr_gray_image_rotated (page, -turns[i]);
      double skew = 0;
      g_autoptr(SrGrayImage) straightened = sr_page_straightened (turned, &skew);
      g_assert_nonnull (straightened);
      g_assert_cmpfloat (fabs (skew - turns[i]), <=, 0.1);
      g_assert_cmpuint (count_systems (straightened), ==, expected);
    }
}

static void
test_a_blank_page_has_no_skew (void)
{
  g_autoptr(SrGrayImage) blank = sr_gray_image_new (800, 1100);
  memset (blank->pixels, 255, 800 * 1100);
  g_assert_cmpfloat (sr_page_skew_degrees (blank), ==, 0.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/deskew/straight", test_a_straight_page_is_left_alone);
  g_test_add_func ("/deskew/turned", test_a_turned_page_is_measured_and_straightened);
  g_test_add_func ("/deskew/blank", test_a_blank_page_has_no_skew);
  return g_test_run ();
}
