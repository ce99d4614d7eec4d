/* LMX as ../shared/specs/lmx.md describes it: the vocabulary, the worked examples, pitch spelling, and decoding
 * what a model gets wrong. */
#include <libxml/xpath.h>

#include "lmx-delinearize.h"
#include "lmx-linearize.h"
#include "lmx-reading-loops.h"
#include "lmx-vocabulary.h"
#include "musicxml-read.h"
#include "performance.h"
#include "ser.h"
#include "token-emd.h"
#include "vocabulary.h"

static xmlDoc *
decode (const char *lmx, guint *repairs)
{
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text (lmx, NULL);
  return sr_lmx_delinearize (tokens, NULL, repairs);
}

static char *
encode_again (xmlDoc *document)
{
  g_autoptr(GPtrArray) parts = sr_musicxml_parts (document);
  g_autoptr(GArray) tokens = sr_lmx_linearize_part (parts->pdata[0], NULL);
  return sr_lmx_tokens_to_text (tokens);
}

/* The text of the first node XPATH selects, or of the COUNT-th. */
static char *
xpath_text (xmlDoc *document, const char *xpath, int index)
{
  xmlXPathContext *context = xmlXPathNewContext (document);
  xmlXPathObject *result = xmlXPathEvalExpression ((const xmlChar *) xpath, context);
  char *text = NULL;
  if (result != NULL && result->nodesetval != NULL && index < result->nodesetval->nodeNr)
    {
      xmlChar *content = xmlNodeGetContent (result->nodesetval->nodeTab[index]);
      text = g_strdup ((const char *) content);
      xmlFree (content);
    }
  xmlXPathFreeObject (result);
  xmlXPathFreeContext (context);
  return text;
}

static int
xpath_count (xmlDoc *document, const char *xpath)
{
  xmlXPathContext *context = xmlXPathNewContext (document);
  xmlXPathObject *result = xmlXPathEvalExpression ((const xmlChar *) xpath, context);
  int count = result != NULL && result->nodesetval != NULL ? result->nodesetval->nodeNr : 0;
  xmlXPathFreeObject (result);
  xmlXPathFreeContext (context);
  return count;
}

static void
assert_xpath (xmlDoc *document, const char *xpath, int index, const char *expected)
{
  g_autofree char *text = xpath_text (document, xpath, index);
  if (g_strcmp0 (text, expected) != 0)
    g_error ("%s[%d]: expected “%s”, got “%s”", xpath, index, expected, text);
}

static void
test_the_vocabulary_has_224_tokens_in_a_fixed_order (void)
{
  g_assert_cmpint (SR_LMX_VOCABULARY_SIZE, ==, SR_VOCAB_LMX_SIZE); /* the translation models' LMX block */
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint id = 0; id < SR_LMX_VOCABULARY_SIZE; id++)
    {
      const char *text = sr_lmx_token_text (id);
      g_assert_false (g_hash_table_contains (seen, text));
      g_hash_table_add (seen, (gpointer) text);
      g_assert_cmpint (sr_lmx_token_id (text), ==, (int) id);
    }
  g_assert_cmpstr (sr_lmx_token_text (0), ==, "measure");
  g_assert_cmpint (sr_lmx_token_class ("quarter"), ==, SR_LMX_CLASS_ROOT);
  g_assert_cmpint (sr_lmx_token_class ("rest:measure"), ==, SR_LMX_CLASS_ROOT);
  g_assert_cmpint (sr_lmx_token_class ("clef:F4"), ==, SR_LMX_CLASS_ROOT);
  g_assert_cmpint (sr_lmx_token_class ("C4"), ==, SR_LMX_CLASS_PREFIX);
  g_assert_cmpint (sr_lmx_token_class ("voice:12"), ==, SR_LMX_CLASS_PREFIX);
  g_assert_cmpint (sr_lmx_token_class ("beats:16"), ==, SR_LMX_CLASS_SUFFIX);
  g_assert_cmpint (sr_lmx_token_class ("35in16"), ==, SR_LMX_CLASS_SUFFIX);
  g_assert_cmpint (sr_lmx_token_class ("tremolo:4"), ==, SR_LMX_CLASS_SUFFIX);
  g_assert_cmpint (sr_lmx_token_class ("C10"), ==, SR_LMX_CLASS_UNKNOWN);
}

/* §3's example, from the reference's grandstaff sample. */
static void
test_the_grand_staff_example_decodes_and_encodes_back (void)
{
  const char *lmx = "measure key:fifths:0 time beats:4 beat-type:4 clef:G2 staff:1 clef:F4 staff:2 A4 voice:1 whole "
                    "staff:1 backup whole C3 voice:5 whole staff:2";
  guint repairs = 99;
  g_autoptr(xmlDoc) document = decode (lmx, &repairs);
  g_assert_cmpuint (repairs, ==, 0);
  assert_xpath (document, "//attributes/divisions", 0, "1");
  assert_xpath (document, "//attributes/staves", 0, "2");
  assert_xpath (document, "//clef[@number='2']/sign", 0, "F");
  assert_xpath (document, "//note/pitch/step", 0, "A");
  assert_xpath (document, "//note/duration", 0, "4");
  assert_xpath (document, "//backup/duration", 0, "4");
  assert_xpath (document, "//note/voice", 1, "5");
  assert_xpath (document, "//note/staff", 1, "2");
  g_assert_cmpint (xpath_count (document, "//note/stem"), ==, 0); /* whole notes have none */
  g_autofree char *again = encode_again (document);
  g_assert_cmpstr (again, ==, lmx);
}

