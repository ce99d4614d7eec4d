/* Projects (`.sightread`): saved and opened again, a piece of work comes back whole — the score's bytes, every system
 * read with its crop, reading, focus and corrections, the system inspected; a damaged or foreign file is refused with
 * a reason. */
#include <glib/gstdio.h>
#include <string.h>

#include "lmx-vocabulary.h"
#include "project.h"

static SrProject *
sample_project (void)
{
  SrProject *project = sr_project_new ();
  static const guint8 score[] = "%PDF-1.4 not really a score, but bytes to keep";
  project->score = g_bytes_new (score, sizeof score);
  project->score_name = g_strdup ("minuet.pdf");
  for (guint i = 0; i < 2; i++)
    {
      SrOmrSystem system = { .page_index = i, .skew_degrees = 0.5 * i, .box = { 100, 200 + 300.0 * i, 2000, 250 },
                             .staff_height = 60, .placement = { 90, 190 + 300.0 * i, 0.3 }, .grid_rows = 5,
                             .grid_columns = 40, .reached_limit = i == 1 };
      system.lmx = sr_lmx_tokens_from_text ("measure key:fifths:1 clef:G2 G4 quarter A4 quarter", NULL);
      system.focus = g_array_new (FALSE, FALSE, sizeof (SrOmrFocus));
      for (guint t = 0; t < system.lmx->len; t++)
        g_array_append_val (system.focus, ((SrOmrFocus) { { 100 + 10.0 * t, 210, 53.3, 53.3 }, 0.5f + 0.01f * t }));
      system.crop = sr_gray_image_new (64, 32);
      for (int p = 0; p < 64 * 32; p++)
        system.crop->pixels[p] = (guint8) (p * 7);
      g_array_append_val (project->systems, system);
      g_ptr_array_add (project->corrected,
                       sr_lmx_tokens_from_text (i == 0 ? "measure key:fifths:1 clef:G2 B4 quarter A4 quarter sharp"
                                                       : "measure key:fifths:1 clef:G2 G4 half", NULL));
    }
  project->current = 1;
  return project;
}

static gboolean
same_tokens (const GArray *a, const GArray *b)
{
  return a->len == b->len && memcmp (a->data, b->data, a->len * sizeof (guint16)) == 0;
}

