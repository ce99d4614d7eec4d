/* Test videos made here (issue 15: the project makes its own): Matroska files with MPEG-4 (or H.264) pictures and
 * 16-bit PCM sound, every frame drawn by the caller, so that the tests know exactly when each slide and transition happens. */
#pragma once

#include <glib.h>

#include "system-image.h"

/* Draws the picture at SECONDS into FRAME (the video's size, grey). */
typedef void (*SrTestVideoPicture) (double seconds, SrGrayImage *frame, gpointer data);

/* Writes SECONDS of video at FPS to PATH with ENCODER (FFmpeg's name: "libx264"; NULL: MPEG-4 part 2); SOUND
 * (44.1 kHz mono, FRAMES long) becomes its soundtrack, none when NULL. */
gboolean sr_test_write_video (const char *path, int width, int height, int fps, double seconds, const char *encoder,
                              SrTestVideoPicture picture, gpointer data, const float *sound, gsize frames,
                              GError **error);