static void
test_durations_follow_type_dots_and_tuplets (void)
{
  /* Three triplet eighths, a dotted quarter, and in 3/4 a measure rest. */
  const char *lmx = "measure time beats:3 beat-type:4 C4 voice:1 eighth 3in2 tuplet:start D4 eighth 3in2 "
                    "E4 eighth 3in2 tuplet:stop F4 quarter dot G4 eighth "
                    "measure rest rest:measure";
  g_autoptr(xmlDoc) document = decode (lmx, NULL);
  assert_xpath (document, "//attributes/divisions", 0, "6");
  assert_xpath (document, "//note/duration", 0, "2");
  assert_xpath (document, "//note/duration", 3, "9");
  assert_xpath (document, "//note/duration", 4, "3");
  assert_xpath (document, "//measure[2]/note/duration", 0, "18");
  assert_xpath (document, "//note/time-modification/actual-notes", 0, "3");
  g_assert_cmpint (xpath_count (document, "//measure[2]/note/rest[@measure='yes']"), ==, 1);
  g_autofree char *again = encode_again (document);
  g_assert_cmpstr (again, ==, lmx);
}

static void
test_alters_come_from_the_key_accidentals_and_ties (void)
{
  /* D major: F and C are sharp unless marked. The natural holds for later notes at that pitch in the measure;
   * a tie carries the spelling over the barline. */
  const char *lmx = "measure key:fifths:2 F4 voice:1 quarter F4 quarter natural F4 quarter C5 quarter tied:start "
                    "measure C5 quarter tied:stop C5 quarter G4 quarter sharp G4 quarter";
  g_autoptr(xmlDoc) document = decode (lmx, NULL);
  assert_xpath (document, "//note/pitch/alter", 0, "1");   /* F#4 from the key */
  g_autofree char *second = xpath_text (document, "//measure[1]/note[2]/pitch/alter", 0);
  g_assert_null (second);                                   /* F natural */
  g_autofree char *third = xpath_text (document, "//measure[1]/note[3]/pitch/alter", 0);
  g_assert_null (third);                                    /* still natural */
  assert_xpath (document, "//measure[1]/note[4]/pitch/alter", 0, "1");
  assert_xpath (document, "//measure[2]/note[1]/pitch/alter", 0, "1"); /* tied C#5 */
  assert_xpath (document, "//measure[2]/note[3]/pitch/alter", 0, "1");
  assert_xpath (document, "//measure[2]/note[4]/pitch/alter", 0, "1"); /* the sharp holds */
}

static void
test_beams_are_rebuilt_from_begin_and_end (void)
{
  const char *lmx = "measure G4 voice:1 16th beam:begin beam:begin A4 16th G4 16th A4 16th beam:end beam:end";
  g_autoptr(xmlDoc) document = decode (lmx, NULL);
  assert_xpath (document, "//note[1]/beam", 1, "begin");
  assert_xpath (document, "//note[2]/beam", 0, "continue");
  assert_xpath (document, "//note[2]/beam", 1, "continue");
  assert_xpath (document, "//note[4]/beam", 1, "end");
  g_autofree char *again = encode_again (document);
  g_assert_cmpstr (again, ==, lmx);
}

static void
test_skips_split_greedily_and_keep_their_boundaries (void)
{
  const char *seven_eighths = "measure C4 voice:1 eighth forward half forward quarter forward eighth";
  g_autoptr(xmlDoc) document = decode (seven_eighths, NULL);
  g_assert_cmpint (xpath_count (document, "//forward"), ==, 1);
  assert_xpath (document, "//forward/duration", 0, "7");
  g_autofree char *again = encode_again (document);
  g_assert_cmpstr (again, ==, seven_eighths);

  const char *two_backups = "measure C4 voice:1 whole backup half backup half E4 voice:2 half";
  g_autoptr(xmlDoc) other = decode (two_backups, NULL);
  g_assert_cmpint (xpath_count (other, "//backup"), ==, 2);
  g_autofree char *other_again = encode_again (other);
  g_assert_cmpstr (other_again, ==, two_backups);
}

static void
test_what_a_model_gets_wrong_is_dropped_measure_by_measure (void)
{
  /* Tokens before the first measure, a dangling prefix, a doubled accidental, a time without beat-type, a suffix
   * with no root, words that are not LMX: every measure still comes out, and the good notes in it. */
  const char *lmx = "quarter C4 measure time beats:3 C4 voice:1 quarter sharp flat D4 "
                    "measure dot E4 quarter banana F4 half "
                    "measure G4 quarter";
  guint unknown = 0, repairs = 0;
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text (lmx, &unknown);
  g_assert_cmpuint (unknown, ==, 1);
  g_autoptr(xmlDoc) document = sr_lmx_delinearize (tokens, NULL, &repairs);
  g_assert_cmpuint (repairs, >=, 5);
  g_assert_cmpint (xpath_count (document, "//measure"), ==, 3);
  assert_xpath (document, "//measure[1]/note/accidental", 0, "sharp");
  assert_xpath (document, "//time/beat-type", 0, "4");
  assert_xpath (document, "//measure[2]/note[1]/pitch/step", 0, "E");
  assert_xpath (document, "//measure[3]/note/pitch/step", 0, "G");
}

