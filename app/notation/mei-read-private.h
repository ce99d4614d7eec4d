/* The MEI reader's insides (mei-read.c reads layers, measures and sections; mei-values.c turns MEI attribute
 * values into MusicXML's; mei-marks.c collects the control events that point at notes and writes them there). */
#pragma once

#include <libxml/tree.h>

#include "musicxml-write.h"

G_BEGIN_DECLS

/* Divisions of a quarter: 2^5 · 3^2 · 5 · 7, so that 128ths and triplets, quintuplets and septuplets of them are
 * whole numbers. */
#define DIVISIONS 10080
#define MAX_STAVES 16

typedef struct {
  int fifths;
  int beats, beat_type;
  char clef_sign;
  int clef_line;
} StaffState;

/* What control events (ties, slurs, fermatas, …) say about a note, keyed by its xml:id. */
typedef struct {
  gboolean tie_start, tie_stop;
  GArray *slur_starts, *slur_stops; /* slur numbers */
  gboolean fermata, arpeggiate, trill;
  const char *mordent; /* "mordent" or "inverted-mordent" */
  const char *turn;    /* "turn" or "inverted-turn" */
  int tuplet_span_num, tuplet_span_numbase; /* a tupletSpan starts here */
  gboolean tuplet_span_end;
} Marks;

/* Control events given by staff and beat (tstamp) instead of a note: resolved once the measure's notes are placed. */
typedef struct {
  int staff;
  double beat;
  const char *what; /* "fermata", "arpeggiate", "trill", … */
  const char *form;
} TimedMark;

typedef struct {
  xmlNode *part;
  int n_staves;
  StaffState staves[MAX_STAVES + 1];
  gboolean changed_key[MAX_STAVES + 1], changed_time[MAX_STAVES + 1], changed_clef[MAX_STAVES + 1];
  gboolean first_measure_done;
  gboolean new_system, new_page;
  double tempo;
  GHashTable *marks; /* id → Marks* */
  int next_slur;
  const char *ending_number; /* inside an <ending> */
  gboolean ending_first;
  xmlNode *last_measure;
  int measure_count;
  /* Within one layer. */
  int voice, staff;
  gint64 cursor;
  int tuplet_num, tuplet_numbase; /* product of the enclosing tuplets */
  xmlNode *tuplet_first;          /* first note of the innermost tuplet, and the last so far */
  xmlNode *tuplet_last;
  int span_num, span_numbase;     /* an open tupletSpan */
  /* Notes placed in the measure, for tstamp control events: (staff, onset in quarters, note). */
  GArray *placed;
  /* Each beamed note or chord element → its beam states, level by level ("begin", "continue", "end",
   * "forward hook", "backward hook"), as a NULL-terminated array. */
  GHashTable *beams;
} Reader;

typedef struct {
  int staff;
  double quarters;
  xmlNode *note;
} Placed;







/* ---- the pre-pass: control events that point at notes ---- */


/* ---- durations, pitches, names ---- */






/* ---- score definitions ---- */

typedef struct {
  const char *dur;
  int dots;
  const char *stem;
  gboolean grace, slash;
  const char *beam; /* begin, continue, end, or NULL */
  const xmlNode *chord;
  gboolean chord_member; /* a chord's second or later note */
  const xmlNode *artic_from; /* the chord, whose articulations its notes share */
} NoteContext;

/* mei-values.c */
const char *sr_mei_attr (const xmlNode *node, const char *name);
int sr_mei_attr_int (const xmlNode *node, const char *name, int fallback);
const char *sr_mei_id_of (const xmlNode *node);
gboolean sr_mei_is (const xmlNode *node, const char *name);
gboolean sr_mei_duration_of (const char *dur, const char **type, gint64 *length);
gint64 sr_mei_dotted (gint64 length, int dots);
gboolean sr_mei_accidental_alter (const char *accid, int *alter, const char **name);
int sr_mei_fifths_of (const char *sig);
int sr_mei_beam_levels (const char *type);

/* mei-marks.c */
void sr_mei_free_marks (gpointer data);
Marks *sr_mei_marks_for (Reader *r, const char *reference);
void sr_mei_collect_marks (Reader *r, const xmlNode *node);
void sr_mei_add_articulations (xmlNode **notations, xmlNode *note, const xmlNode *from);
xmlNode *sr_mei_notations_of (xmlNode **notations, xmlNode *note);
void sr_mei_place_timed_marks (Reader *r, const xmlNode *mei_measure);

G_END_DECLS
