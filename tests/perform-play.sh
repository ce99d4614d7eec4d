#!/bin/sh
# `sightread perform SCORE --play` on a sound card (run beside a dummy JACK server by with-jackd.sh), as TAP: the
# sound starts while later systems are still being read, and the file written holds the whole performance.
set -u
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "1..2"
"$SIGHTREAD" perform "$SIGHTREAD_SAMPLES/minuet-in-g.pdf" --device cpu --play -o "$out/minuet.wav" >"$out/stdout" 2>"$out/stderr"
status=$?
if [ $status -eq 0 ] && grep -q "playing the first systems while the rest is read" "$out/stderr"; then
  echo "ok 1 - playing starts while later systems are still being read"
else
  echo "not ok 1 - playing starts while later systems are still being read # exit $status: $(tr '\n' ' ' <"$out/stderr")"
fi
if grep -q "systems read, .* notes played" "$out/stdout" && [ -s "$out/minuet.wav" ]; then
  echo "ok 2 - the file holds the whole performance"
else
  echo "not ok 2 - the file holds the whole performance # $(cat "$out/stdout")"
fi
