/* Writing MusicXML 4.0. */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* Puts the children of an <attributes> element in schema order (divisions, key, time, staves, …, clefs by staff). */
void sr_musicxml_sort_attributes (xmlNode *attributes);

/* A child element NAME of PARENT holding TEXT (escaped), or the decimal VALUE: how MusicXML is written here. */
xmlNode *sr_xml_add_text (xmlNode *parent, const char *name, const char *text);
xmlNode *sr_xml_add_int (xmlNode *parent, const char *name, gint64 value);

/* MusicXML 4.0 text with its partwise DOCTYPE, as MuseScore and the schema expect. */
char *sr_musicxml_to_text (xmlDoc *document);

G_END_DECLS
