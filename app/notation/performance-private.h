/* The performer's insides: performance.c reads measures and renders them; performance-measure-length.c decides how
 * long a measure lasts when its voices disagree; performance-ornaments.c makes trills, mordents, turns and rolled
 * chords sound; performance-graces.c puts grace notes in time; performance-repeats.c unfolds repeats, endings and
 * jumps. */
#pragma once

#include <libxml/tree.h>

#include "performance.h"

G_BEGIN_DECLS

#define MAX_UNFOLDED_MEASURES 100000 /* a repeat structure that never ends is cut off here */

typedef enum {
  ORNAMENT_NONE,
  ORNAMENT_TRILL,           /* main, upper, main, upper … through the note */
  ORNAMENT_MORDENT,         /* main, lower, main held */
  ORNAMENT_INVERTED_MORDENT, /* main, upper, main held */
  ORNAMENT_TURN,            /* upper, main, lower, main held */
  ORNAMENT_INVERTED_TURN,   /* lower, main, upper, main held */
} Ornament;

typedef struct {
  double offset;    /* quarters from the measure start */
  double duration;  /* quarters */
  guint8 pitch;
  gboolean tie_start;
  gboolean tie_stop;
  gboolean is_grace;
  double length_factor; /* staccato and its kin shorten the sounding note */
  int voice;
  gboolean arpeggiate;
  gboolean roll_down;   /* <arpeggiate direction="down">: the roll starts at the top */
  Ornament ornament;
  int diatonic;         /* octave × 7 + step, for the ornament's neighbours */
  int neighbour_alter;  /* an <accidental-mark> on the ornament: the neighbour's alteration; G_MININT: the key's */
  guint chord;          /* index in the measure of the chord's first note */
  const xmlNode *source;
} MeasureNote;

typedef struct {
  double offset;
  double value; /* bpm for tempo marks, velocity for dynamics */
} Mark;

typedef struct {
  GArray *notes;    /* MeasureNote */
  GArray *tempos;   /* Mark */
  GArray *dynamics; /* Mark */
  GArray *pedals;   /* Mark: 1 when the sustain pedal goes down, 0 when it comes up */
  double length;    /* quarters: how far the measure's content reaches */
} MeasureContent;

typedef struct {
  gboolean forward_repeat;
  gboolean backward_repeat;
  int times;
  guint32 endings; /* bit k: played in pass k + 1; 0 when not in an ending */
  gboolean segno, coda, fine, dacapo, dalsegno, tocoda;
} MeasureMarks;

typedef struct {
  double divisions;
  int transpose;
  double bar_length; /* quarters, from the time signature; 0 before one is seen */
  int fifths;        /* the key signature, for the neighbour notes of ornaments */
  gboolean with_graces; /* grace notes sound (and take time from their principal notes) */
} PartState;

/* The ornament of an <ornaments> element (and its <accidental-mark>) on NOTE. */
void sr_performance_read_ornament (const xmlNode *ornaments, MeasureNote *note);
/* Replaces each ornamented note of a measure's NOTES by the notes it sounds as. */
void sr_performance_realize_ornaments (GArray *notes, const PartState *state);
/* A <note>'s written length in quarters, from its <type> and dots (0 without a type): what a grace note is worth. */
double sr_performance_written_length (const xmlNode *note);
/* Puts the grace notes of NOTES (their duration: the written length) in time before their principal notes. */
void sr_performance_place_grace_notes (GArray *notes);
/* Spreads each arpeggiated chord of NOTES over time. */
void sr_performance_roll_arpeggios (GArray *notes);
/* A measure's length in quarters: BAR_LENGTH from the time signature (0: none), REACH how far anything in it
 * reaches (notes, rests, forwards), NOTE_REACH how far its notes and rests reach, SOLID_REACH how far those printed
 * at full size reach; A_VOICE_FILLS_THE_BAR whether some voice ends exactly at BAR_LENGTH. */
double sr_performance_measure_length (double bar_length, double reach, double note_reach, double solid_reach,
                                      gboolean a_voice_fills_the_bar);

guint32 sr_performance_ending_numbers (const xmlNode *ending);
/* The measure indices (guint) in the order they sound. */
GArray *sr_performance_unfold (const MeasureMarks *marks, guint n_measures, gboolean unfold_repeats);

G_END_DECLS
