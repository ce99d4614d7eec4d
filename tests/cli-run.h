/* Running the built `sightread` program as a user would, for the command-line tests (test-cli.c, test-cli-tasks.c):
 * its exit status and both streams, a crash or a sanitizer report never passing for an ordinary failure. */
#pragma once

#include <glib.h>

typedef struct {
  int status;
  char *out;
  char *err;
} CliRun;

void cli_run_clear (CliRun *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)

/* Runs `sightread ARGS…` ($SIGHTREAD, the arguments NULL-terminated) with ENV_ADDITIONS ("NAME=VALUE" pairs,
 * NULL-terminated) added to our environment. */
void cli_run (CliRun *run, const char *const *env_additions, ...) G_GNUC_NULL_TERMINATED;
#define sightread(run, ...) cli_run (run, NULL, __VA_ARGS__, NULL)

/* For commands that open the Vulkan loader: Mesa's drivers keep allocations for the process's lifetime in a
 * library the loader has closed by exit, which LeakSanitizer can neither name nor be told to ignore. */
extern const char *const cli_vulkan_env[];
#define sightread_vulkan(run, ...) cli_run (run, cli_vulkan_env, __VA_ARGS__, NULL)

void assert_contains (const char *text, const char *expected);

/* A fresh temporary folder for a test program's files, and its removal with everything the tests left in it. */
char *cli_scratch_new (void);
void cli_scratch_remove (char *folder);