static void
test_ser_is_edits_over_reference_tokens (void)
{
  g_autoptr(GPtrArray) reference = sr_ser_tokens ("measure C4 quarter 3in2 tuplet:start D4 quarter");
  g_autoptr(GPtrArray) prediction = sr_ser_tokens ("measure C4 quarter D4 half");
  SrSerCounts all = { 0 }, no_tuplets = { 0 };
  sr_ser_add (&all, reference, prediction, FALSE);
  sr_ser_add (&no_tuplets, reference, prediction, TRUE);
  g_assert_cmpuint (all.edits, ==, 3);
  g_assert_cmpuint (all.reference_tokens, ==, 7);
  g_assert_cmpfloat_with_epsilon (sr_ser_percent (&all), 300.0 / 7.0, 1e-12);
  g_assert_cmpuint (no_tuplets.edits, ==, 1);
  g_assert_cmpuint (no_tuplets.reference_tokens, ==, 5);
}

static SrTokenHistograms
histograms_of (const char *lmx)
{
  g_autoptr(GPtrArray) tokens = sr_ser_tokens (lmx);
  SrTokenHistograms histograms = { 0 };
  sr_token_histograms_add (&histograms, tokens);
  return histograms;
}

static void
test_emd_counts_how_far_the_shown_notes_moved (void)
{
  SrTokenHistograms reference = histograms_of ("measure C4 voice:1 quarter D4 voice:1 half forward quarter");
  g_assert_cmpfloat (reference.pitch[28 - 5], ==, 1); /* C4 is diatonic position 28; bin 0 is A0 */
  g_assert_cmpfloat (reference.pitch[29 - 5], ==, 1);
  g_assert_cmpfloat (reference.duration[8], ==, 1);   /* quarter: a forward's quarter shows nothing */
  g_assert_cmpfloat (reference.duration[9], ==, 1);   /* half */

  /* The same notes in another order are no distance at all; that is what SER would punish. */
  SrTokenHistograms reordered = histograms_of ("measure D4 voice:1 half C4 voice:1 quarter");
  g_assert_cmpfloat (sr_token_pitch_emd (&reference, &reordered), ==, 0);
  g_assert_cmpfloat (sr_token_duration_emd (&reference, &reordered), ==, 0);

  /* Both notes a third higher: every note moves two steps. */
  SrTokenHistograms higher = histograms_of ("measure E4 voice:1 quarter F4 voice:1 half");
  g_assert_cmpfloat_with_epsilon (sr_token_pitch_emd (&reference, &higher), 2.0, 1e-12);

  /* Values written halved (eighth and quarter) are forgiven by the shift; a rest's value counts like a note's. */
  SrTokenHistograms halved = histograms_of ("measure C4 voice:1 eighth rest voice:1 quarter");
  g_assert_cmpfloat (sr_token_duration_emd (&reference, &halved), ==, 0);
  SrTokenHistograms quartered = histograms_of ("measure C4 voice:1 16th D4 voice:1 eighth");
  g_assert_cmpfloat_with_epsilon (sr_token_duration_emd (&reference, &quartered), 1.0, 1e-12);

  /* Nothing read is as far as can be; pitches off the piano fall into the end bins. */
  SrTokenHistograms empty = histograms_of ("measure rest:measure");
  g_assert_cmpfloat (sr_token_pitch_emd (&reference, &empty), ==, SR_EMD_PITCH_BINS - 1);
  g_assert_cmpfloat (sr_token_pitch_emd (&empty, &empty), ==, 0);
  SrTokenHistograms extreme = histograms_of ("C0 whole B9 maxima");
  g_assert_cmpfloat (extreme.pitch[0], ==, 1);
  g_assert_cmpfloat (extreme.pitch[SR_EMD_PITCH_BINS - 1], ==, 1);
  g_assert_cmpfloat (extreme.duration[SR_EMD_DURATION_BINS - 1], ==, 1);
}

