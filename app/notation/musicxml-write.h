/* Writing MusicXML 4.0. */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* Puts the children of an <attributes> element in schema order (divisions, key, time, staves, …, clefs by staff). */
void sr_musicxml_sort_attributes (xmlNode *attributes);

/* MusicXML 4.0 text with its partwise DOCTYPE, as MuseScore and the schema expect. */
char *sr_musicxml_to_text (xmlDoc *document);

G_END_DECLS
