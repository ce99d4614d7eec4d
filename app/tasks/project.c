/* See project.h. Readings are stored as LMX text (readable, and the vocabulary's order may grow); crops and the
 * score as base64. */
#include "project.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "lmx-vocabulary.h"

#define MAX_PROJECT_BYTES (1024u * 1024u * 1024u)
#define MAX_SYSTEMS 100000
#define MAX_TOKENS 200000

SrProject *
sr_project_new (void)
{
  SrProject *project = g_new0 (SrProject, 1);
  project->systems = g_array_new (FALSE, TRUE, sizeof (SrOmrSystem));
  g_array_set_clear_func (project->systems, sr_omr_system_clear);
  project->corrected = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  return project;
}

void
sr_project_free (SrProject *project)
{
  if (project == NULL)
    return;
  g_free (project->score_name);
  g_clear_pointer (&project->score, g_bytes_unref);
  g_array_unref (project->systems);
  g_ptr_array_unref (project->corrected);
  g_free (project);
}

static char *
tokens_text (const GArray *tokens)
{
  GString *text = g_string_new (NULL);
  for (guint i = 0; tokens != NULL && i < tokens->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? " " : "", sr_lmx_token_text (g_array_index (tokens, guint16, i)));
  return g_string_free (text, FALSE);
}

static void
add_numbers (JsonBuilder *builder, const char *name, const double *values, guint n)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    json_builder_add_double_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
add_system (JsonBuilder *builder, const SrOmrSystem *system, const GArray *corrected)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "page");
  json_builder_add_int_value (builder, system->page_index);
  json_builder_set_member_name (builder, "skew_degrees");
  json_builder_add_double_value (builder, system->skew_degrees);
  double box[] = { system->box.x, system->box.y, system->box.width, system->box.height };
  add_numbers (builder, "box", box, 4);
  json_builder_set_member_name (builder, "staff_height");
  json_builder_add_double_value (builder, system->staff_height);
  double placement[] = { system->placement.origin_x, system->placement.origin_y, system->placement.scale };
  add_numbers (builder, "placement", placement, 3);
  double grid[] = { system->grid_rows, system->grid_columns };
  add_numbers (builder, "grid", grid, 2);
  json_builder_set_member_name (builder, "reached_limit");
  json_builder_add_boolean_value (builder, system->reached_limit);
  g_autofree char *read = tokens_text (system->lmx);
  json_builder_set_member_name (builder, "read");
  json_builder_add_string_value (builder, read);
  g_autofree char *corrected_text = tokens_text (corrected);
  json_builder_set_member_name (builder, "corrected");
  json_builder_add_string_value (builder, corrected_text);
  json_builder_set_member_name (builder, "focus");
  json_builder_begin_array (builder);
  for (guint i = 0; system->focus != NULL && i < system->focus->len; i++)
    {
      const SrOmrFocus *focus = &g_array_index (system->focus, SrOmrFocus, i);
      double values[] = { focus->box.x, focus->box.y, focus->box.width, focus->box.height, focus->weight };
      json_builder_begin_array (builder);
      for (gsize k = 0; k < G_N_ELEMENTS (values); k++)
        json_builder_add_double_value (builder, values[k]);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  if (system->crop != NULL)
    {
      json_builder_set_member_name (builder, "crop");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, system->crop->width);
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, system->crop->height);
      g_autofree char *pixels = g_base64_encode (system->crop->pixels,
                                                 (gsize) system->crop->width * system->crop->height);
      json_builder_set_member_name (builder, "pixels");
      json_builder_add_string_value (builder, pixels);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

gboolean
sr_project_save (const SrProject *project, const char *path, GError **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sightread-project");
  json_builder_add_int_value (builder, SR_PROJECT_FORMAT);
  if (project->score != NULL)
    {
      json_builder_set_member_name (builder, "score");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, project->score_name != NULL ? project->score_name : "score");
      gsize length;
      const guint8 *data = g_bytes_get_data (project->score, &length);
      g_autofree char *encoded = g_base64_encode (data, length);
      json_builder_set_member_name (builder, "data");
      json_builder_add_string_value (builder, encoded);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "current");
  json_builder_add_int_value (builder, project->current);
  json_builder_set_member_name (builder, "systems");
  json_builder_begin_array (builder);
  for (guint i = 0; i < project->systems->len; i++)
    add_system (builder, &g_array_index (project->systems, SrOmrSystem, i),
                i < project->corrected->len ? project->corrected->pdata[i] : NULL);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  gsize length;
  g_autofree char *text = json_generator_to_data (generator, &length);
  /* g_file_set_contents writes a temporary file and renames it over PATH. */
  return g_file_set_contents (path, text, (gssize) length, error);
}

