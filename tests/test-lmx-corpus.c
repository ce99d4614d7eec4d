/* LMX on every MusicXML score in ../shared/data (ASAP and OpenScore Lieder): MusicXML → LMX → MusicXML → LMX
 * gives the same tokens for at least 99 % of measures, and every MusicXML written validates against the
 * MusicXML 4.0 schema (xmllint, offline catalog). Set SIGHTREAD_LMX_REPORT to a file to get the measures that differ. */
#include <glib/gstdio.h>
#include <libxml/tree.h>

#include "lmx-delinearize.h"
#include "lmx-linearize.h"
#include "musicxml-read.h"
#include "test-files.h"

/* Splits token IDs into measures, each as its text. */
static GPtrArray *
measures_of (const GArray *tokens)
{
  GPtrArray *measures = g_ptr_array_new_with_free_func (g_free);
  GString *current = NULL;
  for (guint i = 0; i < tokens->len; i++)
    {
      const char *token = sr_lmx_token_text (g_array_index (tokens, guint16, i));
      if (strcmp (token, "measure") == 0)
        {
          if (current != NULL)
            g_ptr_array_add (measures, g_string_free (current, FALSE));
          current = g_string_new (token);
          continue;
        }
      if (current != NULL)
        g_string_append_printf (current, " %s", token);
    }
  if (current != NULL)
    g_ptr_array_add (measures, g_string_free (current, FALSE));
  return measures;
}

static void
test_round_trips_and_schema_validity (void)
{
  const char *shared = g_getenv ("SIGHTREAD_SHARED");
  g_autofree char *data = g_build_filename (shared != NULL ? shared : "", "data", NULL);
  const char *const suffixes[] = { ".mxl", ".musicxml", NULL };
  g_autoptr(GPtrArray) paths = sr_test_find_files (data, suffixes);
  if (paths->len == 0)
    {
      g_test_skip ("no MusicXML under $SIGHTREAD_SHARED/data");
      return;
    }
  g_autofree char *scratch = g_dir_make_tmp ("sightread-lmx-XXXXXX", NULL);
  const char *report_path = g_getenv ("SIGHTREAD_LMX_REPORT");
  FILE *report = report_path != NULL ? fopen (report_path, "w") : NULL;
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  guint64 n_measures = 0, n_identical = 0, n_parts = 0;
  guint n_unreadable = 0;
  gint64 started = g_get_monotonic_time ();
  for (guint f = 0; f < paths->len; f++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(xmlDoc) document = sr_musicxml_read (paths->pdata[f], &error);
      if (document == NULL)
        {
          g_test_message ("%s: %s", (const char *) paths->pdata[f], error->message);
          n_unreadable++;
          continue;
        }
      g_autoptr(GPtrArray) parts = sr_musicxml_parts (document);
      for (guint p = 0; p < parts->len; p++)
        {
          g_autoptr(GArray) first = sr_lmx_linearize_part (parts->pdata[p], NULL);
          g_autoptr(xmlDoc) rebuilt = sr_lmx_delinearize (first, NULL, NULL);
          g_autoptr(GPtrArray) rebuilt_parts = sr_musicxml_parts (rebuilt);
          g_autoptr(GArray) second = sr_lmx_linearize_part (rebuilt_parts->pdata[0], NULL);

          g_autoptr(GPtrArray) before = measures_of (first);
          g_autoptr(GPtrArray) after = measures_of (second);
          n_parts++;
          for (guint m = 0; m < before->len; m++)
            {
              gboolean same = m < after->len && strcmp (before->pdata[m], after->pdata[m]) == 0;
              n_measures++;
              n_identical += same;
              if (!same && report != NULL)
                fprintf (report, "%s part %u measure %u\n  before: %s\n  after:  %s\n", (const char *) paths->pdata[f],
                         p + 1, m + 1, (const char *) before->pdata[m],
                         m < after->len ? (const char *) after->pdata[m] : "(missing)");
            }

          g_autofree char *name = g_strdup_printf ("%04u-%u.musicxml", f, p + 1);
          char *path = g_build_filename (scratch, name, NULL);
          g_autofree char *xml = sr_musicxml_to_text (rebuilt);
          g_assert_true (g_file_set_contents (path, xml, -1, NULL));
          g_ptr_array_add (written, path);
        }
    }
  if (report != NULL)
    fclose (report);
  double seconds = (g_get_monotonic_time () - started) / 1e6;
  double share = n_measures > 0 ? 100.0 * n_identical / n_measures : 0;
  g_test_message ("%u scores (%u unreadable), %" G_GUINT64_FORMAT " parts, %" G_GUINT64_FORMAT
                  " measures: %.3f %% identical after MusicXML -> LMX -> MusicXML -> LMX (%.1f s)",
                  paths->len, n_unreadable, n_parts, n_measures, share, seconds);
  g_assert_cmpfloat (share, >=, 99.0);

  /* Every file written must be valid MusicXML 4.0. */
  guint n_valid = sr_test_count_valid_musicxml (written);
  g_test_message ("%u of %u MusicXML files written validate against the MusicXML 4.0 schema", n_valid, written->len);
  g_assert_cmpuint (n_valid, ==, written->len);

  for (guint i = 0; i < written->len; i++)
    g_remove (written->pdata[i]);
  g_rmdir (scratch);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lmx-corpus/round-trip-and-schema", test_round_trips_and_schema_validity);
  return g_test_run ();
}
