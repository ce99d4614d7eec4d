#!/bin/sh
# Sightread's two entry points, as the README gives them:
#   ./setup.sh run    install what is missing, build, open the sample score in the workstation
#   ./setup.sh test   install what is missing, build, run the whole test suite (plain and sanitizer builds)
# Works as root or as a user with sudo, on a fresh Debian 12 machine.
set -eu
cd "$(dirname "$0")"
root=$(pwd)

# Everything the build, the tests and the first run need, from Debian 12. libjack-jackd2-dev is named so that
# libfluidsynth-dev's JACK dependency is met by JACK 2 (the headless playback tests use jackd2); otherwise apt picks
# JACK 1 and removes JACK 2's library.
PACKAGES="build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libgtk-4-dev libpoppler-glib-dev libjson-glib-dev libcairo2-dev libgdk-pixbuf-2.0-dev
  libxml2-dev libxml2-utils libzip-dev libtiff-dev
  librsvg2-common shared-mime-info adwaita-icon-theme fonts-dejavu-core fonts-noto-core libfontconfig-dev
  desktop-file-utils appstream
  xvfb xauth x11-apps dbus at-spi2-core python3 python3-numpy python3-mir-eval
  nodejs npm librsvg2-bin fluidsynth fluid-soundfont-gm timgm6mb-soundfont musescore-general-soundfont
  python3-pil python3-soundfile python3-scipy python3-torch python3-matplotlib libopenblas-dev
  libvulkan-dev mesa-vulkan-drivers glslc vulkan-tools libsndfile1-dev libsamplerate0-dev
  libjack-jackd2-dev libfluidsynth-dev portaudio19-dev jackd2 libasound2-plugins
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev"
# The data factory's engraver, pinned by train/data/package-lock.json.
NODE_PACKAGES="train/data"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

install_missing() {
  missing=""
  for package in $PACKAGES; do
    # A Node.js from elsewhere (NodeSource ships its own npm) conflicts with Debian's npm package: use it as it is.
    case $package in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing="$missing $package"
    fi
  done
  [ -z "$missing" ] && return 0

  say "Installing:$missing"
  if [ "$(id -u)" -eq 0 ]; then
    as_root=""
  elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
  else
    echo "setup.sh: these Debian packages are missing and installing them needs root or sudo:$missing" >&2
    exit 1
  fi
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
}

install_node_packages() {
  for folder in $NODE_PACKAGES; do
    # Again whenever the lock file changed since the last install (npm records that install in node_modules).
    if [ ! -f "$folder/node_modules/.package-lock.json" ] ||
       [ "$folder/package-lock.json" -nt "$folder/node_modules/.package-lock.json" ]; then
      say "Installing the npm packages of $folder"
      npm ci --prefix "$folder" --no-audit --no-fund --loglevel=error
    fi
  done
}

build() {
  directory=$1
  shift
  if [ ! -f "$directory/build.ninja" ]; then
    say "Configuring $directory $*"
    meson setup "$directory" "$@"
  fi
  say "Building $directory"
  ninja -C "$directory"
}

sample="$root/resources/samples/minuet-in-g.pdf"

run_window() {
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    say "Opening the sample score"
    exec meson devenv -C build sightread "$sample"
  fi

  # No screen here: show the window on a virtual one and keep a picture of it.
  shot="$root/build/first-run.png"
  say "No display found: running the window on a virtual display (Xvfb) for 10 s; screenshot in build/first-run.png"
  xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" sh -c '
    meson devenv -C build sightread "$1" &
    pid=$!
    sleep 10
    xwd -root -silent > build/first-run.xwd
    kill $pid; wait $pid 2>/dev/null || true' sh "$sample"
  python3 tools/xwd-to-png.py build/first-run.xwd "$shot"
  rm -f build/first-run.xwd
  echo "Screenshot: $shot"
}

summary() {
  python3 - "$@" <<'PY'
import json, sys
passed = failed = skipped = 0
for log in sys.argv[1:]:
    for line in open(log):
        result = json.loads(line)["result"]
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
PY
}

run_tests() {
  status=0
  say "Testing the release build"
  meson test -C build --print-errorlogs || status=1
  build build-sanitize -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
  say "Testing under AddressSanitizer and UndefinedBehaviorSanitizer"
  meson test -C build-sanitize --print-errorlogs || status=1
  summary build/meson-logs/testlog.json build-sanitize/meson-logs/testlog.json || status=1
  return $status
}

case "${1:-}" in
  run)
    install_missing
    build build
    run_window
    ;;
  test)
    install_missing
    install_node_packages
    build build
    run_tests
    ;;
  *)
    echo "usage: ./setup.sh run|test" >&2
    exit 2
    ;;
esac
