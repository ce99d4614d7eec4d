/* Our engraving of a reading (one system's LMX tokens) as a widget: the notes drawn by the engraver, the selected one
 * marked, a click selecting the nearest note. Notes are named by their root token in the LMX (sr_lmx_note_token), so
 * the inspector can tie a note to the image region and to corrections. */
#pragma once

#include <gtk/gtk.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

#define SR_TYPE_ENGRAVING_VIEW (sr_engraving_view_get_type ())
G_DECLARE_FINAL_TYPE (SrEngravingView, sr_engraving_view, SR, ENGRAVING_VIEW, GtkWidget)

/* Screen pixels per staff space: the crop view's, so that the engraving and the scan it was read from match in size. */
#define SR_ENGRAVING_VIEW_STAFF_SPACE 9.0

GtkWidget *sr_engraving_view_new (void);

/* Where each measure should start, in staff spaces from the left edge (a copy is kept), or NULL: applies from the next
 * sr_engraving_view_set_lmx on. */
void sr_engraving_view_set_measure_starts (SrEngravingView *self, const double *starts, guint n);

/* Shows TOKENS (guint16 LMX ids; copied), or nothing for NULL. Returns how many tokens the delinearizer had to repair
 * or drop. The selection is kept when its token still roots a note. */
guint sr_engraving_view_set_lmx (SrEngravingView *self, const GArray *tokens);
/* How many measures shown had tokens repaired or dropped (they are drawn on red). */
guint sr_engraving_view_get_n_repaired_measures (SrEngravingView *self);
/* The notation shown, as MusicXML (owned by the view; NULL when nothing is shown). */
xmlDoc *sr_engraving_view_get_document (SrEngravingView *self);

/* The LMX index of the selected note's root token, or -1. "selected-token" notifies changes. */
gint64 sr_engraving_view_get_selected_token (SrEngravingView *self);
void sr_engraving_view_set_selected_token (SrEngravingView *self, gint64 token);
/* Where the note rooted at TOKEN is drawn, in widget coordinates; FALSE when it is not shown. */
gboolean sr_engraving_view_get_token_bounds (SrEngravingView *self, gint64 token, graphene_rect_t *bounds);

G_END_DECLS
