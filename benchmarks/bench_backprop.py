"""Issue 2's figures: the CLI on 10,000 iterations, import cost, one slider change in notebook 02.

Issue 10 asks that `Network.train` (10,000 iterations of 2-2-2) stays under 0.3 s now that it runs
the same `backprop_step` as `Network.step`.

    .venv/bin/python benchmarks/bench_backprop.py
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time

CLI = [sys.executable, "-m", "nnlab", "backprop", "--layers", "2,2,2", "--x", "0.35,0.9",
       "--target", "0.5,0.1", "--iterations", "10000"]


def wall(cmd, repeats=5):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times)


def main():
    print("| what | median | best |")
    print("| --- | ---: | ---: |")
    for fmt in ("json", "text"):
        med, best = wall(CLI + ["--format", fmt])
        print(f"| `nnlab backprop --layers 2,2,2 --iterations 10000 --format {fmt}` (whole process) | "
              f"{med * 1000:.0f} ms | {best * 1000:.0f} ms |")
    med, best = wall([sys.executable, "-c", "pass"])
    print(f"| python startup alone | {med * 1000:.0f} ms | {best * 1000:.0f} ms |")
    med, best = wall([sys.executable, "-c", "import nnlab"])
    print(f"| `python -c 'import nnlab'` | {med * 1000:.0f} ms | {best * 1000:.0f} ms |")

    from nnlab.engine.network import Network

    net = Network.build("2,2,2")
    ts = []
    for _ in range(5):
        t = time.perf_counter()
        net.train([0.35, 0.9], [0.5, 0.1], 1.0, 10_000)
        ts.append(time.perf_counter() - t)
    print(f"| `Network.train`, 10,000 iterations of 2-2-2 (in process) | "
          f"{statistics.median(ts) * 1000:.0f} ms | {min(ts) * 1000:.0f} ms |")

    net = Network.build("2,2,1")
    ts = []
    for _ in range(200):
        t = time.perf_counter()
        net.step([0.35, 0.9], [0.5], 1.0)
        ts.append(time.perf_counter() - t)
    print(f"| `Network.step`, one traced step of 2-2-1 (in process), 200 steps | "
          f"{statistics.median(ts) * 1e6:.0f} µs | {min(ts) * 1e6:.0f} µs |")

    from nnlab.views.backprop_view import BackpropExplorer

    e = BackpropExplorer()
    ts = []
    values = [0.05 * k for k in range(-20, 21)]
    for v in values * 2:
        t = time.perf_counter()
        e.main.value = v
        ts.append(time.perf_counter() - t)
    ts.sort()
    print(f"| notebook 02: one slider change (recompute + redraw), {len(ts)} changes | "
          f"{statistics.median(ts) * 1000:.1f} ms | p95 {ts[int(0.95 * len(ts))] * 1000:.1f} ms |")
    e.close()


if __name__ == "__main__":
    main()
