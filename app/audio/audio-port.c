/* One way to open a PortAudio stream for both directions, with one cleanup on every failure. */
#include "audio-port.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

PaStream *
sr_audio_port_open (const SrAudioDevice *device, gboolean for_input, int rate, int max_channels,
                    unsigned long frames_per_buffer, PaStreamCallback *callback, void *data, int *channels,
                    GError **error)
{
  if (!sr_audio_system_open (error))
    return NULL;
  const PaDeviceInfo *info = Pa_GetDeviceInfo (device->index);
  PaStreamParameters parameters = {
    .device = device->index,
    .channelCount = 1,
    .sampleFormat = paFloat32,
    .suggestedLatency = for_input ? info->defaultLowInputLatency : info->defaultLowOutputLatency,
  };
  PaStreamParameters *input = for_input ? &parameters : NULL, *output = for_input ? NULL : &parameters;
  /* Some devices (JACK ports, some ALSA hardware) take no mono stream. */
  int device_channels = for_input ? device->input_channels : device->output_channels;
  if (Pa_IsFormatSupported (input, output, rate) != paFormatIsSupported && device_channels > 1)
    parameters.channelCount = MIN (device_channels, max_channels);
  PaStream *stream = NULL;
  PaError result = Pa_OpenStream (&stream, input, output, rate,
                                  frames_per_buffer > 0 ? frames_per_buffer : paFramesPerBufferUnspecified, paClipOff,
                                  callback, data);
  if (result == paNoError)
    result = Pa_StartStream (stream);
  if (result != paNoError)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   for_input ? _("cannot record from “%s” at %d Hz: %s") : _("cannot play on “%s” at %d Hz: %s"),
                   device->name, rate, Pa_GetErrorText (result));
      if (stream != NULL)
        Pa_CloseStream (stream);
      sr_audio_system_close ();
      return NULL;
    }
  *channels = parameters.channelCount;
  return stream;
}

void
sr_audio_port_close (PaStream *stream)
{
  if (stream == NULL)
    return;
  Pa_StopStream (stream);
  Pa_CloseStream (stream);
  sr_audio_system_close ();
}
