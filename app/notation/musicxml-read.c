/* Opens MusicXML and compressed MusicXML safely; see musicxml-read.h. */
#include "musicxml-read.h"

#include <glib/gi18n.h>
#include <libxml/parser.h>
#include <string.h>
#include <zip.h>

#include "mei-read.h"

G_DEFINE_QUARK (sr-musicxml-error-quark, sr_musicxml_error)

/* A score is not that large; a zip entry claiming more is a decompression bomb. */
#define MAX_XML_BYTES (256u * 1024u * 1024u)

/* Never fetch DTDs or external entities, from the network or the disk: a score must not reach out. */
static xmlParserInputPtr
refuse_external_entity (const char *url, const char *id, xmlParserCtxtPtr context)
{
  return NULL;
}

/* libxml2 reports some problems (a duplicate xml:id, say) on stderr past XML_PARSE_NOERROR; a damaged score gets
 * our own one-line message instead. */
static void
ignore_xml_message (void *context, const char *format, ...)
{
}

static xmlDoc *
parse_xml (const char *data, gsize length, GError **error)
{
  static gsize loader_installed;
  if (g_once_init_enter (&loader_installed))
    {
      xmlSetExternalEntityLoader (refuse_external_entity);
      xmlSetGenericErrorFunc (NULL, ignore_xml_message);
      xmlThrDefSetGenericErrorFunc (NULL, ignore_xml_message); /* and for threads started later */
      g_once_init_leave (&loader_installed, 1);
    }
  if (length > G_MAXINT)
    {
      g_set_error (error, SR_MUSICXML_ERROR, SR_MUSICXML_ERROR_UNREADABLE, _("the score is too large"));
      return NULL;
    }

  xmlDoc *document = xmlReadMemory (data, (int) length, NULL, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (document == NULL)
    {
      const xmlError *last = xmlGetLastError ();
      g_autofree char *reason = g_strstrip (g_strdup (last != NULL && last->message != NULL ? last->message : ""));
      g_set_error (error, SR_MUSICXML_ERROR, SR_MUSICXML_ERROR_DAMAGED, _("the XML is malformed (%s)"), reason);
      return NULL;
    }

  xmlNode *root = xmlDocGetRootElement (document);
  if (root != NULL && strcmp ((const char *) root->name, "mei") == 0)
    {
      /* MEI (kern scores come as MEI through verovio) reads as the MusicXML it says. */
      xmlDoc *converted = sr_mei_to_musicxml (document, error);
      xmlFreeDoc (document);
      return converted;
    }
  if (root == NULL || strcmp ((const char *) root->name, "score-partwise") != 0)
    {
      gboolean timewise = root != NULL && strcmp ((const char *) root->name, "score-timewise") == 0;
      g_set_error (error, SR_MUSICXML_ERROR, timewise ? SR_MUSICXML_ERROR_UNSUPPORTED : SR_MUSICXML_ERROR_NOT_MUSICXML,
                   timewise ? _("timewise MusicXML is not supported; export the score partwise")
                            : _("not a MusicXML score (no score-partwise element)"));
      xmlFreeDoc (document);
      return NULL;
    }
  return document;
}

static char *
read_zip_entry (zip_t *archive, const char *name, gsize *length, GError **error)
{
  zip_stat_t stat;
  zip_stat_init (&stat);
  if (zip_stat (archive, name, 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE))
    {
      g_set_error (error, SR_MUSICXML_ERROR, SR_MUSICXML_ERROR_DAMAGED, _("the .mxl archive has no %s"), name);
      return NULL;
    }
  if (stat.size > MAX_XML_BYTES)
    {
      g_set_error (error, SR_MUSICXML_ERROR, SR_MUSICXML_ERROR_UNREADABLE, _("%s in the archive is too large"), name);
      return NULL;
    }
  zip_file_t *entry = zip_fopen (archive, name, 0);
  if (entry == NULL)
    {
      g_set_error (error, SR_MUSICXML_ERROR, SR_MUSICXML_ERROR_DAMAGED, _("%s cannot be unpacked"), name);
      return NULL;
    }
  char *contents = g_malloc (stat.size + 1);
  zip_int64_t got = zip_fread (entry, contents, stat.size);
  zip_fclose (entry);
  if (got < 0 || (zip_uint64_t) got != stat.size)
    {
      g_free (contents);
      g_set_error (error, SR_MUSICXML_ERROR, SR_MUSICXML_ERROR_DAMAGED, _("%s cannot be unpacked"), name);
      return NULL;
    }
  contents[stat.size] = '\0';
  *length = stat.size;
  return contents;
}

/* META-INF/container.xml names the score's file; without one, the first .xml/.musicxml at the top level. */
static char *
root_file_name (zip_t *archive)
{
  gsize length = 0;
  g_autofree char *container = read_zip_entry (archive, "META-INF/container.xml", &length, NULL);
  if (container != NULL)
    {
      g_autoptr(xmlDoc) document = xmlReadMemory (container, (int) length, NULL, NULL,
                                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
      xmlNode *rootfiles = document != NULL ? sr_xml_child (xmlDocGetRootElement (document), "rootfiles") : NULL;
      for (xmlNode *node = rootfiles != NULL ? rootfiles->children : NULL; node != NULL; node = node->next)
        if (node->type == XML_ELEMENT_NODE && strcmp ((const char *) node->name, "rootfile") == 0)
          {
            xmlChar *path = xmlGetProp (node, (const xmlChar *) "full-path");
            if (path != NULL)
              {
                char *name = g_strdup ((const char *) path);
                xmlFree (path);
                return name;
              }
          }
    }
  zip_int64_t n_entries = zip_get_num_entries (archive, 0);
  for (zip_int64_t i = 0; i < n_entries; i++)
    {
      const char *name = zip_get_name (archive, (zip_uint64_t) i, 0);
      if (name != NULL && strchr (name, '/') == NULL &&
          (g_str_has_suffix (name, ".xml") || g_str_has_suffix (name, ".musicxml")))
        return g_strdup (name);
    }
  return NULL;
}

static xmlDoc *
read_mxl (const guint8 *data, gsize length, GError **error)
{
  zip_error_t zip_error;
  zip_error_init (&zip_error);
  zip_source_t *source = zip_source_buffer_create (data, length, 0, &zip_error);
  zip_t *archive = source != NULL ? zip_open_from_source (source, ZIP_RDONLY, &zip_error) : NULL;
  if (archive == NULL)
    {
      if (source != NULL)
        zip_source_free (source);
      g_set_error (error, SR_MUSICXML_ERROR, SR_MUSICXML_ERROR_DAMAGED, _("the .mxl archive is damaged (%s)"),
                   zip_error_strerror (&zip_error));
      zip_error_fini (&zip_error);
      return NULL;
    }
  zip_error_fini (&zip_error);

  xmlDoc *document = NULL;
  g_autofree char *name = root_file_name (archive);
  if (name == NULL)
    g_set_error (error, SR_MUSICXML_ERROR, SR_MUSICXML_ERROR_DAMAGED, _("the .mxl archive holds no score"));
  else
    {
      gsize xml_length = 0;
      g_autofree char *xml = read_zip_entry (archive, name, &xml_length, error);
      if (xml != NULL)
        document = parse_xml (xml, xml_length, error);
    }
  zip_discard (archive);
  return document;
}

xmlDoc *
sr_musicxml_read_bytes (const guint8 *data, gsize length, GError **error)
{
  if (length == 0)
    {
      g_set_error (error, SR_MUSICXML_ERROR, SR_MUSICXML_ERROR_NOT_MUSICXML, _("the file is empty"));
      return NULL;
    }
  if (length >= 4 && memcmp (data, "PK\x03\x04", 4) == 0)
    return read_mxl (data, length, error);
  return parse_xml ((const char *) data, length, error);
}

xmlDoc *
sr_musicxml_read (const char *path, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, SR_MUSICXML_ERROR, SR_MUSICXML_ERROR_UNREADABLE, "%s", local_error->message);
      return NULL;
    }
  return sr_musicxml_read_bytes ((const guint8 *) g_mapped_file_get_contents (mapped),
                                 g_mapped_file_get_length (mapped), error);
}

