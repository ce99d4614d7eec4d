/* Binds Sightread's gettext domain; see i18n.h. */
#include "i18n.h"

#include <locale.h>

#include "sr-config.h"

void
sr_i18n_init (void)
{
  setlocale (LC_ALL, "");

  const char *localedir = g_getenv ("SIGHTREAD_LOCALEDIR");
  if (localedir == NULL || *localedir == '\0')
    localedir = SR_LOCALEDIR;

  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
