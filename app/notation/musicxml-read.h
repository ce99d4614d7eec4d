/* Reading MusicXML: uncompressed (.musicxml, .xml) and compressed (.mxl, a zip whose META-INF/container.xml names
 * the score), through libxml2 with network access and external entities off. Partwise scores only. */
#pragma once

#include <gio/gio.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

#define SR_MUSICXML_ERROR (sr_musicxml_error_quark ())

typedef enum {
  SR_MUSICXML_ERROR_UNREADABLE,
  SR_MUSICXML_ERROR_NOT_MUSICXML,
  SR_MUSICXML_ERROR_DAMAGED,
  SR_MUSICXML_ERROR_UNSUPPORTED,
} SrMusicXmlError;

GQuark sr_musicxml_error_quark (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

xmlDoc *sr_musicxml_read_bytes (const guint8 *data, gsize length, GError **error);
xmlDoc *sr_musicxml_read (const char *path, GError **error);

/* The <part> elements of a score-partwise document, in order, and the part's name from the part list (or its id). */
GPtrArray *sr_musicxml_parts (xmlDoc *document);
char *sr_musicxml_part_name (xmlDoc *document, xmlNode *part);

/* Small helpers for the notation code: the first child element called NAME, and an element's text as a number. */
xmlNode *sr_xml_child (const xmlNode *node, const char *name);
gboolean sr_xml_int (const xmlNode *node, gint64 *value);
gboolean sr_xml_text_is (const xmlNode *node, const char *text);
gboolean sr_xml_is_element (const xmlNode *node, const char *name);
/* TRUE when NODE's attribute NAME is exactly VALUE. */
gboolean sr_xml_attribute_is (const xmlNode *node, const char *name, const char *value);

G_END_DECLS
