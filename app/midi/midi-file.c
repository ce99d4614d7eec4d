/* Reads and writes Standard MIDI Files; see midi-file.h. */
#include "midi-file.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_QUARK (sr-midi-error-quark, sr_midi_error)

/* A track longer than this many events is not music but an attack on memory. */
#define MAX_EVENTS_PER_TRACK (16u * 1024u * 1024u)

static void
clear_event (gpointer data)
{
  SrMidiEvent *event = data;
  g_clear_pointer (&event->payload, g_bytes_unref);
}

static GArray *
new_track (void)
{
  GArray *track = g_array_new (FALSE, TRUE, sizeof (SrMidiEvent));
  g_array_set_clear_func (track, clear_event);
  return track;
}

SrMidiFile *
sr_midi_file_new (int ticks_per_quarter)
{
  g_return_val_if_fail (ticks_per_quarter > 0 && ticks_per_quarter < 0x8000, NULL);
  SrMidiFile *file = g_new0 (SrMidiFile, 1);
  file->format = 1;
  file->ticks_per_quarter = ticks_per_quarter;
  file->raw_division = (guint16) ticks_per_quarter;
  file->tracks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  file->warnings = g_ptr_array_new_with_free_func (g_free);
  return file;
}

void
sr_midi_file_free (SrMidiFile *file)
{
  if (file == NULL)
    return;
  g_ptr_array_unref (file->tracks);
  g_ptr_array_unref (file->warnings);
  g_free (file);
}

GArray *
sr_midi_file_add_track (SrMidiFile *file)
{
  GArray *track = new_track ();
  g_ptr_array_add (file->tracks, track);
  if (file->tracks->len > 1 && file->format == 0)
    file->format = 1;
  return track;
}

void
sr_midi_track_add_channel (GArray *track, guint64 tick, guint8 status, guint8 data1, guint8 data2)
{
  SrMidiEvent event = { .tick = tick, .status = status, .data = { data1 & 0x7f, data2 & 0x7f } };
  g_array_append_val (track, event);
}

void
sr_midi_track_add_meta (GArray *track, guint64 tick, guint8 meta_type, const void *payload, gsize length)
{
  SrMidiEvent event = { .tick = tick, .status = SR_MIDI_META, .meta_type = meta_type,
                        .payload = g_bytes_new (payload, length) };
  g_array_append_val (track, event);
}

static int
compare_planned (gconstpointer a, gconstpointer b)
{
  const SrMidiPlannedEvent *x = a, *y = b;
  if (x->tick != y->tick)
    return x->tick < y->tick ? -1 : 1;
  if (x->order != y->order)
    return x->order - y->order;
  if (x->status != y->status)
    return x->status - y->status;
  return x->data1 - y->data1;
}

void
sr_midi_track_add_planned (GArray *track, GArray *planned)
{
  g_array_sort (planned, compare_planned);
  for (guint i = 0; i < planned->len; i++)
    {
      const SrMidiPlannedEvent *event = &g_array_index (planned, SrMidiPlannedEvent, i);
      sr_midi_track_add_channel (track, event->tick, event->status, event->data1, event->data2);
    }
}

/* ---- reading ---- */

typedef struct {
  const guint8 *data;
  gsize length;
  gsize position;
} Reader;

static gboolean
read_u8 (Reader *reader, guint8 *value)
{
  if (reader->position >= reader->length)
    return FALSE;
  *value = reader->data[reader->position++];
  return TRUE;
}

/* A variable-length quantity: at most four bytes, seven bits each. */
static gboolean
read_vlq (Reader *reader, guint32 *value)
{
  guint32 result = 0;
  for (int i = 0; i < 4; i++)
    {
      guint8 byte;
      if (!read_u8 (reader, &byte))
        return FALSE;
      result = (result << 7) | (byte & 0x7f);
      if (!(byte & 0x80))
        {
          *value = result;
          return TRUE;
        }
    }
  return FALSE;
}

static guint32
be32 (const guint8 *bytes)
{
  return ((guint32) bytes[0] << 24) | ((guint32) bytes[1] << 16) | ((guint32) bytes[2] << 8) | bytes[3];
}

static int
channel_data_length (guint8 status)
{
  guint8 kind = status & 0xf0;
  return (kind == 0xc0 || kind == 0xd0) ? 1 : 2;
}

