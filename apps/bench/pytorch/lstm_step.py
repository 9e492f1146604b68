"""PyTorch's time for the bench's `lstm-step` workload (apps/bench/src/workloads/lstm-step.ts), for comparison.

Run with Debian's PyTorch 1.13:

    /usr/bin/python3 apps/bench/pytorch/lstm_step.py            # 1 thread
    THREADS=2 /usr/bin/python3 apps/bench/pytorch/lstm_step.py  # both cores

Prints one line in the bench's format, `BENCH {"workload":"lstm-step","system":"pytorch",...}`, with the same
repetition policy as `pnpm bench` (warm up for ≥ 2 runs and ≥ 300 ms, then reps for ~2 s, 3 to 60).

The step: nn.LSTM(64, 128, batch_first=True) over a batch of 32 sequences of 32 steps, nn.Linear(128, 64) on
every step, MSE against a random target, backward, one Adam step (lr 1e-3). Inputs and initial weights are
seeded but not the bench's own values, so `check` (the first loss) is close to, not equal to, the bench's.

PyTorch's CPU speed here is OpenBLAS's. Debian's torch links whichever `libblas.so.3` the system provides:
with only the reference BLAS (package libblas3) it runs ~20× slower, so install `libopenblas0-pthread` (or put
its `openblas-pthread` folder on LD_LIBRARY_PATH for this command). Debian's OpenBLAS misdetects this
machine's CPU: the core type is forced to SkylakeX here, for this process only, before torch loads OpenBLAS
(overriding the machine-wide OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE meant for other programs), and its thread
count follows THREADS. The BENCH line names the BLAS and core that ran, and `blas_ok` says whether a product
checked against float64 came out right.
"""
import ctypes
import json
import os
import statistics
import time

THREADS = int(os.environ.get("THREADS", "1"))
os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"
os.environ.pop("OPENBLAS_L2_SIZE", None)
os.environ["OPENBLAS_NUM_THREADS"] = str(THREADS)
os.environ["OMP_NUM_THREADS"] = str(THREADS)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

B, T, I, H, O = 32, 32, 64, 128, 64
torch.set_num_threads(THREADS)


def blas_in_use():
    """Which BLAS library this process loaded, and OpenBLAS's core type if it is OpenBLAS."""
    with open("/proc/self/maps") as f:
        libs = sorted({line.split()[-1] for line in f if "blas" in line.rsplit("/", 1)[-1]})
    for lib in libs:
        if "openblas" in lib:
            fn = ctypes.CDLL(lib).openblas_get_corename
            fn.restype = ctypes.c_char_p
            return f"openblas {fn().decode()}"
    return "reference (no OpenBLAS: install libopenblas0-pthread)" if libs else "unknown"


def blas_ok():
    """A float32 product against float64: a misdetected core can compute wrong results."""
    g = torch.Generator().manual_seed(0)
    a = torch.randn(257, 300, generator=g)
    b = torch.randn(300, 129, generator=g)
    return bool(torch.allclose(a @ b, (a.double() @ b.double()).float(), rtol=1e-4, atol=1e-4))


torch.manual_seed(40)

lstm = nn.LSTM(I, H, batch_first=True)
head = nn.Linear(H, O)
x = torch.randn(B, T, I)
y = torch.randn(B, T, O)
opt = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=1e-3)


def step():
    out, _ = lstm(x)  # (B, T, H)
    loss = F.mse_loss(head(out), y)  # (B, T, O)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


def quantile(xs, q):
    s = sorted(xs)
    pos = (len(s) - 1) * q
    lo, hi = int(pos // 1), -int(-pos // 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def measure():
    """The bench's FULL_POLICY: warm-up ≥ 2 runs and ≥ 300 ms (≤ 2.5 s), then 3-60 reps aiming at 2 s."""
    check = None
    start = time.perf_counter()
    warmup = 0
    last = 0.0
    while warmup < 2 or (time.perf_counter() - start) * 1000 < 300:
        t0 = time.perf_counter()
        v = step()
        last = (time.perf_counter() - t0) * 1000
        if check is None:
            check = v
        warmup += 1
        if (time.perf_counter() - start) * 1000 >= 2500:
            break
    reps = max(3, min(60, int(2000 // last) if last > 0 else 60))
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    return times, warmup, check


times, warmup, check = measure()
forward_flops = 2 * B * T * (I + H) * 4 * H + 2 * B * T * H * O
median = statistics.median(times)
line = {
    "workload": "lstm-step",
    "system": "pytorch",
    "median_ms": float(f"{median:.4g}"),
    "gflops": float(f"{3 * forward_flops / (median * 1e6):.3g}"),
    "min_ms": float(f"{min(times):.4g}"),
    "p90_ms": float(f"{quantile(times, 0.9):.4g}"),
    "reps": len(times),
    "warmup": warmup,
    "check": float(f"{check:.6g}"),
    "threads": THREADS,
    "torch": torch.__version__,
    "blas": blas_in_use(),
    "blas_ok": blas_ok(),
}
print("BENCH " + json.dumps(line, separators=(",", ":")))
