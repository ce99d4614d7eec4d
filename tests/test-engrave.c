/* The engraver: hand-written scores drawn as their golden pictures (compared with a pixel's tolerance), measures laid
 * out in systems that fill the width, LMX from a model drawn like MusicXML, every score in ../shared/data engraved,
 * and bad input refused with a reason.
 * SIGHTREAD_UPDATE_GOLDEN=1 rewrites the golden pictures (then look at them before committing). */
#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "engraving.h"
#include "lmx-delinearize.h"
#include "lmx-vocabulary.h"
#include "musicxml-read.h"
#include "test-files.h"

#define STAFF_SPACE 10.0
#define GOLDEN_WIDTH 61.0 /* staff spaces: two systems for each fixture */

static xmlDoc *
read_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "engrave", name, NULL);
  g_autoptr(GError) error = NULL;
  xmlDoc *document = sr_musicxml_read (path, &error);
  g_assert_no_error (error);
  return document;
}

/* Every system one under the other on white, as `sightread engrave` writes a PNG. */
static cairo_surface_t *
draw (const SrEngraving *engraving, double staff_space)
{
  double width = 0, height = 0;
  for (guint i = 0; i < sr_engraving_n_systems (engraving); i++)
    {
      double w, h;
      sr_engraving_system_size (engraving, i, &w, &h);
      width = MAX (width, w);
      height += h;
    }
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (width * staff_space),
                                                         (int) ceil (height * staff_space));
  cairo_t *cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, staff_space, staff_space);
  for (guint i = 0; i < sr_engraving_n_systems (engraving); i++)
    {
      double w, h;
      sr_engraving_system_size (engraving, i, &w, &h);
      sr_engraving_draw_system (engraving, i, cr);
      cairo_translate (cr, 0, h);
    }
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static gboolean
dark (cairo_surface_t *surface, int x, int y)
{
  if (x < 0 || y < 0 || x >= cairo_image_surface_get_width (surface) || y >= cairo_image_surface_get_height (surface))
    return FALSE;
  const guint8 *row = cairo_image_surface_get_data (surface) + y * cairo_image_surface_get_stride (surface);
  guint32 pixel = ((const guint32 *) row)[x];
  return ((pixel >> 16 & 0xff) + (pixel >> 8 & 0xff) + (pixel & 0xff)) < 3 * 128;
}

/* Dark pixels of A with no dark pixel of B within one pixel. */
static guint
unmatched (cairo_surface_t *a, cairo_surface_t *b, guint *n_dark)
{
  guint missing = 0;
  *n_dark = 0;
  for (int y = 0; y < cairo_image_surface_get_height (a); y++)
    for (int x = 0; x < cairo_image_surface_get_width (a); x++)
      if (dark (a, x, y))
        {
          (*n_dark)++;
          gboolean near = FALSE;
          for (int dy = -1; dy <= 1 && !near; dy++)
            for (int dx = -1; dx <= 1 && !near; dx++)
              near = dark (b, x + dx, y + dy);
          missing += !near;
        }
  return missing;
}

