# The tiled GEMM's variants on the GPU machine (built by gemm-variants.sh; carry .gpu/variants.tar.xz and .gl): each
# checked against the CPU backend and timed, twice in opposite orders (128-wide tiles at 4096³, 64-wide at 1024³ and
# 2048³, the sizes where each is chosen). Then, with VARIANTS_BENCH=NAME, that variant's kernel tests and benchmarks.
. tools/device/setup-there.sh
export LD_LIBRARY_PATH=/tmp/variants/use
nvidia-smi --query-gpu=name,clocks.max.sm,clocks.sm,power.limit --format=csv | tee "$OUT/gpu.txt"
for round in 1 2; do
  list=/tmp/variants/list
  [ $round = 2 ] && { tac /tmp/variants/list > /tmp/variants/list2; list=/tmp/variants/list2; }
  while read -r name kernel; do
    if [ "$kernel" = tiled128 ]; then sizes=4096; else sizes="1024 2048"; fi
    for size in $sizes; do timeout 60 /tmp/variants/gemm-$name "$name" "$kernel" "$size"; done
  done < $list
done 2>&1 | tee "$OUT/variants.txt"
if [ -n "${VARIANTS_BENCH:-}" ]; then
  timeout 150 /tmp/variants/backend-ops-$VARIANTS_BENCH --tap -p /backend-ops/vulkan > "$OUT/backend-ops.txt" 2>&1
  echo "backend-ops-$VARIANTS_BENCH exit $?" >> "$OUT/backend-ops.txt"
  grep -E "^(ok|not ok)|exit" "$OUT/backend-ops.txt"
  timeout 120 /tmp/variants/bench-$VARIANTS_BENCH gemm gemm-large attention norm 2>&1 | grep -v " cpu " |
    tee "$OUT/bench.txt"
fi
