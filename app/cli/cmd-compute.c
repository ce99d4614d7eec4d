/* `sightread devices` and `sightread bench`: the compute devices this machine offers, and how fast each runs the
 * kernels the models are made of. */
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "backend.h"
#include "benchmark.h"
#include "cli-commands.h"

typedef struct {
  GString *text;
  int count;
} DeviceList;

static void
add_device (void *context, int index, const char *name, const char *type)
{
  DeviceList *list = context;
  g_string_append_printf (list->text, "vulkan:%d\t%s (%s)\n", index, name, type);
  list->count++;
}

int
sr_cmd_devices (SrCliArgs *args)
{
  char message[SR_MESSAGE_SIZE];
  DeviceList list = { g_string_new (NULL), 0 };
  sr_backend_list_devices (add_device, &list, message);
  SrBackend *cpu = sr_backend_open_cpu (0);
  g_print ("cpu\t%s\n", cpu != NULL ? sr_backend_device_name (cpu) : _("unavailable"));
  sr_backend_free (cpu);
  g_print ("%s", list.text->str);
  if (message[0] != '\0')
    g_print (_("(no Vulkan: %s)\n"), message);
  g_string_free (list.text, TRUE);

  /* What the current --device (or SIGHTREAD_DEVICE) choice opens, notices included. */
  char notice[SR_MESSAGE_SIZE], spelling[32];
  sr_device_choice_format (&args->device, spelling, sizeof spelling);
  SrBackend *chosen = sr_backend_open (&args->device, notice);
  if (chosen == NULL)
    return sr_cli_fail ("devices", _("no compute backend could be opened"));
  g_print (_("--device %s opens: %s, %s\n"), spelling, sr_backend_name (chosen), sr_backend_device_name (chosen));
  if (notice[0] != '\0')
    g_print (_("note: %s\n"), notice);
  sr_backend_free (chosen);
  sr_cli_print_audio_devices ();
  return SR_EXIT_OK;
}

typedef struct {
  JsonBuilder *json; /* NULL: print a table */
  double openblas_rate;
} BenchOutput;

static void
report_result (void *context, const SrBenchResult *result)
{
  BenchOutput *out = context;
  if (g_str_equal (result->backend, "openblas"))
    out->openblas_rate = result->rate;
  else if (g_str_equal (result->backend, "cpu") && !g_str_equal (result->group, "gemm"))
    out->openblas_rate = 0;
  if (out->json != NULL)
    {
      json_builder_begin_object (out->json);
      json_builder_set_member_name (out->json, "group");
      json_builder_add_string_value (out->json, result->group);
      json_builder_set_member_name (out->json, "case");
      json_builder_add_string_value (out->json, result->name);
      json_builder_set_member_name (out->json, "backend");
      json_builder_add_string_value (out->json, result->backend);
      json_builder_set_member_name (out->json, "device");
      json_builder_add_string_value (out->json, result->device);
      json_builder_set_member_name (out->json, "milliseconds");
      json_builder_add_double_value (out->json, result->milliseconds);
      json_builder_set_member_name (out->json, "rate");
      json_builder_add_double_value (out->json, result->rate);
      json_builder_set_member_name (out->json, "unit");
      json_builder_add_string_value (out->json, result->unit);
      json_builder_end_object (out->json);
      return;
    }
  g_autofree char *ratio = NULL;
  if (out->openblas_rate > 0 && !g_str_equal (result->backend, "openblas") && strstr (result->name, "fp32")
      && !strstr (result->name, "transposed"))
    ratio = g_strdup_printf (_("  (%.0f %% of OpenBLAS)"), 100.0 * result->rate / out->openblas_rate);
  if (result->milliseconds > 0)
    g_print ("%-10s %-62s %-9s %9.2f %-8s %10.3f ms%s\n", result->group, result->name, result->backend, result->rate,
             result->unit, result->milliseconds, ratio ? ratio : "");
  else
    g_print ("%-10s %-62s %-9s %9.2f %s\n", result->group, result->name, result->backend, result->rate, result->unit);
  fflush (stdout);
}

