/* The draft written out. Each staff has a voice of chords (a chord lasts until the next one in its staff, as a
 * pianist reads it) and, where a note is held a beat or more past the chords that follow it, a second voice holding
 * it. Bars are filled with rests (skips in a second voice), notes across beats and bars tied, accidentals printed in
 * time order as the key and the bar require. */
#include "draft-score.h"

#include <glib/gi18n.h>
#include <math.h>

#include "beat-tracking.h"
#include "draft-values.h"
#include "lmx-delinearize.h"
#include "musicxml-read.h"
#include "musicxml-write.h"

#define MAX_CHORD 32 /* notes of one chord that may print accidentals (a bit each) */

typedef struct {
  gint64 start, end;
  const GArray *notes; /* SrDraftNote of its voice */
  guint first, count;
} Chord;

typedef struct {
  const SrDraft *draft;
  SrKey key;
  GArray *tokens;
  GArray *notes[2][2];  /* staff, voice: SrDraftNote */
  GArray *chords[2][2]; /* staff, voice: Chord */
} Writer;

static void
emit (Writer *w, const char *text)
{
  sr_lmx_tokens_append (w->tokens, text);
}

/* "voice:" and 5 → voice:5 */
static void
emit_numbered (Writer *w, const char *prefix, int value)
{
  char text[32];
  g_snprintf (text, sizeof text, "%s%d", prefix, value);
  emit (w, text);
}

static const char *
accidental_name (int alter)
{
  switch (alter)
    {
    case -2:
      return "flat-flat";
    case -1:
      return "flat";
    case 1:
      return "sharp";
    case 2:
      return "double-sharp";
    default:
      return "natural";
    }
}

static const SrDraftNote *
chord_note (const Chord *chord, guint k)
{
  return &g_array_index (chord->notes, SrDraftNote, chord->first + k);
}

static void
emit_value (Writer *w, const SrDraftValue *v, int staff, int voice)
{
  const Chord *chord = v->sound;
  int voice_number = (staff == 1 ? 1 : 5) + voice;
  if (chord == NULL && voice == 1)
    {
      /* A second voice skips its silences (undotted values: a skip takes no dot). */
      emit (w, "forward");
      emit (w, sr_lmx_type_names[v->type]);
      if (v->triplet)
        emit (w, "3in2");
      if (v->dots > 0)
        {
          emit (w, "forward");
          emit (w, sr_lmx_type_names[v->type - 1]);
          if (v->triplet)
            emit (w, "3in2");
        }
      return;
    }
  guint n = chord != NULL ? chord->count : 1;
  for (guint k = 0; k < n; k++)
    {
      const SrDraftNote *note = chord != NULL ? chord_note (chord, k) : NULL;
      char step = 'C';
      int alter = 0, octave = 4;
      if (note != NULL)
        {
          sr_key_spell (w->key, note->pitch, &step, &alter, &octave);
          if (k > 0)
            emit (w, "chord");
          char pitch[8];
          g_snprintf (pitch, sizeof pitch, "%c%d", step, CLAMP (octave, 0, 9));
          emit (w, pitch);
        }
      else
        emit (w, "rest");
      emit_numbered (w, "voice:", voice_number);
      emit (w, sr_lmx_type_names[v->type]);
      if (v->triplet)
        emit (w, "3in2");
      for (int d = 0; d < v->dots; d++)
        emit (w, "dot");
      if (note != NULL && k < MAX_CHORD && (v->accidentals & (1u << k)))
        emit (w, accidental_name (alter));
      emit_numbered (w, "staff:", staff);
      if (k == 0 && v->beam_begin)
        emit (w, "beam:begin");
      if (k == 0 && v->beam_end)
        emit (w, "beam:end");
      if (note != NULL && v->tie_stop)
        emit (w, "tied:stop");
      if (note != NULL && v->tie_start)
        emit (w, "tied:start");
      if (k == 0 && v->tuplet_start)
        emit (w, "tuplet:start");
      if (k == 0 && v->tuplet_stop)
        emit (w, "tuplet:stop");
    }
}

