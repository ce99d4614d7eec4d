/* The scrollable, zoomable view of every page of a score. Pages render on worker threads at the current zoom;
 * later overlays (systems, attention) draw in the page coordinates this view reports. */
#pragma once

#include <gtk/gtk.h>

#include "score-document.h"

G_BEGIN_DECLS

#define SR_PAGE_VIEW_MIN_ZOOM 0.1
#define SR_PAGE_VIEW_MAX_ZOOM 8.0

#define SR_TYPE_PAGE_VIEW (sr_page_view_get_type ())
G_DECLARE_FINAL_TYPE (SrPageView, sr_page_view, SR, PAGE_VIEW, GtkWidget)

GtkWidget *sr_page_view_new (void);

SrScoreDocument *sr_page_view_get_document (SrPageView *self);
void sr_page_view_set_document (SrPageView *self, SrScoreDocument *document);

/* 1.0 shows a page at its printed size on a 96-dpi screen. */
double sr_page_view_get_zoom (SrPageView *self);
void sr_page_view_set_zoom (SrPageView *self, double zoom);
void sr_page_view_zoom_in (SrPageView *self);
void sr_page_view_zoom_out (SrPageView *self);

/* TRUE while a page in view is still waiting for its rendering at the current zoom. */
gboolean sr_page_view_get_busy (SrPageView *self);

/* A region drawn over a page (a system read there): four corners in the page's points, clockwise from top-left. */
typedef struct {
  guint page_index;
  graphene_point_t corners[4];
} SrPageMark;

/* Draws MARKS (copied; NULL or none clears them) over the pages, the SELECTED one (-1: none) filled. A click inside
 * a mark emits "mark-activated" with its index. */
void sr_page_view_set_marks (SrPageView *self, const SrPageMark *marks, guint n_marks);
void sr_page_view_set_selected_mark (SrPageView *self, int selected);
int sr_page_view_get_selected_mark (SrPageView *self);
guint sr_page_view_get_n_marks (SrPageView *self);
/* The marks as they are now (owned by the view; *N_MARKS gets how many). */
const SrPageMark *sr_page_view_get_marks (SrPageView *self, guint *n_marks);

/* Editable marks: dragging one moves it, dragging its edge resizes it, dragging on a page outside any draws a new one,
 * Delete removes the selected one; each finished change emits "marks-edited". Edited marks become upright boxes. */
void sr_page_view_set_marks_editable (SrPageView *self, gboolean editable);
/* What Delete does: removes the selected mark (FALSE when none is, or marks are not editable). */
gboolean sr_page_view_delete_selected_mark (SrPageView *self);
/* What Alt+Up / Alt+Down do: moves the selected mark DELTA places in the marks' order (the reading order, shown as a
 * number on each); FALSE when it cannot move (none selected, not editable, already first or last). A mark drawn by
 * hand takes its place by page and height among the others. */
gboolean sr_page_view_move_selected_mark (SrPageView *self, int delta);
/* What a drag does: mark INDEX becomes BOX (page points) on page PAGE_INDEX, or (INDEX < 0) a new one is added in
 * its place in reading order, and selected. */
void sr_page_view_put_mark (SrPageView *self, int index, guint page_index, const graphene_rect_t *box);

/* Regions glowing over the pages (where the music heard now was read); NULL or none: no glow. */
void sr_page_view_set_glow (SrPageView *self, const SrPageMark *marks, guint n_marks);
guint sr_page_view_get_n_glowing (SrPageView *self);
const SrPageMark *sr_page_view_get_glow (SrPageView *self, guint *n_marks);
/* Scrolls so that MARK is in view, when it is not. */
void sr_page_view_follow (SrPageView *self, const SrPageMark *mark);

/* Where page PAGE_INDEX lies in widget coordinates now. FALSE when there is no such page. */
gboolean sr_page_view_get_page_bounds (SrPageView *self, guint page_index, graphene_rect_t *bounds);

G_END_DECLS
