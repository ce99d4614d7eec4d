/* PortAudio's set-up and device list. Its ALSA and JACK back ends print pages of probing messages to stderr on a
 * machine without a sound card or a JACK server; they say nothing a user can act on, so they go to /dev/null unless
 * SIGHTREAD_DEBUG_AUDIO is set. */
#include "audio-devices.h"

#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <portaudio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static GMutex system_lock;
static int system_users;

void
sr_audio_device_free (SrAudioDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->host);
  g_free (device);
}

static PaError
initialise_quietly (void)
{
  if (g_getenv ("SIGHTREAD_DEBUG_AUDIO") != NULL)
    return Pa_Initialize ();
  fflush (stderr);
  int saved = dup (STDERR_FILENO);
  int null = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  if (saved < 0 || null < 0)
    {
      if (saved >= 0)
        close (saved);
      if (null >= 0)
        close (null);
      return Pa_Initialize ();
    }
  dup2 (null, STDERR_FILENO);
  close (null);
  PaError result = Pa_Initialize ();
  fflush (stderr);
  dup2 (saved, STDERR_FILENO);
  close (saved);
  return result;
}

gboolean
sr_audio_system_open (GError **error)
{
  g_mutex_lock (&system_lock);
  PaError result = system_users > 0 ? paNoError : initialise_quietly ();
  if (result == paNoError)
    system_users++;
  g_mutex_unlock (&system_lock);
  if (result != paNoError)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the sound system did not start: %s"),
                   Pa_GetErrorText (result));
      return FALSE;
    }
  return TRUE;
}

void
sr_audio_system_close (void)
{
  g_mutex_lock (&system_lock);
  if (system_users > 0 && --system_users == 0)
    Pa_Terminate ();
  g_mutex_unlock (&system_lock);
}

static SrAudioDevice *
describe (PaDeviceIndex index)
{
  const PaDeviceInfo *info = Pa_GetDeviceInfo (index);
  if (info == NULL)
    return NULL;
  const PaHostApiInfo *host = Pa_GetHostApiInfo (info->hostApi);
  SrAudioDevice *device = g_new0 (SrAudioDevice, 1);
  device->index = index;
  device->name = g_strdup (info->name);
  device->host = g_strdup (host != NULL ? host->name : "");
  device->input_channels = info->maxInputChannels;
  device->output_channels = info->maxOutputChannels;
  device->default_rate = info->defaultSampleRate;
  device->is_default_input = index == Pa_GetDefaultInputDevice ();
  device->is_default_output = index == Pa_GetDefaultOutputDevice ();
  return device;
}

GPtrArray *
sr_audio_devices (void)
{
  GPtrArray *devices = g_ptr_array_new_with_free_func ((GDestroyNotify) sr_audio_device_free);
  int count = Pa_GetDeviceCount ();
  for (int i = 0; i < count; i++)
    {
      SrAudioDevice *device = describe (i);
      if (device != NULL)
        g_ptr_array_add (devices, device);
    }
  return devices;
}

static int
channels (const SrAudioDevice *device, gboolean for_input)
{
  return for_input ? device->input_channels : device->output_channels;
}

SrAudioDevice *
sr_audio_device_choose (const char *wanted, gboolean for_input, GError **error)
{
  if (wanted == NULL || *wanted == '\0')
    wanted = g_getenv (SR_AUDIO_DEVICE_ENV);
  g_autoptr(GPtrArray) devices = sr_audio_devices ();
  SrAudioDevice *chosen = NULL;
  if (wanted != NULL && *wanted != '\0')
    {
      char *end = NULL;
      gint64 number = g_ascii_strtoll (wanted, &end, 10);
      gboolean is_number = end != wanted && *end == '\0';
      for (guint i = 0; i < devices->len && chosen == NULL; i++)
        {
          SrAudioDevice *device = devices->pdata[i];
          if (channels (device, for_input) > 0
              && (is_number ? device->index == number : strstr (device->name, wanted) != NULL))
            chosen = device;
        }
      if (chosen == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       for_input ? _("no audio input device matches “%s” (`sightread devices` lists them)")
                                 : _("no audio output device matches “%s” (`sightread devices` lists them)"), wanted);
          return NULL;
        }
    }
  for (guint i = 0; i < devices->len && chosen == NULL; i++)
    {
      SrAudioDevice *device = devices->pdata[i];
      if ((for_input ? device->is_default_input : device->is_default_output) && channels (device, for_input) > 0)
        chosen = device;
    }
  for (guint i = 0; i < devices->len && chosen == NULL; i++)
    if (channels (devices->pdata[i], for_input) > 0)
      chosen = devices->pdata[i];
  if (chosen == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   for_input ? _("no audio input device (no sound card, or none the sound system can open)")
                             : _("no audio output device (no sound card, or none the sound system can open); "
                                 "sound can still be written to files"));
      return NULL;
    }
  guint position = 0;
  g_ptr_array_find (devices, chosen, &position);
  return g_ptr_array_steal_index (devices, position);
}

int
sr_audio_device_rate (const SrAudioDevice *device, gboolean for_input, int wanted)
{
  PaStreamParameters parameters = {
    .device = device->index,
    .channelCount = 1,
    .sampleFormat = paFloat32,
  };
  for (int channels = 1; channels <= 2; channels++)
    {
      parameters.channelCount = channels;
      if (Pa_IsFormatSupported (for_input ? &parameters : NULL, for_input ? NULL : &parameters, wanted)
          == paFormatIsSupported)
        return wanted;
    }
  return (int) device->default_rate;
}
