#include "video-maker.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>

typedef struct {
  AVFormatContext *out;
  AVStream *stream;
  AVCodecContext *codec;
  AVPacket *packet;
} Track;

static gboolean
add_track (AVFormatContext *out, Track *track, const AVCodec *codec, void (*configure) (AVCodecContext *, gpointer),
           gpointer data)
{
  track->out = out;
  track->codec = codec != NULL ? avcodec_alloc_context3 (codec) : NULL;
  track->stream = avformat_new_stream (out, NULL);
  track->packet = av_packet_alloc ();
  if (track->codec == NULL || track->stream == NULL)
    return FALSE;
  configure (track->codec, data);
  if (out->oformat->flags & AVFMT_GLOBALHEADER)
    track->codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (avcodec_open2 (track->codec, codec, NULL) < 0
      || avcodec_parameters_from_context (track->stream->codecpar, track->codec) < 0)
    return FALSE;
  track->stream->time_base = track->codec->time_base;
  return TRUE;
}

/* FRAME (NULL: the end) through the encoder and its packets into the file. */
static gboolean
encode (Track *track, const AVFrame *frame)
{
  if (avcodec_send_frame (track->codec, frame) < 0)
    return FALSE;
  while (avcodec_receive_packet (track->codec, track->packet) == 0)
    {
      av_packet_rescale_ts (track->packet, track->codec->time_base, track->stream->time_base);
      track->packet->stream_index = track->stream->index;
      if (av_interleaved_write_frame (track->out, track->packet) < 0)
        return FALSE;
    }
  return TRUE;
}

static void
close_track (Track *track)
{
  avcodec_free_context (&track->codec);
  av_packet_free (&track->packet);
}

typedef struct {
  int width, height, fps;
} VideoShape;

static void
configure_video (AVCodecContext *c, gpointer data)
{
  const VideoShape *shape = data;
  c->width = shape->width, c->height = shape->height;
  c->time_base = (AVRational) { 1, shape->fps };
  c->framerate = (AVRational) { shape->fps, 1 };
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  c->gop_size = 12;
  c->flags |= AV_CODEC_FLAG_QSCALE;      /* MPEG-4's quality; libx264 keeps its default (CRF 23) */
  c->global_quality = FF_QP2LAMBDA * 4;
}

static void
configure_audio (AVCodecContext *c, gpointer data)
{
  (void) data;
  c->sample_fmt = AV_SAMPLE_FMT_S16;
  c->sample_rate = 44100;
  c->ch_layout = (AVChannelLayout) AV_CHANNEL_LAYOUT_MONO;
  c->time_base = (AVRational) { 1, 44100 };
}

gboolean
sr_test_write_video (const char *path, int width, int height, int fps, double seconds, const char *encoder,
                     SrTestVideoPicture picture, gpointer data, const float *sound, gsize frames, GError **error)
{
  const AVCodec *pictures = encoder != NULL ? avcodec_find_encoder_by_name (encoder)
                                            : avcodec_find_encoder (AV_CODEC_ID_MPEG4);
  if (pictures == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "no %s encoder in this FFmpeg", encoder);
      return FALSE;
    }
  av_log_set_level (AV_LOG_ERROR);
  AVFormatContext *out = NULL;
  Track video = { 0 }, audio = { 0 };
  VideoShape shape = { width, height, fps };
  gboolean ok = avformat_alloc_output_context2 (&out, NULL, "matroska", path) >= 0
                && add_track (out, &video, pictures, configure_video, &shape)
                && (sound == NULL
                    || add_track (out, &audio, avcodec_find_encoder (AV_CODEC_ID_PCM_S16LE), configure_audio, NULL))
                && avio_open (&out->pb, path, AVIO_FLAG_WRITE) >= 0 && avformat_write_header (out, NULL) >= 0;
  AVFrame *frame = av_frame_alloc (), *chunk = av_frame_alloc ();
  SrGrayImage *grey = sr_gray_image_new (width, height);
  frame->format = AV_PIX_FMT_YUV420P, frame->width = width, frame->height = height;
  ok = ok && av_frame_get_buffer (frame, 0) >= 0;
  int chunk_size = 1024;
  if (sound != NULL)
    {
      chunk->format = AV_SAMPLE_FMT_S16, chunk->sample_rate = 44100, chunk->nb_samples = chunk_size;
      chunk->ch_layout = (AVChannelLayout) AV_CHANNEL_LAYOUT_MONO;
      ok = ok && av_frame_get_buffer (chunk, 0) >= 0;
    }
  gsize sound_done = 0;
  int n_frames = (int) (seconds * fps);
  for (int i = 0; ok && i < n_frames; i++)
    {
      picture ((double) i / fps, grey, data);
      ok = av_frame_make_writable (frame) >= 0;
      for (int y = 0; ok && y < height; y++)
        memcpy (frame->data[0] + (gsize) y * frame->linesize[0], grey->pixels + (gsize) y * width, (gsize) width);
      for (int plane = 1; ok && plane < 3; plane++)
        for (int y = 0; y < height / 2; y++)
          memset (frame->data[plane] + (gsize) y * frame->linesize[plane], 128, (gsize) width / 2);
      frame->pts = i;
      ok = ok && encode (&video, frame);
      /* the sound up to this frame's end, in chunks */
      gsize until = MIN (frames, (gsize) ((double) (i + 1) / fps * 44100));
      while (ok && sound != NULL && sound_done + (gsize) chunk_size <= until)
        {
          ok = av_frame_make_writable (chunk) >= 0;
          int16_t *samples = (int16_t *) chunk->data[0];
          for (int s = 0; s < chunk_size; s++)
            samples[s] = (int16_t) CLAMP (lrintf (sound[sound_done + s] * 32767.0f), -32768, 32767);
          chunk->pts = (int64_t) sound_done;
          ok = ok && encode (&audio, chunk);
          sound_done += (gsize) chunk_size;
        }
    }
  ok = ok && encode (&video, NULL) && (sound == NULL || encode (&audio, NULL)) && av_write_trailer (out) >= 0;
  sr_gray_image_free (grey);
  av_frame_free (&frame);
  av_frame_free (&chunk);
  close_track (&video);
  close_track (&audio);
  if (out != NULL && out->pb != NULL)
    avio_closep (&out->pb);
  avformat_free_context (out);
  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: could not write the test video", path);
  return ok;
}
