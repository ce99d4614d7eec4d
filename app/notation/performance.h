/* Score → performance: the notes a MusicXML score asks for, in score time (quarters) and in seconds, with repeats
 * and endings unfolded, ties merged, tempo from <sound tempo> marks (or a default), velocity from dynamics. Every
 * note keeps a link to the <note> element it came from, for the overlay and the inspector. */
#pragma once

#include <libxml/tree.h>

#include "midi-file.h"

G_BEGIN_DECLS

typedef struct {
  double onset_quarters;    /* from the start of the unfolded score */
  double duration_quarters;
  double onset_seconds;
  double offset_seconds;
  guint8 pitch;
  guint8 velocity;
  guint16 part_index;
  guint32 measure_index;    /* the score's measure (0-based, before unfolding) */
  gboolean is_grace;
  gboolean arpeggiated;     /* part of a rolled chord: its onset is delayed by its place in the roll */
  const xmlNode *source;    /* the (first, for tied notes) <note> element; owned by the document */
} SrPerformedNote;

typedef struct {
  guint32 measure_index;    /* the score's measure (0-based, before unfolding) */
  double onset_quarters;    /* where this pass through it starts */
  double onset_seconds;
} SrPerformedMeasure;

typedef struct {
  double default_tempo_bpm;  /* quarters per minute when the score states none; 120 */
  double tempo_scale;        /* every tempo, stated or default, times this; 1 */
  gboolean unfold_repeats;   /* TRUE: play repeats, endings, da capo and dal segno as written */
  gboolean include_grace_notes; /* TRUE: grace notes sound on the beat, taking their written value (together at most
                                 * half) from the note after them */
} SrPerformanceOptions;

#define SR_PERFORMANCE_OPTIONS_DEFAULT ((SrPerformanceOptions) { 120.0, 1.0, TRUE, TRUE })

/* The notes of every part, sorted by onset and pitch. */
GArray *sr_performance_render (xmlDoc *document, const SrPerformanceOptions *options);

/* The same notes, and in *MEASURES (SrPerformedMeasure) where each measure sounds, in playing order. */
GArray *sr_performance_render_with_measures (xmlDoc *document, const SrPerformanceOptions *options, GArray **measures);

/* A MIDI file of the performance: 480 ticks per quarter, the score's tempo map, one track per part, the sustain
 * pedal (pedal marks and <sound damper-pedal>) as controller 64. */
SrMidiFile *sr_performance_to_midi (xmlDoc *document, const SrPerformanceOptions *options);

G_END_DECLS