static void
test_a_score_that_is_not_musicxml_is_refused_with_a_reason (void)
{
  const struct {
    const char *bytes;
    SrMusicXmlError code;
  } cases[] = {
    { "<html><body/></html>", SR_MUSICXML_ERROR_NOT_MUSICXML },
    { "<score-timewise/>", SR_MUSICXML_ERROR_UNSUPPORTED },
    { "<score-partwise><part", SR_MUSICXML_ERROR_DAMAGED },
    { "PK\x03\x04garbage", SR_MUSICXML_ERROR_DAMAGED },
    /* An external entity must not be fetched: the document parses, the entity stays empty. */
    { "<!DOCTYPE score-partwise [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><score-partwise>&x;</score-partwise>", -1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(xmlDoc) document = sr_musicxml_read_bytes ((const guint8 *) cases[i].bytes, strlen (cases[i].bytes),
                                                           &error);
      if ((int) cases[i].code < 0)
        {
          g_assert_no_error (error);
          xmlChar *content = xmlNodeGetContent (xmlDocGetRootElement (document));
          g_assert_null (strstr ((const char *) content, "root:"));
          xmlFree (content);
          continue;
        }
      g_assert_null (document);
      g_assert_error (error, SR_MUSICXML_ERROR, (int) cases[i].code);
    }
}

/* Two systems: the second starts at measure 3 with a new system, and changes the clef of staff 2 there. */
static const char *const two_systems_lmx =
  "measure key:fifths:-1 time beats:3 beat-type:4 clef:G2 staff:1 clef:F4 staff:2 F4 voice:1 half dot staff:1 "
  "backup half backup quarter F2 voice:5 half dot staff:2 "
  "measure A4 voice:1 half dot staff:1 backup half backup quarter C3 voice:5 half dot staff:2 "
  "measure clef:G2 staff:2 B4 voice:1 half dot flat staff:1 backup half backup quarter D4 voice:5 half dot staff:2";

static xmlDoc *
two_systems (void)
{
  xmlDoc *document = decode (two_systems_lmx, NULL);
  xmlXPathContext *context = xmlXPathNewContext (document);
  xmlXPathObject *third = xmlXPathEvalExpression ((const xmlChar *) "//measure[3]", context);
  xmlNode *print = xmlNewNode (NULL, (const xmlChar *) "print");
  xmlSetProp (print, (const xmlChar *) "new-system", (const xmlChar *) "yes");
  xmlNode *measure = third->nodesetval->nodeTab[0];
  xmlAddPrevSibling (measure->children, print);
  xmlXPathFreeObject (third);
  xmlXPathFreeContext (context);
  return document;
}

static void
test_systems_open_with_the_key_and_clefs_in_force (void)
{
  g_autoptr(xmlDoc) document = two_systems ();
  g_autoptr(GPtrArray) parts = sr_musicxml_parts (document);
  g_autoptr(GPtrArray) systems = sr_lmx_linearize_systems (parts->pdata[0], NULL);
  g_assert_cmpuint (systems->len, ==, 2);
  g_autofree char *first = sr_lmx_tokens_to_text (systems->pdata[0]);
  g_autofree char *second = sr_lmx_tokens_to_text (systems->pdata[1]);
  g_assert_true (g_str_has_prefix (first, "measure key:fifths:-1 time beats:3 beat-type:4 clef:G2 staff:1 clef:F4"));
  /* No time signature is printed there; the clef change merges into the head. */
  g_assert_cmpstr (second, ==, "measure key:fifths:-1 clef:G2 staff:1 clef:G2 staff:2 B4 voice:1 half dot flat staff:1 "
                               "backup half backup quarter D4 voice:5 half dot staff:2");
}

static void
test_a_measure_rest_without_a_time_signature_fills_its_measure (void)
{
  /* A system's LMX states no time unless the score prints one. In 2/4, a measure rest in voice 5 after a half of
   * notes in voice 1 lasts a half, not the 4/4 a lone measure rest would get; so does one that a backup follows,
   * and an empty measure after them keeps that length. */
  g_autoptr(xmlDoc) document = decode (
    "measure key:fifths:0 clef:G2 staff:1 clef:F4 staff:2 C5 voice:1 quarter staff:1 D5 quarter backup half "
    "rest voice:5 rest:measure staff:2 "
    "measure rest voice:1 rest:measure staff:1 backup half C3 voice:5 quarter staff:2 D3 quarter "
    "measure rest voice:1 rest:measure staff:1", NULL);
  assert_xpath (document, "//measure[1]/note[3]/duration", 0, "2");
  assert_xpath (document, "//measure[2]/note[1]/duration", 0, "2");
  assert_xpath (document, "//measure[3]/note[1]/duration", 0, "2");
  assert_xpath (document, "//divisions", 0, "1");
}

static void
test_mei_reads_as_the_musicxml_it_says (void)
{
  /* Verovio's MEI of a kern score, cut down: a grand staff in G major 2/4; a beamed eighth and two sixteenths under a
   * slur, the first tied into the next measure; a chord with a staccato; a triplet; a system break; a clef change;
   * a whole-measure rest; a grace note and a cross-staff note. */
  const char *mei =
    "<mei xmlns='http://www.music-encoding.org/ns/mei'><music><body><mdiv><score>"
    "<scoreDef><staffGrp><staffDef n='1' lines='5'><clef shape='G' line='2'/><keySig sig='1s'/>"
    "<meterSig count='2' unit='4'/></staffDef><staffDef n='2' lines='5'><clef shape='F' line='4'/>"
    "<keySig sig='1s'/><meterSig count='2' unit='4'/></staffDef></staffGrp></scoreDef>"
    "<section><measure n='1'>"
    "<staff n='1'><layer n='1'><beam><note xml:id='a' dur='8' pname='g' oct='4'/>"
    "<note xml:id='b' dur='16' pname='a' oct='4'/><note xml:id='c' dur='16' pname='b' oct='4' accid='f'/></beam>"
    "<chord dur='4'><artic artic='stacc'/><note pname='d' oct='5'/><note pname='f' oct='5' accid.ges='s'/></chord>"
    "</layer></staff>"
    "<staff n='2'><layer n='1'><tuplet num='3' numbase='2'><note dur='8' pname='g' oct='2'/>"
    "<note dur='8' pname='b' oct='2'/><note dur='8' pname='d' oct='3'/></tuplet><rest dur='4'/></layer></staff>"
    "<slur startid='#a' endid='#c'/><tie startid='#c' endid='#d'/></measure>"
    "<sb/><measure n='2'><staff n='1'><layer n='1'><note xml:id='d' dur='4' pname='b' oct='4' accid.ges='f'/>"
    "<note grace='acc' dur='8' pname='c' oct='5'/><note dur='4' pname='b' oct='4'/></layer></staff>"
    "<staff n='2'><layer n='1'><clef shape='G' line='2'/><mRest/></layer></staff></measure>"
    "<measure n='3'><staff n='1'><layer n='1'><note dur='2' pname='g' oct='4'/></layer>"
    "<layer n='2'><note dur='2' pname='d' oct='4' staff='2'/></layer></staff>"
    "<staff n='2'><layer n='1'><mRest/></layer></staff></measure>"
    "</section></score></mdiv></body></music></mei>";
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) document = sr_musicxml_read_bytes ((const guint8 *) mei, strlen (mei), &error);
  g_assert_no_error (error);
  g_autoptr(GPtrArray) parts = sr_musicxml_parts (document);
  g_assert_cmpuint (parts->len, ==, 1);
  g_autoptr(GPtrArray) systems = sr_lmx_linearize_systems (parts->pdata[0], NULL);
  g_assert_cmpuint (systems->len, ==, 2);
  g_autofree char *first = sr_lmx_tokens_to_text (systems->pdata[0]);
  g_autofree char *second = sr_lmx_tokens_to_text (systems->pdata[1]);
  g_assert_cmpstr (first, ==,
                   "measure key:fifths:1 time beats:2 beat-type:4 clef:G2 staff:1 clef:F4 staff:2 "
                   "G4 voice:1 eighth staff:1 beam:begin slur:start A4 16th beam:begin "
                   "B4 16th flat beam:end beam:end tied:start slur:stop D5 quarter staccato chord F5 quarter "
                   "backup half G2 voice:5 eighth 3in2 staff:2 tuplet:start B2 eighth 3in2 D3 eighth 3in2 tuplet:stop "
                   "rest quarter");
  g_assert_cmpstr (second, ==,
                   "measure key:fifths:1 clef:G2 staff:1 clef:F4 staff:2 B4 voice:1 quarter staff:1 tied:stop "
                   "grace grace:slash C5 eighth B4 quarter backup half clef:G2 staff:2 rest voice:5 rest:measure "
                   "staff:2 measure G4 voice:1 half staff:1 backup half D4 voice:2 half staff:2 backup half "
                   "rest voice:5 rest:measure staff:2");

  /* The sounding pitches: F sharp from the key (written in accid.ges), B flat carried by the tie. */
  g_autoptr(GArray) notes = sr_performance_render (document, NULL);
  gboolean f_sharp = FALSE, b_flat_held = FALSE;
  for (guint i = 0; i < notes->len; i++)
    {
      const SrPerformedNote *note = &g_array_index (notes, SrPerformedNote, i);
      f_sharp |= note->pitch == 78;
      b_flat_held |= note->pitch == 70 && note->duration_quarters == 0.25 + 1.0 + 1.0; /* to the end of the tied quarter */
    }
  g_assert_true (f_sharp);
  g_assert_true (b_flat_held);
}

