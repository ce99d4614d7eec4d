/* What the LMX delinearizer's two halves share: the state of one part being rebuilt, the token trees and the small
 * helpers over them. The measures and attributes are rebuilt in lmx-delinearize.c, the notes and their spelling in
 * lmx-delinearize-notes.c. */
#pragma once

#include "lmx-delinearize.h"

#include <stdlib.h>
#include <string.h>

#include "key-estimate.h"
#include "musicxml-read.h"
#include "musicxml-write.h"

#define MAX_DOTS 8
#define MAX_DIVISIONS 100800 /* beyond this (garbage tuplets) durations are rounded */

typedef struct {
  gint64 n, d; /* quarters */
} Fraction;

static inline gint64
gcd (gint64 a, gint64 b)
{
  a = a < 0 ? -a : a;
  b = b < 0 ? -b : b;
  while (b != 0)
    {
      gint64 t = a % b;
      a = b;
      b = t;
    }
  return a == 0 ? 1 : a;
}

static inline Fraction
fraction (gint64 n, gint64 d)
{
  gint64 g = gcd (n, d);
  return (Fraction) { n / g, d / g };
}

static inline Fraction
add (Fraction a, Fraction b)
{
  return fraction (a.n * b.d + b.n * a.d, a.d * b.d);
}

static inline int
compare_fractions (Fraction a, Fraction b)
{
  gint64 left = a.n * b.d, right = b.n * a.d;
  return (left > right) - (left < right);
}

typedef struct {
  int root;
  GArray *prefixes; /* guint16 */
  GArray *suffixes;
  guint root_index; /* where the root stands in the tokens */
} Tree;

typedef struct {
  xmlNode *node;
  Fraction value;
} Duration;

typedef struct {
  xmlNode *note;
  xmlNode *pitch;
  char step;
  int octave;
  int staff;
  Fraction onset;
  gboolean has_accidental;
  int accidental_alter;
  gboolean tie_stop;
  gboolean tie_start;
  int fifths;
} NoteRecord;

typedef struct {
  xmlNode *part;
  guint repairs;
  /* Across the part. */
  Fraction measure_length;
  gboolean has_time;
  int open_slurs;
  int fifths;
  int max_clef_staff;
  GArray *durations; /* Duration */
  GHashTable *tie_alters; /* "staff/step/octave" → alter + 100 */
  /* Across one measure. */
  xmlNode *measure;
  int voice;
  int staff;
  const char *stem;
  int open_beams;
  int open_grace_beams;
  xmlNode *attributes;
  xmlNode *last_skip;
  gboolean last_skip_is_backup;
  guint last_skip_duration;
  int last_skip_type; /* the type of the skip's last token, -1 when it had a time modification */
  Fraction onset;
  Fraction previous_onset;
  GArray *records; /* NoteRecord */
  /* With no time signature yet, a measure rest lasts as long as the measure turns out to be. */
  Fraction inferred_length; /* the last such measure's length; 4/4 at first */
  Fraction reach;           /* how far the measure's other content reaches */
  GArray *open_measure_rests; /* indices into durations */
  gint64 rest_before_skip;  /* index into durations of a measure rest that a backup may follow at once; -1 */
  Fraction rest_start;
} Delinearizer;

static inline const char *
text (guint16 id)
{
  return sr_lmx_token_text (id);
}

/* Finds the first prefix or suffix for which ACCEPT holds; extra ones are counted as repairs. */
static inline const char *
take (Delinearizer *d, const GArray *tokens, gboolean (*accept) (const char *))
{
  const char *found = NULL;
  for (guint i = 0; i < tokens->len; i++)
    {
      const char *token = text (g_array_index (tokens, guint16, i));
      if (!accept (token))
        continue;
      if (found == NULL)
        found = token;
      else
        d->repairs++;
    }
  return found;
}

static inline guint
count (const GArray *tokens, const char *wanted)
{
  guint n = 0;
  for (guint i = 0; i < tokens->len; i++)
    n += strcmp (text (g_array_index (tokens, guint16, i)), wanted) == 0;
  return n;
}

static inline gboolean
has (const GArray *tokens, const char *wanted)
{
  return count (tokens, wanted) > 0;
}

static inline gboolean is_beats (const char *t) { return g_str_has_prefix (t, "beats:"); }
static inline gboolean is_beat_type (const char *t) { return g_str_has_prefix (t, "beat-type:"); }
static inline gboolean is_staff (const char *t) { return g_str_has_prefix (t, "staff:"); }
static inline gboolean is_voice (const char *t) { return g_str_has_prefix (t, "voice:"); }
static inline gboolean is_stem (const char *t) { return g_str_has_prefix (t, "stem:"); }
static inline gboolean is_accidental (const char *t) { return sr_lmx_accidental_alter (t, NULL); }
static inline gboolean is_time_modification (const char *t) { int a, n; return sr_lmx_parse_time_modification (t, &a, &n); }
static inline gboolean is_tremolo_type (const char *t) { return g_str_has_prefix (t, "tremolo:") && !g_ascii_isdigit (t[8]); }
static inline gboolean is_tremolo_marks (const char *t) { return g_str_has_prefix (t, "tremolo:") && g_ascii_isdigit (t[8]); }

static inline gboolean
is_pitch (const char *t)
{
  return strlen (t) == 2 && strchr ("CDEFGAB", t[0]) != NULL && g_ascii_isdigit (t[1]);
}

static inline gboolean
is_step_kind (const char *t)
{
  return is_pitch (t) || strcmp (t, "rest") == 0 || strcmp (t, "forward") == 0 || strcmp (t, "backup") == 0;
}

static inline int
number_after_colon (const char *token)
{
  return atoi (strrchr (token, ':') + 1);
}

/* A note, rest, chord note, grace note, backup or forward, added to the current measure. */
void sr_lmx_delinearize_note (Delinearizer *d, const Tree *tree);
/* Gives the current measure's pitches their <alter> from the printed accidentals, the key and ties (spec §6.3). */
void sr_lmx_delinearize_spell (Delinearizer *d);
