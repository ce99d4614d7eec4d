/* Tempo map, note extraction and MIDI files from notes; see midi-notes.h. */
#include "midi-notes.h"

#include <math.h>

#define DEFAULT_MICROSECONDS_PER_QUARTER 500000u

typedef struct {
  guint64 tick;
  guint32 microseconds_per_quarter;
} TempoChange;

static int
compare_tempo (gconstpointer a, gconstpointer b)
{
  const TempoChange *x = a, *y = b;
  return (x->tick > y->tick) - (x->tick < y->tick);
}

static GArray *
tempo_map (const SrMidiFile *file)
{
  GArray *changes = g_array_new (FALSE, FALSE, sizeof (TempoChange));
  for (guint t = 0; t < file->tracks->len; t++)
    {
      const GArray *track = file->tracks->pdata[t];
      for (guint i = 0; i < track->len; i++)
        {
          const SrMidiEvent *event = &g_array_index (track, SrMidiEvent, i);
          gsize size = 0;
          const guint8 *payload = event->payload != NULL ? g_bytes_get_data (event->payload, &size) : NULL;
          if (event->status != SR_MIDI_META || event->meta_type != SR_MIDI_META_TEMPO || size < 3)
            continue;
          TempoChange change = { event->tick, ((guint32) payload[0] << 16) | ((guint32) payload[1] << 8) | payload[2] };
          if (change.microseconds_per_quarter > 0)
            g_array_append_val (changes, change);
        }
    }
  g_array_sort (changes, compare_tempo);
  return changes;
}

/* Seconds at TICK given the sorted tempo CHANGES. */
static double
seconds_at (const SrMidiFile *file, const GArray *changes, guint64 tick)
{
  if (file->ticks_per_quarter == 0)
    return tick * file->seconds_per_tick_smpte;

  double seconds = 0;
  guint64 last_tick = 0;
  guint32 tempo = DEFAULT_MICROSECONDS_PER_QUARTER;
  for (guint i = 0; i < changes->len; i++)
    {
      const TempoChange *change = &g_array_index (changes, TempoChange, i);
      if (change->tick >= tick)
        break;
      seconds += (double) (change->tick - last_tick) * tempo / (1e6 * file->ticks_per_quarter);
      last_tick = change->tick;
      tempo = change->microseconds_per_quarter;
    }
  return seconds + (double) (tick - last_tick) * tempo / (1e6 * file->ticks_per_quarter);
}

double
sr_midi_file_tick_to_seconds (const SrMidiFile *file, guint64 tick)
{
  g_autoptr(GArray) changes = tempo_map (file);
  return seconds_at (file, changes, tick);
}

int
sr_note_compare (gconstpointer a, gconstpointer b)
{
  const SrNote *x = a, *y = b;
  if (x->onset != y->onset)
    return x->onset < y->onset ? -1 : 1;
  if (x->pitch != y->pitch)
    return x->pitch < y->pitch ? -1 : 1;
  if (x->offset != y->offset)
    return x->offset < y->offset ? -1 : 1;
  return (x->program > y->program) - (x->program < y->program);
}

typedef struct {
  guint64 onset_tick;
  guint8 velocity;
  guint8 program;
  gboolean released; /* the key is up but the pedal holds it */
} OpenNote;

typedef struct {
  const SrMidiFile *file;
  const GArray *tempo;
  GArray *notes;
  GQueue open[16][128]; /* OpenNote *, oldest first */
  gboolean pedal_down[16];
  guint8 program[16];
} Extraction;

static void
close_note (Extraction *x, int channel, int pitch, OpenNote *open, guint64 offset_tick)
{
  SrNote note = {
    .onset = seconds_at (x->file, x->tempo, open->onset_tick),
    .offset = seconds_at (x->file, x->tempo, offset_tick),
    .pitch = (guint8) pitch,
    .velocity = open->velocity,
    .program = open->program,
    .channel = (guint8) channel,
    .is_drum = channel == 9,
    .onset_tick = open->onset_tick,
    .offset_tick = offset_tick,
  };
  if (note.offset > note.onset)
    g_array_append_val (x->notes, note);
  g_free (open);
}

/* Ends the notes of one key whose key is up but that the pedal still held. */
static void
end_held_notes (Extraction *x, int channel, int pitch, guint64 tick)
{
  GQueue *queue = &x->open[channel][pitch];
  for (GList *link = queue->head; link != NULL;)
    {
      GList *next = link->next;
      OpenNote *open = link->data;
      if (open->released)
        {
          g_queue_delete_link (queue, link);
          close_note (x, channel, pitch, open, tick);
        }
      link = next;
    }
}

static void
release_pedal (Extraction *x, int channel, guint64 tick)
{
  for (int pitch = 0; pitch < 128; pitch++)
    end_held_notes (x, channel, pitch, tick);
}

static void
note_on (Extraction *x, int channel, int pitch, int velocity, guint64 tick)
{
  /* A key struck again while the pedal still holds its previous note ends that note. */
  end_held_notes (x, channel, pitch, tick);
  OpenNote *open = g_new0 (OpenNote, 1);
  open->onset_tick = tick;
  open->velocity = (guint8) velocity;
  open->program = x->program[channel];
  g_queue_push_tail (&x->open[channel][pitch], open);
}

