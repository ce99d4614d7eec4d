/* Performing MusicXML as it sounds, one measure at a time: ornaments in the key, stacked and detached marks, and how
 * long a bar lasts when its voices disagree. */
#include <string.h>

#include "musicxml-read.h"
#include "performance.h"

static GArray *
perform_one_measure (const char *attributes, const char *notes)
{
  g_autofree char *xml = g_strdup_printf (
    "<score-partwise version='4.0'><part-list><score-part id='P1'><part-name>P</part-name></score-part></part-list>"
    "<part id='P1'><measure number='1'><attributes><divisions>8</divisions>%s</attributes>%s</measure></part>"
    "</score-partwise>", attributes, notes);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) document = sr_musicxml_read_bytes ((const guint8 *) xml, strlen (xml), &error);
  g_assert_no_error (error);
  return sr_performance_render (document, NULL);
}

/* "onset:pitch:duration …" in quarters, for comparing a performance at a glance. */
static char *
describe_notes (const GArray *notes)
{
  GString *text = g_string_new (NULL);
  for (guint i = 0; i < notes->len; i++)
    {
      const SrPerformedNote *note = &g_array_index (notes, SrPerformedNote, i);
      g_string_append_printf (text, "%s%g:%d:%g", i > 0 ? " " : "", note->onset_quarters, note->pitch,
                              note->duration_quarters);
    }
  return g_string_free (text, FALSE);
}

#define NOTE(step, octave, extra) \
  "<note><pitch><step>" step "</step><octave>" octave "</octave></pitch><duration>8</duration>" extra "</note>"

static void
test_ornaments_sound_in_the_key_as_written (void)
{
  /* G major. A mordent on G goes down to F sharp, an inverted mordent up to A, both in 32nds with the main note held;
   * a trill fills its quarter with 32nds from the main note; an accidental mark over the trill alters the upper note;
   * a turn plays upper, main, lower, main in 64ths. */
  g_autoptr(GArray) notes = perform_one_measure (
    "<key><fifths>1</fifths></key><time><beats>5</beats><beat-type>4</beat-type></time>",
    NOTE ("G", "4", "<notations><ornaments><mordent/></ornaments></notations>")
    NOTE ("G", "4", "<notations><ornaments><inverted-mordent/></ornaments></notations>")
    NOTE ("E", "4", "<notations><ornaments><trill-mark/></ornaments></notations>")
    NOTE ("A", "4", "<notations><ornaments><trill-mark/><accidental-mark>flat</accidental-mark></ornaments></notations>")
    NOTE ("G", "4", "<notations><ornaments><turn/></ornaments></notations>"));
  g_autofree char *text = describe_notes (notes);
  g_assert_cmpstr (text, ==,
                   "0:67:0.125 0.125:66:0.125 0.25:67:0.75 "
                   "1:67:0.125 1.125:69:0.125 1.25:67:0.75 "
                   "2:64:0.125 2.125:66:0.125 2.25:64:0.125 2.375:66:0.125 "
                   "2.5:64:0.125 2.625:66:0.125 2.75:64:0.125 2.875:66:0.125 "
                   "3:69:0.125 3.125:70:0.125 3.25:69:0.125 3.375:70:0.125 "
                   "3.5:69:0.125 3.625:70:0.125 3.75:69:0.125 3.875:70:0.125 "
                   "4:69:0.0625 4.0625:67:0.0625 4.125:66:0.0625 4.1875:67:0.8125");
}

