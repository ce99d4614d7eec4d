/* See midi-tokens.h: the tokens as text. */
#include "midi-tokens.h"

#include <string.h>

/* Reads the header's segment length, if the header has a usable one. */
static void
parse_header (const char *line, double *segment_seconds)
{
  const char *field = strstr (line, "segment-seconds=");
  if (field != NULL)
    {
      double value = g_ascii_strtod (field + strlen ("segment-seconds="), NULL);
      if (value >= 0.01 && value <= SR_MIDI_TOKENS_SEGMENT_SECONDS)
        *segment_seconds = value;
    }
}

GPtrArray *
sr_midi_tokens_read_text (const SrMidiTokenConfig *config, const char *text, double *segment_seconds,
                          guint *n_unreadable)
{
  GPtrArray *segments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  *n_unreadable = 0;
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint l = 0; lines[l] != NULL; l++)
    {
      const char *line = lines[l];
      if (g_str_has_prefix (line, SR_MIDI_TOKENS_TEXT_HEADER))
        {
          parse_header (line, segment_seconds);
          continue;
        }
      if (line[0] == '#' || (line[0] == '\0' && lines[l + 1] == NULL))
        continue;
      GArray *tokens = g_array_new (FALSE, FALSE, sizeof (guint16));
      g_auto(GStrv) words = g_strsplit_set (line, " \t\r", -1);
      for (guint w = 0; words[w] != NULL; w++)
        {
          guint token;
          if (words[w][0] == '\0')
            continue;
          if (!sr_midi_token_parse (config, words[w], &token))
            {
              (*n_unreadable)++;
              token = sr_midi_token (config, SR_MIDI_TOKEN_UNK, 0);
            }
          guint16 value = (guint16) token;
          g_array_append_val (tokens, value);
        }
      g_ptr_array_add (segments, tokens);
    }
  return segments;
}
