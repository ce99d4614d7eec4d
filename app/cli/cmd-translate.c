/* `sightread translate MODEL SOURCES`: a translator's greedy readings of token sources
 * (app/tokens/translator-source.h), a reading a line as unified token ids, end token left out. Training's validation
 * reads its pairs through this, so it scores what the program reads, with the runtime's speed. */
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "translator-source.h"
#include "translator.h"

/* Prints SOURCE's reading; FALSE with MESSAGE set when the model fails on it. */
static gboolean
print_reading (SrTranslator *model, const SrTranslatorSource *source, char message[SR_MESSAGE_SIZE])
{
  /* Steps beyond the model's position tables would be read without a place: refused, as are absurd sizes. */
  const SrTranslatorConfig *config = sr_translator_config (model);
  int most = source->source == SR_MODALITY_IMAGE ? config->image_columns * config->image_rows : config->max_positions;
  if (source->steps > most)
    {
      g_snprintf (message, SR_MESSAGE_SIZE, _("the source has %d steps; this model reads at most %d"), source->steps,
                  most);
      return FALSE;
    }
  SrTranslatorState *state = sr_translator_state_new (model, source->steps, source->limit, message);
  if (state == NULL)
    return FALSE;
  g_autofree int32_t *read = g_new (int32_t, source->limit);
  int count = sr_translator_encode (state, source->source, source->target, (const int32_t *) source->tokens->data,
                                    (const int32_t *) source->positions->data, source->steps)
                ? sr_translator_read (state, NULL, NULL, read, source->limit) : -1;
  if (count < 0)
    g_strlcpy (message, sr_translator_state_error (state), SR_MESSAGE_SIZE);
  sr_translator_state_free (state);
  if (count < 0)
    return FALSE;
  g_autoptr(GString) line = g_string_new (NULL);
  for (int i = 0; i < count; i++)
    g_string_append_printf (line, i ? " %d" : "%d", read[i]);
  g_print ("%s\n", line->str);
  return TRUE;
}

int
sr_cmd_translate (SrCliArgs *args)
{
  const char *model_path = sr_cli_args_positional (args, 0), *sources_path = sr_cli_args_positional (args, 1);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  if (!g_file_get_contents (sources_path, &contents, NULL, &error))
    return sr_cli_fail (sources_path, error->message);
  char message[SR_MESSAGE_SIZE] = "";
  SrBackend *backend = sr_backend_open (&args->device, message);
  if (backend == NULL)
    return sr_cli_fail ("translate", _("no compute backend could be opened"));
  SrTranslator *model = sr_translator_load (backend, model_path, message);
  if (model == NULL)
    {
      sr_backend_free (backend);
      return sr_cli_fail ("translate", message);
    }
  int status = SR_EXIT_OK;
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL && status == SR_EXIT_OK; i++)
    {
      if (g_strstrip (lines[i])[0] == '\0')
        continue;
      g_autoptr(GError) line_error = NULL;
      g_autoptr(SrTranslatorSource) source = sr_translator_source_from_json (lines[i], -1, &line_error);
      g_autofree char *where = g_strdup_printf ("%s:%u", sources_path, i + 1);
      if (source == NULL)
        status = sr_cli_fail (where, line_error->message);
      else if (!print_reading (model, source, message))
        status = sr_cli_fail (where, message);
    }
  sr_translator_free (model);
  sr_backend_free (backend);
  return status;
}
