#!/bin/sh
# Runs a command beside a private JACK server on the dummy driver: a sound card paced in real time, for machines that
# have none (ENVIRONMENT.md). The server's name is private to this run, so parallel tests do not meet.
set -eu
export JACK_DEFAULT_SERVER="sightread-test-$$"
export JACK_NO_AUDIO_RESERVATION=1
command -v jackd >/dev/null || { echo "with-jackd.sh: jackd is missing (Debian package jackd2; ./setup.sh installs it)" >&2; exit 1; }
log=$(mktemp)
jackd --no-realtime -d dummy -r 44100 -p 256 >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT INT TERM
if ! jack_wait --wait --timeout 20 >/dev/null 2>&1; then
  echo "with-jackd.sh: the JACK server did not start:" >&2
  cat "$log" >&2
  exit 1
fi
status=0
"$@" || status=$?
exit $status