static void
test_measure_ranges_cut_like_systems_an_engraver_broke (void)
{
  g_autoptr(xmlDoc) document = two_systems ();
  g_autoptr(GPtrArray) parts = sr_musicxml_parts (document);
  g_autoptr(GPtrArray) systems = sr_lmx_linearize_systems (parts->pdata[0], NULL);

  /* Ranges where the score breaks its systems give the systems themselves. */
  const SrLmxMeasureRange same[] = { { 0, 2 }, { 2, 3 } };
  g_autoptr(GPtrArray) ranges = sr_lmx_linearize_measure_ranges (parts->pdata[0], same, 2, NULL);
  g_assert_cmpuint (ranges->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *expected = sr_lmx_tokens_to_text (systems->pdata[i]);
      g_autofree char *got = sr_lmx_tokens_to_text (ranges->pdata[i]);
      g_assert_cmpstr (got, ==, expected);
    }

  /* Another engraver's break: the second measure alone opens with the key and clefs of the first; a range past the
   * end is an empty line, so that lines and ranges still pair up. */
  const SrLmxMeasureRange other[] = { { 1, 2 }, { 5, 7 } };
  g_autoptr(GPtrArray) cut = sr_lmx_linearize_measure_ranges (parts->pdata[0], other, 2, NULL);
  g_assert_cmpuint (cut->len, ==, 2);
  g_autofree char *second = sr_lmx_tokens_to_text (cut->pdata[0]);
  g_assert_cmpstr (second, ==, "measure key:fifths:-1 clef:G2 staff:1 clef:F4 staff:2 A4 voice:1 half dot staff:1 "
                               "backup half backup quarter C3 voice:5 half dot staff:2");
  g_assert_cmpuint (((GArray *) cut->pdata[1])->len, ==, 0);
}