/* Parses one track's events; on damage keeps what came before and says why in *PROBLEM. */
static GArray *
read_track (Reader *reader, char **problem)
{
  GArray *track = new_track ();
  guint64 tick = 0;
  guint8 running_status = 0;

  while (reader->position < reader->length)
    {
      guint32 delta;
      guint8 status;
      if (!read_vlq (reader, &delta) || !read_u8 (reader, &status))
        {
          *problem = g_strdup (_("the track ends in the middle of an event"));
          return track;
        }
      if (track->len >= MAX_EVENTS_PER_TRACK)
        {
          *problem = g_strdup (_("the track has too many events; the rest was skipped"));
          return track;
        }
      tick += delta;

      SrMidiEvent event = { .tick = tick };
      if (status < 0x80)
        {
          if (running_status == 0)
            {
              *problem = g_strdup (_("a data byte comes where an event should start"));
              return track;
            }
          reader->position--; /* the byte was data, under running status */
          status = running_status;
        }

      if (status >= 0x80 && status <= 0xef)
        {
          running_status = status;
          event.status = status;
          for (int i = 0; i < channel_data_length (status); i++)
            if (!read_u8 (reader, &event.data[i]) || event.data[i] >= 0x80)
              {
                *problem = g_strdup (_("a channel message is cut short or garbled"));
                return track;
              }
        }
      else if (status == SR_MIDI_META || status == SR_MIDI_SYSEX || status == SR_MIDI_SYSEX_ESCAPE)
        {
          running_status = 0; /* meta and sysex events cancel running status */
          event.status = status;
          if (status == SR_MIDI_META && !read_u8 (reader, &event.meta_type))
            {
              *problem = g_strdup (_("the track ends in the middle of an event"));
              return track;
            }
          guint32 size;
          if (!read_vlq (reader, &size) || size > reader->length - reader->position)
            {
              *problem = g_strdup (_("a meta or system-exclusive event is longer than its track"));
              return track;
            }
          event.payload = g_bytes_new (reader->data + reader->position, size);
          reader->position += size;
        }
      else
        {
          *problem = g_strdup_printf (_("unknown event status 0x%02x"), status);
          return track;
        }

      g_array_append_val (track, event);
      if (status == SR_MIDI_META && event.meta_type == SR_MIDI_META_END_OF_TRACK)
        return track;
    }

  *problem = g_strdup (_("the track has no end-of-track event"));
  return track;
}

SrMidiFile *
sr_midi_file_read_bytes (const guint8 *data, gsize length, GError **error)
{
  /* Some files wrap the SMF in a RIFF "RMID" container. */
  if (length >= 20 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "RMID", 4) == 0)
    {
      for (gsize offset = 12; offset + 8 <= length;)
        {
          guint32 size;
          memcpy (&size, data + offset + 4, 4);
          size = GUINT32_FROM_LE (size);
          if (memcmp (data + offset, "data", 4) == 0)
            return sr_midi_file_read_bytes (data + offset + 8, MIN ((gsize) size, length - offset - 8), error);
          offset += 8 + (gsize) size + (size & 1);
        }
    }

  if (length < 14 || memcmp (data, "MThd", 4) != 0)
    {
      g_set_error (error, SR_MIDI_ERROR, SR_MIDI_ERROR_NOT_MIDI, _("not a MIDI file (no MThd header)"));
      return NULL;
    }
  guint32 header_length = be32 (data + 4);
  if (header_length < 6 || header_length > length - 8)
    {
      g_set_error (error, SR_MIDI_ERROR, SR_MIDI_ERROR_DAMAGED, _("the MIDI header is damaged"));
      return NULL;
    }

  int format = (data[8] << 8) | data[9];
  int declared_tracks = (data[10] << 8) | data[11];
  guint16 division = (guint16) ((data[12] << 8) | data[13]);
  if (format > 2)
    {
      g_set_error (error, SR_MIDI_ERROR, SR_MIDI_ERROR_UNSUPPORTED, _("unknown MIDI file format %d"), format);
      return NULL;
    }
  if (division == 0)
    {
      g_set_error (error, SR_MIDI_ERROR, SR_MIDI_ERROR_DAMAGED, _("the MIDI header gives a time division of 0"));
      return NULL;
    }

  g_autoptr(SrMidiFile) file = g_new0 (SrMidiFile, 1);
  file->format = format;
  file->raw_division = division;
  file->tracks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  file->warnings = g_ptr_array_new_with_free_func (g_free);
  if (division & 0x8000)
    {
      int frames_per_second = -(gint8) (division >> 8);
      int ticks_per_frame = division & 0xff;
      if (frames_per_second <= 0 || ticks_per_frame == 0)
        {
          g_set_error (error, SR_MIDI_ERROR, SR_MIDI_ERROR_DAMAGED, _("the MIDI header's SMPTE time is damaged"));
          return NULL;
        }
      /* 29 stands for 29.97 drop-frame time. */
      double fps = frames_per_second == 29 ? 29.97 : frames_per_second;
      file->seconds_per_tick_smpte = 1.0 / (fps * ticks_per_frame);
    }
  else
    file->ticks_per_quarter = division;

  gsize position = 8 + header_length;
  while (position + 8 <= length)
    {
      guint32 chunk_length = be32 (data + position + 4);
      gboolean is_track = memcmp (data + position, "MTrk", 4) == 0;
      gsize available = MIN ((gsize) chunk_length, length - position - 8);
      if (is_track)
        {
          Reader reader = { data + position + 8, available, 0 };
          char *problem = NULL;
          GArray *track = read_track (&reader, &problem);
          if (problem != NULL)
            g_ptr_array_add (file->warnings, g_strdup_printf (_("track %u: %s"), file->tracks->len + 1, problem));
          g_free (problem);
          g_ptr_array_add (file->tracks, track);
        }
      if (available < chunk_length)
        {
          g_ptr_array_add (file->warnings, g_strdup (_("the file is truncated")));
          break;
        }
      position += 8 + (gsize) chunk_length;
    }

  if (file->tracks->len == 0)
    {
      g_set_error (error, SR_MIDI_ERROR, SR_MIDI_ERROR_DAMAGED, _("the MIDI file has no readable track"));
      return NULL;
    }
  if ((int) file->tracks->len != declared_tracks)
    g_ptr_array_add (file->warnings, g_strdup_printf (_("the header announces %d tracks, the file holds %u"),
                                                      declared_tracks, file->tracks->len));
  return g_steal_pointer (&file);
}

