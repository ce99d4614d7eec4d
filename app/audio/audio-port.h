/* PortAudio streams as playback and recording open them: mono when the device takes it, else as many channels as it
 * has up to MAX_CHANNELS (the callback copies or mixes); float samples; started at once. Private to app/audio. */
#pragma once

#include <glib.h>
#include <portaudio.h>

#include "audio-devices.h"

G_BEGIN_DECLS

/* The started stream, or NULL with an error naming the device. Holds a reference on the sound system. */
PaStream *sr_audio_port_open (const SrAudioDevice *device, gboolean for_input, int rate, int max_channels,
                              unsigned long frames_per_buffer, PaStreamCallback *callback, void *data, int *channels,
                              GError **error);
/* Stops (the callback has returned for the last time after this), closes and lets go of the sound system. */
void sr_audio_port_close (PaStream *stream);

G_END_DECLS
