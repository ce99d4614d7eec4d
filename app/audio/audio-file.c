/* Sound files; see audio-file.h. */
#include "audio-file.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <math.h>
#include <samplerate.h>
#include <sndfile.h>
#include <string.h>

void
sr_audio_free (SrAudio *audio)
{
  if (audio == NULL)
    return;
  g_free (audio->samples);
  g_free (audio);
}

SrAudio *
sr_audio_resample (const float *samples, gsize frames, int from, int to, GError **error)
{
  SrAudio *out = g_new0 (SrAudio, 1);
  out->rate = to;
  if (from == to || frames == 0)
    {
      out->samples = g_memdup2 (samples, MAX (frames, 1) * sizeof *samples);
      out->frames = frames;
      return out;
    }
  double ratio = (double) to / from;
  gsize capacity = (gsize) ((double) frames * ratio) + 16;
  out->samples = g_new (float, capacity);
  SRC_DATA data = { .data_in = samples, .data_out = out->samples, .input_frames = (long) frames,
                    .output_frames = (long) capacity, .src_ratio = ratio, .end_of_input = 1 };
  int status = src_simple (&data, SRC_SINC_MEDIUM_QUALITY, 1);
  if (status != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("cannot resample from %d to %d Hz: %s"), from, to,
                   src_strerror (status));
      sr_audio_free (out);
      return NULL;
    }
  out->frames = (gsize) data.output_frames_gen;
  return out;
}

/* Whether an open sound file's header describes one we read. */
static gboolean
header_readable (const SF_INFO *info, GError **error)
{
  if (info->channels < 1 || info->channels > 64 || info->samplerate < 1000 || info->samplerate > 768000)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%d channels at %d Hz is not a sound file we read"),
                   info->channels, info->samplerate);
      return FALSE;
    }
  if (info->frames < 0 || info->frames / info->samplerate > SR_AUDIO_MAX_SECONDS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("longer than %d hours"), SR_AUDIO_MAX_SECONDS / 3600);
      return FALSE;
    }
  return TRUE;
}

/* Reads an open sound file: mono, then resampled. */
static SrAudio *
read_open (SNDFILE *file, const SF_INFO *info, int rate, GError **error)
{
  if (!header_readable (info, error))
    return NULL;
  /* read in blocks (the header's frame count may promise more than a truncated file holds) */
  enum { BLOCK = 4096 };
  g_autofree float *block = g_new (float, (gsize) BLOCK * info->channels);
  g_autoptr(GArray) mono = g_array_new (FALSE, FALSE, sizeof (float));
  for (;;)
    {
      sf_count_t got = sf_readf_float (file, block, BLOCK);
      if (got <= 0)
        break;
      for (sf_count_t f = 0; f < got; f++)
        {
          float sum = 0;
          for (int c = 0; c < info->channels; c++)
            sum += block[f * info->channels + c];
          float value = sum / (float) info->channels;
          /* a float file may hold NaN or infinities (found by fuzzing): silence instead, never into a model */
          if (!isfinite (value))
            value = 0.0f;
          g_array_append_val (mono, value);
        }
      if (mono->len / (guint) info->samplerate > SR_AUDIO_MAX_SECONDS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("longer than %d hours"),
                       SR_AUDIO_MAX_SECONDS / 3600);
          return NULL;
        }
    }
  if (sf_error (file) != SF_ERR_NO_ERROR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("cannot read the sound: %s"), sf_strerror (file));
      return NULL;
    }
  return sr_audio_resample ((const float *) mono->data, mono->len, info->samplerate, rate, error);
}

/* FILE as libsndfile opened it (NULL: it could not) read whole at RATE, and closed. */
static SrAudio *
read_and_close (SNDFILE *file, const SF_INFO *info, int rate, GError **error)
{
  if (file == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("not a sound file we can read (%s)"),
                   sf_strerror (NULL));
      return NULL;
    }
  SrAudio *audio = read_open (file, info, rate, error);
  sf_close (file);
  return audio;
}

SrAudio *
sr_audio_read (const char *path, int rate, GError **error)
{
  SF_INFO info = { 0 };
  SNDFILE *file = sf_open (path, SFM_READ, &info);
  return read_and_close (file, &info, rate, error);
}

double
sr_audio_file_seconds (const char *path, GError **error)
{
  SF_INFO info = { 0 };
  SNDFILE *file = sf_open (path, SFM_READ, &info);
  if (file == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("not a sound file we can read (%s)"),
                   sf_strerror (NULL));
      return -1;
    }
  gboolean readable = header_readable (&info, error);
  sf_close (file);
  return readable ? (double) info.frames / info.samplerate : -1;
}

