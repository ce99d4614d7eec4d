/* Parses the user's device choice; see device-choice.h. */
#include "device-choice.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_VULKAN_INDEX = 64 };

static bool
parse_vulkan_index (const char *digits, int *index)
{
  if (*digits < '0' || *digits > '9')
    return false;
  errno = 0;
  char *end = NULL;
  long value = strtol (digits, &end, 10);
  if (errno != 0 || *end != '\0' || value < 0 || value >= MAX_VULKAN_INDEX)
    return false;
  *index = (int) value;
  return true;
}

bool
sr_device_choice_parse (const char *text, SrDeviceChoice *choice, char *message, size_t message_size)
{
  SrDeviceChoice parsed = { SR_DEVICE_AUTO, -1 };

  if (text == NULL || strcmp (text, "auto") == 0)
    parsed.kind = SR_DEVICE_AUTO;
  else if (strcmp (text, "cpu") == 0)
    parsed.kind = SR_DEVICE_CPU;
  else if (strcmp (text, "vulkan") == 0)
    parsed.kind = SR_DEVICE_VULKAN;
  else if (strncmp (text, "vulkan:", 7) == 0 && parse_vulkan_index (text + 7, &parsed.vulkan_index))
    parsed.kind = SR_DEVICE_VULKAN;
  else
    {
      snprintf (message, message_size, "unknown device '%s' (expected auto, cpu, vulkan or vulkan:N)", text);
      return false;
    }

  *choice = parsed;
  return true;
}

bool
sr_device_choice_resolve (const char *option_text, SrDeviceChoice *choice, char *message, size_t message_size)
{
  if (option_text != NULL)
    return sr_device_choice_parse (option_text, choice, message, message_size);

  const char *env_text = getenv (SR_DEVICE_ENV);
  if (env_text != NULL && *env_text != '\0')
    {
      char reason[160];
      if (!sr_device_choice_parse (env_text, choice, reason, sizeof reason))
        {
          snprintf (message, message_size, "%s: %s", SR_DEVICE_ENV, reason);
          return false;
        }
      return true;
    }

  return sr_device_choice_parse ("auto", choice, message, message_size);
}

void
sr_device_choice_format (const SrDeviceChoice *choice, char *buffer, size_t buffer_size)
{
  switch (choice->kind)
    {
    case SR_DEVICE_CPU:
      snprintf (buffer, buffer_size, "cpu");
      break;
    case SR_DEVICE_VULKAN:
      if (choice->vulkan_index >= 0)
        snprintf (buffer, buffer_size, "vulkan:%d", choice->vulkan_index);
      else
        snprintf (buffer, buffer_size, "vulkan");
      break;
    case SR_DEVICE_AUTO:
    default:
      snprintf (buffer, buffer_size, "auto");
      break;
    }
}
