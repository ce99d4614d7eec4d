/* Standard MIDI Files: what the reader understands, what it repairs, and that writing keeps every event. */
#include "midi-notes.h"

/* A format-0 file at 96 ticks per quarter: tempo 120 bpm, C4 for a quarter, then E4 and G4 under running status,
 * E4 ended by a note-on of velocity 0. */
static const guint8 simple_file[] = {
  'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 0, 0, 1, 0, 96,
  'M', 'T', 'r', 'k', 0, 0, 0, 32,
  0x00, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20,  /* tempo 500 000 µs */
  0x00, 0x90, 60, 100,                       /* C4 on */
  0x60, 0x80, 60, 0,                         /* C4 off after 96 ticks */
  0x00, 0x90, 64, 90,                        /* E4 on */
  0x00, 67, 80,                              /* G4 on, running status */
  0x30, 64, 0,                               /* E4 off (velocity 0) after 48 ticks */
  0x30, 67, 0,                               /* G4 off */
  0x00, 0xff, 0x2f, 0x00,
};

static SrMidiFile *
read_simple (void)
{
  g_autoptr(GError) error = NULL;
  SrMidiFile *file = sr_midi_file_read_bytes (simple_file, sizeof simple_file, &error);
  g_assert_no_error (error);
  return file;
}

static void
test_notes_come_out_in_seconds_through_the_tempo_map (void)
{
  g_autoptr(SrMidiFile) file = read_simple ();
  g_assert_cmpuint (file->warnings->len, ==, 0);
  g_autoptr(GArray) notes = sr_midi_file_get_notes (file, SR_MIDI_NOTES_DEFAULT);
  g_assert_cmpuint (notes->len, ==, 3);
  const SrNote *c4 = &g_array_index (notes, SrNote, 0);
  g_assert_cmpint (c4->pitch, ==, 60);
  g_assert_cmpfloat (c4->onset, ==, 0.0);
  g_assert_cmpfloat (c4->offset, ==, 0.5);
  g_assert_cmpint (c4->velocity, ==, 100);
  const SrNote *e4 = &g_array_index (notes, SrNote, 1);
  g_assert_cmpint (e4->pitch, ==, 64);
  g_assert_cmpfloat (e4->onset, ==, 0.5);
  g_assert_cmpfloat (e4->offset, ==, 0.75);
  const SrNote *g4 = &g_array_index (notes, SrNote, 2);
  g_assert_cmpint (g4->pitch, ==, 67);
  g_assert_cmpfloat (g4->offset, ==, 1.0);
}

static void
test_tempo_changes_bend_time (void)
{
  g_autoptr(SrMidiFile) file = sr_midi_file_new (100);
  GArray *track = sr_midi_file_add_track (file);
  const guint8 fast[3] = { 0x03, 0xd0, 0x90 }; /* 250 000 µs: 240 bpm */
  sr_midi_track_add_meta (track, 200, SR_MIDI_META_TEMPO, fast, 3);
  /* 200 ticks at the default 120 bpm are 1 s; 100 more at 240 bpm are 0.25 s. */
  g_assert_cmpfloat_with_epsilon (sr_midi_file_tick_to_seconds (file, 200), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (sr_midi_file_tick_to_seconds (file, 300), 1.25, 1e-12);
}

static void
test_writing_and_reading_back_keeps_every_event (void)
{
  g_autoptr(SrMidiFile) file = read_simple ();
  g_autoptr(GBytes) written = sr_midi_file_write_bytes (file);
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (written, &length);
  /* Our writer uses running status as the original did, so the bytes are the same. */
  g_assert_cmpmem (data, length, simple_file, sizeof simple_file);
}

static void
test_sustain_pedal_holds_released_notes (void)
{
  g_autoptr(SrMidiFile) file = sr_midi_file_new (500);
  GArray *track = sr_midi_file_add_track (file);
  sr_midi_track_add_channel (track, 0, 0xb0, 64, 127);   /* pedal down */
  sr_midi_track_add_channel (track, 0, 0x90, 60, 80);
  sr_midi_track_add_channel (track, 500, 0x80, 60, 0);   /* key up at 0.5 s */
  sr_midi_track_add_channel (track, 1000, 0xb0, 64, 0);  /* pedal up at 1 s */

  g_autoptr(GArray) plain = sr_midi_file_get_notes (file, SR_MIDI_NOTES_DEFAULT);
  g_assert_cmpfloat (g_array_index (plain, SrNote, 0).offset, ==, 0.5);
  g_autoptr(GArray) held = sr_midi_file_get_notes (file, SR_MIDI_NOTES_SUSTAIN);
  g_assert_cmpfloat (g_array_index (held, SrNote, 0).offset, ==, 1.0);
}

static void
test_a_truncated_track_keeps_what_came_before_with_a_warning (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMidiFile) file = sr_midi_file_read_bytes (simple_file, sizeof simple_file - 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (file->warnings->len, >, 0);
  g_autoptr(GArray) notes = sr_midi_file_get_notes (file, SR_MIDI_NOTES_DEFAULT);
  g_assert_cmpuint (notes->len, >=, 1);
  g_assert_cmpint (g_array_index (notes, SrNote, 0).pitch, ==, 60);
}

static void
test_garbage_is_refused_with_a_reason (void)
{
  const struct {
    const char *bytes;
    gsize length;
    SrMidiError code;
  } cases[] = {
    { "", 0, SR_MIDI_ERROR_NOT_MIDI },
    { "RIFF....WAVEfmt ", 16, SR_MIDI_ERROR_NOT_MIDI },
    { "MThd\0\0\0\x06\0\x01\0\x01\0\0", 14, SR_MIDI_ERROR_DAMAGED },          /* division 0 */
    { "MThd\0\0\0\x06\0\x07\0\x01\0\x60", 14, SR_MIDI_ERROR_UNSUPPORTED },    /* format 7 */
    { "MThd\0\0\0\x06\0\x00\0\x01\0\x60", 14, SR_MIDI_ERROR_DAMAGED },        /* no track */
    { "MThd\xff\xff\xff\xff\0\x00\0\x01\0\x60", 14, SR_MIDI_ERROR_DAMAGED },  /* header longer than the file */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SrMidiFile) file = sr_midi_file_read_bytes ((const guint8 *) cases[i].bytes, cases[i].length, &error);
      g_assert_null (file);
      g_assert_error (error, SR_MIDI_ERROR, (int) cases[i].code);
    }
}