/* One voice of one staff in bar BAR: its chords clipped to the bar, silence between them; NULL when the voice is a
 * second one with nothing in this bar. */
static GArray *
voice_values (Writer *w, int staff, int voice, guint bar)
{
  const SrDraft *draft = w->draft;
  gint64 bar_start = (gint64) bar * draft->bar_ticks, bar_end = bar_start + draft->bar_ticks;
  GArray *chords = w->chords[staff - 1][voice];
  GArray *values = g_array_new (FALSE, TRUE, sizeof (SrDraftValue));
  gint64 now = bar_start;
  for (guint c = 0; c < chords->len; c++)
    {
      const Chord *chord = &g_array_index (chords, Chord, c);
      if (chord->end <= bar_start || chord->start >= bar_end)
        continue;
      gint64 from = MAX (chord->start, bar_start), to = MIN (chord->end, bar_end);
      if (from > now)
        sr_draft_values_for_span (draft, now, from, NULL, values);
      guint first = values->len;
      sr_draft_values_for_span (draft, from, to, chord, values);
      for (guint k = first; k < values->len; k++)
        {
          SrDraftValue *v = &g_array_index (values, SrDraftValue, k);
          v->tie_stop = v->start > chord->start;
          v->tie_start = v->start + v->length < chord->end;
        }
      now = to;
    }
  if (values->len == 0 && voice == 1)
    {
      g_array_unref (values);
      return NULL;
    }
  if (values->len > 0 && now < bar_end)
    sr_draft_values_for_span (draft, now, bar_end, NULL, values);
  sr_draft_values_mark_groups (draft, values, voice == 0);
  return values;
}

typedef struct {
  gint64 onset;
  SrDraftValue *value;
  guint k;
  char step;
  int alter, octave;
} Sounding;

static int
by_onset (gconstpointer a, gconstpointer b)
{
  const Sounding *x = a, *y = b;
  return (x->onset > y->onset) - (x->onset < y->onset);
}

/* Which notes of a staff's bar print an accidental, as the delinearizer reads them back (lmx.md §6.3): the
 * alteration of a step in an octave is the key's until an accidental on it, from that accidental's onset on, in
 * every voice of the staff; a tied continuation keeps its alteration and prints none. */
static void
mark_accidentals (Writer *w, GArray **voices)
{
  g_autoptr(GArray) sounding = g_array_new (FALSE, FALSE, sizeof (Sounding));
  for (int v = 0; v < 2; v++)
    for (guint i = 0; voices[v] != NULL && i < voices[v]->len; i++)
      {
        SrDraftValue *value = &g_array_index (voices[v], SrDraftValue, i);
        const Chord *chord = value->sound;
        for (guint k = 0; chord != NULL && k < MIN (chord->count, MAX_CHORD); k++)
          {
            Sounding note = { value->start, value, k };
            sr_key_spell (w->key, chord_note (chord, k)->pitch, &note.step, &note.alter, &note.octave);
            g_array_append_val (sounding, note);
          }
      }
  g_array_sort (sounding, by_onset); /* stable: chord notes and voices keep their order */
  int in_force[7][10];
  for (int letter = 0; letter < 7; letter++)
    for (int octave = 0; octave < 10; octave++)
      in_force[letter][octave] = sr_key_signature_alter (w->key.fifths, (char) ('A' + letter));
  for (guint i = 0; i < sounding->len; i++)
    {
      Sounding *note = &g_array_index (sounding, Sounding, i);
      if (note->value->tie_stop)
        continue;
      int *alter = &in_force[note->step - 'A'][CLAMP (note->octave, 0, 9)];
      if (*alter != note->alter)
        {
          note->value->accidentals |= 1u << note->k;
          *alter = note->alter;
        }
    }
}

static void
write_backup (Writer *w, gint64 ticks)
{
  for (int type = SR_DRAFT_LAST_TYPE; type >= SR_DRAFT_FIRST_TYPE && ticks > 0; type--)
    while (sr_draft_type_ticks (type) <= ticks)
      {
        emit (w, "backup");
        emit (w, sr_lmx_type_names[type]);
        ticks -= sr_draft_type_ticks (type);
      }
}

