# The A2I (transcription) runs on the GPU machine: one training, or several side by side (AMT_RUNS), each validated and
# exported by onset F1 through sr-metric, from random weights or from A2I_START (weights carried in the tree, the
# shipped resources/models/a2i.safetensors, say). The best run's weights come back split in parts (files come back at
# most 16 MiB each), with every run's log. Carry .gpu/metric.tar.xz, .gl and .gpu/amt-tokens.tar (a tar of
# ~/.cache/sightread/data/tokens/amt-w5.12s-<codec hash>/{train,validation}, made here by `tokenize --task amt`).
# When the tokens and the starting weights do not fit one call's 64 MiB together, a first call with UNPACK_ONLY=1
# carries the tar and only unpacks it into /tmp (kept while the machine stays warm); the next call, made at once,
# carries the weights and finds the tokens there.
# Timing: about a minute of setup (unpacking, loading the pairs), TRAIN_SECONDS of training, then a last validation
# and export; each run is stopped TRAIN_SECONDS + 90 s after it starts, so TRAIN_SECONDS = 420 fits a 600-s call
# with the best weights picked and split before the call's limit (at 480 the first call ran out 10 s short).
export PYTHONUNBUFFERED=1
mkdir -p /tmp/cache
[ -f .gpu/amt-tokens.tar ] && tar xf .gpu/amt-tokens.tar -C /tmp/cache
find /tmp/cache -name '*.npz' | awk -F/ '{print $(NF-1)}' | sort | uniq -c
[ "${UNPACK_ONLY:-0}" = 1 ] && exit 0
. tools/device/setup-there.sh
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
seconds=${TRAIN_SECONDS:-420}
run () {
  name=$1
  shift
  mkdir -p "/tmp/amt-runs/$name"
  [ -n "${A2I_START:-}" ] && cp "$A2I_START" "/tmp/amt-runs/$name/a2i.safetensors"
  timeout $((seconds + 90)) python3 train/train_translator.py train --task amt --cache /tmp/cache \
    --sightread /tmp/sightread --model "/tmp/amt-runs/$name/a2i.safetensors" \
    --latest "/tmp/amt-runs/$name/a2i-latest.safetensors" --log "$OUT/$name.log" \
    --time-limit "$seconds" --steps 1000000 --precision bf16 --hold-out FluidR3_GM --validation-systems 64 \
    "$@" < /dev/null > "/tmp/amt-runs/$name/out.txt" 2>&1
  echo "run $name exit $?"
  tail -3 "/tmp/amt-runs/$name/out.txt"
}
# One line a run: NAME then its training options (AMT_RUNS replaces them). By default one run, with guided attention,
# on the schedule that took the shipped weights from step 2 400 to 3 424: alone it made 0.10 s a step, where three side
# by side made 0.3-0.55 s each (2026-11-27), so a lent GPU's few minutes go to one run.
while read -r name options; do
  [ -n "$name" ] && run "$name" $options &
done <<RUNS
${AMT_RUNS:-A --budget 49152 --lr 1.5e-3 --warmup 200 --eval-every 1000 --seed 141 --guide 1}
RUNS
wait
# The run whose exported weights score best (their metadata hold the mean validation onset F1) comes back.
best=$(python3 - <<'PY'
import glob, json, struct
scores = []
for path in glob.glob("/tmp/amt-runs/*/a2i.safetensors"):
    with open(path, "rb") as file:
        header = json.loads(file.read(struct.unpack("<Q", file.read(8))[0]))
    scores.append((float(header["__metadata__"].get("sightread.amt_onset_f1", -1)), path))
    print(path, scores[-1][0], header["__metadata__"].get("sightread.steps"), file=__import__("sys").stderr)
print(max(scores)[1] if scores else "")
PY
)
if [ -n "$best" ]; then
  echo "best: $best"
  split -b 15000000 "$best" "$OUT/a2i.safetensors.part-"
  cp "${best%.safetensors}.golden.json" "$OUT/a2i.golden.json"
fi