xmlNode *
sr_xml_child (const xmlNode *node, const char *name)
{
  for (xmlNode *child = node != NULL ? node->children : NULL; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && strcmp ((const char *) child->name, name) == 0)
      return child;
  return NULL;
}

gboolean
sr_xml_int (const xmlNode *node, gint64 *value)
{
  if (node == NULL)
    return FALSE;
  xmlChar *text = xmlNodeGetContent (node);
  g_autofree char *stripped = g_strstrip (g_strdup ((const char *) text));
  xmlFree (text);
  /* MusicXML allows decimals here; whole numbers are all LMX needs. */
  char *end = NULL;
  double number = g_ascii_strtod (stripped, &end);
  if (end == stripped || *end != '\0' || number != number || number > 1e15 || number < -1e15)
    return FALSE;
  *value = (gint64) (number >= 0 ? number + 0.5 : number - 0.5);
  return TRUE;
}

gboolean
sr_xml_text_is (const xmlNode *node, const char *text)
{
  if (node == NULL)
    return FALSE;
  xmlChar *content = xmlNodeGetContent (node);
  g_autofree char *stripped = g_strstrip (g_strdup ((const char *) content));
  xmlFree (content);
  return strcmp (stripped, text) == 0;
}

gboolean
sr_xml_is_element (const xmlNode *node, const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE && strcmp ((const char *) node->name, name) == 0;
}

