/* Encodes notes to MT3-style event tokens and back; see midi-tokens.h and ../shared/specs/midi-tokens.md. */
#include "midi-tokens.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#define DECODED_VELOCITY 100
/* Longer than any recording; a damaged file's absurd times must not become millions of segments. */
#define MAX_HOURS 24

/* Block starts, in the order of spec §2. */
typedef struct {
  guint shift, pitch, velocity, tie, program, drum, end;
} Layout;

static Layout
layout_of (const SrMidiTokenConfig *config)
{
  Layout layout;
  layout.shift = 3;
  layout.pitch = layout.shift + (guint) config->max_shift;
  layout.velocity = layout.pitch + 128;
  layout.tie = layout.velocity + 2;
  layout.program = layout.tie + 1;
  layout.drum = layout.program + 128;
  layout.end = layout.drum + 128;
  return layout;
}

guint
sr_midi_tokens_vocabulary_size (const SrMidiTokenConfig *config)
{
  return layout_of (config).end;
}

guint
sr_midi_token (const SrMidiTokenConfig *config, SrMidiTokenKind kind, int value)
{
  Layout layout = layout_of (config);
  switch (kind)
    {
    case SR_MIDI_TOKEN_PAD:
      return 0;
    case SR_MIDI_TOKEN_EOS:
      return 1;
    case SR_MIDI_TOKEN_SHIFT:
      g_return_val_if_fail (value >= 0 && value < config->max_shift, 2);
      return layout.shift + (guint) value;
    case SR_MIDI_TOKEN_PITCH:
      return layout.pitch + (guint) (value & 0x7f);
    case SR_MIDI_TOKEN_VELOCITY:
      return layout.velocity + (value > 0 ? 1u : 0u);
    case SR_MIDI_TOKEN_TIE:
      return layout.tie;
    case SR_MIDI_TOKEN_PROGRAM:
      return layout.program + (guint) (value & 0x7f);
    case SR_MIDI_TOKEN_DRUM:
      return layout.drum + (guint) (value & 0x7f);
    case SR_MIDI_TOKEN_UNK:
    case SR_MIDI_TOKEN_INVALID:
    default:
      return 2;
    }
}

SrMidiTokenKind
sr_midi_token_kind (const SrMidiTokenConfig *config, guint token, int *value)
{
  Layout layout = layout_of (config);
  *value = 0;
  if (token <= 2)
    return (SrMidiTokenKind) token;
  const struct {
    guint start, end;
    SrMidiTokenKind kind;
  } blocks[] = {
    { layout.shift, layout.pitch, SR_MIDI_TOKEN_SHIFT },
    { layout.pitch, layout.velocity, SR_MIDI_TOKEN_PITCH },
    { layout.velocity, layout.tie, SR_MIDI_TOKEN_VELOCITY },
    { layout.tie, layout.program, SR_MIDI_TOKEN_TIE },
    { layout.program, layout.drum, SR_MIDI_TOKEN_PROGRAM },
    { layout.drum, layout.end, SR_MIDI_TOKEN_DRUM },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (blocks); i++)
    if (token >= blocks[i].start && token < blocks[i].end)
      {
        *value = (int) (token - blocks[i].start);
        return blocks[i].kind;
      }
  return SR_MIDI_TOKEN_INVALID;
}

static const char *const kind_names[] = {
  [SR_MIDI_TOKEN_PAD] = "PAD", [SR_MIDI_TOKEN_EOS] = "EOS", [SR_MIDI_TOKEN_UNK] = "UNK",
  [SR_MIDI_TOKEN_SHIFT] = "shift", [SR_MIDI_TOKEN_PITCH] = "pitch", [SR_MIDI_TOKEN_VELOCITY] = "velocity",
  [SR_MIDI_TOKEN_TIE] = "tie", [SR_MIDI_TOKEN_PROGRAM] = "program", [SR_MIDI_TOKEN_DRUM] = "drum",
};

char *
sr_midi_token_name (const SrMidiTokenConfig *config, guint token)
{
  int value = 0;
  SrMidiTokenKind kind = sr_midi_token_kind (config, token, &value);
  switch (kind)
    {
    case SR_MIDI_TOKEN_PAD:
    case SR_MIDI_TOKEN_EOS:
    case SR_MIDI_TOKEN_UNK:
    case SR_MIDI_TOKEN_TIE:
      return g_strdup (kind_names[kind]);
    case SR_MIDI_TOKEN_INVALID:
      return g_strdup_printf ("%u", token);
    default:
      return g_strdup_printf ("%s:%d", kind_names[kind], value);
    }
}

