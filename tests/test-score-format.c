/* Score files are recognised by their first bytes, whatever their names say. */
#include "score-format.h"

static void
test_each_format_is_recognised_by_its_magic_number (void)
{
  g_assert_cmpint (sr_score_format_sniff ((const guint8 *) "%PDF-1.7\n", 9), ==, SR_SCORE_FORMAT_PDF);
  g_assert_cmpint (sr_score_format_sniff ((const guint8 *) "\x89PNG\r\n\x1a\n....", 12), ==, SR_SCORE_FORMAT_PNG);
  g_assert_cmpint (sr_score_format_sniff ((const guint8 *) "\xff\xd8\xff\xe0", 4), ==, SR_SCORE_FORMAT_JPEG);
  g_assert_cmpint (sr_score_format_sniff ((const guint8 *) "II*\0\x08\0\0\0", 8), ==, SR_SCORE_FORMAT_TIFF);
  g_assert_cmpint (sr_score_format_sniff ((const guint8 *) "MM\0*\0\0\0\x08", 8), ==, SR_SCORE_FORMAT_TIFF);
}

static void
test_a_pdf_header_after_leading_junk_is_still_a_pdf (void)
{
  guint8 head[600];
  memset (head, ' ', sizeof head);
  memcpy (head + 500, "%PDF-1.4", 8);
  g_assert_cmpint (sr_score_format_sniff (head, sizeof head), ==, SR_SCORE_FORMAT_PDF);
}

static void
test_truncated_or_foreign_headers_are_unknown (void)
{
  g_assert_cmpint (sr_score_format_sniff (NULL, 0), ==, SR_SCORE_FORMAT_UNKNOWN);
  g_assert_cmpint (sr_score_format_sniff ((const guint8 *) "", 0), ==, SR_SCORE_FORMAT_UNKNOWN);
  g_assert_cmpint (sr_score_format_sniff ((const guint8 *) "\x89PNG\r\n", 6), ==, SR_SCORE_FORMAT_UNKNOWN);
  g_assert_cmpint (sr_score_format_sniff ((const guint8 *) "%PDF", 4), ==, SR_SCORE_FORMAT_UNKNOWN);
  g_assert_cmpint (sr_score_format_sniff ((const guint8 *) "GIF89a", 6), ==, SR_SCORE_FORMAT_UNKNOWN);
  g_assert_cmpint (sr_score_format_sniff ((const guint8 *) "<?xml version", 13), ==, SR_SCORE_FORMAT_UNKNOWN);
}

static void
test_format_names_are_the_familiar_ones (void)
{
  g_assert_cmpstr (sr_score_format_name (SR_SCORE_FORMAT_PDF), ==, "PDF");
  g_assert_cmpstr (sr_score_format_name (SR_SCORE_FORMAT_TIFF), ==, "TIFF");
  g_assert_cmpstr (sr_score_format_name (SR_SCORE_FORMAT_UNKNOWN), ==, "unknown");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/score-format/magic-numbers", test_each_format_is_recognised_by_its_magic_number);
  g_test_add_func ("/score-format/pdf-after-junk", test_a_pdf_header_after_leading_junk_is_still_a_pdf);
  g_test_add_func ("/score-format/unknown", test_truncated_or_foreign_headers_are_unknown);
  g_test_add_func ("/score-format/names", test_format_names_are_the_familiar_ones);
  return g_test_run ();
}
