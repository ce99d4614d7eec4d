/* Standard MIDI Files (formats 0, 1 and 2): every event as it was stored, read and written faithfully. Notes, the
 * tempo map and seconds are derived from the events (midi-notes.h). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SR_MIDI_ERROR (sr_midi_error_quark ())

typedef enum {
  SR_MIDI_ERROR_NOT_MIDI,
  SR_MIDI_ERROR_DAMAGED,
  SR_MIDI_ERROR_UNSUPPORTED,
  SR_MIDI_ERROR_IO,
} SrMidiError;

GQuark sr_midi_error_quark (void);

#define SR_MIDI_META 0xff
#define SR_MIDI_META_TEXT 0x01
#define SR_MIDI_META_TRACK_NAME 0x03
#define SR_MIDI_META_END_OF_TRACK 0x2f
#define SR_MIDI_META_TEMPO 0x51
#define SR_MIDI_META_TIME_SIGNATURE 0x58
#define SR_MIDI_META_KEY_SIGNATURE 0x59
#define SR_MIDI_SYSEX 0xf0
#define SR_MIDI_SYSEX_ESCAPE 0xf7

typedef struct {
  guint64 tick;       /* absolute, from the start of the track */
  guint8 status;      /* 0x80–0xEF channel messages, SR_MIDI_META, SR_MIDI_SYSEX or SR_MIDI_SYSEX_ESCAPE */
  guint8 data[2];     /* channel messages: their one or two data bytes */
  guint8 meta_type;   /* meta events */
  GBytes *payload;    /* meta and sysex events: their bytes; NULL otherwise */
} SrMidiEvent;

typedef struct {
  int format;         /* 0, 1 or 2 */
  int ticks_per_quarter; /* > 0, or 0 for SMPTE time */
  double seconds_per_tick_smpte; /* SMPTE time only */
  guint16 raw_division; /* as stored, so that writing keeps it */
  GPtrArray *tracks;  /* GArray of SrMidiEvent, one per track */
  GPtrArray *warnings; /* char *: what was repaired or skipped while reading */
} SrMidiFile;

SrMidiFile *sr_midi_file_new (int ticks_per_quarter);
void sr_midi_file_free (SrMidiFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrMidiFile, sr_midi_file_free)

/* Reads a Standard MIDI File. A truncated or partly garbled track is kept up to the damage, with a warning; a file
 * that is not MIDI at all, or has no readable track, is an error. */
SrMidiFile *sr_midi_file_read_bytes (const guint8 *data, gsize length, GError **error);
SrMidiFile *sr_midi_file_read (const char *path, GError **error);

GBytes *sr_midi_file_write_bytes (const SrMidiFile *file);
gboolean sr_midi_file_write (const SrMidiFile *file, const char *path, GError **error);

/* Appends an empty track and returns it. */
GArray *sr_midi_file_add_track (SrMidiFile *file);

/* Appends to TRACK (events must come in tick order). */
void sr_midi_track_add_channel (GArray *track, guint64 tick, guint8 status, guint8 data1, guint8 data2);
void sr_midi_track_add_meta (GArray *track, guint64 tick, guint8 meta_type, const void *payload, gsize length);

/* A channel message waiting to be put in tick order: at one tick, lower ORDER first (callers give note-offs a lower
 * order than note-ons, so that a key struck again at once is released before it sounds). */
typedef struct {
  guint64 tick;
  int order;
  guint8 status;
  guint8 data1;
  guint8 data2;
} SrMidiPlannedEvent;

/* Sorts PLANNED (SrMidiPlannedEvent) by tick, order, status and first data byte, and appends them to TRACK. */
void sr_midi_track_add_planned (GArray *track, GArray *planned);

G_END_DECLS
