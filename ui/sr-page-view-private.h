/* What the page view's files share (sr-page-view.c: layout, rendering, zoom, scrolling; sr-page-view-marks.c: the
 * systems outlined on the pages, their editing, and the live overlay's glow). */
#pragma once

#include "sr-page-view.h"

G_BEGIN_DECLS

typedef struct {
  graphene_rect_t rect; /* in content coordinates at the current zoom */
  GdkTexture *texture;
  double texture_scale; /* device pixels per point it was requested at */
  gboolean pending;
} PageSlot;

struct _SrPageView {
  GtkWidget parent_instance;

  SrScoreDocument *document;
  GArray *slots; /* PageSlot */
  GCancellable *cancellable; /* renders for the current document */
  double zoom;
  double content_width;
  double content_height;
  gboolean busy;

  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  GtkScrollablePolicy hscroll_policy;
  GtkScrollablePolicy vscroll_policy;
  double pointer_x;
  double pointer_y;
  GArray *marks; /* SrPageMark */
  int selected_mark;
  GArray *glow;  /* SrPageMark */
  GskRenderNode *marks_node;  /* the outlines as last drawn, reused while they stay where they were */
  GArray *marks_node_key;     /* double: their content corners and the selection, when drawn */
  gboolean marks_editable;
  int edit_mode;          /* what the drag under way does (sr-page-view-marks.c) */
  int edit_mark;          /* the mark it changes, -1 none yet */
  guint edit_edges;       /* the edges a resize moves */
  guint edit_page;
  graphene_rect_t edit_start; /* the mark's box when the drag began, page points */
  double edit_start_x, edit_start_y; /* where the drag began, content coordinates */
};

enum {
  SR_PAGE_VIEW_MARK_ACTIVATED,
  SR_PAGE_VIEW_MARKS_EDITED,
  SR_PAGE_VIEW_N_SIGNALS,
};

extern guint sr_page_view_signals[SR_PAGE_VIEW_N_SIGNALS];

/* sr-page-view.c */
double sr_page_view_adjustment_value (GtkAdjustment *adjustment);

/* sr-page-view-marks.c */
/* A page point of page PAGE_INDEX in content coordinates (before scrolling). */
graphene_point_t sr_page_view_content_point (SrPageView *self, guint page_index, const graphene_point_t *point);
void sr_page_view_snapshot_marks (SrPageView *self, GtkSnapshot *snapshot);
void sr_page_view_snapshot_glow (SrPageView *self, GtkSnapshot *snapshot);
void sr_page_view_pressed (GtkGestureClick *gesture, int n_press, double x, double y, SrPageView *self);
/* The controllers that edit the marks (drag to move, resize or draw one; Delete). */
void sr_page_view_add_mark_editing (SrPageView *self);

G_END_DECLS
