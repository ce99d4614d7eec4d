/* MEI → MusicXML: verovio turns Humdrum **kern (and MEI from anywhere) into MEI, and this turns MEI into a MusicXML
 * score-partwise document with one part of N staves, so that everything that reads MusicXML (LMX, performance)
 * reads kern scores too. It carries what LMX and the performance need: clefs, keys and metres with their changes,
 * notes, chords, rests and spaces per staff and layer (voice = 4 × (staff − 1) + layer, as MuseScore numbers them),
 * cross-staff notes, written and sounding accidentals, ties, slurs, tuplets, beams, grace notes, articulations,
 * fermatas, arpeggios, trills, mordents and turns, repeats and endings, tempo, and the encoded system and page
 * breaks (<sb>, <pb>) as <print new-system/new-page>, which the real-scan pairs are cut by. */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* NULL with an error when MEI has no measures. */
xmlDoc *sr_mei_to_musicxml (xmlDoc *mei, GError **error);

G_END_DECLS
