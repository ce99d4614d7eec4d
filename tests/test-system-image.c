/* System crops as the models see them (../shared/specs/model.md §1.1): an 18-px staff, the median threshold, the
 * size limits, and the way back from crop to page for the overlay. */
#include <math.h>

#include "system-detect.h"
#include "system-image.h"

/* A white page with one five-line staff, lines 2 px thick every SPACE px from TOP, from x = 10 to the right margin. */
static SrGrayImage *
page_with_staff (int width, int height, int top, int space)
{
  SrGrayImage *page = sr_gray_image_new (width, height);
  memset (page->pixels, 255, (gsize) width * height);
  for (int line = 0; line < 5; line++)
    for (int x = 10; x < width - 10; x++)
      {
        page->pixels[(gsize) (top + line * space) * width + x] = 0;
        page->pixels[(gsize) (top + line * space + 1) * width + x] = 0;
      }
  return page;
}

/* The centres of the dark bands in column X of IMAGE (each row weighted by its darkness): where the lines lie, to
 * a fraction of a pixel however the resampling spread them. */
static GArray *
line_centres (const SrGrayImage *image, int x)
{
  GArray *centres = g_array_new (FALSE, FALSE, sizeof (double));
  double weight = 0, moment = 0;
  for (int y = 0; y <= image->height; y++)
    {
      double ink = y < image->height ? 255 - image->pixels[(gsize) y * image->width + x] : 0;
      if (ink > 0)
        {
          weight += ink;
          moment += ink * y;
        }
      else if (weight > 0)
        {
          double centre = moment / weight;
          g_array_append_val (centres, centre);
          weight = moment = 0;
        }
    }
  return centres;
}

static void
test_the_staff_comes_out_18_pixels_high (void)
{
  /* Staff lines 9 px apart: the staff is 36 px high on the page, so the crop is half the size. */
  g_autoptr(SrGrayImage) page = page_with_staff (400, 300, 100, 9);
  SrPageBox box = { 0, 60, 400, 120 };
  SrCropPlacement placement;
  gboolean shrunk = TRUE;
  g_autoptr(SrGrayImage) crop = sr_system_image_normalize (page, &box, 36, &placement, &shrunk);
  g_assert_nonnull (crop);
  g_assert_false (shrunk);
  g_assert_cmpint (crop->width, ==, 200);
  g_assert_cmpint (crop->height, ==, 60);
  g_assert_cmpfloat (placement.scale, ==, 0.5);

  g_autoptr(GArray) lines = line_centres (crop, 100);
  g_assert_cmpuint (lines->len, ==, 5);
  double top = g_array_index (lines, double, 0), bottom = g_array_index (lines, double, 4);
  g_assert_cmpfloat_with_epsilon (bottom - top, 18.0, 0.25);

  /* Back to the page: the crop's top staff line lies on the page's. */
  double page_y = placement.origin_y + (top + 0.5) / placement.scale;
  g_assert_cmpfloat_with_epsilon (page_y, 101.0, 0.5);
}

static void
test_pixels_brighter_than_the_median_turn_white (void)
{
  /* A grey ramp: half of the pixels lie above the median and become white, the rest keep their value. */
  g_autoptr(SrGrayImage) image = sr_gray_image_new (100, 1);
  for (int x = 0; x < 100; x++)
    image->pixels[x] = (guint8) (x * 2);
  sr_gray_image_threshold_at_median (image);
  for (int x = 0; x < 100; x++)
    g_assert_cmpint (image->pixels[x], ==, x < 50 ? x * 2 : 255);
}

static void
test_a_system_too_tall_for_the_model_is_shrunk_to_fit (void)
{
  /* A 2000-px-high box at a 36-px staff would be 1000 px: more than the 416 the model takes. */
  g_autoptr(SrGrayImage) page = page_with_staff (300, 2100, 1000, 9);
  SrPageBox box = { 0, 50, 300, 2000 };
  SrCropPlacement placement;
  gboolean shrunk = FALSE;
  g_autoptr(SrGrayImage) crop = sr_system_image_normalize (page, &box, 36, &placement, &shrunk);
  g_assert_true (shrunk);
  g_assert_cmpint (crop->height, ==, SR_SYSTEM_MAX_HEIGHT);
  g_assert_cmpint (crop->width, <, 150);
}

static void
test_a_box_off_the_page_is_clamped_or_refused (void)
{
  g_autoptr(SrGrayImage) page = page_with_staff (200, 200, 80, 9);
  SrPageBox partly = { -50, 60, 150, 80 };
  SrCropPlacement placement;
  g_autoptr(SrGrayImage) crop = sr_system_image_normalize (page, &partly, 36, &placement, NULL);
  g_assert_nonnull (crop);
  g_assert_cmpfloat (placement.origin_x, ==, 0);
  g_assert_cmpint (crop->width, ==, 50);

  SrPageBox outside = { 500, 500, 10, 10 };
  g_assert_null (sr_system_image_normalize (page, &outside, 36, NULL, NULL));
  SrPageBox nonsense = { 0, 0, NAN, 10 };
  g_assert_null (sr_system_image_normalize (page, &nonsense, 36, NULL, NULL));
}

/* A page drawn like a scan: a grand staff joined by its first barline, then a lone staff, lines drifting down by
 * three pixels across the page as a slightly turned scan's do, a few notes between the lines. */
