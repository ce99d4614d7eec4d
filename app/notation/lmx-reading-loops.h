/* Where a model's reading has fallen into a loop: the same block of tokens over and over to the length limit
 * ("chord D5 quarter chord D5 quarter …", or a whole measure again and again), which an under-trained reader does
 * more the longer the score. A reading is cut after the block's first time and ends there — in the reader as it
 * reads (tasks/omr.c) and for training's validation (`sightread lmx trim-loops`), so both measure the same thing.
 * Music repeats too, but not a block this many times in one system: four times and 48 tokens in all (cutting
 * there lowered the SER of every reader tried, and most of all the ones that loop; train/README.md). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_LMX_LOOP_REPEATS 4
#define SR_LMX_LOOP_TOKENS 48
#define SR_LMX_LOOP_LONGEST_BLOCK 64

/* When the N tokens of IDS end in a loop, how many to keep (up to the end of the block's first time); else N. */
guint sr_lmx_reading_keep (const guint16 *ids, guint n);

/* The first prefix of IDS that ends in a loop, cut as above: what a reader that checks after every token keeps. */
guint sr_lmx_reading_trim (const guint16 *ids, guint n);

/* The same for a reading as N words (any words, in the vocabulary or not, compared as written). */
guint sr_lmx_reading_trim_words (const char *const *words, guint n);

/* Readings as text, a system a line, each cut so; "#" lines pass as they are. */
char *sr_lmx_readings_trim_text (const char *text);

G_END_DECLS
