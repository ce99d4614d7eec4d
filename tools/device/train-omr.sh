# The I2A (OMR) run on the GPU machine, validated and exported by SER through sr-metric, from the shipped weights.
# The tokens travel as .gpu/tokens-*.tar (tar of ~/.cache/sightread/data/tokens/omr-<hash>/{train,validation}, each
# call carrying what fits beside the working tree; a call with UNPACK_ONLY=1 only unpacks into /tmp, which stays while
# the machine is warm). Carry .gpu/metric.tar.xz and the tars.
export PYTHONUNBUFFERED=1
mkdir -p /tmp/cache
for f in .gpu/tokens-*.tar; do [ -f "$f" ] && tar xf "$f" -C /tmp/cache; done
find /tmp/cache -name '*.npz' | awk -F/ '{print $(NF-1)}' | sort | uniq -c
[ "${UNPACK_ONLY:-0}" = 1 ] && exit 0
. tools/device/setup-there.sh
cp resources/models/i2a.safetensors /tmp/i2a.safetensors
timeout $((${TRAIN_SECONDS:-200} + 200)) python3 train/train_translator.py train --cache /tmp/cache \
  --sightread /tmp/sightread \
  --model /tmp/i2a.safetensors --latest /tmp/i2a-latest.safetensors --log "$OUT/i2a-gpu.log" --metric task \
  --time-limit "${TRAIN_SECONDS:-200}" --steps 1000000 --budget "${BUDGET:-12288}" --eval-every "${EVAL_EVERY:-1000}" \
  --validation-systems 128 --precision bf16 --seed "${SEED:-31}" 2>&1 | tail -5
if ! cmp -s resources/models/i2a.safetensors /tmp/i2a.safetensors; then
  split -b 15000000 /tmp/i2a.safetensors "$OUT/i2a.safetensors.part-"   # files come back at most 16 MiB each
  cp /tmp/i2a.golden.json "$OUT/"
fi