static void
test_every_performed_note_links_back_to_its_lmx_token (void)
{
  g_autoptr(xmlDoc) document = two_systems ();
  g_autoptr(GPtrArray) parts = sr_musicxml_parts (document);
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  g_autoptr(GArray) tokens = sr_lmx_linearize_part_with_sources (parts->pdata[0], sources, NULL);
  g_assert_cmpuint (sources->len, ==, tokens->len);
  g_autoptr(GHashTable) token_of = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < sources->len; i++)
    if (sources->pdata[i] != NULL)
      g_hash_table_insert (token_of, sources->pdata[i], GUINT_TO_POINTER (i + 1));

  g_autoptr(GArray) notes = sr_performance_render (document, NULL);
  g_assert_cmpuint (notes->len, ==, 6);
  for (guint n = 0; n < notes->len; n++)
    {
      const SrPerformedNote *note = &g_array_index (notes, SrPerformedNote, n);
      guint index = GPOINTER_TO_UINT (g_hash_table_lookup (token_of, note->source));
      g_assert_cmpuint (index, >, 0);
      g_assert_cmpstr (sr_lmx_token_text (g_array_index (tokens, guint16, index - 1)), ==, "half");
    }
  /* B flat, from the printed accidental, in the third bar (six quarters in, at 120 bpm three seconds). */
  const SrPerformedNote *last = &g_array_index (notes, SrPerformedNote, 5);
  g_assert_cmpint (last->pitch, ==, 70);
  g_assert_cmpfloat (last->onset_quarters, ==, 6.0);
  g_assert_cmpfloat (last->onset_seconds, ==, 3.0);
}

static void
test_repeats_and_endings_unfold_and_ties_merge (void)
{
  /* | C ⁀ | C | 1. E :|| 2. F ||, the C tied over the first barline, a slower tempo marked in the second ending. */
  const char *xml =
    "<score-partwise version='4.0'><part-list><score-part id='P1'><part-name>P</part-name></score-part></part-list>"
    "<part id='P1'>"
    "<measure number='1'><attributes><divisions>1</divisions></attributes>"
    "<note><pitch><step>C</step><octave>4</octave></pitch><duration>2</duration><tie type='start'/></note></measure>"
    "<measure number='2'><note><pitch><step>C</step><octave>4</octave></pitch><duration>2</duration>"
    "<tie type='stop'/></note></measure>"
    "<measure number='3'><barline location='left'><ending number='1' type='start'/></barline>"
    "<note><pitch><step>E</step><octave>4</octave></pitch><duration>2</duration></note>"
    "<barline location='right'><ending number='1' type='stop'/><repeat direction='backward'/></barline></measure>"
    "<measure number='4'><barline location='left'><ending number='2' type='start'/></barline>"
    "<direction><sound tempo='60'/></direction>"
    "<note><pitch><step>F</step><octave>4</octave></pitch><duration>2</duration></note>"
    "<barline location='right'><ending number='2' type='discontinue'/></barline></measure>"
    "</part></score-partwise>";
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) document = sr_musicxml_read_bytes ((const guint8 *) xml, strlen (xml), &error);
  g_assert_no_error (error);
  g_autoptr(GArray) notes = sr_performance_render (document, NULL);
  /* Played: 1 2 3 (first ending, repeat) 1 2 4 (second ending). */
  GString *heard = g_string_new (NULL);
  for (guint i = 0; i < notes->len; i++)
    {
      const SrPerformedNote *note = &g_array_index (notes, SrPerformedNote, i);
      g_string_append_printf (heard, "%d@%g/%g ", note->pitch, note->onset_quarters, note->duration_quarters);
    }
  g_test_message ("heard: %s", heard->str);
  g_assert_cmpstr (heard->str, ==, "60@0/4 64@4/2 60@6/4 65@10/2 ");
  g_string_free (heard, TRUE);
  /* The tempo mark in the second ending halves the speed from there on. */
  const SrPerformedNote *last = &g_array_index (notes, SrPerformedNote, notes->len - 1);
  g_assert_cmpfloat (last->onset_seconds, ==, 5.0);
  g_assert_cmpfloat (last->offset_seconds, ==, 7.0);
}

static void
test_grace_notes_sound_on_the_beat_taking_time_from_their_principal (void)
{
  /* Two grace sixteenths before a quarter, then three before a quarter chord: on the beat, each for its written
   * value, at most half the principal together (so the three share an eighth); the principal sounds after them. */
  const char *xml =
    "<score-partwise version='4.0'><part-list><score-part id='P1'><part-name>P</part-name></score-part></part-list>"
    "<part id='P1'><measure number='1'><attributes><divisions>2</divisions></attributes>"
    "<note><grace/><pitch><step>D</step><octave>4</octave></pitch><type>16th</type></note>"
    "<note><grace/><pitch><step>E</step><octave>4</octave></pitch><type>16th</type></note>"
    "<note><pitch><step>F</step><octave>4</octave></pitch><duration>2</duration><type>quarter</type></note>"
    "<note><grace/><pitch><step>A</step><octave>5</octave></pitch><type>16th</type></note>"
    "<note><grace/><pitch><step>B</step><octave>5</octave></pitch><type>16th</type></note>"
    "<note><grace/><pitch><step>C</step><octave>6</octave></pitch><type>16th</type></note>"
    "<note><pitch><step>D</step><octave>5</octave></pitch><duration>2</duration><type>quarter</type></note>"
    "<note><chord/><pitch><step>D</step><octave>6</octave></pitch><duration>2</duration><type>quarter</type></note>"
    "<note><pitch><step>G</step><octave>4</octave></pitch><duration>4</duration><type>half</type></note>"
    "</measure></part></score-partwise>";
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) document = sr_musicxml_read_bytes ((const guint8 *) xml, strlen (xml), &error);
  g_assert_no_error (error);
  static const struct {
    guint8 pitch;
    double onset, duration;
  } expected[] = {
    { 62, 0, 0.25 }, { 64, 0.25, 0.25 }, { 65, 0.5, 0.5 },
    { 81, 1, 1.0 / 6 }, { 83, 1 + 1.0 / 6, 1.0 / 6 }, { 84, 1 + 2.0 / 6, 1.0 / 6 }, { 74, 1.5, 0.5 }, { 86, 1.5, 0.5 },
    { 67, 2, 2 },
  };
  g_autoptr(GArray) notes = sr_performance_render (document, NULL);
  g_assert_cmpuint (notes->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < notes->len; i++)
    {
      const SrPerformedNote *note = &g_array_index (notes, SrPerformedNote, i);
      g_assert_cmpuint (note->pitch, ==, expected[i].pitch);
      g_assert_cmpfloat_with_epsilon (note->onset_quarters, expected[i].onset, 1e-12);
      g_assert_cmpfloat_with_epsilon (note->duration_quarters, expected[i].duration, 1e-12);
    }

  /* Without grace notes the principal notes keep their whole time. */
  SrPerformanceOptions options = SR_PERFORMANCE_OPTIONS_DEFAULT;
  options.include_grace_notes = FALSE;
  g_autoptr(GArray) plain = sr_performance_render (document, &options);
  g_assert_cmpuint (plain->len, ==, 4);
  g_assert_cmpfloat_with_epsilon (g_array_index (plain, SrPerformedNote, 0).onset_quarters, 0, 1e-12);
  g_assert_cmpfloat_with_epsilon (g_array_index (plain, SrPerformedNote, 0).duration_quarters, 1, 1e-12);
}