/* Bar BAR of staff STAFF: its first voice (a whole-bar rest when empty), then its second if it has notes here. */
static void
write_staff_bar (Writer *w, int staff, guint bar)
{
  GArray *voices[2] = { voice_values (w, staff, 0, bar), voice_values (w, staff, 1, bar) };
  mark_accidentals (w, voices);
  if (voices[0]->len == 0)
    {
      emit (w, "rest");
      emit_numbered (w, "voice:", staff == 1 ? 1 : 5);
      emit (w, "rest:measure");
      emit_numbered (w, "staff:", staff);
    }
  for (guint i = 0; i < voices[0]->len; i++)
    emit_value (w, &g_array_index (voices[0], SrDraftValue, i), staff, 0);
  if (voices[1] != NULL)
    {
      write_backup (w, w->draft->bar_ticks);
      for (guint i = 0; i < voices[1]->len; i++)
        emit_value (w, &g_array_index (voices[1], SrDraftValue, i), staff, 1);
      g_array_unref (voices[1]);
    }
  g_array_unref (voices[0]);
}

/* A little silence before the next chord of the voice (or, for its last chord, before the bar line) is how the notes
 * were played, detached, not a rest to write: up to a quarter of the chord's length, or a sixteenth. */
static void
close_gaps (GArray *chords, gint64 bar_ticks)
{
  for (guint c = 0; c < chords->len; c++)
    {
      Chord *chord = &g_array_index (chords, Chord, c);
      gint64 next = c + 1 < chords->len ? g_array_index (chords, Chord, c + 1).start
                                        : (chord->end + bar_ticks - 1) / bar_ticks * bar_ticks;
      gint64 gap = next - chord->end;
      if (gap > 0 && gap <= MAX ((chord->end - chord->start) / 4, SR_DRAFT_TICKS_PER_QUARTER / 4))
        chord->end = next;
      chord->end = MIN (chord->end, next);
    }
}

/* Each staff's chords: notes struck together, in the first voice, lasting until the staff's next chord at most; the
 * notes of a chord held at least a beat past the next one go to the second voice when it is free (all of a chord's
 * notes held: the first voice rests under them). */
static void
gather_chords (Writer *w)
{
  gint64 beat = w->draft->ticks_per_beat;
  for (int s = 0; s < 2; s++)
    {
      for (int v = 0; v < 2; v++)
        {
          w->notes[s][v] = g_array_new (FALSE, FALSE, sizeof (SrDraftNote));
          w->chords[s][v] = g_array_new (FALSE, FALSE, sizeof (Chord));
        }
      g_autoptr(GArray) notes = g_array_new (FALSE, FALSE, sizeof (SrDraftNote));
      for (guint i = 0; i < w->draft->notes->len; i++)
        {
          const SrDraftNote *note = &g_array_index (w->draft->notes, SrDraftNote, i);
          if (note->staff == s + 1)
            g_array_append_val (notes, *note);
        }
      const SrDraftNote *n = (const SrDraftNote *) notes->data;
      gint64 second_voice_free = 0;
      for (guint i = 0; i < notes->len;)
        {
          guint first = i;
          while (i < notes->len && n[i].start == n[first].start)
            i++;
          gint64 next = i < notes->len ? n[i].start : G_MAXINT64;
          guint held = 0;
          for (guint k = first; k < i; k++)
            held += next != G_MAXINT64 && n[k].end >= next + beat;
          gboolean split = held > 0 && second_voice_free <= n[first].start;
          Chord chords[2] = { { n[first].start, 0, w->notes[s][0], w->notes[s][0]->len, 0 },
                              { n[first].start, G_MAXINT64, w->notes[s][1], w->notes[s][1]->len, 0 } };
          for (guint k = first; k < i; k++)
            {
              int v = split && n[k].end >= next + beat ? 1 : 0;
              g_array_append_val (w->notes[s][v], n[k]);
              chords[v].count++;
              chords[v].end = v == 0 ? MAX (chords[v].end, n[k].end) : MIN (chords[v].end, n[k].end);
            }
          if (chords[0].count > 0)
            g_array_append_val (w->chords[s][0], chords[0]);
          if (split)
            {
              g_array_append_val (w->chords[s][1], chords[1]);
              second_voice_free = chords[1].end;
            }
        }
      for (int v = 0; v < 2; v++)
        close_gaps (w->chords[s][v], w->draft->bar_ticks);
    }
}

