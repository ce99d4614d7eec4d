/* Reading a video file with FFmpeg's libraries (libavformat, libavcodec, libswscale, libswresample): a grey picture at
 * the video's own size every STRIDE frame intervals (of the frames it decodes: with a STRIDE above 1, those no other
 * frame refers to are skipped, which halves the work on H.264), with its time, and the whole soundtrack as 44.1 kHz
 * mono. One pass over the file; frames are handed over as they are decoded, so memory does not grow with the video's
 * length (the sound does: 10 MB an hour). */
#pragma once

#include <glib.h>

#include "system-image.h"

G_BEGIN_DECLS

#define SR_VIDEO_SAMPLE_RATE 44100

typedef struct {
  int width, height;
  double frames_per_second;
  double seconds;       /* the container's duration, or 0 when it does not say */
  gboolean has_audio;
} SrVideoInfo;

/* Called with each kept frame (grey, the video's size; owned by the reader, valid during the call) and its time. */
typedef void (*SrVideoFrameFunc) (const SrGrayImage *frame, double seconds, gpointer data);

/* Decodes PATH. *AUDIO (when AUDIO is not NULL) receives the soundtrack, floats at SR_VIDEO_SAMPLE_RATE, empty when
 * the file has none (INFO says so). FALSE with a message naming the file when it cannot be opened or holds no video
 * stream; damage partway through ends the reading early, keeping what came before. */
gboolean sr_video_read (const char *path, guint stride, SrVideoFrameFunc on_frame, gpointer data, GArray **audio,
                        SrVideoInfo *info, GError **error);

G_END_DECLS