/* The backends to measure: the CPU backend always, then the Vulkan device asked for, or every one under auto. */
static GPtrArray *
open_backends (const SrDeviceChoice *choice)
{
  GPtrArray *backends = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_backend_free);
  SrBackend *cpu = sr_backend_open_cpu (0);
  if (cpu != NULL)
    g_ptr_array_add (backends, cpu);
  if (choice->kind == SR_DEVICE_CPU)
    return backends;
  char message[SR_MESSAGE_SIZE];
  int count = choice->kind == SR_DEVICE_VULKAN && choice->vulkan_index >= 0 ? 1 : 64;
  for (int i = 0; i < count; i++)
    {
      SrDeviceChoice one = { SR_DEVICE_VULKAN, choice->vulkan_index >= 0 ? choice->vulkan_index : i };
      SrBackend *backend = sr_backend_open (&one, message);
      if (g_str_equal (sr_backend_name (backend), "cpu"))
        {
          sr_backend_free (backend);
          if (i == 0 && choice->kind == SR_DEVICE_VULKAN)
            g_printerr (_("sightread: bench: note: %s\n"), message);
          break;
        }
      g_ptr_array_add (backends, backend);
    }
  return backends;
}

int
sr_cmd_bench (SrCliArgs *args)
{
  /* memory first: it reads the whole process's resident size */
  static const char *all[] = { "memory", "gemm", "attention", "conv", "norm", "translator", "codec" };
  guint n_groups = args->positional->len;
  for (guint i = 0; i < n_groups; i++)
    if (!sr_bench_is_group (args->positional->pdata[i]) && !g_str_equal (args->positional->pdata[i], "translator")
        && !g_str_equal (args->positional->pdata[i], "memory") && !g_str_equal (args->positional->pdata[i], "codec"))
      {
        g_printerr (_("sightread bench: no benchmark '%s' (expected gemm, gemm-large, attention, conv, norm, "
                      "translator, codec or memory)\n"),
                    (const char *) args->positional->pdata[i]);
        return SR_EXIT_USAGE;
      }
  g_autoptr(GPtrArray) backends = open_backends (&args->device);
  if (backends->len == 0)
    return sr_cli_fail ("bench", _("no compute backend could be opened"));
  BenchOutput out = { sr_cli_args_has (args, "json") ? json_builder_new () : NULL, 0 };
  if (out.json != NULL)
    {
      json_builder_begin_object (out.json);
      json_builder_set_member_name (out.json, "results");
      json_builder_begin_array (out.json);
    }
  int status = SR_EXIT_OK;
  for (guint i = 0; i < (n_groups ? n_groups : G_N_ELEMENTS (all)); i++)
    {
      const char *group = n_groups ? args->positional->pdata[i] : all[i];
      char message[SR_MESSAGE_SIZE];
      bool ran;
      if (g_str_equal (group, "translator"))
        {
          /* I2A as OMR reads (256 image steps, about 11 columns of a system), A2I as transcription reads (a
           * 5.12-s window: 441 audio steps); the A2I model only where the folder has one */
          g_autofree char *folder = sr_cli_models_folder (args);
          g_autofree char *i2a = g_build_filename (folder, "i2a.safetensors", NULL);
          g_autofree char *a2i = g_build_filename (folder, "a2i.safetensors", NULL);
          ran = sr_bench_translator (i2a, SR_MODALITY_IMAGE, 256, 128, (SrBackend *const *) backends->pdata,
                                     (int) backends->len, report_result, &out, message);
          if (ran && g_file_test (a2i, G_FILE_TEST_EXISTS))
            ran = sr_bench_translator (a2i, SR_MODALITY_AUDIO, 441, 128, (SrBackend *const *) backends->pdata,
                                       (int) backends->len, report_result, &out, message);
        }
      else if (g_str_equal (group, "codec"))
        {
          g_autofree char *folder = sr_cli_models_folder (args);
          g_autofree char *model = g_build_filename (folder, "codec.safetensors", NULL);
          ran = sr_bench_codec (model, 5, (SrBackend *const *) backends->pdata, (int) backends->len, report_result,
                                &out, message);
        }
      else if (g_str_equal (group, "memory"))
        {
          g_autofree char *folder = sr_cli_models_folder (args);
          ran = sr_bench_memory (folder, (SrBackend *const *) backends->pdata, (int) backends->len, report_result,
                                 &out, message);
        }
      else
        ran = sr_bench_run (group, (SrBackend *const *) backends->pdata, (int) backends->len, report_result, &out,
                            message);
      if (!ran)
        {
          status = sr_cli_fail ("bench", message);
          break;
        }
    }
  if (out.json != NULL)
    {
      json_builder_end_array (out.json);
      json_builder_end_object (out.json);
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = json_builder_get_root (out.json);
      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      g_autofree char *text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
      g_object_unref (out.json);
    }
  return status;
}