SrMidiFile *
sr_midi_file_read (const char *path, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, SR_MIDI_ERROR, SR_MIDI_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  return sr_midi_file_read_bytes ((const guint8 *) g_mapped_file_get_contents (mapped),
                                  g_mapped_file_get_length (mapped), error);
}

/* ---- writing ---- */

#define MAX_DELTA 0x0fffffffu

static void
write_vlq (GByteArray *out, guint64 value)
{
  guint8 bytes[10];
  int n = 0;
  bytes[n++] = value & 0x7f;
  while ((value >>= 7) != 0 && n < 10)
    bytes[n++] = 0x80 | (value & 0x7f);
  while (n > 0)
    g_byte_array_append (out, &bytes[--n], 1);
}

static void
write_be32 (GByteArray *out, guint32 value)
{
  guint8 bytes[4] = { value >> 24, value >> 16, value >> 8, value };
  g_byte_array_append (out, bytes, 4);
}

static void
write_track (GByteArray *out, const GArray *track)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();
  guint64 tick = 0;
  guint8 running_status = 0;
  gboolean ended = FALSE;

  for (guint i = 0; i < track->len && !ended; i++)
    {
      const SrMidiEvent *event = &g_array_index (track, SrMidiEvent, i);
      /* Events stored out of order are written at the latest tick so far, never with a negative delta. */
      guint64 event_tick = MAX (event->tick, tick);
      /* A delta says at most 2^28 - 1 ticks (days of music); a longer gap is bridged by empty text events rather
       * than written as a delta no reader can read. */
      while (event_tick - tick > MAX_DELTA)
        {
          static const guint8 empty_text[] = { SR_MIDI_META, 0x01, 0x00 };
          write_vlq (body, MAX_DELTA);
          g_byte_array_append (body, empty_text, sizeof empty_text);
          tick += MAX_DELTA;
          running_status = 0;
        }
      write_vlq (body, event_tick - tick);
      tick = event_tick;

      if (event->status >= 0x80 && event->status <= 0xef)
        {
          if (event->status != running_status)
            g_byte_array_append (body, &event->status, 1);
          running_status = event->status;
          g_byte_array_append (body, event->data, channel_data_length (event->status));
          continue;
        }

      running_status = 0;
      gsize size = 0;
      const guint8 *payload = event->payload != NULL ? g_bytes_get_data (event->payload, &size) : NULL;
      g_byte_array_append (body, &event->status, 1);
      if (event->status == SR_MIDI_META)
        g_byte_array_append (body, &event->meta_type, 1);
      write_vlq (body, size);
      if (size > 0)
        g_byte_array_append (body, payload, (guint) size);
      ended = event->status == SR_MIDI_META && event->meta_type == SR_MIDI_META_END_OF_TRACK;
    }

  if (!ended)
    {
      static const guint8 end_of_track[] = { 0x00, SR_MIDI_META, SR_MIDI_META_END_OF_TRACK, 0x00 };
      g_byte_array_append (body, end_of_track, sizeof end_of_track);
    }

  g_byte_array_append (out, (const guint8 *) "MTrk", 4);
  write_be32 (out, body->len);
  g_byte_array_append (out, body->data, body->len);
}

GBytes *
sr_midi_file_write_bytes (const SrMidiFile *file)
{
  GByteArray *out = g_byte_array_new ();
  g_byte_array_append (out, (const guint8 *) "MThd", 4);
  write_be32 (out, 6);
  int format = file->tracks->len > 1 && file->format == 0 ? 1 : file->format;
  guint8 header[6] = { 0, (guint8) format, (guint8) (file->tracks->len >> 8), (guint8) file->tracks->len,
                       (guint8) (file->raw_division >> 8), (guint8) file->raw_division };
  g_byte_array_append (out, header, sizeof header);
  for (guint i = 0; i < file->tracks->len; i++)
    write_track (out, file->tracks->pdata[i]);
  return g_byte_array_free_to_bytes (out);
}

gboolean
sr_midi_file_write (const SrMidiFile *file, const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = sr_midi_file_write_bytes (file);
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  g_autoptr(GError) local_error = NULL;
  if (!g_file_set_contents (path, data, (gssize) length, &local_error))
    {
      g_set_error (error, SR_MIDI_ERROR, SR_MIDI_ERROR_IO, "%s", local_error->message);
      return FALSE;
    }
  return TRUE;
}