static SrGrayImage *
drawn_page (void)
{
  int width = 1200, height = 900;
  SrGrayImage *page = sr_gray_image_new (width, height);
  memset (page->pixels, 255, (gsize) width * height);
  const int tops[] = { 100, 220, 500 }; /* staff tops; the first two form a system */
  for (int s = 0; s < 3; s++)
    for (int line = 0; line < 5; line++)
      for (int x = 100; x < 1100; x++)
        {
          int y = tops[s] + line * 12 + (x - 100) * 3 / 1000;
          page->pixels[(gsize) y * width + x] = 0;
          page->pixels[(gsize) (y + 1) * width + x] = 0;
        }
  for (int y = tops[0]; y <= tops[1] + 49; y++) /* the grand staff's first barline */
    page->pixels[(gsize) y * width + 100] = page->pixels[(gsize) y * width + 101] = 0;
  for (int n = 0; n < 20; n++) /* note heads */
    for (int dy = 0; dy < 8; dy++)
      for (int dx = 0; dx < 10; dx++)
        page->pixels[(gsize) (tops[n % 3] + 20 + dy) * width + 150 + n * 45 + dx] = 0;
  return page;
}

static void
test_staves_joined_by_a_barline_make_one_system (void)
{
  g_autoptr(SrGrayImage) page = drawn_page ();
  g_autoptr(GArray) staves = sr_detect_staves (page);
  g_assert_cmpuint (staves->len, ==, 3);
  const SrStaff *first = &g_array_index (staves, SrStaff, 0);
  g_assert_cmpfloat_with_epsilon (first->space, 12.0, 0.5);
  g_assert_cmpfloat_with_epsilon (first->left, 100, 3);
  g_assert_cmpfloat_with_epsilon (first->right, 1099, 3);

  g_autoptr(GArray) systems = sr_detect_systems (page, staves);
  g_assert_cmpuint (systems->len, ==, 2);
  const SrDetectedSystem *grand = &g_array_index (systems, SrDetectedSystem, 0);
  const SrDetectedSystem *lone = &g_array_index (systems, SrDetectedSystem, 1);
  g_assert_cmpuint (grand->n_staves, ==, 2);
  g_assert_cmpuint (lone->n_staves, ==, 1);
  g_assert_cmpfloat_with_epsilon (grand->staff_height, 48.0, 1.0);
  /* The box holds both staves and nothing of the lone one. */
  g_assert_cmpfloat (grand->box.y, <=, 100);
  g_assert_cmpfloat (grand->box.y + grand->box.height, >=, 220 + 50);
  g_assert_cmpfloat (grand->box.y + grand->box.height, <, 500);
  g_assert_cmpfloat (lone->box.y, >, 270);
}

/* A scan with the scanner's dark shadow down its left side, next to the staves: it joins nothing. */
static void
test_the_dark_edge_of_a_scan_does_not_join_systems (void)
{
  g_autoptr(SrGrayImage) page = drawn_page ();
  for (int y = 0; y < page->height; y++)
    for (int x = 70 + y / 300; x < 86 + y / 300; x++) /* leaning a little, as after straightening */
      page->pixels[(gsize) y * page->width + x] = 0;
  g_autoptr(GArray) staves = sr_detect_staves (page);
  g_assert_cmpuint (staves->len, ==, 3);
  g_autoptr(GArray) systems = sr_detect_systems (page, staves);
  g_assert_cmpuint (systems->len, ==, 2);
  g_assert_cmpuint (g_array_index (systems, SrDetectedSystem, 0).n_staves, ==, 2);
}

/* An engraving rendered small: each staff line a pixel and a half thick, anti-aliased into two rows of light grey
 * (150 and 190 of 255, both lighter than mid-grey), on white; the barline and the note heads dark. */
static void
test_thin_grey_staff_lines_of_a_small_rendering_are_found (void)
{
  int width = 900, height = 400;
  g_autoptr(SrGrayImage) page = sr_gray_image_new (width, height);
  memset (page->pixels, 255, (gsize) width * height);
  const int tops[] = { 60, 160 }; /* a grand staff: staff space 8 px */
  for (int s = 0; s < 2; s++)
    for (int line = 0; line < 5; line++)
      for (int x = 50; x < 850; x++)
        {
          page->pixels[(gsize) (tops[s] + line * 8) * width + x] = 150;
          page->pixels[(gsize) (tops[s] + line * 8 + 1) * width + x] = 190;
        }
  for (int y = tops[0]; y <= tops[1] + 33; y++)
    page->pixels[(gsize) y * width + 50] = page->pixels[(gsize) y * width + 51] = 0;
  for (int n = 0; n < 16; n++)
    for (int dy = 0; dy < 6; dy++)
      for (int dx = 0; dx < 8; dx++)
        page->pixels[(gsize) (tops[n % 2] + 10 + dy) * width + 90 + n * 45 + dx] = 0;

  g_autoptr(GArray) staves = sr_detect_staves (page);
  g_assert_cmpuint (staves->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (g_array_index (staves, SrStaff, 0).space, 8.0, 0.5);
  g_autoptr(GArray) systems = sr_detect_systems (page, staves);
  g_assert_cmpuint (systems->len, ==, 1);
  g_assert_cmpuint (g_array_index (systems, SrDetectedSystem, 0).n_staves, ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/system-image/staff-height", test_the_staff_comes_out_18_pixels_high);
  g_test_add_func ("/system-image/median-threshold", test_pixels_brighter_than_the_median_turn_white);
  g_test_add_func ("/system-image/too-tall", test_a_system_too_tall_for_the_model_is_shrunk_to_fit);
  g_test_add_func ("/system-image/off-the-page", test_a_box_off_the_page_is_clamped_or_refused);
  g_test_add_func ("/system-detect/grand-staff", test_staves_joined_by_a_barline_make_one_system);
  g_test_add_func ("/system-detect/dark-edge", test_the_dark_edge_of_a_scan_does_not_join_systems);
  g_test_add_func ("/system-detect/thin-grey-lines", test_thin_grey_staff_lines_of_a_small_rendering_are_found);
  return g_test_run ();
}