static void
test_rolled_chords_and_the_pedal_reach_the_midi (void)
{
  /* A rolled C major chord under the sustain pedal, pressed at the start and lifted after two quarters. */
  const char *xml =
    "<score-partwise version='4.0'><part-list><score-part id='P1'><part-name>P</part-name></score-part></part-list>"
    "<part id='P1'><measure number='1'><attributes><divisions>1</divisions></attributes>"
    "<direction><direction-type><pedal type='start'/></direction-type></direction>"
    "<note><pitch><step>C</step><octave>4</octave></pitch><duration>4</duration>"
    "<notations><arpeggiate/></notations></note>"
    "<note><chord/><pitch><step>E</step><octave>4</octave></pitch><duration>4</duration>"
    "<notations><arpeggiate/></notations></note>"
    "<note><chord/><pitch><step>G</step><octave>4</octave></pitch><duration>4</duration>"
    "<notations><arpeggiate/></notations></note>"
    "<backup><duration>2</duration></backup>"
    "<direction><direction-type><pedal type='stop'/></direction-type></direction>"
    "<forward><duration>2</duration></forward>"
    "</measure></part></score-partwise>";
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) document = sr_musicxml_read_bytes ((const guint8 *) xml, strlen (xml), &error);
  g_assert_no_error (error);

  g_autoptr(GArray) notes = sr_performance_render (document, NULL);
  g_assert_cmpuint (notes->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const SrPerformedNote *note = &g_array_index (notes, SrPerformedNote, i);
      /* Up from the bottom, 64 ticks of 480 a quarter apart, every note held to the chord's end. */
      g_assert_cmpfloat_with_epsilon (note->onset_quarters, i * 64.0 / 480, 1e-12);
      g_assert_cmpfloat_with_epsilon (note->onset_quarters + note->duration_quarters, 4.0, 1e-12);
      g_assert_cmpfloat_with_epsilon (note->onset_seconds, 0.5 * i * 64.0 / 480, 1e-12);
      g_assert_true (note->arpeggiated);
    }

  g_autoptr(SrMidiFile) midi = sr_performance_to_midi (document, NULL);
  const GArray *track = midi->tracks->pdata[1];
  GString *events = g_string_new (NULL);
  for (guint i = 0; i < track->len; i++)
    {
      const SrMidiEvent *event = &g_array_index (track, SrMidiEvent, i);
      if ((event->status & 0xf0) == 0xb0)
        g_string_append_printf (events, "pedal %d@%" G_GUINT64_FORMAT " ", event->data[1], event->tick);
      else if ((event->status & 0xf0) == 0x90)
        g_string_append_printf (events, "on %d@%" G_GUINT64_FORMAT " ", event->data[0], event->tick);
    }
  g_assert_cmpstr (events->str, ==, "pedal 127@0 on 60@0 on 64@64 on 67@128 pedal 0@960 ");
  g_string_free (events, TRUE);
}

static void
test_each_measure_counts_its_own_repairs (void)
{
  g_autoptr(GArray) tokens = sr_lmx_tokens_from_text ("measure key:fifths:0 time beats:2 beat-type:4 clef:G2 "
                                                      "C4 quarter D4 quarter "
                                                      "measure dot E4 quarter chord F4 quarter G4 "
                                                      "measure A4 half", NULL);
  guint repairs = 0;
  g_autoptr(xmlDoc) document = sr_lmx_delinearize (tokens, NULL, &repairs);
  g_autoptr(GPtrArray) parts = sr_musicxml_parts (document);
  guint counts[3], n = 0;
  for (xmlNode *m = ((xmlNode *) parts->pdata[0])->children; m != NULL; m = m->next)
    if (sr_xml_is_element (m, "measure") && n < 3)
      counts[n++] = sr_lmx_measure_repairs (m);
  g_assert_cmpuint (n, ==, 3);
  /* The second measure's dangling dot and pitch without a value; the others are whole. */
  g_assert_cmpuint (counts[0], ==, 0);
  g_assert_cmpuint (counts[1], ==, 2);
  g_assert_cmpuint (counts[2], ==, 0);
  g_assert_cmpuint (repairs, ==, counts[0] + counts[1] + counts[2]);
}