static void
test_a_data_byte_without_running_status_ends_the_track_with_a_warning (void)
{
  const guint8 bytes[] = { 'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 0, 0, 1, 0, 96,
                           'M', 'T', 'r', 'k', 0, 0, 0, 8, 0x00, 0x40, 0x40, 0x00, 0x00, 0xff, 0x2f, 0x00 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMidiFile) file = sr_midi_file_read_bytes (bytes, sizeof bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (file->warnings->len, ==, 1);
  g_assert_nonnull (strstr (file->warnings->pdata[0], "data byte"));
}

static void
test_files_made_from_notes_give_the_notes_back_to_the_millisecond (void)
{
  const SrNote notes[] = {
    { .onset = 0.0, .offset = 0.25, .pitch = 60, .velocity = 90 },
    { .onset = 0.25, .offset = 0.5, .pitch = 60, .velocity = 91 },   /* the same key again at once */
    { .onset = 0.1234, .offset = 1.9876, .pitch = 72, .velocity = 40, .program = 40 },
    { .onset = 0.5, .offset = 0.51, .pitch = 36, .velocity = 120, .channel = 9, .is_drum = TRUE },
  };
  g_autoptr(SrMidiFile) file = sr_midi_file_new_from_notes (notes, G_N_ELEMENTS (notes));
  g_autoptr(GBytes) bytes = sr_midi_file_write_bytes (file);
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMidiFile) again = sr_midi_file_read_bytes (data, length, &error);
  g_assert_no_error (error);
  g_autoptr(GArray) read = sr_midi_file_get_notes (again, SR_MIDI_NOTES_DEFAULT);
  g_assert_cmpuint (read->len, ==, G_N_ELEMENTS (notes));

  const SrNote expected[] = { notes[0], notes[2], notes[1], notes[3] }; /* by onset */
  for (guint i = 0; i < read->len; i++)
    {
      const SrNote *note = &g_array_index (read, SrNote, i);
      g_assert_cmpint (note->pitch, ==, expected[i].pitch);
      g_assert_cmpint (note->velocity, ==, expected[i].velocity);
      g_assert_cmpint (note->program, ==, expected[i].program);
      g_assert_cmpint (note->is_drum, ==, expected[i].is_drum);
      g_assert_cmpfloat_with_epsilon (note->onset, expected[i].onset, 0.0005 + 1e-12);
      g_assert_cmpfloat_with_epsilon (note->offset, expected[i].offset, 0.0005 + 1e-12);
    }
}

static void
test_a_gap_longer_than_a_delta_can_say_is_written_readably (void)
{
  /* 2^30 ticks: four times the largest delta */
  g_autoptr(SrMidiFile) file = sr_midi_file_new (480);
  GArray *track = sr_midi_file_add_track (file);
  sr_midi_track_add_channel (track, 0, 0x90, 60, 100);
  sr_midi_track_add_channel (track, (guint64) 1 << 30, 0x80, 60, 0);
  g_autoptr(GBytes) bytes = sr_midi_file_write_bytes (file);
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrMidiFile) again = sr_midi_file_read_bytes (data, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->warnings->len, ==, 0);
  g_autoptr(GArray) notes = sr_midi_file_get_notes (again, SR_MIDI_NOTES_DEFAULT);
  g_assert_cmpuint (notes->len, ==, 1);
  g_assert_cmpuint (g_array_index (notes, SrNote, 0).offset_tick, ==, (guint64) 1 << 30);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/midi-file/notes-in-seconds", test_notes_come_out_in_seconds_through_the_tempo_map);
  g_test_add_func ("/midi-file/tempo-changes", test_tempo_changes_bend_time);
  g_test_add_func ("/midi-file/write-keeps-events", test_writing_and_reading_back_keeps_every_event);
  g_test_add_func ("/midi-file/sustain", test_sustain_pedal_holds_released_notes);
  g_test_add_func ("/midi-file/truncated", test_a_truncated_track_keeps_what_came_before_with_a_warning);
  g_test_add_func ("/midi-file/garbage", test_garbage_is_refused_with_a_reason);
  g_test_add_func ("/midi-file/stray-data-byte", test_a_data_byte_without_running_status_ends_the_track_with_a_warning);
  g_test_add_func ("/midi-file/long-gap", test_a_gap_longer_than_a_delta_can_say_is_written_readably);
  g_test_add_func ("/midi-file/from-notes", test_files_made_from_notes_give_the_notes_back_to_the_millisecond);
  return g_test_run ();
}