static void
test_a_saved_project_opens_again_whole (void)
{
  g_autoptr(SrProject) project = sample_project ();
  g_autofree char *folder = g_dir_make_tmp ("sightread-project-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (folder, "work" SR_PROJECT_SUFFIX, NULL);
  g_autoptr(GError) error = NULL;
  g_assert_true (sr_project_save (project, path, &error));
  g_assert_no_error (error);
  g_autoptr(SrProject) opened = sr_project_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (opened->score_name, ==, "minuet.pdf");
  g_assert_true (g_bytes_equal (opened->score, project->score));
  g_assert_cmpuint (opened->current, ==, 1);
  g_assert_cmpuint (opened->systems->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const SrOmrSystem *a = &g_array_index (project->systems, SrOmrSystem, i);
      const SrOmrSystem *b = &g_array_index (opened->systems, SrOmrSystem, i);
      g_assert_cmpuint (a->page_index, ==, b->page_index);
      g_assert_cmpfloat (a->skew_degrees, ==, b->skew_degrees);
      g_assert_cmpmem (&a->box, sizeof a->box, &b->box, sizeof b->box);
      g_assert_cmpmem (&a->placement, sizeof a->placement, &b->placement, sizeof b->placement);
      g_assert_cmpint (a->grid_rows, ==, b->grid_rows);
      g_assert_cmpint (a->grid_columns, ==, b->grid_columns);
      g_assert_cmpint (a->reached_limit, ==, b->reached_limit);
      g_assert_true (same_tokens (a->lmx, b->lmx));
      g_assert_true (same_tokens (project->corrected->pdata[i], opened->corrected->pdata[i]));
      g_assert_cmpuint (b->focus->len, ==, a->focus->len);
      for (guint t = 0; t < a->focus->len; t++)
        {
          const SrOmrFocus *x = &g_array_index (a->focus, SrOmrFocus, t), *y = &g_array_index (b->focus, SrOmrFocus, t);
          g_assert_cmpfloat_with_epsilon (x->box.x, y->box.x, 1e-9);
          g_assert_cmpfloat_with_epsilon (x->box.width, y->box.width, 1e-9);
          g_assert_cmpfloat_with_epsilon (x->weight, y->weight, 1e-6);
        }
      g_assert_cmpint (b->crop->width, ==, 64);
      g_assert_cmpint (b->crop->height, ==, 32);
      g_assert_cmpmem (a->crop->pixels, 64 * 32, b->crop->pixels, 64 * 32);
    }
  g_remove (path);
  g_rmdir (folder);
}

static void
test_damaged_or_foreign_files_are_refused_with_a_reason (void)
{
  static const struct {
    const char *text;
    const char *reason;
  } cases[] = {
    { "", "not a readable Sightread project" },
    { "{\"systems\": []}", "no sightread-project member" },
    { "[1, 2, 3]", "no sightread-project member" },
    { "{\"sightread-project\": 7}", "format 7" },
    { "{\"sightread-project\": 1, \"score\": {\"name\": \"../../etc/passwd\", \"data\": \"\"}}", "score is damaged" },
    { "{\"sightread-project\": 1, \"systems\": [{\"page\": 0}]}", "system 1 is damaged" },
    { "{\"sightread-project\": 1, \"systems\": [{\"page\": 0, \"box\": [0, 0, -5, 10], \"placement\": [0, 0, 1], "
      "\"grid\": [1, 1], \"read\": \"\", \"corrected\": \"\"}]}", "system 1 is damaged" },
    { "{\"sightread-project\": 1, \"systems\": [{\"page\": 0, \"box\": [0, 0, 5, 10], \"placement\": [0, 0, 1], "
      "\"grid\": [1, 1], \"read\": \"measure C4 quarter\", \"corrected\": \"\", \"focus\": [[1, 2, 3, 4, 5]]}]}",
      "system 1 is damaged" }, /* three tokens, one focus */
    { "{\"sightread-project\": 1, \"systems\": [{\"page\": 0, \"box\": [0, 0, 5, 10], \"placement\": [0, 0, 1], "
      "\"grid\": [1, 1], \"read\": \"\", \"corrected\": \"\", \"crop\": {\"width\": 4, \"height\": 4, "
      "\"pixels\": \"AAAA\"}}]}", "system 1 is damaged" }, /* 3 bytes for 16 pixels */
    { "{\"sightread-project\": 1, \"systems\": [{\"page\": 0, \"box\": [0, 0, 5, 1e300], \"placement\": [0, 0, 1], "
      "\"grid\": [1, 1], \"read\": \"\", \"corrected\": \"\"}]}", "system 1 is damaged" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SrProject) project = sr_project_load_bytes ((const guint8 *) cases[i].text, strlen (cases[i].text),
                                                           &error);
      g_assert_null (project);
      g_assert_nonnull (error);
      if (strstr (error->message, cases[i].reason) == NULL)
        g_error ("case %zu: \"%s\" does not say \"%s\"", i, error->message, cases[i].reason);
    }
  /* The least a project can be: no score, no systems. */
  static const char empty[] = "{\"sightread-project\": 1}";
  g_autoptr(SrProject) nothing = sr_project_load_bytes ((const guint8 *) empty, strlen (empty), NULL);
  g_assert_nonnull (nothing);
  g_assert_null (nothing->score);
  g_assert_cmpuint (nothing->systems->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/project/round-trip", test_a_saved_project_opens_again_whole);
  g_test_add_func ("/project/bad-files", test_damaged_or_foreign_files_are_refused_with_a_reason);
  return g_test_run ();
}