/* A reading is cut where it falls into a loop — a block four times or more, 48 tokens in all — after the block's
 * first time; music that repeats less than that stays whole. */
static void
test_a_reading_that_loops_is_cut_after_the_first_time (void)
{
  static const char *const tokens[] = { "measure", "G4", "quarter", "chord", "D5", "quarter" };
  g_autoptr(GArray) reading = g_array_new (FALSE, FALSE, sizeof (guint16));
  for (guint i = 0; i < 3; i++)
    {
      guint16 id = (guint16) sr_lmx_token_id (tokens[i]);
      g_array_append_val (reading, id);
    }
  for (guint r = 0; r < 30; r++)
    for (guint i = 3; i < 6; i++)
      {
        guint16 id = (guint16) sr_lmx_token_id (tokens[i]);
        g_array_append_val (reading, id);
      }
  const guint16 *ids = (const guint16 *) (gpointer) reading->data;
  /* "quarter chord D5", from the G4's "quarter" on, is the first block to come 16 times (48 tokens), at token 50: the
   * reader stops there and keeps its first time */
  g_assert_cmpuint (sr_lmx_reading_keep (ids, 49), ==, 49);
  g_assert_cmpuint (sr_lmx_reading_keep (ids, 50), ==, 5);
  g_assert_cmpuint (sr_lmx_reading_trim (ids, reading->len), ==, 5);

  /* a 12-token measure three times (36 tokens) and four times (48): only the fourth time makes a loop */
  g_autoptr(GArray) measures = g_array_new (FALSE, FALSE, sizeof (guint16));
  for (guint r = 0; r < 4; r++)
    for (guint i = 0; i < 12; i++)
      {
        guint16 id = (guint16) (i == 0 ? sr_lmx_token_id ("measure") : sr_lmx_token_id ("eighth") + (int) (i % 3));
        g_array_append_val (measures, id);
      }
  const guint16 *m = (const guint16 *) (gpointer) measures->data;
  g_assert_cmpuint (sr_lmx_reading_trim (m, 36), ==, 36);
  g_assert_cmpuint (sr_lmx_reading_trim (m, 48), ==, 12);
  /* ten repeated notes (20 tokens) are music */
  g_autoptr(GArray) notes = g_array_new (FALSE, FALSE, sizeof (guint16));
  for (guint r = 0; r < 10; r++)
    for (guint i = 1; i < 3; i++)
      {
        guint16 id = (guint16) sr_lmx_token_id (tokens[i]);
        g_array_append_val (notes, id);
      }
  g_assert_cmpuint (sr_lmx_reading_trim ((const guint16 *) (gpointer) notes->data, notes->len), ==, notes->len);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lmx/vocabulary", test_the_vocabulary_has_224_tokens_in_a_fixed_order);
  g_test_add_func ("/lmx/measure-repairs", test_each_measure_counts_its_own_repairs);
  g_test_add_func ("/lmx/grand-staff", test_the_grand_staff_example_decodes_and_encodes_back);
  g_test_add_func ("/lmx/durations", test_durations_follow_type_dots_and_tuplets);
  g_test_add_func ("/lmx/alters", test_alters_come_from_the_key_accidentals_and_ties);
  g_test_add_func ("/lmx/beams", test_beams_are_rebuilt_from_begin_and_end);
  g_test_add_func ("/lmx/skips", test_skips_split_greedily_and_keep_their_boundaries);
  g_test_add_func ("/lmx/robust-decoding", test_what_a_model_gets_wrong_is_dropped_measure_by_measure);
  g_test_add_func ("/lmx/ser", test_ser_is_edits_over_reference_tokens);
  g_test_add_func ("/lmx/emd", test_emd_counts_how_far_the_shown_notes_moved);
  g_test_add_func ("/lmx/bad-musicxml", test_a_score_that_is_not_musicxml_is_refused_with_a_reason);
  g_test_add_func ("/lmx/systems", test_systems_open_with_the_key_and_clefs_in_force);
  g_test_add_func ("/lmx/measure-rest-length", test_a_measure_rest_without_a_time_signature_fills_its_measure);
  g_test_add_func ("/lmx/mei", test_mei_reads_as_the_musicxml_it_says);
  g_test_add_func ("/lmx/measure-ranges", test_measure_ranges_cut_like_systems_an_engraver_broke);
  g_test_add_func ("/performance/links", test_every_performed_note_links_back_to_its_lmx_token);
  g_test_add_func ("/performance/repeats", test_repeats_and_endings_unfold_and_ties_merge);
  g_test_add_func ("/performance/arpeggio-and-pedal", test_rolled_chords_and_the_pedal_reach_the_midi);
  g_test_add_func ("/performance/grace-notes", test_grace_notes_sound_on_the_beat_taking_time_from_their_principal);
  g_test_add_func ("/lmx/reading-loops", test_a_reading_that_loops_is_cut_after_the_first_time);
  return g_test_run ();
}
