/* One sub-command's declaration and its parsed arguments. */
#pragma once

#include <glib.h>

#include "device-choice.h"
#include "progress.h"

enum {
  SR_EXIT_OK = 0,
  SR_EXIT_FAILURE = 1,
  SR_EXIT_USAGE = 2,
};

typedef struct {
  const char *long_name;
  char short_name;
  const char *value_name; /* NULL for a flag */
  const char *description; /* untranslated; N_() marked */
} SrCliOption;

typedef enum {
  SR_CLI_USES_DEVICE = 1 << 0, /* accepts --device (and SIGHTREAD_DEVICE) */
  SR_CLI_USES_MODELS = 1 << 1, /* accepts --models DIR */
  SR_CLI_SHOWS_PROGRESS = 1 << 2, /* shows a progress line for long work; accepts -q, --quiet */
} SrCliCommandFlags;

/* Options that several commands share; the help printer shows them from here too. */
extern const SrCliOption sr_cli_device_option;
extern const SrCliOption sr_cli_models_option;
extern const SrCliOption sr_cli_quiet_option;
extern const SrCliOption sr_cli_help_option;

typedef struct _SrCliArgs SrCliArgs;
typedef int (*SrCliRun) (SrCliArgs *args);

typedef struct {
  const char *name;        /* "omr", or two words for a group member: "lmx encode" */
  const char *arguments;   /* positional arguments as the usage line shows them: "SCORE" */
  int min_positional;
  int max_positional;      /* -1: any number */
  const char *summary;     /* untranslated; N_() marked */
  const SrCliOption *options; /* terminated by an entry with a NULL long_name; may be NULL */
  SrCliCommandFlags flags;
  SrCliRun run;            /* NULL while the command is not built yet */
  const char *arrives_with; /* for a command not built yet: the roadmap step that brings it */
} SrCliCommand;

struct _SrCliArgs {
  const SrCliCommand *command;
  char *invocation;        /* "sightread omr", for messages */
  GHashTable *values;      /* long option name → value ("" for a flag) */
  GPtrArray *positional;   /* char * */
  SrDeviceChoice device;
  gboolean help_requested;
};

/* Parses WORDS (the arguments after the command's name). On a usage error prints a one-line hint to stderr and
 * returns NULL with *EXIT_STATUS set. */
SrCliArgs *sr_cli_args_parse (const SrCliCommand *command, const char *invocation, int n_words, char **words,
                              int *exit_status);
void sr_cli_args_free (SrCliArgs *args);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrCliArgs, sr_cli_args_free)

const char *sr_cli_args_get (const SrCliArgs *args, const char *long_name);
gboolean sr_cli_args_has (const SrCliArgs *args, const char *long_name);
guint sr_cli_args_n_positional (const SrCliArgs *args);
const char *sr_cli_args_positional (const SrCliArgs *args, guint index);

/* Reads an integer option in [MIN, MAX]; absent → DEFAULT_VALUE. FALSE after printing a usage error. */
gboolean sr_cli_args_get_int (const SrCliArgs *args, const char *long_name, int default_value, int min, int max,
                              int *value);

/* The same for a decimal number in [MIN, MAX]. */
gboolean sr_cli_args_get_double (const SrCliArgs *args, const char *long_name, double default_value, double min,
                                 double max, double *value);

/* Prints "INVOCATION: MESSAGE (see 'INVOCATION --help')" and returns SR_EXIT_USAGE. */
int sr_cli_usage_error (const SrCliArgs *args, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Prints the JSON that BUILDER (a json-glib JsonBuilder) holds to standard output, PRETTY or on one line. */
void sr_cli_print_json (gpointer builder, gboolean pretty);

/* The folder of model weights: --models DIR, else $SIGHTREAD_MODELS, else the installed folder, else (an
 * uninstalled build) the source tree's resources/models. */
char *sr_cli_models_folder (const SrCliArgs *args);

/* A progress line for WHAT, silent with --quiet; and an SrProgressFunc that moves it (its data the SrProgress). */
SrProgress *sr_cli_progress_new (const SrCliArgs *args, const char *what);
void sr_cli_progress_update (double done, const char *where, gpointer progress);

/* Prints "sightread: SUBJECT: MESSAGE" and returns SR_EXIT_FAILURE. */
int sr_cli_fail (const char *subject, const char *message);