/* ---- reading from memory, through libsndfile's virtual I/O ---- */

typedef struct {
  const guint8 *data;
  sf_count_t size, position;
} Memory;

static sf_count_t
memory_length (void *user)
{
  return ((Memory *) user)->size;
}

static sf_count_t
memory_seek (sf_count_t offset, int whence, void *user)
{
  Memory *m = user;
  sf_count_t base = whence == SEEK_CUR ? m->position : whence == SEEK_END ? m->size : 0;
  sf_count_t target = base + offset;
  if (target < 0 || target > m->size)
    return -1;
  m->position = target;
  return target;
}

static sf_count_t
memory_read (void *buffer, sf_count_t count, void *user)
{
  Memory *m = user;
  sf_count_t left = m->size - m->position;
  if (count > left)
    count = left;
  if (count > 0)
    memcpy (buffer, m->data + m->position, (size_t) count);
  m->position += MAX (count, 0);
  return MAX (count, 0);
}

static sf_count_t
memory_write (const void *buffer, sf_count_t count, void *user)
{
  return 0; /* read only */
}

static sf_count_t
memory_tell (void *user)
{
  return ((Memory *) user)->position;
}

SrAudio *
sr_audio_read_bytes (const void *data, gsize size, const char *name, int rate, GError **error)
{
  Memory memory = { data, (sf_count_t) size, 0 };
  SF_VIRTUAL_IO io = { memory_length, memory_seek, memory_read, memory_write, memory_tell };
  SF_INFO info = { 0 };
  SNDFILE *file = sf_open_virtual (&io, SFM_READ, &info, &memory);
  return read_and_close (file, &info, rate, error);
}

/* The libsndfile format PATH's extension names, or 0. PCM at 16 bits for rendered sound, 24 for recordings. */
static int
format_of (const char *path, int bits)
{
  int pcm = bits == 24 ? SF_FORMAT_PCM_24 : SF_FORMAT_PCM_16;
  g_autofree char *lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".wav"))
    return SF_FORMAT_WAV | pcm;
  if (g_str_has_suffix (lower, ".flac"))
    return SF_FORMAT_FLAC | pcm;
  if (g_str_has_suffix (lower, ".ogg") || g_str_has_suffix (lower, ".oga"))
    return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
  return 0;
}

gboolean
sr_audio_can_write (const char *path, GError **error)
{
  if (format_of (path, 16) != 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               _("the file name says no sound format we write (.wav, .flac or .ogg)"));
  return FALSE;
}

struct _SrAudioWriter {
  SNDFILE *file;
};

SrAudioWriter *
sr_audio_writer_open (const char *path, int rate, int bits, GError **error)
{
  if (!sr_audio_can_write (path, error))
    return NULL;
  SF_INFO info = { .samplerate = rate, .channels = 1, .format = format_of (path, bits) };
  SNDFILE *file = sf_open (path, SFM_WRITE, &info);
  if (file == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("cannot write: %s"), sf_strerror (NULL));
      return NULL;
    }
  /* clipping outside ±1 rather than wrapping around */
  sf_command (file, SFC_SET_CLIPPING, NULL, SF_TRUE);
  /* A WAV's header then says how long it is after every write: a crash or power cut leaves a playable file. (Only
   * WAV: libsndfile's Ogg writer breaks under it.) */
  if ((info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_WAV)
    sf_command (file, SFC_SET_UPDATE_HEADER_AUTO, NULL, SF_TRUE);
  SrAudioWriter *writer = g_new0 (SrAudioWriter, 1);
  writer->file = file;
  return writer;
}

gboolean
sr_audio_writer_write (SrAudioWriter *writer, const float *samples, gsize frames, GError **error)
{
  if (sf_writef_float (writer->file, samples, (sf_count_t) frames) == (sf_count_t) frames)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("cannot write: %s"), sf_strerror (writer->file));
  return FALSE;
}

gboolean
sr_audio_writer_close (SrAudioWriter *writer, GError **error)
{
  /* the file is finalised (its header's sizes written) by closing it, also after an error */
  gboolean ok = sf_close (writer->file) == 0;
  g_free (writer);
  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("cannot finish writing the file"));
  return ok;
}

gboolean
sr_audio_write (const SrAudio *audio, const char *path, GError **error)
{
  SrAudioWriter *writer = sr_audio_writer_open (path, audio->rate, 16, error);
  if (writer == NULL)
    return FALSE;
  gboolean ok = sr_audio_writer_write (writer, audio->samples, audio->frames, error);
  return sr_audio_writer_close (writer, ok ? error : NULL) && ok;
}
