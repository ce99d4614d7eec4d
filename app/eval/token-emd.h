/* Earth Mover's Distance between the pitch and duration histograms of two LMX readings (../shared/specs/model.md §7):
 * how far the notes a reading shows lie from the reference's, blind to their order. It judges generated score images,
 * whose notes need not line up one to one with the reference the way SER demands.
 *
 * Pitch: 53 bins, the diatonic positions A0 … D8 of the pitch tokens (the piano's range and a little above); pitches
 * outside fall into the end bins. Duration: 13 bins, the type tokens 1024th … long (maxima falls into long) of
 * every visible note and rest (forward and backup show nothing). Both are normalised to sum 1; the distance is in
 * bins (1 = every note one step off). The duration distance is the best of shifting the prediction by −1, 0 and +1
 * bins, so that a picture written in halved or doubled note values is not punished for it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_EMD_PITCH_BINS 53
#define SR_EMD_DURATION_BINS 13

typedef struct {
  double pitch[SR_EMD_PITCH_BINS];
  double duration[SR_EMD_DURATION_BINS];
} SrTokenHistograms;

/* Adds the notes of one system (interned tokens, as sr_ser_tokens gives) to HISTOGRAMS. */
void sr_token_histograms_add (SrTokenHistograms *histograms, const GPtrArray *tokens);

/* The distance between two histograms of N bins, each normalised first. Two empty ones are 0 apart; an empty one
 * is N − 1 (as far as can be) from any other. */
double sr_emd_1d (const double *a, const double *b, guint n);

double sr_token_pitch_emd (const SrTokenHistograms *reference, const SrTokenHistograms *prediction);
double sr_token_duration_emd (const SrTokenHistograms *reference, const SrTokenHistograms *prediction);

G_END_DECLS
