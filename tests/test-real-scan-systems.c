/* System detection on real scans: pages of the reference editions in ../shared, each with the number of systems
 * a reader counts on it (tests/data/real-scan-system-counts.tsv says how they were counted) and the systems' boxes
 * (tests/data/real-scan-system-boxes.tsv, made by tools/label-system-boxes.py and checked by eye). The detector
 * must get the count right on at least 95 % of them and its boxes must cover the labelled ones with a mean IoU of
 * at least 0.85 (issue 10's targets for real scans). */
#include <gio/gio.h>

#include "page-analysis.h"
#include "test-boxes.h"

/* The rows of tests/data/NAME, each split into its N_FIELDS tab-separated fields; comments left out. */
static GPtrArray *
labelled_rows (const char *name, guint n_fields)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (char **line = lines; *line != NULL; line++)
    {
      if (**line == '#' || **line == '\0')
        continue;
      char **fields = g_strsplit (*line, "\t", (int) n_fields);
      g_assert_cmpuint (g_strv_length (fields), ==, n_fields);
      g_ptr_array_add (rows, fields);
    }
  return rows;
}

/* Page PAGE (from 1) of FILE (under ../shared/data) as the program analyses it. */
static SrPageAnalysis *
analyse (const char *file, const char *page)
{
  const char *shared = g_getenv ("SIGHTREAD_SHARED");
  g_assert_nonnull (shared);
  g_autofree char *path = g_build_filename (shared, "data", file, NULL);
  g_autoptr(GFile) document_file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrScoreDocument) document = sr_score_document_new_for_file (document_file, NULL, &error);
  g_assert_no_error (error);
  SrPageAnalysis *analysis = sr_page_analyse (document, (guint) g_ascii_strtoull (page, NULL, 10) - 1, &error);
  g_assert_no_error (error);
  return analysis;
}

static void
test_the_system_count_is_right_on_95_percent_of_labelled_real_pages (void)
{
  g_autoptr(GPtrArray) rows = labelled_rows ("real-scan-system-counts.tsv", 3);
  guint right = 0;
  for (guint i = 0; i < rows->len; i++)
    {
      char **fields = rows->pdata[i];
      g_autoptr(SrPageAnalysis) analysis = analyse (fields[0], fields[1]);
      guint expected = (guint) g_ascii_strtoull (fields[2], NULL, 10), found = analysis->systems->len;
      right += found == expected;
      if (found != expected)
        g_test_message ("%s page %s: %u systems, %u found", fields[0], fields[1], expected, found);
    }
  g_test_message ("system count right on %u of %u real pages (%.1f %%)", right, rows->len, 100.0 * right / rows->len);
  g_assert_cmpuint (rows->len, >=, 40);
  g_assert_cmpfloat ((double) right / rows->len, >=, 0.95);
}

static void
test_the_boxes_cover_the_labelled_systems_with_a_mean_iou_of_085 (void)
{
  g_autoptr(GPtrArray) rows = labelled_rows ("real-scan-system-boxes.tsv", 7);
  g_autoptr(SrPageAnalysis) analysis = NULL;
  const char *analysed_file = NULL, *analysed_page = NULL;
  double total = 0;
  guint pages = 0;
  for (guint i = 0; i < rows->len; i++)
    {
      char **fields = rows->pdata[i];
      if (g_strcmp0 (fields[0], analysed_file) != 0 || g_strcmp0 (fields[1], analysed_page) != 0)
        {
          g_clear_pointer (&analysis, sr_page_analysis_free);
          analysis = analyse (fields[0], fields[1]);
          analysed_file = fields[0];
          analysed_page = fields[1];
          pages++;
        }
      /* The labels' corners are inclusive pixels. */
      double x0 = g_ascii_strtod (fields[3], NULL), y0 = g_ascii_strtod (fields[4], NULL);
      SrPageBox label = { x0, y0, g_ascii_strtod (fields[5], NULL) - x0 + 1, g_ascii_strtod (fields[6], NULL) - y0 + 1 };
      double best = 0;
      for (guint k = 0; k < analysis->systems->len; k++)
        best = MAX (best, sr_test_box_iou (&label, &g_array_index (analysis->systems, SrDetectedSystem, k).box));
      if (best < 0.85)
        g_test_message ("%s page %s system %s: IoU %.2f", fields[0], fields[1], fields[2], best);
      total += best;
    }
  g_test_message ("mean IoU %.3f over %u labelled systems on %u real pages", total / rows->len, rows->len, pages);
  g_assert_cmpuint (pages, >=, 40);
  g_assert_cmpfloat (total / rows->len, >=, 0.85);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/real-scan-systems/count", test_the_system_count_is_right_on_95_percent_of_labelled_real_pages);
  g_test_add_func ("/real-scan-systems/boxes", test_the_boxes_cover_the_labelled_systems_with_a_mean_iou_of_085);
  return g_test_run ();
}
