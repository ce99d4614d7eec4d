/* The MIDI code on every MIDI file of the ASAP corpus (../shared/data/aligned/asap): reading, writing and reading
 * again keeps every event and note; encoding to tokens and decoding gives the notes back exactly on the 10-ms grid. */
#include <math.h>

#include "midi-tokens.h"
#include "test-files.h"

static GPtrArray *
asap_midi_files (void)
{
  const char *shared = g_getenv ("SIGHTREAD_SHARED");
  g_autofree char *root = g_build_filename (shared != NULL ? shared : "", "data", "aligned", "asap", NULL);
  const char *const suffixes[] = { ".mid", NULL };
  return sr_test_find_files (root, suffixes);
}

static gboolean
same_event (const SrMidiEvent *a, const SrMidiEvent *b)
{
  if (a->tick != b->tick || a->status != b->status || a->meta_type != b->meta_type ||
      memcmp (a->data, b->data, 2) != 0)
    return FALSE;
  if ((a->payload == NULL) != (b->payload == NULL))
    return FALSE;
  return a->payload == NULL || g_bytes_equal (a->payload, b->payload);
}

static void
test_every_asap_file_reads_back_identically (void)
{
  g_autoptr(GPtrArray) paths = asap_midi_files ();
  if (paths->len == 0)
    {
      g_test_skip ("no ASAP MIDI files under $SIGHTREAD_SHARED/data/aligned/asap");
      return;
    }
  guint64 n_notes = 0;
  for (guint f = 0; f < paths->len; f++)
    {
      const char *path = paths->pdata[f];
      g_autoptr(GError) error = NULL;
      g_autoptr(SrMidiFile) file = sr_midi_file_read (path, &error);
      g_assert_no_error (error);
      g_autoptr(GBytes) bytes = sr_midi_file_write_bytes (file);
      gsize length = 0;
      const guint8 *data = g_bytes_get_data (bytes, &length);
      g_autoptr(SrMidiFile) again = sr_midi_file_read_bytes (data, length, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (again->warnings->len, ==, 0);

      g_assert_cmpuint (again->tracks->len, ==, file->tracks->len);
      for (guint t = 0; t < file->tracks->len; t++)
        {
          const GArray *before = file->tracks->pdata[t], *after = again->tracks->pdata[t];
          /* A track that lacked its end-of-track event gains one. */
          g_assert_cmpuint (after->len, >=, before->len);
          for (guint i = 0; i < before->len; i++)
            if (!same_event (&g_array_index (before, SrMidiEvent, i), &g_array_index (after, SrMidiEvent, i)))
              g_error ("%s: track %u event %u changed in writing", path, t, i);
        }

      g_autoptr(GArray) notes = sr_midi_file_get_notes (file, SR_MIDI_NOTES_SUSTAIN);
      g_autoptr(GArray) notes_again = sr_midi_file_get_notes (again, SR_MIDI_NOTES_SUSTAIN);
      g_assert_cmpmem (notes->data, notes->len * sizeof (SrNote), notes_again->data, notes_again->len * sizeof (SrNote));
      n_notes += notes->len;
    }
  g_test_message ("%u files, %" G_GUINT64_FORMAT " notes read, written and read back identically", paths->len, n_notes);
}

typedef struct {
  gint64 tick;
  int is_onset;
  int key; /* program × 128 + pitch */
} KeyEvent;

static int
compare_key_events (gconstpointer a, gconstpointer b)
{
  const KeyEvent *x = a, *y = b;
  if (x->key != y->key)
    return x->key - y->key;
  if (x->tick != y->tick)
    return x->tick < y->tick ? -1 : 1;
  return x->is_onset - y->is_onset; /* offsets first at one tick */
}

/* What the notes mean on the 10-ms grid, computed independently of the codec: each onset of a key sounds until
 * the next event of that key. */
static GArray *
grid_notes (const GArray *notes)
{
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (KeyEvent));
  for (guint i = 0; i < notes->len; i++)
    {
      const SrNote *note = &g_array_index (notes, SrNote, i);
      if (note->is_drum)
        continue;
      gint64 on = (gint64) nearbyint (note->onset * 100), off = MAX ((gint64) nearbyint (note->offset * 100), on + 1);
      KeyEvent onset = { on, 1, note->program * 128 + note->pitch }, offset = { off, 0, onset.key };
      g_array_append_val (events, onset);
      g_array_append_val (events, offset);
    }
  g_array_sort (events, compare_key_events);

  GArray *result = g_array_new (FALSE, FALSE, sizeof (SrNote));
  for (guint i = 0; i < events->len; i++)
    {
      const KeyEvent *event = &g_array_index (events, KeyEvent, i);
      if (!event->is_onset || i + 1 >= events->len)
        continue;
      const KeyEvent *next = &g_array_index (events, KeyEvent, i + 1);
      if (next->key != event->key || next->tick <= event->tick)
        continue;
      SrNote note = { .onset = event->tick / 100.0, .offset = next->tick / 100.0, .pitch = event->key % 128,
                      .program = (guint8) (event->key / 128), .velocity = 100 };
      g_array_append_val (result, note);
    }
  g_array_sort (result, sr_note_compare);
  return result;
}