static GArray *
pitched_notes (const SrNote *notes, guint n_notes, GError **error)
{
  GArray *kept = g_array_new (FALSE, FALSE, sizeof (SrNote));
  double longest = 0;
  for (guint i = 0; i < n_notes; i++)
    {
      SrNote note = notes[i];
      if (note.is_drum || note.pitch < 12 || note.pitch > 119 || !isfinite (note.onset) || !isfinite (note.offset))
        continue;
      note.onset = MAX (note.onset, 0.0);
      note.offset = MAX (note.offset, note.onset + 0.01);
      longest = MAX (longest, note.offset);
      g_array_append_val (kept, note);
    }
  if (kept->len == 0 || longest > SR_DRAFT_LONGEST_S)
    {
      if (kept->len == 0)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("no pitched notes to write a score of"));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("the notes last %.0f minutes; a draft score takes at most %.0f"), longest / 60,
                     SR_DRAFT_LONGEST_S / 60);
      g_array_unref (kept);
      return NULL;
    }
  g_array_sort (kept, sr_note_compare);
  return kept;
}

gboolean
sr_draft_metre_of_time (int beats, int beat_type, SrMetre *metre)
{
  if (beat_type == 4 && beats >= 1 && beats <= 7)
    *metre = (SrMetre) { beats, 0, FALSE };
  else if (beat_type == 8 && (beats == 6 || beats == 9 || beats == 12))
    *metre = (SrMetre) { beats / 3, 0, TRUE };
  else
    return FALSE;
  return TRUE;
}

GArray *
sr_draft_score_lmx (const SrNote *notes, guint n_notes, const SrDraftOptions *options, SrDraftSummary *summary,
                    GError **error)
{
  static const SrDraftOptions estimate_all = { 0 };
  if (options == NULL)
    options = &estimate_all;
  SrMetre given = { 0 };
  if (options->time_beats != 0 && !sr_draft_metre_of_time (options->time_beats, options->time_beat_type, &given))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("a draft is written in N/4 (N from 1 to 7), 6/8, 9/8 or 12/8, not %d/%d"), options->time_beats,
                   options->time_beat_type);
      return NULL;
    }
  if ((options->has_key && ABS (options->key_fifths) > 7) || options->beats_per_minute < 0 ||
      options->beats_per_minute > 400)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("a key signature has -7 to 7 fifths, and a tempo is 1 to 400 beats a minute"));
      return NULL;
    }
  g_autoptr(GArray) pitched = pitched_notes (notes, n_notes, error);
  if (pitched == NULL)
    return NULL;
  const SrNote *p = (const SrNote *) pitched->data;
  g_autoptr(GArray) beats = sr_beats_track (p, pitched->len, options->beats_per_minute);
  SrMetre metre = sr_metre_estimate (p, pitched->len, beats, &given);
  g_autoptr(SrDraft) draft = sr_draft_quantize (p, pitched->len, beats, metre);

  SrKey key = options->has_key ? (SrKey) { options->key_fifths, FALSE } : sr_key_estimate (p, pitched->len);
  Writer w = { .draft = draft, .key = key, .tokens = g_array_new (FALSE, FALSE, sizeof (guint16)) };
  gather_chords (&w);
  int beats_written = metre.compound ? 3 * metre.beats_per_bar : metre.beats_per_bar;
  int beat_type = metre.compound ? 8 : 4;
  for (guint bar = 0; bar < draft->n_bars; bar++)
    {
      emit (&w, "measure");
      if (bar == 0)
        {
          emit_numbered (&w, "key:fifths:", w.key.fifths);
          emit (&w, "time");
          emit_numbered (&w, "beats:", beats_written);
          emit_numbered (&w, "beat-type:", beat_type);
          emit (&w, "clef:G2"), emit (&w, "staff:1"), emit (&w, "clef:F4"), emit (&w, "staff:2");
        }
      write_staff_bar (&w, 1, bar);
      write_backup (&w, draft->bar_ticks);
      write_staff_bar (&w, 2, bar);
    }
  for (int s = 0; s < 2; s++)
    for (int v = 0; v < 2; v++)
      g_array_unref (w.notes[s][v]), g_array_unref (w.chords[s][v]);

  if (summary != NULL)
    {
      *summary = (SrDraftSummary) { .beats_per_minute = 60.0 / sr_beats_median_period (beats), .metre = metre,
                                    .key = w.key, .beats = beats_written, .beat_type = beat_type,
                                    .n_bars = draft->n_bars, .n_notes = draft->notes->len,
                                    .beats_s = g_steal_pointer (&beats) };
    }
  return w.tokens;
}

