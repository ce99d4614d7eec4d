#!/bin/sh
# Builds tools/device/gemm-variants.c once per variant of the tiled GEMM (the list below: which kernel it replaces,
# glslc's defines, its optimisation flag, and its source, default shaders/gemm_tiled.comp; "HEAD" is the committed
# one), each linked against its own SPIR-V in place of the library's, and packs them with the libraries they load into
# .gpu/variants.tar.xz. With VARIANTS_FULL=1 each also gets the kernel tests (backend-ops-NAME) and the benchmarks
# (bench-NAME) built with it (the pack then no longer fits beside kernels.tar.xz). There: tools/device/variants.sh
# (carry .gpu/variants.tar.xz and .gl). Here, `VARIANTS_HERE=1` also runs each on this machine's Vulkan device
# (lavapipe: correctness only, small size). Run from the repository root after a build (default folder: build).
set -eu
build=${1:-build}
ninja -C "$build" compute/libsr-compute.a tests/test-backend-ops
work=$(mktemp -d)
mkdir -p "$work/out/lib"
git show HEAD:shaders/gemm_tiled.comp > "$work/HEAD.comp"
flags="-O2 -Icompute -I$build/compute $(pkg-config --cflags glib-2.0 json-glib-1.0)
  -I/usr/include/x86_64-linux-gnu/openblas-pthread/"
libs="$build/compute/libsr-compute.a $(pkg-config --libs vulkan glib-2.0 json-glib-1.0) -lopenblas -lm -lpthread"
while IFS='|' read -r name kernel defines optimise source; do
  [ -n "$name" ] || continue
  mkdir -p "$work/$name"
  case "$source" in HEAD) source="$work/HEAD.comp" ;; '') source=shaders/gemm_tiled.comp ;; esac
  depth=$(echo "$defines" | sed -n 's/.*-DDEPTH=\([0-9]*\).*/\1/p')
  case "$kernel" in
    tiled128) spv=gemm_tiled tile=128 ;;
    tiled64) spv=gemm_tiled64 tile=64 ;;
  esac
  cp "$build"/shaders/*.spv.inc "$work/$name/"
  glslc --target-env=vulkan1.1 ${optimise:--O} -mfmt=c -Ishaders $defines "$source" -o "$work/$name/$spv.spv.inc"
  sed "s/TILED_KERNEL (\(SR_KERNEL_GEMM_TILED[0-9]*\), $spv, $tile, [0-9]*)/TILED_KERNEL (\1, $spv, $tile, $depth)/" \
    compute/vulkan-kernels.c > "$work/$name/vulkan-kernels.c"
  cc $flags -I"$work/$name" -c "$work/$name/vulkan-kernels.c" -o "$work/$name/vulkan-kernels.o"
  cc $flags -o "$work/out/gemm-$name" tools/device/gemm-variants.c "$work/$name/vulkan-kernels.o" $libs
  if [ "${VARIANTS_FULL:-0}" = 1 ]; then
    cc -o "$work/out/backend-ops-$name" "$build"/tests/test-backend-ops.p/*.o "$work/$name/vulkan-kernels.o" $libs
    cc $flags -o "$work/out/bench-$name" tools/device/device-bench.c "$work/$name/vulkan-kernels.o" $libs
  fi
  echo "$name $kernel" >> "$work/out/list"
  if [ "${VARIANTS_HERE:-0}" = 1 ]; then "$work/out/gemm-$name" "$name" "$kernel" 256 || true; fi
done <<'LIST'
head128|tiled128|-DTILE=128 -DDEPTH=16||HEAD
one128|tiled128|-DTILE=128 -DDEPTH=16
head64|tiled64|-DTILE=64 -DDEPTH=16||HEAD
one64|tiled64|-DTILE=64 -DDEPTH=16
LIST
for program in "$work/out"/*-*; do
  ldd "$program" | awk '/=> \// { print $3 }' | grep -v -E '/(libc|libm|libpthread|libdl|librt)\.so' |
    while read -r library; do cp -L "$library" "$work/out/lib/"; done
done
mkdir -p .gpu
tar cJf .gpu/variants.tar.xz -C "$work/out" .
rm -rf "$work"
ls -la .gpu/variants.tar.xz
