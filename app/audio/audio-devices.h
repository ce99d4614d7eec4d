/* The sound system (PortAudio): opened once per process, its devices listed and chosen by name or number.
 * A machine without a sound card has no devices; that is a state to report, not an error to crash on. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SR_AUDIO_DEVICE_ENV "SIGHTREAD_AUDIO_DEVICE"

typedef struct {
  int index;           /* PortAudio's device number */
  char *name;
  char *host;          /* ALSA, JACK Audio Connection Kit, … */
  int input_channels;
  int output_channels;
  double default_rate;
  gboolean is_default_input;
  gboolean is_default_output;
} SrAudioDevice;

void sr_audio_device_free (SrAudioDevice *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrAudioDevice, sr_audio_device_free)

/* Initialises PortAudio (once; later calls count references) with the back ends' probing chatter kept off stderr. */
gboolean sr_audio_system_open (GError **error);
void sr_audio_system_close (void);

/* Every device, in PortAudio's order (SrAudioDevice *). The system must be open. */
GPtrArray *sr_audio_devices (void);
/* The device for output (or input), or G_IO_ERROR_NOT_FOUND: WANTED is a number from the list, a part of a name, or NULL for the
 * environment's SIGHTREAD_AUDIO_DEVICE, then the system's default, then the first that can. */
SrAudioDevice *sr_audio_device_choose (const char *wanted, gboolean for_input, GError **error);
/* WANTED samples per second if DEVICE takes that rate (JACK, say, runs at its server's only), else its own. */
int sr_audio_device_rate (const SrAudioDevice *device, gboolean for_input, int wanted);

G_END_DECLS