gboolean
sr_midi_token_parse (const SrMidiTokenConfig *config, const char *text, guint *token)
{
  guint64 index = 0;
  if (g_ascii_string_to_unsigned (text, 10, 0, sr_midi_tokens_vocabulary_size (config) - 1, &index, NULL))
    {
      *token = (guint) index;
      return TRUE;
    }

  const char *colon = strchr (text, ':');
  gsize name_length = colon != NULL ? (gsize) (colon - text) : strlen (text);
  for (int kind = SR_MIDI_TOKEN_PAD; kind < SR_MIDI_TOKEN_INVALID; kind++)
    {
      if (strlen (kind_names[kind]) != name_length || strncmp (text, kind_names[kind], name_length) != 0)
        continue;
      gboolean takes_value = kind == SR_MIDI_TOKEN_SHIFT || kind == SR_MIDI_TOKEN_PITCH ||
                             kind == SR_MIDI_TOKEN_VELOCITY || kind == SR_MIDI_TOKEN_PROGRAM ||
                             kind == SR_MIDI_TOKEN_DRUM;
      if (!takes_value)
        {
          if (colon != NULL)
            return FALSE;
          *token = sr_midi_token (config, kind, 0);
          return TRUE;
        }
      gint64 maximum = kind == SR_MIDI_TOKEN_SHIFT ? config->max_shift - 1 : kind == SR_MIDI_TOKEN_VELOCITY ? 1 : 127;
      gint64 value = 0;
      if (colon == NULL || !g_ascii_string_to_signed (colon + 1, 10, 0, maximum, &value, NULL))
        return FALSE;
      *token = sr_midi_token (config, kind, (int) value);
      return TRUE;
    }
  return FALSE;
}

/* ---- encoding ---- */

typedef struct {
  gint64 onset_tick;
  gint64 offset_tick;
  guint8 pitch;
  guint8 program;
  gboolean is_drum;
} QuantisedNote;

typedef struct {
  gint64 tick;
  gboolean is_drum;
  guint8 program;
  guint8 velocity; /* 1 onset, 0 offset */
  guint8 pitch;
} NoteEvent;

static int
compare_events (gconstpointer a, gconstpointer b)
{
  const NoteEvent *x = a, *y = b;
  if (x->tick != y->tick)
    return x->tick < y->tick ? -1 : 1;
  if (x->is_drum != y->is_drum)
    return x->is_drum ? 1 : -1;
  if (x->program != y->program)
    return x->program - y->program;
  if (x->velocity != y->velocity)
    return x->velocity - y->velocity;
  return x->pitch - y->pitch;
}

static int
compare_ties (gconstpointer a, gconstpointer b)
{
  const QuantisedNote *x = *(QuantisedNote *const *) a, *y = *(QuantisedNote *const *) b;
  if (x->program != y->program)
    return x->program - y->program;
  return x->pitch - y->pitch;
}

/* Python's round(), which the reference tokenizer uses: halves go to the even neighbour. */
static gint64
to_tick (const SrMidiTokenConfig *config, double seconds)
{
  return (gint64) nearbyint (seconds * config->ticks_per_second);
}

static void
push (GArray *tokens, guint token)
{
  guint16 value = (guint16) token;
  g_array_append_val (tokens, value);
}

