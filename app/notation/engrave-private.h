/* The engraver's own model of a score, shared by its reader (engrave-read.c), its layout (engrave-layout.c) and its
 * drawing (engrave-draw.c). Units: time in quarter notes from the measure's start; horizontal distances in staff
 * spaces; vertical positions on a staff in half spaces ("steps") above its bottom line (0 = bottom line, 8 = top). */
#pragma once

#include <cairo.h>
#include <libxml/tree.h>

#include "engraving.h"

G_BEGIN_DECLS

#define SR_ENGRAVE_MAX_BEAMS 4
#define SR_ENGRAVE_MAX_STAVES 64

typedef enum { SR_CLEF_G, SR_CLEF_F, SR_CLEF_C, SR_CLEF_PERCUSSION } SrClefSign;

typedef struct {
  SrClefSign sign;
  int line;        /* 1 = bottom line */
  int octave;      /* clef-octave-change */
} SrClef;

typedef enum {
  SR_ACCIDENTAL_NONE,
  SR_ACCIDENTAL_SHARP,
  SR_ACCIDENTAL_FLAT,
  SR_ACCIDENTAL_NATURAL,
  SR_ACCIDENTAL_DOUBLE_SHARP,
  SR_ACCIDENTAL_DOUBLE_FLAT,
} SrAccidental;

typedef enum {
  SR_BEAM_NONE,
  SR_BEAM_BEGIN,
  SR_BEAM_CONTINUE,
  SR_BEAM_END,
  SR_BEAM_FORWARD_HOOK,
  SR_BEAM_BACKWARD_HOOK,
} SrBeamState;

enum {
  SR_ARTICULATION_STACCATO = 1 << 0,
  SR_ARTICULATION_ACCENT = 1 << 1,
  SR_ARTICULATION_TENUTO = 1 << 2,
  SR_ARTICULATION_STACCATISSIMO = 1 << 3,
  SR_ARTICULATION_MARCATO = 1 << 4,
  SR_ARTICULATION_FERMATA = 1 << 5,
};

typedef enum { SR_EVENT_NOTE, SR_EVENT_REST, SR_EVENT_CLEF } SrEventKind;

typedef struct {
  SrEventKind kind;
  double onset;            /* quarters from the measure's start */
  double duration;         /* quarters; 0 for grace notes */
  int staff;               /* over the whole score, 0 = top */
  int voice;
  gboolean chord;          /* shares the previous note's stem */
  gboolean grace;
  gboolean measure_rest;
  int step;                /* staff position (see above), from pitch and clef */
  SrAccidental accidental; /* printed */
  int type;                /* 0 whole, 1 half, 2 quarter, 3 eighth … 6 64th; -1 breve */
  int dots;
  int stem;                /* +1 up, -1 down, 0 not given, 2 none */
  SrBeamState beams[SR_ENGRAVE_MAX_BEAMS];
  gboolean tie_start;
  guint slur_starts, slur_stops;   /* bit n: slur number n + 1 */
  gboolean tuplet_start, tuplet_stop;
  int tuplet_number;       /* actual-notes of its time modification, 0 without one */
  guint articulations;
  gboolean positioned;     /* a rest with its own display position */
  SrClef clef;             /* SR_EVENT_CLEF: the new clef */
  xmlNode *node;           /* the <note> it came from */

  /* Layout (engrave-layout.c). */
  double x;                /* notehead's left edge, staff spaces from the system's left */
  int stem_direction;      /* +1 up, -1 down, 0 no stem */
  double stem_end;         /* in steps */
  gboolean head_flipped;   /* a second in a chord: on the other side of the stem */
  gboolean voice_shifted;  /* a lower voice's note a second or unison from an upper voice's: moved right */
  int group;               /* index of its beam group in the measure's groups, -1 none */
  int chord_head;          /* index (in the measure) of the first note of its chord */
  int accidental_column;   /* 0 next to the head, 1 further left … */
  double stem_x;           /* where its chord's stem stands */
} SrEvent;

typedef struct {
  char *number;            /* as printed */
  xmlNode *node;           /* the first part's <measure> */
  double duration;         /* quarters */
  int beats, beat_type;    /* 0: no time signature */
  int time_symbol;         /* 0 numbers, 'c' common, '|' cut */
  gboolean time_changed;
  int key_fifths[SR_ENGRAVE_MAX_STAVES];
  gboolean key_changed;
  SrClef clefs[SR_ENGRAVE_MAX_STAVES];   /* in force at the start */
  gboolean clef_changed;
  gboolean repeat_start, repeat_end, double_bar, final_bar;
  GArray *events;          /* SrEvent, sorted by onset, staff, voice */
  GPtrArray *groups;       /* beam groups: GArray of chord-head indices into events (engrave-layout.c) */
  SrClef end_clefs[SR_ENGRAVE_MAX_STAVES]; /* in force at its end */
} SrMeasure;

