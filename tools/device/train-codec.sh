# Codec runs side by side on the one GPU (small convolutions leave most of an H200 idle, so three cost about what one
# does), each stopped after TRAIN_SECONDS, validated on the packed clips and exported to $OUT when better than its
# start. Each argument is a run: a one-letter name, then train_codec.py's options. Carry .gpu/audio.npz
# (`train_codec.py pack`) and .gpu/codec-start.safetensors (the weights runs resume from). Without arguments: A and B
# resume, C starts from random weights, to tell a run stuck in its start's habits from one short of steps.
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=4
limit=${TRAIN_SECONDS:-420}
nvidia-smi --query-gpu=name,clocks.sm --format=csv,noheader
python=${PYTHON:-python3}   # there, the one python3 holds PyTorch; here (a dry run) /usr/bin/python3
$python -c 'import torch; print("torch", torch.__version__)'
run() {
  name=$1
  shift
  timeout $((limit + ${SLACK:-120})) $python train/train_codec.py train --pack .gpu/audio.npz \
    --model "$OUT/codec-$name.safetensors" --log "/tmp/codec-$name.log" --time-limit "$limit" --steps 1000000 \
    --eval-every "${EVAL_EVERY:-250}" "$@" \
    >"/tmp/codec-$name.out" 2>&1 &
}
[ $# -gt 0 ] || set -- "A --resume .gpu/codec-start.safetensors --batch 32 --lr 4e-4 --seed 401" \
  "B --resume .gpu/codec-start.safetensors --batch 64 --lr 8e-4 --seed 402" \
  "C --fresh --bypass-steps 300 --batch 32 --lr 4e-4 --seed 403"
for spec in "$@"; do
  run $spec
done
wait
extras=()
for spec in "$@"; do
  name=${spec%% *}
  grep -E "validation|exported" "/tmp/codec-$name.log" | tail -4
  tail -2 "/tmp/codec-$name.out"
  cp "/tmp/codec-$name.log" "/tmp/codec-$name.out" "$OUT/" 2>/dev/null
  extras+=("codec-$name.log" "codec-$name.out" "codec-$name.golden.json")
done
# At most 8 files come back: the weights apart, everything else in one tar.
(cd "$OUT" && tar cf extras.tar "${extras[@]}" 2>/dev/null; rm -f "${extras[@]}")
ls -la "$OUT"
