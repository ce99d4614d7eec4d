/* Weight files that are not what they claim: each is refused with a message naming the file and the fault, and
 * nothing is half-loaded. The shipped I2A model is the starting point; the damage is done to copies. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "backend.h"
#include "safetensors.h"
#include "translator.h"

static char *scratch;
static SrBackend *cpu;

static char *
shipped_model (void)
{
  g_autofree char *samples = g_strdup (g_getenv ("SIGHTREAD_SAMPLES"));
  g_assert_nonnull (samples);
  g_autofree char *resources = g_path_get_dirname (samples);
  return g_build_filename (resources, "models", "i2a.safetensors", NULL);
}

/* The shipped file's bytes with its JSON header passed through EDIT (old text → new text). */
static char *
edited_copy (const char *name, const char *old_text, const char *new_text)
{
  g_autofree char *path = shipped_model ();
  g_autofree char *bytes = NULL;
  gsize size = 0;
  g_assert_true (g_file_get_contents (path, &bytes, &size, NULL));
  guint64 header = 0;
  for (int i = 7; i >= 0; i--)
    header = (header << 8) | (guint8) bytes[i];
  g_autofree char *text = g_strndup (bytes + 8, header);
  g_assert_nonnull (strstr (text, old_text));
  g_autoptr(GString) changed = g_string_new (text);
  g_string_replace (changed, old_text, new_text, 1);
  while (changed->len % 8)
    g_string_append_c (changed, ' ');
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 length[8];
  for (int i = 0; i < 8; i++)
    length[i] = (guint8) (changed->len >> (8 * i));
  g_byte_array_append (out, length, 8);
  g_byte_array_append (out, (const guint8 *) changed->str, (guint) changed->len);
  g_byte_array_append (out, (const guint8 *) bytes + 8 + header, (guint) (size - 8 - header));
  char *copy = g_build_filename (scratch, name, NULL);
  g_assert_true (g_file_set_contents (copy, (const char *) out->data, out->len, NULL));
  return copy;
}

static void
assert_refused (const char *path, const char *expected)
{
  char message[SR_MESSAGE_SIZE] = "";
  SrTranslator *model = sr_translator_load (cpu, path, message);
  g_assert_null (model);
  g_assert_true (g_str_has_prefix (message, path));
  if (strstr (message, expected) == NULL)
    g_error ("'%s' does not say '%s'", message, expected);
}

static void
test_the_shipped_model_loads_with_its_config (void)
{
  g_autofree char *path = shipped_model ();
  char message[SR_MESSAGE_SIZE] = "";
  SrTranslator *model = sr_translator_load (cpu, path, message);
  g_assert_nonnull (model);
  g_assert_cmpint (sr_translator_config (model)->d_model, ==, 256);
  g_assert_cmpint (sr_translator_config (model)->vocabulary, ==, SR_VOCAB_SIZE);
  g_assert_cmpstr (sr_translator_metadata (model, "sightread.direction"), ==, "i2a");
  sr_translator_free (model);
}

static void
test_a_missing_file_is_named (void)
{
  g_autofree char *path = g_build_filename (scratch, "absent.safetensors", NULL);
  assert_refused (path, "No such file");
}

static void
test_a_truncated_file_is_refused (void)
{
  g_autofree char *path = shipped_model ();
  g_autofree char *bytes = NULL;
  gsize size = 0;
  g_assert_true (g_file_get_contents (path, &bytes, &size, NULL));
  g_autofree char *cut = g_build_filename (scratch, "cut.safetensors", NULL);
  g_assert_true (g_file_set_contents (cut, bytes, (gssize) (size / 2), NULL));
  assert_refused (cut, "outside the file's");
  g_autofree char *stub = g_build_filename (scratch, "stub.safetensors", NULL);
  g_assert_true (g_file_set_contents (stub, bytes, 100, NULL));
  assert_refused (stub, "not a safetensors file, or truncated");
}

static void
test_another_kind_of_model_is_refused_by_kind_and_format (void)
{
  g_autofree char *path = edited_copy ("kind.safetensors", "\"sightread.kind\":\"seq2seq\"",
                                       "\"sightread.kind\":\"rqvae\"");
  assert_refused (path, "kind rqvae format 1, expected seq2seq format 1");
  g_autofree char *future = edited_copy ("format.safetensors", "\"sightread.format\":\"1\"",
                                         "\"sightread.format\":\"2\"");
  assert_refused (future, "kind seq2seq format 2, expected seq2seq format 1");
}

static void
test_a_config_that_does_not_match_the_tensors_is_refused (void)
{
  g_autofree char *path = edited_copy ("shape.safetensors", "\\\"d_model\\\": 256", "\\\"d_model\\\": 128");
  assert_refused (path, "the tensor 'embed.weight' is 10814×256 where the model needs 10814×128");
  g_autofree char *renamed = edited_copy ("name.safetensors", "\"output.bias\"", "\"output.biass\"");
  assert_refused (renamed, "the tensor 'output.bias' is missing");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  scratch = g_dir_make_tmp ("sightread-model-files-XXXXXX", NULL);
  cpu = sr_backend_open_cpu (1);
  g_test_add_func ("/model-files/shipped", test_the_shipped_model_loads_with_its_config);
  g_test_add_func ("/model-files/missing", test_a_missing_file_is_named);
  g_test_add_func ("/model-files/truncated", test_a_truncated_file_is_refused);
  g_test_add_func ("/model-files/kind", test_another_kind_of_model_is_refused_by_kind_and_format);
  g_test_add_func ("/model-files/mismatch", test_a_config_that_does_not_match_the_tensors_is_refused);
  int status = g_test_run ();
  sr_backend_free (cpu);
  g_autoptr(GDir) folder = g_dir_open (scratch, 0, NULL);
  for (const char *name; folder && (name = g_dir_read_name (folder)) != NULL;)
    {
      g_autofree char *file = g_build_filename (scratch, name, NULL);
      g_unlink (file);
    }
  g_rmdir (scratch);
  g_free (scratch);
  return status;
}