static void
assert_matches_golden (const char *fixture, const char *golden_name)
{
  g_autoptr(xmlDoc) document = read_fixture (fixture);
  SrEngravingOptions options = SR_ENGRAVING_OPTIONS_DEFAULT;
  options.width = GOLDEN_WIDTH;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrEngraving) engraving = sr_engraving_new (document, &options, &error);
  g_assert_no_error (error);
  cairo_surface_t *drawn = draw (engraving, STAFF_SPACE);
  g_autofree char *golden_path = g_test_build_filename (G_TEST_DIST, "data", "engrave", golden_name, NULL);
  if (g_getenv ("SIGHTREAD_UPDATE_GOLDEN") != NULL)
    g_assert_cmpint (cairo_surface_write_to_png (drawn, golden_path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_t *golden = cairo_image_surface_create_from_png (golden_path);
  g_assert_cmpint (cairo_surface_status (golden), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (abs (cairo_image_surface_get_width (golden) - cairo_image_surface_get_width (drawn)), <=, 2);
  g_assert_cmpint (abs (cairo_image_surface_get_height (golden) - cairo_image_surface_get_height (drawn)), <=, 2);
  /* A pixel's slack both ways: anti-aliasing and rounding may differ between machines, the drawing may not. */
  guint golden_dark, drawn_dark;
  guint lost = unmatched (golden, drawn, &golden_dark), added = unmatched (drawn, golden, &drawn_dark);
  g_test_message ("%s: %u dark pixels, %u of the golden's missing, %u extra", fixture, drawn_dark, lost, added);
  g_assert_cmpuint (golden_dark, >, 2000);
  g_assert_cmpuint (lost, <=, golden_dark / 200);
  g_assert_cmpuint (added, <=, golden_dark / 200);
  cairo_surface_destroy (golden);
  cairo_surface_destroy (drawn);
}

static void
test_values_rests_accidentals_and_ledger_lines_match_their_picture (void)
{
  assert_matches_golden ("values.musicxml", "values.png");
}

static void
test_a_grand_staff_with_chords_voices_ties_slurs_tuplets_and_repeats_matches_its_picture (void)
{
  assert_matches_golden ("grand-staff.musicxml", "grand-staff.png");
}

/* A different fixture's picture must not pass for this one's: the comparison can fail. */
static void
test_the_golden_comparison_tells_scores_apart (void)
{
  g_autoptr(xmlDoc) document = read_fixture ("values.musicxml");
  g_autoptr(xmlDoc) other = read_fixture ("grand-staff.musicxml");
  SrEngravingOptions options = SR_ENGRAVING_OPTIONS_DEFAULT;
  options.width = GOLDEN_WIDTH;
  g_autoptr(SrEngraving) a = sr_engraving_new (document, &options, NULL);
  g_autoptr(SrEngraving) b = sr_engraving_new (other, &options, NULL);
  cairo_surface_t *drawn_a = draw (a, STAFF_SPACE), *drawn_b = draw (b, STAFF_SPACE);
  guint n_dark;
  g_assert_cmpuint (unmatched (drawn_a, drawn_b, &n_dark), >, n_dark / 10);
  cairo_surface_destroy (drawn_a);
  cairo_surface_destroy (drawn_b);
}

static void
test_measures_fill_systems_of_the_width_in_order (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("SIGHTREAD_SHARED"), "data", "aligned", "asap", "Haydn",
                                            "Keyboard_Sonatas", "6-1", "xml_score.mxl", NULL);
  g_autoptr(xmlDoc) document = sr_musicxml_read (path, NULL);
  g_assert_nonnull (document);
  SrEngravingOptions options = SR_ENGRAVING_OPTIONS_DEFAULT;
  options.width = 120;
  g_autoptr(SrEngraving) engraving = sr_engraving_new (document, &options, NULL);
  guint n_systems = sr_engraving_n_systems (engraving), next = 0;
  g_assert_cmpuint (n_systems, >=, 8);
  for (guint i = 0; i < n_systems; i++)
    {
      guint n_measures;
      guint first = sr_engraving_system_measures (engraving, i, &n_measures);
      g_assert_cmpuint (first, ==, next); /* every measure once, in order */
      g_assert_cmpuint (n_measures, >=, 1);
      next = first + n_measures;
      double width, height;
      sr_engraving_system_size (engraving, i, &width, &height);
      /* Justified to the width, the last system perhaps shorter; a grand staff is at least two staves tall. */
      if (i + 1 < n_systems)
        g_assert_cmpfloat (fabs (width - 120), <, 1.5);
      g_assert_cmpfloat (width, <=, 121.5);
      g_assert_cmpfloat (height, >, 4 + 4 + 4);
    }
  g_assert_cmpuint (next, ==, sr_engraving_n_measures (engraving));

  /* Half the width: more systems (not quite twice: a system holds whole measures). */
  options.width = 60;
  g_autoptr(SrEngraving) narrow = sr_engraving_new (document, &options, NULL);
  g_assert_cmpuint (sr_engraving_n_systems (narrow), >=, n_systems * 3 / 2);
  /* No width limit: one system. */
  options.width = G_MAXDOUBLE;
  g_autoptr(SrEngraving) one = sr_engraving_new (document, &options, NULL);
  g_assert_cmpuint (sr_engraving_n_systems (one), ==, 1);
}

/* What OMR reads comes as LMX; it must draw like any score, repairs and all. */
static void
test_lmx_from_a_model_is_drawn (void)
{
  static const char *const text = "measure key:fifths:-1 time beats:3 beat-type:4 clef:G2 "
                                  "F4 quarter G4 eighth beam:begin A4 eighth beam:end rest quarter "
                                  "measure D5 half dot chord F4 half dot garbage quarter";
  guint unknown = 0;
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text (text, &unknown);
  g_autoptr(xmlDoc) document = sr_lmx_delinearize (tokens, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrEngraving) engraving = sr_engraving_new (document, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sr_engraving_n_measures (engraving), ==, 2);
  cairo_surface_t *drawn = draw (engraving, 6);
  g_assert_cmpfloat (sr_test_dark_share (drawn, 0, 0, cairo_image_surface_get_width (drawn),
                                         cairo_image_surface_get_height (drawn)), >, 0.02);
  cairo_surface_destroy (drawn);
}

static void
test_bad_documents_are_refused_with_a_reason (void)
{
  static const char *const cases[][2] = {
    { "<score-partwise version=\"4.0\"><part-list/></score-partwise>", "no part" },
    { "<score-partwise version=\"4.0\"><part-list><score-part id=\"P1\"/></part-list><part id=\"P1\"/>"
      "</score-partwise>", "no measure" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(xmlDoc) document = sr_musicxml_read_bytes ((const guint8 *) cases[i][0], strlen (cases[i][0]), NULL);
      g_assert_nonnull (document);
      g_autoptr(GError) error = NULL;
      g_autoptr(SrEngraving) engraving = sr_engraving_new (document, NULL, &error);
      g_assert_null (engraving);
      g_assert_error (error, SR_ENGRAVE_ERROR, SR_ENGRAVE_ERROR_NOT_A_SCORE);
      g_assert_nonnull (strstr (error->message, cases[i][1]));
    }
  /* More staves than any score has. */
  GString *huge = g_string_new ("<score-partwise version=\"4.0\"><part-list><score-part id=\"P1\"/></part-list>"
                                "<part id=\"P1\"><measure number=\"1\"><attributes><staves>9999</staves>"
                                "</attributes></measure></part>");
  for (int p = 2; p <= 70; p++)
    g_string_append_printf (huge, "<part id=\"P%d\"><measure number=\"1\"/></part>", p);
  g_string_append (huge, "</score-partwise>");
  g_autoptr(xmlDoc) document = sr_musicxml_read_bytes ((const guint8 *) huge->str, huge->len, NULL);
  g_string_free (huge, TRUE);
  g_assert_nonnull (document);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrEngraving) engraving = sr_engraving_new (document, NULL, &error);
  g_assert_null (engraving);
  g_assert_error (error, SR_ENGRAVE_ERROR, SR_ENGRAVE_ERROR_TOO_LARGE);
}

static void
test_every_score_in_the_shared_corpora_engraves (void)
{
  g_autofree char *root = g_build_filename (g_getenv ("SIGHTREAD_SHARED"), "data", NULL);
  const char *const suffixes[] = { ".mxl", ".musicxml", NULL };
  g_autoptr(GPtrArray) paths = sr_test_find_files (root, suffixes);
  g_assert_cmpuint (paths->len, >, 1000);
  const char *stride_text = g_getenv ("SIGHTREAD_CORPUS_STRIDE");
  guint stride = stride_text != NULL ? MAX (1, (guint) g_ascii_strtoull (stride_text, NULL, 10)) : 1;
  guint engraved = 0, unreadable = 0;
  guint64 measures = 0;
  for (guint i = 0; i < paths->len; i += stride)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(xmlDoc) document = sr_musicxml_read (paths->pdata[i], &error);
      if (document == NULL)
        {
          /* Not ours to judge here: the reader's own tests cover what it refuses. */
          unreadable++;
          continue;
        }
      g_autoptr(SrEngraving) engraving = sr_engraving_new (document, NULL, &error);
      if (engraving == NULL)
        g_error ("%s: %s", (const char *) paths->pdata[i], error->message);
      measures += sr_engraving_n_measures (engraving);
      cairo_surface_t *drawn = draw (engraving, 2); /* small: the drawing code runs, the pixels are few */
      cairo_surface_destroy (drawn);
      engraved++;
    }
  g_test_message ("%u scores (%" G_GUINT64_FORMAT " measures) engraved, %u unreadable, every %u. file",
                  engraved, measures, unreadable, stride);
  g_assert_cmpuint (unreadable, <=, engraved / 100);
}

