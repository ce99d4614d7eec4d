/* FFmpeg's demuxer and decoders, one thread each (the speed target is per core). */
#include "video-read.h"

#include <gio/gio.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/imgutils.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

#include "i18n.h"

typedef struct {
  AVFormatContext *format;
  AVCodecContext *video, *audio;
  int video_stream, audio_stream;
  struct SwsContext *to_grey;
  SwrContext *to_mono;
  AVFrame *frame;
  AVPacket *packet;
  SrGrayImage *grey;
  guint64 frames_seen;
  double frames_per_second, next_sample; /* the stream's rate (25 where it does not say) */
} Reader;

static void
reader_close (Reader *r)
{
  sws_freeContext (r->to_grey);
  swr_free (&r->to_mono);
  av_frame_free (&r->frame);
  av_packet_free (&r->packet);
  avcodec_free_context (&r->video);
  avcodec_free_context (&r->audio);
  avformat_close_input (&r->format);
  if (r->grey != NULL)
    sr_gray_image_free (r->grey);
}

static gboolean
fail (GError **error, const char *path, const char *what, int code)
{
  char reason[AV_ERROR_MAX_STRING_SIZE] = "";
  if (code < 0)
    av_strerror (code, reason, sizeof reason);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s%s%s", path, what, reason[0] ? ": " : "", reason);
  return FALSE;
}

static AVCodecContext *
open_decoder (AVFormatContext *format, int stream)
{
  const AVCodec *codec = avcodec_find_decoder (format->streams[stream]->codecpar->codec_id);
  AVCodecContext *context = codec != NULL ? avcodec_alloc_context3 (codec) : NULL;
  if (context == NULL)
    return NULL;
  context->thread_count = 1;
  if (avcodec_parameters_to_context (context, format->streams[stream]->codecpar) < 0
      || avcodec_open2 (context, codec, NULL) < 0)
    avcodec_free_context (&context);
  return context;
}

static void
take_video_frame (Reader *r, guint stride, SrVideoFrameFunc on_frame, gpointer data)
{
  AVFrame *f = r->frame;
  AVStream *stream = r->format->streams[r->video_stream];
  int64_t stamp = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
  double start = stream->start_time != AV_NOPTS_VALUE ? stream->start_time * av_q2d (stream->time_base) : 0;
  double seconds = stamp != AV_NOPTS_VALUE ? stamp * av_q2d (stream->time_base) - start
                                           : r->frames_seen / r->frames_per_second;
  r->frames_seen++;
  /* Taken by time, STRIDE frame intervals apart: the frames nobody refers to are not even decoded. */
  if (seconds < r->next_sample - 0.25 / r->frames_per_second || f->width <= 0 || f->height <= 0)
    return;
  r->next_sample = seconds + stride / r->frames_per_second;
  if (r->grey == NULL || r->grey->width != f->width || r->grey->height != f->height)
    {
      if (r->grey != NULL)
        sr_gray_image_free (r->grey);
      r->grey = sr_gray_image_new (f->width, f->height);
    }
  r->to_grey = sws_getCachedContext (r->to_grey, f->width, f->height, f->format, f->width, f->height,
                                     AV_PIX_FMT_GRAY8, SWS_POINT, NULL, NULL, NULL);
  if (r->to_grey == NULL)
    return;
  uint8_t *planes[4] = { r->grey->pixels };
  int strides[4] = { r->grey->width };
  sws_scale (r->to_grey, (const uint8_t *const *) f->data, f->linesize, 0, f->height, planes, strides);
  on_frame (r->grey, seconds, data);
}

