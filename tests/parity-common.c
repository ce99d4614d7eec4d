/* See parity-common.h. */
#include "parity-common.h"

#include <stdio.h>

JsonObject *
parity_golden (JsonParser *parser, const char *path)
{
  g_autoptr(GError) error = NULL;
  if (!json_parser_load_from_file (parser, path, &error))
    {
      printf ("%s: %s\n", path, error->message);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      printf ("%s: not a golden file\n", path);
      return NULL;
    }
  return json_node_get_object (root);
}

SrBackend *
parity_backend (const char *name)
{
  SrDeviceChoice choice = { g_str_equal (name, "vulkan") ? SR_DEVICE_VULKAN : SR_DEVICE_CPU, -1 };
  char message[SR_MESSAGE_SIZE];
  SrBackend *backend = sr_backend_open (&choice, message);
  if (choice.kind == SR_DEVICE_VULKAN && !g_str_equal (sr_backend_name (backend), "vulkan"))
    {
      printf ("no Vulkan device: %s\n", message);
      sr_backend_free (backend);
      return NULL;
    }
  return backend;
}