/* The inspector's clicks: each note is found where it is drawn, and a click far from any note finds none. */
static void
test_every_note_is_found_where_it_is_drawn (void)
{
  g_autoptr(xmlDoc) document = read_fixture ("grand-staff.musicxml");
  SrEngravingOptions options = SR_ENGRAVING_OPTIONS_DEFAULT;
  options.width = GOLDEN_WIDTH;
  g_autoptr(SrEngraving) engraving = sr_engraving_new (document, &options, NULL);
  g_autoptr(GPtrArray) parts = sr_musicxml_parts (document);
  guint n_notes = 0;
  for (xmlNode *m = ((xmlNode *) parts->pdata[0])->children; m != NULL; m = m->next)
    for (xmlNode *n = sr_xml_is_element (m, "measure") ? m->children : NULL; n != NULL; n = n->next)
      {
        if (!sr_xml_is_element (n, "note"))
          continue;
        guint system;
        double x, y, width, height;
        g_assert_true (sr_engraving_note_box (engraving, n, &system, &x, &y, &width, &height));
        g_assert_cmpfloat (width, >, 0.5);
        g_assert_cmpfloat (height, >, 0.5);
        g_assert_true (sr_engraving_note_at (engraving, system, x + width / 2, y + height / 2, 1.0) == n);
        n_notes++;
      }
  g_assert_cmpuint (n_notes, ==, 31);
  g_assert_null (sr_engraving_note_at (engraving, 0, 0.5, 0.5, 0.5));
}