static GArray *
encode_segment (const SrMidiTokenConfig *config, const GArray *notes, const GArray *events, gint64 start_tick,
                gint64 end_tick)
{
  GArray *tokens = g_array_new (FALSE, FALSE, sizeof (guint16));

  /* Tie section: pitched notes sounding across the segment start. */
  g_autoptr(GPtrArray) ties = g_ptr_array_new ();
  for (guint i = 0; i < notes->len; i++)
    {
      QuantisedNote *note = &g_array_index (notes, QuantisedNote, i);
      if (!note->is_drum && note->onset_tick < start_tick && note->offset_tick >= start_tick)
        g_ptr_array_add (ties, note);
    }
  g_ptr_array_sort (ties, compare_ties);
  int program = -1;
  for (guint i = 0; i < ties->len; i++)
    {
      const QuantisedNote *note = ties->pdata[i];
      if (note->program != program)
        push (tokens, sr_midi_token (config, SR_MIDI_TOKEN_PROGRAM, program = note->program));
      push (tokens, sr_midi_token (config, SR_MIDI_TOKEN_PITCH, note->pitch));
    }
  push (tokens, sr_midi_token (config, SR_MIDI_TOKEN_TIE, 0));

  /* Body. */
  gint64 current_tick = start_tick;
  int velocity = -1;
  for (guint i = 0; i < events->len; i++)
    {
      const NoteEvent *event = &g_array_index (events, NoteEvent, i);
      if (event->tick < start_tick || event->tick >= end_tick)
        continue;
      if (event->is_drum && event->velocity == 0)
        continue;
      if (event->tick > current_tick)
        {
          push (tokens, sr_midi_token (config, SR_MIDI_TOKEN_SHIFT, (int) (event->tick - start_tick)));
          current_tick = event->tick;
        }
      if (event->is_drum)
        {
          if (velocity != 1)
            push (tokens, sr_midi_token (config, SR_MIDI_TOKEN_VELOCITY, velocity = 1));
          push (tokens, sr_midi_token (config, SR_MIDI_TOKEN_DRUM, event->pitch));
          continue;
        }
      if (event->program != program)
        push (tokens, sr_midi_token (config, SR_MIDI_TOKEN_PROGRAM, program = event->program));
      if (event->velocity != velocity)
        push (tokens, sr_midi_token (config, SR_MIDI_TOKEN_VELOCITY, velocity = event->velocity));
      push (tokens, sr_midi_token (config, SR_MIDI_TOKEN_PITCH, event->pitch));
    }
  if (end_tick > current_tick)
    push (tokens, sr_midi_token (config, SR_MIDI_TOKEN_SHIFT, (int) (end_tick - start_tick)));
  return tokens;
}

GPtrArray *
sr_midi_tokens_encode (const SrMidiTokenConfig *config, const SrNote *notes, guint n_notes, double segment_seconds,
                       GError **error)
{
  gint64 segment_ticks = to_tick (config, segment_seconds);
  if (segment_ticks < 1 || segment_ticks > config->max_shift - 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("segments of %.2f s do not fit the shift range of %d steps"), segment_seconds,
                   config->max_shift);
      return NULL;
    }

  g_autoptr(GArray) quantised = g_array_new (FALSE, FALSE, sizeof (QuantisedNote));
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (NoteEvent));
  gint64 last_tick = 0;
  for (guint i = 0; i < n_notes; i++)
    {
      QuantisedNote note = {
        .onset_tick = MAX (to_tick (config, notes[i].onset), 0),
        .pitch = notes[i].pitch & 0x7f,
        .program = notes[i].program & 0x7f,
        .is_drum = notes[i].is_drum,
      };
      /* A note shorter than one step still lasts one step, so that its offset follows its onset. */
      note.offset_tick = MAX (to_tick (config, notes[i].offset), note.onset_tick + 1);
      g_array_append_val (quantised, note);
      NoteEvent on = { note.onset_tick, note.is_drum, note.program, 1, note.pitch };
      NoteEvent off = { note.offset_tick, note.is_drum, note.program, 0, note.pitch };
      g_array_append_val (events, on);
      g_array_append_val (events, off);
      last_tick = MAX (last_tick, note.is_drum ? note.onset_tick : note.offset_tick);
    }
  g_array_sort (events, compare_events);
  if (last_tick > (gint64) MAX_HOURS * 3600 * config->ticks_per_second)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the notes span more than %d hours"), MAX_HOURS);
      return NULL;
    }

  GPtrArray *segments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (gint64 start = 0; start <= last_tick || segments->len == 0; start += segment_ticks)
    g_ptr_array_add (segments, encode_segment (config, quantised, events, start, start + segment_ticks));
  return segments;
}

/* ---- decoding ---- */

typedef struct {
  double onset;
  gboolean continued;
  gboolean active;
} ActiveNote;

typedef struct {
  GArray *notes;
  ActiveNote active[128][128]; /* [program][pitch] */
  double last_time;
} Decoder;

