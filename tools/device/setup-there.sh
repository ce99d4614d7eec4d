# Sourced on the GPU machine at the start of a device command: the Vulkan loader and glvnd from .gl/, the packed
# harnesses from .gpu/ under /tmp (only the libraries the machine lacks linked in), NVIDIA's Vulkan driver named.
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
for pack in kernels metric variants; do
  [ -f ".gpu/$pack.tar.xz" ] || continue
  mkdir -p "/tmp/$pack/use" && tar xJf ".gpu/$pack.tar.xz" -C "/tmp/$pack"
  for lib in "/tmp/$pack"/lib/*; do
    name=$(basename "$lib")
    ldconfig -p | grep -qF "$name (" || ln -sf "$lib" "/tmp/$pack/use/"
  done
done
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
# sr-metric as the training script calls the sightread program
printf '#!/bin/sh\nLD_LIBRARY_PATH=/tmp/metric/use exec /tmp/metric/sr-metric "$@"\n' > /tmp/sightread
chmod +x /tmp/sightread