typedef struct {
  int first_staff, n_staves;
} SrPartStaves;

struct _SrEngraving {
  GPtrArray *measures;     /* SrMeasure */
  GArray *parts;           /* SrPartStaves */
  int n_staves;
  SrEngravingOptions options;
  GArray *systems;         /* SrSystem (engrave-layout.c) */
};

typedef struct {
  double x, width;         /* in the system */
  double prefix;           /* clef, key and time drawn at its start */
  gboolean draw_clef, draw_key, draw_time;
} SrMeasureLayout;

typedef struct {
  guint first_measure, n_measures;
  SrMeasureLayout *measure_layouts;
  double width;            /* staff spaces */
  double *staff_top;       /* top line of each staff, staff spaces from the system's top */
  double height;
  double left;             /* where the staves start (after brace) */
} SrSystem;

/* engrave-read.c */
gboolean sr_engrave_read (SrEngraving *engraving, xmlDoc *document, GError **error);
void sr_engrave_measure_free (gpointer measure);
/* The bottom line's diatonic step number (octave × 7 + C=0 … B=6) under CLEF. */
int sr_clef_bottom_line (SrClef clef);

/* engrave-layout.c */
void sr_engrave_layout (SrEngraving *engraving);
void sr_engrave_system_clear (gpointer system);
/* Key signature steps (positions on the staff) for KEY_FIFTHS under CLEF; returns how many. */
int sr_key_signature_steps (int key_fifths, SrClef clef, int steps[7]);
/* Horizontal room the prefix of a system's first measure takes, and the widths used by both layout and drawing. */
#define SR_ENGRAVE_CLEF_WIDTH 3.2
#define SR_ENGRAVE_KEY_ACCIDENTAL_WIDTH 1.0
#define SR_ENGRAVE_TIME_WIDTH 2.6
#define SR_ENGRAVE_REPEAT_WIDTH 1.8
#define SR_ENGRAVE_HEAD_WIDTH 1.18
#define SR_ENGRAVE_STEM_LENGTH 7.0 /* in steps: 3.5 spaces */

/* engrave-draw.c */
void sr_engrave_draw_system (const SrEngraving *engraving, guint index, cairo_t *cr);

/* engrave-glyphs.c: the music font (Noto Music), glyphs placed by their ink. */
typedef enum {
  SR_GLYPH_G_CLEF,
  SR_GLYPH_F_CLEF,
  SR_GLYPH_C_CLEF,
  SR_GLYPH_PERCUSSION_CLEF,
  SR_GLYPH_SHARP,
  SR_GLYPH_FLAT,
  SR_GLYPH_NATURAL,
  SR_GLYPH_DOUBLE_SHARP,
  SR_GLYPH_DOUBLE_FLAT,
  SR_GLYPH_QUARTER_REST,
  SR_GLYPH_EIGHTH_REST,
  SR_GLYPH_16TH_REST,
  SR_GLYPH_32ND_REST,
  SR_GLYPH_64TH_REST,
  SR_GLYPH_FERMATA,
  SR_GLYPH_BRACE,
  SR_GLYPH_COMMON_TIME,
  SR_GLYPH_CUT_TIME,
  SR_N_GLYPHS
} SrGlyph;

gboolean sr_engrave_font_available (GError **error);
/* Draws GLYPH HEIGHT spaces tall, its ink's left edge at X and its ink's vertical anchor (0 bottom … 1 top) at Y. */
void sr_engrave_glyph (cairo_t *cr, SrGlyph glyph, double x, double y, double height, double anchor);
/* The brace from TOP to BOTTOM, WIDTH wide, its ink's left edge at X. */
void sr_engrave_brace (cairo_t *cr, double x, double top, double bottom, double width);
/* The ink width of GLYPH drawn HEIGHT tall. */
double sr_engrave_glyph_width (SrGlyph glyph, double height);
/* Text (numbers, time signature digits) in a serif face, centred on X, baseline at Y, SIZE tall. */
void sr_engrave_text (cairo_t *cr, const char *text, double x, double y, double size, gboolean bold);

G_END_DECLS
