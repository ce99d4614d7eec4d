/* The reference synthesizer; see reference-synth.h. */
#include "reference-synth.h"

#include <fluidsynth.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <math.h>

#define TAIL_SECONDS 1.5
enum { BLOCK = 64 };

const char *
sr_reference_synth_default_soundfont (void)
{
  static const char *const fonts[] = { "/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/default-GM.sf2",
                                       "/usr/share/sounds/sf2/TimGM6mb.sf2", "/usr/share/sounds/sf3/MuseScore_General.sf3" };
  for (gsize i = 0; i < G_N_ELEMENTS (fonts); i++)
    if (g_file_test (fonts[i], G_FILE_TEST_IS_REGULAR))
      return fonts[i];
  return NULL;
}

typedef struct {
  gint64 frame;
  gboolean on;
  const SrNote *note;
} Event;

static int
by_frame (gconstpointer a, gconstpointer b)
{
  const Event *x = a, *y = b;
  if (x->frame != y->frame)
    return x->frame < y->frame ? -1 : 1;
  return x->on - y->on; /* note-offs first, so a repeated pitch sounds again */
}

static void
quiet_log (int level, const char *message, void *data)
{
}

SrAudio *
sr_reference_synth_render (const SrNote *notes, guint n_notes, const char *soundfont, int rate, GError **error)
{
  const char *font = soundfont != NULL ? soundfont : sr_reference_synth_default_soundfont ();
  if (font == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("no General MIDI SoundFont is installed (Debian: fluid-soundfont-gm)"));
      return NULL;
    }
  double end = 0;
  for (guint i = 0; i < n_notes; i++)
    end = MAX (end, notes[i].offset);
  if (end > SR_AUDIO_MAX_SECONDS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the notes last longer than %d hours"),
                   SR_AUDIO_MAX_SECONDS / 3600);
      return NULL;
    }
  for (int level = 0; level < LAST_LOG_LEVEL; level++)
    fluid_set_log_function (level, quiet_log, NULL);
  fluid_settings_t *settings = new_fluid_settings ();
  fluid_settings_setnum (settings, "synth.sample-rate", rate);
  fluid_settings_setint (settings, "synth.reverb.active", 0);
  fluid_settings_setint (settings, "synth.chorus.active", 0);
  fluid_settings_setint (settings, "synth.polyphony", 256);
  fluid_settings_setnum (settings, "synth.gain", 0.5);
  fluid_synth_t *synth = new_fluid_synth (settings);
  if (synth == NULL || fluid_synth_sfload (synth, font, 1) == FLUID_FAILED)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: not a SoundFont FluidSynth can load"), font);
      if (synth != NULL)
        delete_fluid_synth (synth);
      delete_fluid_settings (settings);
      return NULL;
    }
  g_autoptr(GArray) events = g_array_sized_new (FALSE, FALSE, sizeof (Event), 2 * n_notes);
  for (guint i = 0; i < n_notes; i++)
    {
      Event on = { (gint64) llround (notes[i].onset * rate), TRUE, &notes[i] };
      Event off = { (gint64) llround (notes[i].offset * rate), FALSE, &notes[i] };
      g_array_append_val (events, on);
      g_array_append_val (events, off);
    }
  g_array_sort (events, by_frame);
  gsize frames = (gsize) ((end + TAIL_SECONDS) * rate);
  SrAudio *audio = g_new0 (SrAudio, 1);
  audio->rate = rate;
  audio->frames = frames;
  audio->samples = g_new0 (float, MAX (frames, 1));
  float left[BLOCK], right[BLOCK];
  int programs[16];
  for (int c = 0; c < 16; c++)
    programs[c] = -1;
  guint next = 0;
  for (gsize start = 0; start < frames; start += BLOCK)
    {
      for (; next < events->len && g_array_index (events, Event, next).frame <= (gint64) start; next++)
        {
          const Event *e = &g_array_index (events, Event, next);
          int channel = e->note->is_drum ? 9 : e->note->channel % 16;
          if (e->on && !e->note->is_drum && programs[channel] != e->note->program)
            {
              fluid_synth_program_change (synth, channel, e->note->program);
              programs[channel] = e->note->program;
            }
          if (e->on)
            fluid_synth_noteon (synth, channel, e->note->pitch, MAX (e->note->velocity, 1));
          else
            fluid_synth_noteoff (synth, channel, e->note->pitch);
        }
      int count = (int) MIN ((gsize) BLOCK, frames - start);
      fluid_synth_write_float (synth, count, left, 0, 1, right, 0, 1);
      for (int i = 0; i < count; i++)
        audio->samples[start + (gsize) i] = 0.5f * (left[i] + right[i]);
    }
  delete_fluid_synth (synth);
  delete_fluid_settings (settings);
  return audio;
}