/* The inspector lines the engraving up with the scan: each measure starts where it is asked to, when its notes allow;
 * a start too early for what precedes it is pushed right, never into the measure before. */
static void
test_measures_start_where_the_scan_has_them (void)
{
  g_autoptr(xmlDoc) document = read_fixture ("values.musicxml");
  static const double starts[] = { 6.0, 30.0, 50.0, 51.0, 95.0 };
  SrEngravingOptions options = SR_ENGRAVING_OPTIONS_DEFAULT;
  options.measure_starts = starts;
  options.n_measure_starts = G_N_ELEMENTS (starts);
  g_autoptr(SrEngraving) engraving = sr_engraving_new (document, &options, NULL);
  g_assert_cmpuint (sr_engraving_n_systems (engraving), ==, 1);
  double previous_end = 0;
  for (guint m = 0; m < sr_engraving_n_measures (engraving); m++)
    {
      guint system;
      double x, width;
      g_assert_true (sr_engraving_measure_span (engraving, m, &system, &x, &width));
      g_assert_cmpuint (system, ==, 0);
      g_assert_nonnull (sr_engraving_measure_node (engraving, m));
      g_assert_cmpfloat (x, >=, previous_end - 1e-9);
      if (starts[m] >= previous_end)
        g_assert_cmpfloat (fabs (x - starts[m]), <, 1e-9);
      if (m + 1 < G_N_ELEMENTS (starts) && starts[m + 1] - starts[m] > 15)
        g_assert_cmpfloat (fabs (x + width - starts[m + 1]), <, 2.0); /* stretched to reach the next */
      previous_end = x + width;
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engrave/golden-values", test_values_rests_accidentals_and_ledger_lines_match_their_picture);
  g_test_add_func ("/engrave/golden-grand-staff",
                   test_a_grand_staff_with_chords_voices_ties_slurs_tuplets_and_repeats_matches_its_picture);
  g_test_add_func ("/engrave/golden-tells-apart", test_the_golden_comparison_tells_scores_apart);
  g_test_add_func ("/engrave/systems", test_measures_fill_systems_of_the_width_in_order);
  g_test_add_func ("/engrave/lmx", test_lmx_from_a_model_is_drawn);
  g_test_add_func ("/engrave/note-at", test_every_note_is_found_where_it_is_drawn);
  g_test_add_func ("/engrave/measure-starts", test_measures_start_where_the_scan_has_them);
  g_test_add_func ("/engrave/bad-documents", test_bad_documents_are_refused_with_a_reason);
  g_test_add_func ("/engrave/corpus", test_every_score_in_the_shared_corpora_engraves);
  return g_test_run ();
}
