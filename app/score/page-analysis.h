/* A page as the systems are found on it: rendered at the document's native scale, straightened when it was turned
 * (deskew.h), its staves and systems detected (system-detect.h). One sequence for `sightread systems`, OMR, the
 * tests and the benchmark. */
#pragma once

#include "score-document.h"
#include "system-detect.h"

G_BEGIN_DECLS

typedef struct {
  SrGrayImage *page;     /* as analysed: the straightened page when it was turned; the boxes are on it */
  double skew_degrees;   /* how far it was turned back (0: not) */
  gboolean straightened;
  GArray *staves;        /* SrStaff */
  GArray *systems;       /* SrDetectedSystem */
} SrPageAnalysis;

void sr_page_analysis_free (SrPageAnalysis *analysis);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrPageAnalysis, sr_page_analysis_free)

/* SCANNED (taken over) straightened and searched. */
SrPageAnalysis *sr_page_analyse_image (SrGrayImage *scanned);
/* Page PAGE_INDEX of DOCUMENT rendered and analysed. */
SrPageAnalysis *sr_page_analyse (SrScoreDocument *document, guint page_index, GError **error);

G_END_DECLS