static void
test_a_unison_of_two_voices_sounds_once_and_a_staccato_wins_over_a_staccatissimo (void)
{
  /* Voice 1 holds C5 for a half; voice 2 strikes the same C5 for a quarter: one key, held for the half. Then a
   * staccato stacked with a staccatissimo, in either order, plays half of the note (as ASAP's score MIDI mostly
   * does). */
  g_autoptr(GArray) notes = perform_one_measure (
    "<time><beats>3</beats><beat-type>4</beat-type></time>",
    "<note><pitch><step>C</step><octave>5</octave></pitch><duration>16</duration><voice>1</voice></note>"
    "<backup><duration>16</duration></backup>"
    "<note><pitch><step>C</step><octave>5</octave></pitch><duration>8</duration><voice>2</voice></note>"
    "<note><pitch><step>E</step><octave>4</octave></pitch><duration>8</duration><voice>2</voice>"
    "<notations><articulations><staccato/><staccatissimo/></articulations></notations></note>"
    "<note><pitch><step>G</step><octave>4</octave></pitch><duration>8</duration><voice>2</voice>"
    "<notations><articulations><staccatissimo/><staccato/></articulations></notations></note>");
  g_autofree char *text = describe_notes (notes);
  g_assert_cmpstr (text, ==, "0:72:2 1:64:0.5 2:67:0.5");
  /* A marcato and a portato sound two thirds of the note; a marcato over a staccato, half. */
  g_autoptr(GArray) detached = perform_one_measure (
    "<time><beats>3</beats><beat-type>4</beat-type></time>",
    NOTE ("C", "5", "<notations><articulations><strong-accent/></articulations></notations>")
    NOTE ("D", "5", "<notations><articulations><detached-legato/></articulations></notations>")
    NOTE ("E", "5", "<notations><articulations><strong-accent/><staccato/></articulations></notations>"));
  g_autofree char *detached_text = describe_notes (detached);
  g_assert_cmpstr (detached_text, ==, "0:72:0.666667 1:74:0.666667 2:76:0.5");
}

static void
test_a_key_another_voice_holds_is_struck_again_and_sounds_on_to_the_later_end (void)
{
  /* Voice 1 holds C5 for a half; voice 2 strikes the same C5 after an eighth and again after a dotted quarter, the
   * second time for a quarter that outlasts the half. One key: struck three times, each sounding until the next, the
   * last until the later of the two ends. */
  g_autoptr(GArray) notes = perform_one_measure (
    "<time><beats>3</beats><beat-type>4</beat-type></time>",
    "<note><pitch><step>C</step><octave>5</octave></pitch><duration>16</duration><voice>1</voice></note>"
    "<backup><duration>16</duration></backup>"
    "<note><pitch><step>D</step><octave>4</octave></pitch><duration>4</duration><voice>2</voice></note>"
    "<note><pitch><step>C</step><octave>5</octave></pitch><duration>4</duration><voice>2</voice></note>"
    "<note><pitch><step>E</step><octave>4</octave></pitch><duration>4</duration><voice>2</voice></note>"
    "<note><pitch><step>C</step><octave>5</octave></pitch><duration>8</duration><voice>2</voice></note>");
  g_autofree char *text = describe_notes (notes);
  g_assert_cmpstr (text, ==, "0:62:0.5 0:72:0.5 0.5:72:1 1:64:0.5 1.5:72:1");
}

static void
test_a_note_a_damaged_file_gives_no_length_sounds_as_written (void)
{
  /* An exporter wrote a tuplet eighth with a negative duration: it sounds as a tuplet eighth (a third of a half here),
   * never for less than nothing, and the next note comes where the file puts it. A note with neither a duration nor a
   * type does not sound. */
  g_autoptr(GArray) notes = perform_one_measure (
    "<time><beats>3</beats><beat-type>4</beat-type></time>",
    "<note><pitch><step>C</step><octave>5</octave></pitch><duration>-4</duration><voice>1</voice><type>eighth</type>"
    "<time-modification><actual-notes>3</actual-notes><normal-notes>2</normal-notes></time-modification></note>"
    "<note><pitch><step>D</step><octave>5</octave></pitch><duration>12</duration><voice>1</voice></note>"
    "<note><pitch><step>E</step><octave>5</octave></pitch><voice>1</voice></note>");
  g_autofree char *text = describe_notes (notes);
  g_assert_cmpstr (text, ==, "0:72:0.333333 0:74:1.5");
}

#define THREE_FOUR "<time><beats>3</beats><beat-type>4</beat-type></time>"
#define HELD(step, divisions, voice, extra) \
  "<note><pitch><step>" step "</step><octave>4</octave></pitch><duration>" divisions "</duration><voice>" voice \
  "</voice>" extra "</note>"
#define NEXT_MEASURE "</measure><measure number='2'>" HELD ("C", "8", "1", "")

