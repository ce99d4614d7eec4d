#!/bin/sh
# Builds the device harnesses against a build folder (default: build) and packs them, with the shared libraries a bare
# GPU machine lacks, into .gpu/ (ignored by git; the device tool carries it): kernels.tar.xz (test-backend-ops,
# device-bench, gemm-sweep) and metric.tar.xz (sr-metric). Also fetches the Debian packages of the Vulkan loader and
# glvnd into .gl/ (the NVIDIA driver there needs them). Run from the repository root.
set -eu
build=${1:-build}
ninja -C "$build" tests/test-backend-ops compute/libsr-compute.a app/libsr-app.a
work=$(mktemp -d)
compute_libs="$build/compute/libsr-compute.a $(pkg-config --libs vulkan glib-2.0 json-glib-1.0)
  -lopenblas -lm -lpthread"
glib_flags=$(pkg-config --cflags glib-2.0)
mkdir -p "$work/kernels/lib" "$work/metric/lib"
cc -O2 -o "$work/kernels/device-bench" tools/device/device-bench.c -Icompute -I"$build/compute" $glib_flags \
  $compute_libs
cc -O2 -o "$work/kernels/gemm-sweep" tools/device/gemm-sweep.c -Icompute -I"$build/compute" $glib_flags $compute_libs
cp "$build/tests/test-backend-ops" "$work/kernels/"
cc -O2 -o "$work/metric/sr-metric" tools/device/sr-metric.c -Iapp/notation -Iapp/eval -Iapp/midi -Iapp/tokens \
  -I"$build/app" -I"$build" \
  $glib_flags "$build/app/libsr-app.a" $(pkg-config --libs gio-2.0) -lm
# Every library the programs load but the C library itself; the scripts there link only the ones it lacks.
for pack in kernels metric; do
  for program in "$work/$pack"/*; do
    [ -f "$program" ] || continue
    ldd "$program" | awk '/=> \// { print $3 }' | grep -v -E '/(libc|libm|libpthread|libdl|librt)\.so' |
      while read -r library; do cp -L "$library" "$work/$pack/lib/"; done
  done
done
mkdir -p .gpu .gl
tar cJf .gpu/kernels.tar.xz -C "$work/kernels" .
tar cJf .gpu/metric.tar.xz -C "$work/metric" .
(cd .gl && apt-get download libvulkan1 libglvnd0 libegl1 libgl1 libgles2 libglx0 libopengl0 >/dev/null)
rm -rf "$work"
ls -la .gpu .gl