/* <direction><direction-type><metronome>…</metronome></direction-type><sound tempo/></direction> after the first
 * bar's attributes. */
static void
add_metronome_mark (xmlDoc *document, const SrDraftSummary *summary)
{
  xmlNode *part = sr_xml_child (xmlDocGetRootElement (document), "part");
  xmlNode *measure = part != NULL ? sr_xml_child (part, "measure") : NULL;
  xmlNode *attributes = measure != NULL ? sr_xml_child (measure, "attributes") : NULL;
  if (attributes == NULL)
    return;
  xmlNode *direction = xmlNewNode (NULL, (const xmlChar *) "direction");
  xmlNewProp (direction, (const xmlChar *) "placement", (const xmlChar *) "above");
  xmlNode *type = xmlNewChild (direction, NULL, (const xmlChar *) "direction-type", NULL);
  xmlNode *metronome = xmlNewChild (type, NULL, (const xmlChar *) "metronome", NULL);
  sr_xml_add_text (metronome, "beat-unit", "quarter");
  if (summary->metre.compound)
    xmlNewChild (metronome, NULL, (const xmlChar *) "beat-unit-dot", NULL);
  int per_minute = (int) lround (summary->beats_per_minute);
  sr_xml_add_int (metronome, "per-minute", per_minute);
  xmlNode *sound = xmlNewChild (direction, NULL, (const xmlChar *) "sound", NULL);
  char tempo[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (tempo, sizeof tempo, "%.1f", per_minute * (summary->metre.compound ? 1.5 : 1.0));
  xmlNewProp (sound, (const xmlChar *) "tempo", (const xmlChar *) tempo);
  xmlAddNextSibling (attributes, direction);
}

xmlDoc *
sr_draft_musicxml (const GArray *tokens, const SrDraftSummary *summary)
{
  SrLmxDelinearizeOptions options = { .part_name = "Piano" };
  xmlDoc *document = sr_lmx_delinearize (tokens, &options, NULL);
  add_metronome_mark (document, summary);
  return document;
}

xmlDoc *
sr_draft_score (const SrNote *notes, guint n_notes, const SrDraftOptions *options, SrDraftSummary *summary,
                GError **error)
{
  SrDraftSummary own = { 0 };
  g_autoptr(GArray) tokens = sr_draft_score_lmx (notes, n_notes, options, &own, error);
  if (tokens == NULL)
    return NULL;
  xmlDoc *document = sr_draft_musicxml (tokens, &own);
  if (summary != NULL)
    *summary = own;
  else
    sr_draft_summary_clear (&own);
  return document;
}

void
sr_draft_summary_clear (SrDraftSummary *summary)
{
  if (summary->beats_s != NULL)
    g_array_unref (summary->beats_s);
  summary->beats_s = NULL;
}
