"""Issue 16's figures: what the command line's limits allow at most, and what it costs.

The limits (nnlab/engine/network.py, nnlab/engine/symbolic.py) are set from two costs measured
here: the time of one `Network.train` iteration per layer and per weight (so that the largest run
allowed takes about 30 s), and the time and output size of the text format by the number of
weights and biases. Then each largest case the limits allow is run through the real command.

    .venv/bin/python benchmarks/bench_limits.py          # about 2 minutes on a quiet machine
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from nnlab.engine.network import Network


def per_iteration(layers: str, n: int = 2000) -> float:
    net = Network.build(layers)
    x, t = [0.1] * net.layers[0], [0.5] * net.layers[-1]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        net.train(x, t, 0.01, n)
        best = min(best, time.perf_counter() - start)
    return best / n


def command(args: list[str]) -> tuple[float, int, float]:
    """(wall seconds, bytes written, peak MB of the child) of one `nnlab backprop` run."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "nnlab", "backprop", *args], stdout=out,
                                 stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"nnlab backprop {' '.join(args)[:80]}: exit {child.returncode}")
        size = out.seek(0, os.SEEK_END)
    return wall, size, usage.ru_maxrss / 1024


def main():
    print("| network | µs per iteration | layers | weights |")
    print("| --- | ---: | ---: | ---: |")
    for layers in ("2,2,1", "2,64,1", "2,64,64,1", ",".join(["2"] * 16)):
        net = Network.build(layers)
        w = sum(a * b for a, b in zip(net.layers, net.layers[1:]))
        print(f"| {layers if len(layers) < 20 else '16 × 2'} | {per_iteration(layers) * 1e6:.1f} | "
              f"{len(net.layers) - 1} | {w} |")
    ones = lambda n: ",".join(["0.1"] * n)   # noqa: E731
    cases = [
        ("2-2-1, --iterations 666000 (its limit), json", ["--x", "0.35,0.9", "--target", "0.5",
                                                          "--iterations", "666000", "--format", "json"]),
        ("2-2-1, --iterations 666000, text", ["--x", "0.35,0.9", "--target", "0.5", "--iterations",
                                              "666000"]),
        ("2-30-30-1 (990 weights), text", ["--layers", "2,30,30,1", "--x", "1,1", "--target", "1"]),
        ("16 × 64, one step, json", ["--layers", ",".join(["64"] * 16), "--x", ones(64), "--target",
                                     ones(64), "--lr", "0.01", "--format", "json"]),
    ]
    print()
    print("| largest case allowed | wall | output | peak memory |")
    print("| --- | ---: | ---: | ---: |")
    for name, args in cases:
        wall, size, peak = command(args)
        print(f"| {name} | {wall:.1f} s | {size / 1e6:.1f} MB | {peak:.0f} MB |")


if __name__ == "__main__":
    main()
