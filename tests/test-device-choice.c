/* The spelling of compute-device choices shared by --device and SIGHTREAD_DEVICE. */
#include <glib.h>

#include "device-choice.h"

static void
test_auto_cpu_and_vulkan_are_understood (void)
{
  SrDeviceChoice choice;
  char message[200];

  g_assert_true (sr_device_choice_parse ("auto", &choice, message, sizeof message));
  g_assert_cmpint (choice.kind, ==, SR_DEVICE_AUTO);
  g_assert_true (sr_device_choice_parse ("cpu", &choice, message, sizeof message));
  g_assert_cmpint (choice.kind, ==, SR_DEVICE_CPU);
  g_assert_true (sr_device_choice_parse ("vulkan", &choice, message, sizeof message));
  g_assert_cmpint (choice.kind, ==, SR_DEVICE_VULKAN);
  g_assert_cmpint (choice.vulkan_index, ==, -1);
  g_assert_true (sr_device_choice_parse ("vulkan:2", &choice, message, sizeof message));
  g_assert_cmpint (choice.kind, ==, SR_DEVICE_VULKAN);
  g_assert_cmpint (choice.vulkan_index, ==, 2);
}

static void
test_misspelled_devices_are_refused_with_a_reason (void)
{
  const char *bad[] = { "", "gpu", "CPU", "vulkan:", "vulkan:-1", "vulkan:x", "vulkan:1x", "vulkan:99999999999",
                        "vulkan:64", "vulkan 1" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      SrDeviceChoice choice = { SR_DEVICE_CPU, 7 };
      char message[200] = "";
      g_assert_false (sr_device_choice_parse (bad[i], &choice, message, sizeof message));
      g_assert_nonnull (strstr (message, "expected auto, cpu, vulkan or vulkan:N"));
      g_assert_cmpint (choice.kind, ==, SR_DEVICE_CPU); /* untouched on failure */
    }
}

static void
test_option_wins_over_environment_and_environment_over_auto (void)
{
  SrDeviceChoice choice;
  char message[200];

  g_unsetenv (SR_DEVICE_ENV);
  g_assert_true (sr_device_choice_resolve (NULL, &choice, message, sizeof message));
  g_assert_cmpint (choice.kind, ==, SR_DEVICE_AUTO);

  g_setenv (SR_DEVICE_ENV, "cpu", TRUE);
  g_assert_true (sr_device_choice_resolve (NULL, &choice, message, sizeof message));
  g_assert_cmpint (choice.kind, ==, SR_DEVICE_CPU);
  g_assert_true (sr_device_choice_resolve ("vulkan:1", &choice, message, sizeof message));
  g_assert_cmpint (choice.kind, ==, SR_DEVICE_VULKAN);

  g_setenv (SR_DEVICE_ENV, "tpu", TRUE);
  g_assert_false (sr_device_choice_resolve (NULL, &choice, message, sizeof message));
  g_assert_nonnull (strstr (message, "SIGHTREAD_DEVICE"));
  g_unsetenv (SR_DEVICE_ENV);
}

static void
test_choices_print_as_they_are_spelled (void)
{
  const char *spellings[] = { "auto", "cpu", "vulkan", "vulkan:3" };
  for (gsize i = 0; i < G_N_ELEMENTS (spellings); i++)
    {
      SrDeviceChoice choice;
      char message[200], printed[32];
      g_assert_true (sr_device_choice_parse (spellings[i], &choice, message, sizeof message));
      sr_device_choice_format (&choice, printed, sizeof printed);
      g_assert_cmpstr (printed, ==, spellings[i]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/device-choice/understood", test_auto_cpu_and_vulkan_are_understood);
  g_test_add_func ("/device-choice/misspelled-refused", test_misspelled_devices_are_refused_with_a_reason);
  g_test_add_func ("/device-choice/precedence", test_option_wins_over_environment_and_environment_over_auto);
  g_test_add_func ("/device-choice/round-trip", test_choices_print_as_they_are_spelled);
  return g_test_run ();
}
