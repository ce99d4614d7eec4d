/* Help texts, assembled from the command table so that they never drift from what is parsed. */
#pragma once

#include "cli-args.h"

void sr_cli_print_main_help (void);
void sr_cli_print_group_help (const char *group);
void sr_cli_print_command_help (const SrCliCommand *command);
