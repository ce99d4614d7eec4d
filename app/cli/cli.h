/* The `sightread` command line: sub-commands, their options and help, exit statuses (DESIGN §3). */
#pragma once

#include "cli-args.h"

/* What the command line does when no sub-command is named: open the workstation with ARGS' files.
 * It lives in ui/, which app/ must not know, so main.c hands it in. */
typedef int (*SrCliWindowRunner) (SrCliArgs *args);

/* Runs the command line and returns the process exit status (SR_EXIT_*). */
int sr_cli_main (int argc, char **argv, SrCliWindowRunner run_window);