static void
end_note (Decoder *decoder, int program, int pitch, double time)
{
  ActiveNote *active = &decoder->active[program][pitch];
  if (time > active->onset)
    {
      SrNote note = { .onset = active->onset, .offset = time, .pitch = (guint8) pitch,
                      .velocity = DECODED_VELOCITY, .program = (guint8) program };
      g_array_append_val (decoder->notes, note);
    }
  active->active = FALSE;
}

static void
end_tie_section (Decoder *decoder, double segment_start)
{
  for (int program = 0; program < 128; program++)
    for (int pitch = 0; pitch < 128; pitch++)
      {
        ActiveNote *active = &decoder->active[program][pitch];
        if (active->active && !active->continued)
          end_note (decoder, program, pitch, segment_start);
        active->continued = FALSE;
      }
}

GArray *
sr_midi_tokens_decode (const SrMidiTokenConfig *config, GPtrArray *segments, double segment_seconds, guint *n_errors)
{
  Decoder *decoder = g_new0 (Decoder, 1);
  decoder->notes = g_array_new (FALSE, FALSE, sizeof (SrNote));
  guint errors = 0;

  for (guint s = 0; s < segments->len; s++)
    {
      const GArray *tokens = segments->pdata[s];
      double start = s * segment_seconds;
      double time = start;
      int program = 0, velocity = 1;
      gboolean in_tie_section = TRUE;

      for (guint i = 0; i < tokens->len; i++)
        {
          int value = 0;
          SrMidiTokenKind kind = sr_midi_token_kind (config, g_array_index (tokens, guint16, i), &value);
          if (kind == SR_MIDI_TOKEN_EOS)
            break;
          if (kind == SR_MIDI_TOKEN_PAD)
            continue;
          if (in_tie_section && kind != SR_MIDI_TOKEN_PROGRAM && kind != SR_MIDI_TOKEN_PITCH)
            {
              /* The tie section ends at its tie token, or, when a model forgot it, at the first body token. */
              if (kind != SR_MIDI_TOKEN_TIE)
                errors++;
              end_tie_section (decoder, start);
              in_tie_section = FALSE;
              if (kind == SR_MIDI_TOKEN_TIE)
                continue;
            }

          switch (kind)
            {
            case SR_MIDI_TOKEN_SHIFT:
              time = start + (double) value / config->ticks_per_second;
              break;
            case SR_MIDI_TOKEN_PROGRAM:
              program = value;
              break;
            case SR_MIDI_TOKEN_VELOCITY:
              velocity = value;
              break;
            case SR_MIDI_TOKEN_PITCH:
              {
                ActiveNote *active = &decoder->active[program][value];
                if (in_tie_section)
                  {
                    if (active->active)
                      active->continued = TRUE;
                    else
                      errors++;
                  }
                else if (velocity == 0)
                  {
                    if (active->active)
                      end_note (decoder, program, value, time);
                    else
                      errors++;
                  }
                else
                  {
                    if (active->active)
                      end_note (decoder, program, value, time);
                    active->active = TRUE;
                    active->continued = FALSE;
                    active->onset = time;
                  }
                break;
              }
            case SR_MIDI_TOKEN_DRUM:
              {
                SrNote note = { .onset = time, .offset = time + 1.0 / config->ticks_per_second,
                                .pitch = (guint8) value, .velocity = DECODED_VELOCITY, .channel = 9,
                                .is_drum = TRUE };
                g_array_append_val (decoder->notes, note);
                break;
              }
            case SR_MIDI_TOKEN_TIE:
            case SR_MIDI_TOKEN_UNK:
            case SR_MIDI_TOKEN_INVALID:
            default:
              errors++;
              break;
            }
          decoder->last_time = MAX (decoder->last_time, time);
        }
      if (in_tie_section)
        end_tie_section (decoder, start);
    }

  double step = 1.0 / config->ticks_per_second;
  for (int program = 0; program < 128; program++)
    for (int pitch = 0; pitch < 128; pitch++)
      if (decoder->active[program][pitch].active)
        end_note (decoder, program, pitch, MAX (decoder->last_time, decoder->active[program][pitch].onset + step));

  GArray *notes = decoder->notes;
  g_free (decoder);
  g_array_sort (notes, sr_note_compare);
  if (n_errors != NULL)
    *n_errors = errors;
  return notes;
}
