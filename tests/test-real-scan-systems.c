/* System detection on real scans: pages of the reference editions in ../shared, each with the number of systems
 * a reader counts on it (tests/data/real-scan-system-counts.tsv says how they were counted) and the systems' boxes
 * (tests/data/real-scan-system-boxes.tsv, made by tools/label-system-boxes.py and checked by eye). The detector
 * must get the count right on at least 95 % of them and its boxes must cover the labelled ones with a mean IoU of
 * at least 0.85 (issue 10's targets for real scans). */
#include <gio/gio.h>

#include "page-analysis.h"

static guint
count_systems (const char *path, guint page_index)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = sr_score_document_new_for_file (file, NULL, &error);
  g_assert_no_error (error);
  g_autoptr(SrPageAnalysis) analysis = sr_page_analyse (document, page_index, &error);
  g_assert_no_error (error);
  return analysis->systems->len;
}

static void
test_the_system_count_is_right_on_95_percent_of_labelled_real_pages (void)
{
  g_autofree char *labels_path = g_test_build_filename (G_TEST_DIST, "data", "real-scan-system-counts.tsv", NULL);
  g_autofree char *labels = NULL;
  g_assert_true (g_file_get_contents (labels_path, &labels, NULL, NULL));
  const char *shared = g_getenv ("SIGHTREAD_SHARED");
  g_assert_nonnull (shared);
  g_auto(GStrv) lines = g_strsplit (labels, "\n", -1);
  guint pages = 0, right = 0;
  for (char **line = lines; *line != NULL; line++)
    {
      if (**line == '#' || **line == '\0')
        continue;
      g_auto(GStrv) fields = g_strsplit (*line, "\t", 3);
      g_assert_cmpuint (g_strv_length (fields), ==, 3);
      g_autofree char *path = g_build_filename (shared, "data", fields[0], NULL);
      guint page = (guint) g_ascii_strtoull (fields[1], NULL, 10), expected = (guint) g_ascii_strtoull (fields[2], NULL, 10);
      guint found = count_systems (path, page - 1);
      pages++;
      right += found == expected;
      if (found != expected)
        g_test_message ("%s page %u: %u systems, %u found", fields[0], page, expected, found);
    }
  g_test_message ("system count right on %u of %u real pages (%.1f %%)", right, pages, 100.0 * right / pages);
  g_assert_cmpuint (pages, >=, 40);
  g_assert_cmpfloat ((double) right / pages, >=, 0.95);
}

static double
intersection_over_union (const SrPageBox *a, const SrPageBox *b)
{
  double w = MIN (a->x + a->width, b->x + b->width) - MAX (a->x, b->x);
  double h = MIN (a->y + a->height, b->y + b->height) - MAX (a->y, b->y);
  double common = w > 0 && h > 0 ? w * h : 0;
  return common / (a->width * a->height + b->width * b->height - common);
}

static void
test_the_boxes_cover_the_labelled_systems_with_a_mean_iou_of_085 (void)
{
  g_autofree char *labels_path = g_test_build_filename (G_TEST_DIST, "data", "real-scan-system-boxes.tsv", NULL);
  g_autofree char *labels = NULL;
  g_assert_true (g_file_get_contents (labels_path, &labels, NULL, NULL));
  const char *shared = g_getenv ("SIGHTREAD_SHARED");
  g_assert_nonnull (shared);
  g_auto(GStrv) lines = g_strsplit (labels, "\n", -1);
  g_autoptr(SrPageAnalysis) analysis = NULL;
  g_autofree char *analysed = NULL; /* "file\tpage" of ANALYSIS */
  double total = 0;
  guint boxes = 0, pages = 0;
  for (char **line = lines; *line != NULL; line++)
    {
      if (**line == '#' || **line == '\0')
        continue;
      g_auto(GStrv) fields = g_strsplit (*line, "\t", 7);
      g_assert_cmpuint (g_strv_length (fields), ==, 7);
      g_autofree char *key = g_strdup_printf ("%s\t%s", fields[0], fields[1]);
      if (g_strcmp0 (key, analysed) != 0)
        {
          g_autofree char *path = g_build_filename (shared, "data", fields[0], NULL);
          g_autoptr(GFile) file = g_file_new_for_path (path);
          g_autoptr(GError) error = NULL;
          g_autoptr(SrScoreDocument) document = sr_score_document_new_for_file (file, NULL, &error);
          g_assert_no_error (error);
          g_clear_pointer (&analysis, sr_page_analysis_free);
          analysis = sr_page_analyse (document, (guint) g_ascii_strtoull (fields[1], NULL, 10) - 1, &error);
          g_assert_no_error (error);
          g_free (analysed);
          analysed = g_steal_pointer (&key);
          pages++;
        }
      double x0 = g_ascii_strtod (fields[3], NULL), y0 = g_ascii_strtod (fields[4], NULL);
      SrPageBox label = { x0, y0, g_ascii_strtod (fields[5], NULL) - x0 + 1, g_ascii_strtod (fields[6], NULL) - y0 + 1 };
      double best = 0;
      for (guint i = 0; i < analysis->systems->len; i++)
        best = MAX (best, intersection_over_union (&label, &g_array_index (analysis->systems, SrDetectedSystem, i).box));
      if (best < 0.85)
        g_test_message ("%s page %s system %s: IoU %.2f", fields[0], fields[1], fields[2], best);
      total += best;
      boxes++;
    }
  g_test_message ("mean IoU %.3f over %u labelled systems on %u real pages", total / boxes, boxes, pages);
  g_assert_cmpuint (pages, >=, 40);
  g_assert_cmpfloat (total / boxes, >=, 0.85);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/real-scan-systems/count", test_the_system_count_is_right_on_95_percent_of_labelled_real_pages);
  g_test_add_func ("/real-scan-systems/boxes", test_the_boxes_cover_the_labelled_systems_with_a_mean_iou_of_085);
  return g_test_run ();
}
