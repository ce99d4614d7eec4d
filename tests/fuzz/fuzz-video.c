/* Fuzz target: any bytes as a video file. Reading fails with a message, or hands over grey frames of the size it
 * reported at times that are numbers, and sound at 44.1 kHz that is finite; the slides found from them are in order. */
#include <glib/gstdio.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>

#include "slide-find.h"
#include "video-read.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct {
  SrSlideFinder *finder;
  double last;
} Seen;

static void
on_frame (const SrGrayImage *frame, double seconds, gpointer data)
{
  Seen *seen = data;
  g_assert_true (frame->width > 0 && frame->height > 0 && isfinite (seconds));
  sr_slide_finder_add (seen->finder, frame, MAX (seconds, seen->last));
  seen->last = MAX (seconds, seen->last);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("fuzz-video-XXXXXX.mkv", &path, NULL);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, data, size), ==, (gssize) size);
  close (fd);
  SrSlideOptions options = SR_SLIDE_OPTIONS_DEFAULT;
  Seen seen = { sr_slide_finder_new (&options), 0 };
  g_autoptr(GArray) sound = NULL;
  g_autoptr(GError) error = NULL;
  SrVideoInfo info;
  if (sr_video_read (path, 3, on_frame, &seen, &sound, &info, &error))
    {
      for (guint i = 0; i < sound->len; i++)
        g_assert_true (isfinite (g_array_index (sound, float, i)));
      g_autoptr(GPtrArray) slides = sr_slide_finder_finish (seen.finder, seen.last);
      for (guint i = 0; i < slides->len; i++)
        {
          const SrSlide *slide = slides->pdata[i];
          g_assert_true (slide->start <= slide->end && slide->still_start <= slide->still_end);
        }
    }
  else
    g_assert_nonnull (error);
  sr_slide_finder_free (seen.finder);
  g_unlink (path);
  return 0;
}