static void
test_every_asap_file_survives_the_token_round_trip (void)
{
  g_autoptr(GPtrArray) paths = asap_midi_files ();
  if (paths->len == 0)
    {
      g_test_skip ("no ASAP MIDI files under $SIGHTREAD_SHARED/data/aligned/asap");
      return;
    }
  SrMidiTokenConfig config = SR_MIDI_TOKEN_CONFIG_DEFAULT;
  guint64 n_notes = 0, n_tokens = 0;
  for (guint f = 0; f < paths->len; f++)
    {
      const char *path = paths->pdata[f];
      g_autoptr(SrMidiFile) file = sr_midi_file_read (path, NULL);
      g_autoptr(GArray) notes = sr_midi_file_get_notes (file, SR_MIDI_NOTES_SUSTAIN);
      g_autoptr(GPtrArray) segments = sr_midi_tokens_encode (&config, (const SrNote *) notes->data, notes->len,
                                                             SR_MIDI_TOKENS_SEGMENT_SECONDS, NULL);
      guint errors = 0;
      g_autoptr(GArray) decoded = sr_midi_tokens_decode (&config, segments, SR_MIDI_TOKENS_SEGMENT_SECONDS, &errors);
      g_autoptr(GArray) expected = grid_notes (notes);

      if (decoded->len != expected->len)
        g_error ("%s: %u notes decoded, %u expected", path, decoded->len, expected->len);
      for (guint i = 0; i < expected->len; i++)
        {
          const SrNote *a = &g_array_index (expected, SrNote, i), *b = &g_array_index (decoded, SrNote, i);
          if (a->pitch != b->pitch || a->program != b->program || fabs (a->onset - b->onset) > 1e-9 ||
              fabs (a->offset - b->offset) > 1e-9)
            g_error ("%s: note %u: expected %d at %.2f–%.2f, decoded %d at %.2f–%.2f", path, i, a->pitch, a->onset,
                     a->offset, b->pitch, b->onset, b->offset);
        }
      n_notes += notes->len;
      for (guint s = 0; s < segments->len; s++)
        n_tokens += ((GArray *) segments->pdata[s])->len;
    }
  g_test_message ("%u files, %" G_GUINT64_FORMAT " notes, %" G_GUINT64_FORMAT " tokens: exact on the 10-ms grid",
                  paths->len, n_notes, n_tokens);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/asap-midi/read-write-read", test_every_asap_file_reads_back_identically);
  g_test_add_func ("/asap-midi/token-round-trip", test_every_asap_file_survives_the_token_round_trip);
  return g_test_run ();
}
