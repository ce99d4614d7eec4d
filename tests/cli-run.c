/* The command-line tests' way of running the program (cli-run.h). */
#include "cli-run.h"

#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>

const char *const cli_vulkan_env[] = { "ASAN_OPTIONS=detect_leaks=0", NULL };

void
cli_run_clear (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
}

void
cli_run (CliRun *run, const char *const *env_additions, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *program = g_getenv ("SIGHTREAD");
  g_assert_nonnull (program);
  g_ptr_array_add (argv, (char *) program);
  va_list arguments;
  va_start (arguments, env_additions);
  for (const char *word; (word = va_arg (arguments, const char *)) != NULL;)
    g_ptr_array_add (argv, (char *) word);
  va_end (arguments);
  g_ptr_array_add (argv, NULL);

  g_auto(GStrv) env = g_get_environ ();
  for (const char *const *addition = env_additions; addition != NULL && *addition != NULL; addition++)
    {
      g_auto(GStrv) pair = g_strsplit (*addition, "=", 2);
      env = g_environ_setenv (env, pair[0], pair[1], TRUE);
    }

  int wait_status = 0;
  g_autoptr(GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, &run->out, &run->err, &wait_status,
                &error);
  g_assert_no_error (error);
  /* A crash or a sanitizer report must never pass for an ordinary failure. */
  if (WIFSIGNALED (wait_status))
    g_error ("sightread %s died of signal %d\n%s", (char *) argv->pdata[1], WTERMSIG (wait_status), run->err);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
  g_assert_null (strstr (run->err, "runtime error"));
  g_assert_null (strstr (run->err, "AddressSanitizer"));
  g_assert_null (strstr (run->err, "LeakSanitizer"));
  g_assert_null (strstr (run->err, "CRITICAL"));
}

void
assert_contains (const char *text, const char *expected)
{
  if (strstr (text, expected) == NULL)
    g_error ("expected “%s” in:\n%s", expected, text);
}

char *
cli_scratch_new (void)
{
  char *folder = g_dir_make_tmp ("sightread-cli-XXXXXX", NULL);
  g_assert_nonnull (folder);
  return folder;
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_file_test (path, G_FILE_TEST_IS_SYMLINK) ? NULL : g_dir_open (path, 0, NULL);
  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  for (const char *name; (name = g_dir_read_name (dir)) != NULL;)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

void
cli_scratch_remove (char *folder)
{
  remove_tree (folder);
  g_free (folder);
}
