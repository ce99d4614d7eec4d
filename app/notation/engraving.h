/* The engraver: a score (MusicXML, or LMX made into MusicXML) laid out in systems and drawn with cairo, so that the
 * CLI writes PNG, PDF or SVG and the workstation draws it live. Readable at a glance by a musician, not publication
 * grade: staves, brace, clefs, key and time signatures, notes and rests with stems, flags, beams, dots, accidentals and
 * ledger lines, chords and two voices a staff, ties, slurs, tuplets, articulations, barlines and measure numbers. Its
 * music font is Noto Music (Debian's fonts-noto-core). */
#pragma once

#include <cairo.h>
#include <gio/gio.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

#define SR_ENGRAVE_ERROR (sr_engrave_error_quark ())

typedef enum {
  SR_ENGRAVE_ERROR_NO_FONT,
  SR_ENGRAVE_ERROR_NOT_A_SCORE,
  SR_ENGRAVE_ERROR_TOO_LARGE,
} SrEngraveError;

GQuark sr_engrave_error_quark (void);

typedef struct {
  double width;                 /* of a system, in staff spaces (G_MAXDOUBLE: every measure on one system) */
  gboolean measure_numbers;     /* at each system's start */
  /* When set, every measure on one system, measure k starting as near MEASURE_STARTS[k] (staff spaces from the
   * system's left) as its notes allow: the inspector lines the engraving up with the scan measure by measure. */
  const double *measure_starts;
  guint n_measure_starts;
} SrEngravingOptions;

#define SR_ENGRAVING_OPTIONS_DEFAULT ((SrEngravingOptions) { 150.0, TRUE, NULL, 0 })

typedef struct _SrEngraving SrEngraving;

/* DOCUMENT (score-partwise) laid out in systems; NULL with an error when it holds no measure, is beyond the limits
 * (SR_ENGRAVE_MAX_STAVES staves) or the music font is missing. DOCUMENT must outlive the engraving. */
SrEngraving *sr_engraving_new (xmlDoc *document, const SrEngravingOptions *options, GError **error);
void sr_engraving_free (SrEngraving *engraving);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrEngraving, sr_engraving_free)

/* TRUE when the music font is installed (it loads on first use); otherwise FALSE with the package to install. */
gboolean sr_engraving_font_available (GError **error);

guint sr_engraving_n_systems (const SrEngraving *engraving);
guint sr_engraving_n_measures (const SrEngraving *engraving);
/* The first measure (0-based) of system INDEX and how many it holds. */
guint sr_engraving_system_measures (const SrEngraving *engraving, guint index, guint *n_measures);
/* Size of system INDEX in staff spaces, everything that sticks out included. */
void sr_engraving_system_size (const SrEngraving *engraving, guint index, double *width, double *height);
/* Draws system INDEX with its top-left corner at cairo's origin, one unit a staff space (scale CR first). */
void sr_engraving_draw_system (const SrEngraving *engraving, guint index, cairo_t *cr);

/* The <note> element (a note or rest) drawn nearest to (X, Y) in system INDEX (staff spaces from its top-left corner),
 * no further than MAX_DISTANCE spaces; NULL when there is none. */
xmlNode *sr_engraving_note_at (const SrEngraving *engraving, guint index, double x, double y, double max_distance);
/* Where the <note> element NOTE is drawn: its system and its head's (or rest's) box in that system's staff spaces.
 * FALSE when NOTE is not drawn by this engraving. */
gboolean sr_engraving_note_box (const SrEngraving *engraving, const xmlNode *note, guint *system, double *x,
                                double *y, double *width, double *height);

/* Measure INDEX (0-based): the first part's <measure> element, and where it is drawn (its system, and its left edge
 * and width in that system's staff spaces). */
xmlNode *sr_engraving_measure_node (const SrEngraving *engraving, guint index);
gboolean sr_engraving_measure_span (const SrEngraving *engraving, guint index, guint *system, double *x,
                                    double *width);

G_END_DECLS
