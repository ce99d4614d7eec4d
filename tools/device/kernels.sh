# The compute kernels on the GPU machine: the differential tests, the benchmarks beside OpenBLAS, the tiled GEMM's
# sweep of shapes, and cuBLAS fp32 (TF32 off) as the card's yardstick. Carry .gpu/kernels.tar.xz and .gl.
. tools/device/setup-there.sh
export LD_LIBRARY_PATH=/tmp/kernels/use
nvidia-smi --query-gpu=name,clocks.max.sm,memory.total --format=csv | tee "$OUT/gpu.txt"
timeout 90 /tmp/kernels/test-backend-ops --verbose > "$OUT/vulkan-tests.txt" 2>&1
echo "test-backend-ops exit $?" >> "$OUT/vulkan-tests.txt"
grep -E "^(ok|not ok)|ERROR|exit" "$OUT/vulkan-tests.txt"
timeout 120 /tmp/kernels/device-bench gemm gemm-large attention norm translator > "$OUT/bench.txt" 2>&1
grep -v " cpu " "$OUT/bench.txt"
timeout 60 /tmp/kernels/gemm-sweep | tee "$OUT/sweep.txt"
python3 - <<'PY' 2>&1 | tee "$OUT/cublas-fp32.txt"
import torch
torch.backends.cuda.matmul.allow_tf32 = False
n = 4096
a, b = torch.randn(n, n, device="cuda"), torch.randn(n, n, device="cuda")
for _ in range(3): a @ b
torch.cuda.synchronize()
times = []
for _ in range(20):
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    s.record(); a @ b; e.record(); torch.cuda.synchronize(); times.append(s.elapsed_time(e))
ms = sorted(times)[10]
print(f"cuBLAS fp32 {n}^3: {ms:.3f} ms, {2 * n**3 / ms / 1e9:.1f} TFLOP/s on {torch.cuda.get_device_name()}")
PY