gboolean
sr_xml_attribute_is (const xmlNode *node, const char *name, const char *value)
{
  xmlChar *attribute = xmlGetProp (node, (const xmlChar *) name);
  gboolean same = attribute != NULL && strcmp ((const char *) attribute, value) == 0;
  xmlFree (attribute);
  return same;
}

GPtrArray *
sr_musicxml_parts (xmlDoc *document)
{
  GPtrArray *parts = g_ptr_array_new ();
  for (xmlNode *node = xmlDocGetRootElement (document)->children; node != NULL; node = node->next)
    if (node->type == XML_ELEMENT_NODE && strcmp ((const char *) node->name, "part") == 0)
      g_ptr_array_add (parts, node);
  return parts;
}

char *
sr_musicxml_part_name (xmlDoc *document, xmlNode *part)
{
  xmlChar *id = xmlGetProp (part, (const xmlChar *) "id");
  char *name = NULL;
  xmlNode *part_list = sr_xml_child (xmlDocGetRootElement (document), "part-list");
  for (xmlNode *node = part_list != NULL ? part_list->children : NULL; node != NULL && id != NULL; node = node->next)
    {
      if (node->type != XML_ELEMENT_NODE || strcmp ((const char *) node->name, "score-part") != 0)
        continue;
      xmlChar *score_part_id = xmlGetProp (node, (const xmlChar *) "id");
      gboolean same = score_part_id != NULL && xmlStrEqual (score_part_id, id);
      xmlFree (score_part_id);
      xmlNode *part_name = same ? sr_xml_child (node, "part-name") : NULL;
      if (part_name != NULL)
        {
          xmlChar *text = xmlNodeGetContent (part_name);
          name = g_strdup ((const char *) text);
          xmlFree (text);
        }
      if (same)
        break;
    }
  if (name == NULL || *name == '\0')
    {
      g_free (name);
      name = g_strdup (id != NULL ? (const char *) id : "?");
    }
  xmlFree (id);
  return name;
}
