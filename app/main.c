/* The program's entry: the command line chooses between a headless sub-command and the workstation window.
 * The one file of app/ that knows ui/ (DESIGN §1). */
#include "cli.h"
#include "i18n.h"
#include "sr-application.h"

static int
run_window (SrCliArgs *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup ("sightread"));
  for (guint i = 0; i < sr_cli_args_n_positional (args); i++)
    {
      /* Absolute paths or URIs: GApplication may hand them to an instance running in another folder. */
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (sr_cli_args_positional (args, i));
      char *path = g_file_get_path (file);
      g_ptr_array_add (argv, path != NULL ? path : g_file_get_uri (file));
    }
  g_ptr_array_add (argv, NULL);

  g_autoptr(SrApplication) application = sr_application_new (&args->device, sr_cli_args_get (args, "models"));
  return g_application_run (G_APPLICATION (application), (int) argv->len - 1, (char **) argv->pdata);
}

int
main (int argc, char **argv)
{
  sr_i18n_init ();
  return sr_cli_main (argc, argv, run_window);
}
