/* The notes a command reads: a MIDI file's, or a JSON note list's (a path ending in .json, as `midi notes --json`
 * writes it, or as a transcriber made elsewhere writes it). */
#include <glib/gi18n.h>

#include "cli-commands.h"
#include "note-list-json.h"

GArray *
sr_cli_read_notes (const char *path, SrMidiNotesFlags flags, int *status)
{
  g_autoptr(GError) error = NULL;
  if (g_str_has_suffix (path, ".json"))
    {
      g_autofree char *text = NULL;
      gsize length = 0;
      GArray *notes = NULL;
      if (g_file_get_contents (path, &text, &length, &error))
        notes = sr_note_list_from_json (text, (gssize) length, &error);
      *status = notes != NULL ? SR_EXIT_OK : sr_cli_fail (path, error->message);
      return notes;
    }
  g_autoptr(SrMidiFile) file = sr_midi_file_read (path, &error);
  if (file == NULL)
    {
      *status = sr_cli_fail (path, error->message);
      return NULL;
    }
  for (guint i = 0; i < file->warnings->len; i++)
    g_printerr (_("sightread: %s: note: %s\n"), path, (const char *) file->warnings->pdata[i]);
  *status = SR_EXIT_OK;
  return sr_midi_file_get_notes (file, flags);
}