static gboolean
fail (GError **error, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("not a readable Sightread project: %s"), what);
  return FALSE;
}

/* N finite numbers of the array member NAME of OBJECT into VALUES. */
static gboolean
read_numbers (JsonObject *object, const char *name, double *values, guint n)
{
  JsonNode *node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  JsonArray *array = json_node_get_array (node);
  if (json_array_get_length (array) != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      if (json_node_get_value_type (element) != G_TYPE_DOUBLE && json_node_get_value_type (element) != G_TYPE_INT64)
        return FALSE;
      values[i] = json_node_get_double (element);
      if (!isfinite (values[i]) || fabs (values[i]) > 1e9)
        return FALSE;
    }
  return TRUE;
}

static GArray *
read_tokens (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  const char *text = json_node_get_string (node);
  if (strlen (text) > 32 * (gsize) MAX_TOKENS)
    return NULL;
  GArray *tokens = sr_lmx_tokens_from_text (text, NULL);
  if (tokens->len > MAX_TOKENS)
    {
      g_array_unref (tokens);
      return NULL;
    }
  return tokens;
}

static SrGrayImage *
read_crop (JsonObject *object)
{
  gint64 width = json_object_get_int_member_with_default (object, "width", 0);
  gint64 height = json_object_get_int_member_with_default (object, "height", 0);
  const char *pixels = json_object_get_string_member_with_default (object, "pixels", NULL);
  if (width < 1 || height < 1 || width > SR_SYSTEM_MAX_WIDTH || height > SR_SYSTEM_MAX_HEIGHT || pixels == NULL)
    return NULL;
  gsize length = 0;
  g_autofree guint8 *data = g_base64_decode (pixels, &length);
  if (length != (gsize) (width * height))
    return NULL;
  SrGrayImage *image = sr_gray_image_new ((int) width, (int) height);
  memcpy (image->pixels, data, length);
  return image;
}

static gboolean
read_system (JsonNode *node, SrOmrSystem *system, GArray **corrected)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  JsonObject *object = json_node_get_object (node);
  double box[4], placement[3], grid[2];
  gint64 page = json_object_get_int_member_with_default (object, "page", -1);
  if (page < 0 || page > 100000 || !read_numbers (object, "box", box, 4)
      || !read_numbers (object, "placement", placement, 3) || !read_numbers (object, "grid", grid, 2)
      || box[2] <= 0 || box[3] <= 0 || placement[2] <= 0 || grid[0] < 0 || grid[1] < 0 || grid[0] > 1e5
      || grid[1] > 1e5)
    return FALSE;
  system->page_index = (guint) page;
  system->skew_degrees = json_object_get_double_member_with_default (object, "skew_degrees", 0);
  system->staff_height = json_object_get_double_member_with_default (object, "staff_height", 0);
  if (!isfinite (system->skew_degrees) || fabs (system->skew_degrees) > 45 || !isfinite (system->staff_height)
      || system->staff_height < 0 || system->staff_height > 1e5)
    return FALSE;
  system->box = (SrPageBox) { box[0], box[1], box[2], box[3] };
  system->placement = (SrCropPlacement) { placement[0], placement[1], placement[2] };
  system->grid_rows = (int) grid[0];
  system->grid_columns = (int) grid[1];
  system->reached_limit = json_object_get_boolean_member_with_default (object, "reached_limit", FALSE);
  system->lmx = read_tokens (object, "read");
  *corrected = read_tokens (object, "corrected");
  if (system->lmx == NULL || *corrected == NULL)
    return FALSE;
  /* One focus a token of the reading, or none at all (a reading typed in). */
  system->focus = g_array_new (FALSE, FALSE, sizeof (SrOmrFocus));
  JsonNode *focus = json_object_get_member (object, "focus");
  JsonArray *spots = focus != NULL && JSON_NODE_HOLDS_ARRAY (focus) ? json_node_get_array (focus) : NULL;
  guint n_spots = spots != NULL ? json_array_get_length (spots) : 0;
  if (n_spots != 0 && n_spots != system->lmx->len)
    return FALSE;
  for (guint i = 0; i < n_spots; i++)
    {
      JsonNode *spot = json_array_get_element (spots, i);
      if (!JSON_NODE_HOLDS_ARRAY (spot))
        return FALSE;
      g_autoptr(JsonObject) wrapper = json_object_new ();
      json_object_set_member (wrapper, "v", json_node_copy (spot));
      double values[5];
      if (!read_numbers (wrapper, "v", values, 5))
        return FALSE;
      SrOmrFocus entry = { { values[0], values[1], values[2], values[3] }, (float) values[4] };
      g_array_append_val (system->focus, entry);
    }
  JsonNode *crop = json_object_get_member (object, "crop");
  if (crop != NULL && JSON_NODE_HOLDS_OBJECT (crop) && (system->crop = read_crop (json_node_get_object (crop))) == NULL)
    return FALSE;
  return TRUE;
}

