/* Translation set-up shared by the program and the tests. */
#pragma once

#include <glib/gi18n.h>

/* Sets the locale from the environment and binds the message catalogue. SIGHTREAD_LOCALEDIR overrides the
 * installed catalogue folder so that the uninstalled build (meson devenv, tests) finds its own catalogues. */
void sr_i18n_init (void);
