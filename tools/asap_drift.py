"""Where a rendering of an ASAP score drifts from its score MIDI: reads the note dump of the asap-performance test
and prints each point from which the rendered notes sit at another offset from the reference (the mode of the
nearest same-pitch onset differences over the next 12 reference notes, in 48ths of a quarter).

  SIGHTREAD_SHARED=../shared SIGHTREAD_ASAP_DETAIL=Sonatas/24-1_no_repeat SIGHTREAD_ASAP_DUMP=/tmp/notes.tsv \\
      build/tests/test-asap-performance
  python3 tools/asap_drift.py /tmp/notes.tsv
"""
import bisect
import collections
import sys

WINDOW = 12


def main(path):
    reference, rendered = [], collections.defaultdict(list)
    for line in open(path):
        kind, *fields = line.rstrip("\n").split("\t")
        if kind == "piece":
            continue
        pitch, onset, _ = fields
        if kind == "reference":
            reference.append((float(onset), int(pitch)))
        else:
            rendered[int(pitch)].append(float(onset))
    for onsets in rendered.values():
        onsets.sort()
    reference.sort()
    offsets = []
    for onset, pitch in reference:
        candidates = rendered.get(pitch, [])
        i = bisect.bisect_left(candidates, onset)
        near = [candidates[j] - onset for j in (i - 1, i) if 0 <= j < len(candidates)]
        best = min(near, key=abs) if near else None
        offsets.append((onset, round(best * 48) / 48 if best is not None and abs(best) < 4 else None))
    current = None
    for i, (onset, _) in enumerate(offsets):
        window = [o for _, o in offsets[i:i + WINDOW] if o is not None]
        if not window:
            continue
        mode = collections.Counter(window).most_common(1)[0][0]
        if mode != current:
            print(f"from quarter {onset:9.3f}: rendered off by {mode:+.4f}")
            current = mode


if __name__ == "__main__":
    main(sys.argv[1])