/* Exporters write bars whose voices disagree about the bar's length; the next bar starts where players count. */
static void
test_a_bar_lasts_as_long_as_its_printed_voices_say (void)
{
  /* A cadenza of cue-sized notes in a bar that another voice fills: the bar keeps its 3 quarters. */
  g_autoptr(GArray) cue = perform_one_measure (THREE_FOUR, HELD ("E", "24", "1", "") "<backup><duration>24</duration></backup>"
                                               HELD ("G", "32", "2", "<cue/>") NEXT_MEASURE);
  g_autofree char *cue_text = describe_notes (cue);
  g_assert_cmpstr (cue_text, ==, "0:64:3 0:67:4 3:60:1");
  /* The same notes at full size are time the bar takes: it lasts 4 quarters. */
  g_autoptr(GArray) full = perform_one_measure (THREE_FOUR, HELD ("E", "24", "1", "") "<backup><duration>24</duration></backup>"
                                                HELD ("G", "32", "2", "") NEXT_MEASURE);
  g_autofree char *full_text = describe_notes (full);
  g_assert_cmpstr (full_text, ==, "0:64:3 0:67:4 4:60:1");
  /* Notes that overrun the bar set its length; a <forward> on past them is padding. */
  g_autoptr(GArray) padded = perform_one_measure (THREE_FOUR, HELD ("E", "32", "1", "") "<backup><duration>32</duration></backup>"
                                                  HELD ("G", "8", "2", "") "<forward><duration>48</duration></forward>"
                                                  NEXT_MEASURE);
  g_autofree char *padded_text = describe_notes (padded);
  g_assert_cmpstr (padded_text, ==, "0:64:4 0:67:1 4:60:1");
  /* In a bar its notes do not overrun, a <forward> is time: an irregular bar of 3 quarters and a 16th. */
  g_autoptr(GArray) irregular = perform_one_measure (THREE_FOUR, HELD ("E", "24", "1", "")
                                                     "<forward><duration>2</duration></forward>" NEXT_MEASURE);
  g_autofree char *irregular_text = describe_notes (irregular);
  g_assert_cmpstr (irregular_text, ==, "0:64:3 3.25:60:1");
  /* A backup absurdly far past the bar's start and a forward back (MuseScore's detour around hidden trill notes): the
   * count goes on from where the pair leads, and a note written on the detour sounds at the start. */
  g_autoptr(GArray) detour = perform_one_measure (THREE_FOUR, HELD ("E", "24", "1", "") "<backup><duration>800</duration></backup>"
                                                  HELD ("F", "8", "2", "") "<forward><duration>776</duration></forward>"
                                                  HELD ("G", "8", "2", "") NEXT_MEASURE);
  g_autofree char *detour_text = describe_notes (detour);
  g_assert_cmpstr (detour_text, ==, "0:64:3 0:65:1 1:67:1 3:60:1");
  /* A backup of a bar past the start (LMX's "backup whole" after a hidden measure rest) goes back to the start. */
  g_autoptr(GArray) rest = perform_one_measure (THREE_FOUR, "<backup><duration>24</duration></backup>"
                                                HELD ("F", "8", "2", "") HELD ("G", "16", "2", "") NEXT_MEASURE);
  g_autofree char *rest_text = describe_notes (rest);
  g_assert_cmpstr (rest_text, ==, "0:65:1 1:67:2 3:60:1");
}

/* The inspector marks the measures whose tokens did not fit: each measure knows its own count. */

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/performance/ornaments", test_ornaments_sound_in_the_key_as_written);
  g_test_add_func ("/performance/bar-lengths", test_a_bar_lasts_as_long_as_its_printed_voices_say);
  g_test_add_func ("/performance/unisons-and-stacked-marks",
                   test_a_unison_of_two_voices_sounds_once_and_a_staccato_wins_over_a_staccatissimo);
  g_test_add_func ("/performance/held-keys-struck-again",
                   test_a_key_another_voice_holds_is_struck_again_and_sounds_on_to_the_later_end);
  g_test_add_func ("/performance/damaged-lengths", test_a_note_a_damaged_file_gives_no_length_sounds_as_written);
  return g_test_run ();
}