static void
note_off (Extraction *x, int channel, int pitch, guint64 tick, gboolean sustain)
{
  GQueue *queue = &x->open[channel][pitch];
  for (GList *link = queue->head; link != NULL; link = link->next)
    {
      OpenNote *open = link->data;
      if (open->released)
        continue;
      if (sustain && x->pedal_down[channel])
        open->released = TRUE;
      else
        {
          g_queue_delete_link (queue, link);
          close_note (x, channel, pitch, open, tick);
        }
      return;
    }
}

GArray *
sr_midi_file_get_notes (const SrMidiFile *file, SrMidiNotesFlags flags)
{
  g_autoptr(GArray) tempo = tempo_map (file);
  GArray *notes = g_array_new (FALSE, FALSE, sizeof (SrNote));
  gboolean sustain = (flags & SR_MIDI_NOTES_SUSTAIN) != 0;

  for (guint t = 0; t < file->tracks->len; t++)
    {
      const GArray *track = file->tracks->pdata[t];
      Extraction *x = g_new0 (Extraction, 1);
      x->file = file;
      x->tempo = tempo;
      x->notes = notes;
      guint64 last_tick = 0;

      for (guint i = 0; i < track->len; i++)
        {
          const SrMidiEvent *event = &g_array_index (track, SrMidiEvent, i);
          last_tick = MAX (last_tick, event->tick);
          int kind = event->status & 0xf0, channel = event->status & 0x0f;
          if (event->status > 0xef)
            continue;
          if (kind == 0x90 && event->data[1] > 0)
            note_on (x, channel, event->data[0], event->data[1], event->tick);
          else if (kind == 0x80 || kind == 0x90)
            note_off (x, channel, event->data[0], event->tick, sustain);
          else if (kind == 0xc0)
            x->program[channel] = event->data[0];
          else if (kind == 0xb0 && event->data[0] == 64)
            {
              gboolean down = event->data[1] >= 64;
              if (x->pedal_down[channel] && !down && sustain)
                release_pedal (x, channel, event->tick);
              x->pedal_down[channel] = down;
            }
        }

      for (int channel = 0; channel < 16; channel++)
        for (int pitch = 0; pitch < 128; pitch++)
          {
            OpenNote *open;
            while ((open = g_queue_pop_head (&x->open[channel][pitch])) != NULL)
              close_note (x, channel, pitch, open, last_tick);
          }
      g_free (x);
    }

  g_array_sort (notes, sr_note_compare);
  return notes;
}

static guint64
milliseconds (double seconds)
{
  return seconds <= 0 ? 0 : (guint64) llround (seconds * 1000.0);
}

SrMidiFile *
sr_midi_file_new_from_notes (const SrNote *notes, guint n_notes)
{
  SrMidiFile *file = sr_midi_file_new (500);
  GArray *conductor = sr_midi_file_add_track (file);
  const guint8 tempo[3] = { 0x07, 0xa1, 0x20 }; /* 500 000 µs per quarter */
  sr_midi_track_add_meta (conductor, 0, SR_MIDI_META_TEMPO, tempo, 3);
  const guint8 four_four[4] = { 4, 2, 24, 8 };
  sr_midi_track_add_meta (conductor, 0, SR_MIDI_META_TIME_SIGNATURE, four_four, 4);

  /* One channel per program, in order of first use, skipping the drum channel. */
  int channel_of_program[128];
  for (int p = 0; p < 128; p++)
    channel_of_program[p] = -1;
  int next_channel = 0;
  /* At one tick: note-offs (0), program changes (1), note-ons (2). */
  g_autoptr(GArray) planned = g_array_new (FALSE, FALSE, sizeof (SrMidiPlannedEvent));
  for (guint i = 0; i < n_notes; i++)
    {
      const SrNote *note = &notes[i];
      int channel = 9;
      if (!note->is_drum)
        {
          if (channel_of_program[note->program] < 0)
            {
              channel_of_program[note->program] = next_channel;
              SrMidiPlannedEvent change = { 0, 1, (guint8) (0xc0 | next_channel), note->program, 0 };
              g_array_append_val (planned, change);
              next_channel = next_channel == 8 ? 10 : next_channel + 1;
              if (next_channel > 15)
                next_channel = 15; /* more than 15 programs share the last channel */
            }
          channel = channel_of_program[note->program];
        }
      guint64 onset = milliseconds (note->onset), offset = MAX (milliseconds (note->offset), onset + 1);
      guint8 velocity = note->velocity > 0 ? MIN (note->velocity, 127) : 64;
      SrMidiPlannedEvent on = { onset, 2, (guint8) (0x90 | channel), note->pitch & 0x7f, velocity };
      SrMidiPlannedEvent off = { offset, 0, (guint8) (0x80 | channel), note->pitch & 0x7f, 0 };
      g_array_append_val (planned, on);
      g_array_append_val (planned, off);
    }
  sr_midi_track_add_planned (sr_midi_file_add_track (file), planned);
  return file;
}