SrProject *
sr_project_load_bytes (const guint8 *data, gsize length, GError **error)
{
  if (length > MAX_PROJECT_BYTES)
    {
      fail (error, _("the file is too large"));
      return NULL;
    }
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) json_error = NULL;
  if (!json_parser_load_from_data (parser, (const char *) data, (gssize) length, &json_error))
    {
      fail (error, json_error->message);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  JsonObject *object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (object == NULL || !json_object_has_member (object, "sightread-project"))
    {
      fail (error, _("no sightread-project member"));
      return NULL;
    }
  gint64 format = json_object_get_int_member_with_default (object, "sightread-project", 0);
  if (format != SR_PROJECT_FORMAT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("the project was saved in format %d; this Sightread reads format %d"),
                   (int) CLAMP (format, G_MININT, G_MAXINT), SR_PROJECT_FORMAT);
      return NULL;
    }
  g_autoptr(SrProject) project = sr_project_new ();
  JsonNode *score = json_object_get_member (object, "score");
  if (score != NULL)
    {
      JsonObject *score_object = JSON_NODE_HOLDS_OBJECT (score) ? json_node_get_object (score) : NULL;
      const char *name = score_object != NULL ? json_object_get_string_member_with_default (score_object, "name",
                                                                                            NULL) : NULL;
      const char *encoded = score_object != NULL ? json_object_get_string_member_with_default (score_object, "data",
                                                                                               NULL) : NULL;
      if (name == NULL || encoded == NULL || strchr (name, '/') != NULL)
        {
          fail (error, _("its score is damaged"));
          return NULL;
        }
      gsize score_length = 0;
      guint8 *bytes = g_base64_decode (encoded, &score_length);
      project->score = g_bytes_new_take (bytes, score_length);
      project->score_name = g_strdup (name);
    }
  JsonNode *systems = json_object_get_member (object, "systems");
  JsonArray *array = systems != NULL && JSON_NODE_HOLDS_ARRAY (systems) ? json_node_get_array (systems) : NULL;
  guint n = array != NULL ? json_array_get_length (array) : 0;
  if (n > MAX_SYSTEMS)
    {
      fail (error, _("too many systems"));
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      SrOmrSystem system = { 0 };
      GArray *corrected = NULL;
      if (!read_system (json_array_get_element (array, i), &system, &corrected))
        {
          sr_omr_system_clear (&system);
          if (corrected != NULL)
            g_array_unref (corrected);
          g_autofree char *what = g_strdup_printf (_("system %u is damaged"), i + 1);
          fail (error, what);
          return NULL;
        }
      g_array_append_val (project->systems, system);
      g_ptr_array_add (project->corrected, corrected);
    }
  gint64 current = json_object_get_int_member_with_default (object, "current", 0);
  project->current = current >= 0 && current < (gint64) n ? (guint) current : 0;
  return g_steal_pointer (&project);
}

SrProject *
sr_project_load (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  return sr_project_load_bytes ((const guint8 *) contents, length, error);
}
