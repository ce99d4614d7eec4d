/* The transport under the inspector's title: how the reading is played (the route), where playing is (a position
 * that can be dragged to seek, with the time), how fast (tempo, in per cent of the marked tempo) and how loud. Bound
 * to an SrReadingPlayer; play and stop stay the inspector's (P, Space, the ▶ buttons). */
#pragma once

#include <gtk/gtk.h>

#include "sr-reading-player.h"

G_BEGIN_DECLS

#define SR_TYPE_TRANSPORT_BAR (sr_transport_bar_get_type ())
G_DECLARE_FINAL_TYPE (SrTransportBar, sr_transport_bar, SR, TRANSPORT_BAR, GtkBox)

GtkWidget *sr_transport_bar_new (SrReadingPlayer *player);

/* Its controls by name — "route" (GtkDropDown), "position" (GtkScale), "time" (GtkLabel), "tempo" (GtkSpinButton),
 * "volume" (GtkScaleButton) — for tests that use them as a user would. */
GtkWidget *sr_transport_bar_get_control (SrTransportBar *self, const char *name);

G_END_DECLS