static void
take_audio_frame (Reader *r, GArray *audio)
{
  AVFrame *f = r->frame;
  if (r->to_mono == NULL)
    {
      AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
      if (swr_alloc_set_opts2 (&r->to_mono, &mono, AV_SAMPLE_FMT_FLT, SR_VIDEO_SAMPLE_RATE, &f->ch_layout, f->format,
                               f->sample_rate, 0, NULL) < 0 || swr_init (r->to_mono) < 0)
        {
          swr_free (&r->to_mono);
          return;
        }
    }
  int room = swr_get_out_samples (r->to_mono, f->nb_samples);
  if (room <= 0)
    return;
  guint before = audio->len;
  g_array_set_size (audio, before + (guint) room);
  uint8_t *out = (uint8_t *) &g_array_index (audio, float, before);
  int made = swr_convert (r->to_mono, &out, room, (const uint8_t **) f->extended_data, f->nb_samples);
  g_array_set_size (audio, before + (guint) MAX (made, 0));
}

/* Sends PACKET (NULL: the end) to DECODER and takes every frame it gives back. */
static void
decode (Reader *r, AVCodecContext *decoder, const AVPacket *packet, guint stride, SrVideoFrameFunc on_frame,
        gpointer data, GArray *audio)
{
  if (avcodec_send_packet (decoder, packet) < 0)
    return;
  while (avcodec_receive_frame (decoder, r->frame) == 0)
    {
      if (decoder == r->video)
        take_video_frame (r, stride, on_frame, data);
      else if (audio != NULL)
        take_audio_frame (r, audio);
      av_frame_unref (r->frame);
    }
}

gboolean
sr_video_read (const char *path, guint stride, SrVideoFrameFunc on_frame, gpointer data, GArray **audio,
               SrVideoInfo *info, GError **error)
{
  Reader r = { .video_stream = -1, .audio_stream = -1 };
  av_log_set_level (AV_LOG_QUIET);
  int code = avformat_open_input (&r.format, path, NULL, NULL);
  if (code < 0)
    return fail (error, path, _("not a video this program can read"), code);
  if ((code = avformat_find_stream_info (r.format, NULL)) < 0)
    {
      reader_close (&r);
      return fail (error, path, _("not a video this program can read"), code);
    }
  r.video_stream = av_find_best_stream (r.format, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
  r.audio_stream = av_find_best_stream (r.format, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
  r.video = r.video_stream >= 0 ? open_decoder (r.format, r.video_stream) : NULL;
  r.audio = r.audio_stream >= 0 && audio != NULL ? open_decoder (r.format, r.audio_stream) : NULL;
  if (r.video == NULL)
    {
      reader_close (&r);
      return fail (error, path, _("holds no video stream this program can decode"), 0);
    }
  AVStream *video = r.format->streams[r.video_stream];
  r.frames_per_second = video->avg_frame_rate.den > 0 && video->avg_frame_rate.num > 0 ? av_q2d (video->avg_frame_rate)
                        : 25;
  if (stride > 1)
    r.video->skip_frame = AVDISCARD_NONREF;
  *info = (SrVideoInfo) { r.video->width, r.video->height,
                          video->avg_frame_rate.den > 0 ? av_q2d (video->avg_frame_rate) : 0,
                          r.format->duration > 0 ? r.format->duration / (double) AV_TIME_BASE : 0, r.audio != NULL };
  GArray *sound = g_array_new (FALSE, FALSE, sizeof (float));
  r.frame = av_frame_alloc ();
  r.packet = av_packet_alloc ();
  stride = MAX (stride, 1);
  while (av_read_frame (r.format, r.packet) >= 0)
    {
      if (r.packet->stream_index == r.video_stream)
        decode (&r, r.video, r.packet, stride, on_frame, data, NULL);
      else if (r.packet->stream_index == r.audio_stream && r.audio != NULL)
        decode (&r, r.audio, r.packet, stride, on_frame, data, sound);
      av_packet_unref (r.packet);
    }
  decode (&r, r.video, NULL, stride, on_frame, data, NULL);
  if (r.audio != NULL)
    decode (&r, r.audio, NULL, stride, on_frame, data, sound);
  reader_close (&r);
  if (audio != NULL)
    *audio = sound;
  else
    g_array_unref (sound);
  return TRUE;
}
