"""Notebook 01's new explorers and computations (issue 14), timed in process:

- one change of each control of the perceptron explorer and of the line-fit explorer
  (recompute + redraw + PNG, what the kernel does when the browser sends a value): median, p95;
- the perceptron on the play-tennis table and on XOR; the two why-deep-learning comparisons.

    .venv/bin/python benchmarks/bench_perceptron.py [--changes 60]
"""
from __future__ import annotations

import argparse
import statistics
import time

from nnlab.engine import why_deep as D
from nnlab.engine.perceptron import table, train_perceptron
from nnlab.views.perceptron_view import LineFitExplorer, PerceptronExplorer


def change_times(explorer, name, values, n):
    control = explorer.controls[name]
    ts = []
    for k in range(n):
        v = values[k % len(values)]
        if control.value == v:
            v = values[(k + 1) % len(values)]
        t = time.perf_counter()
        control.value = v
        ts.append(time.perf_counter() - t)
    ts.sort()
    return statistics.median(ts) * 1e3, ts[int(0.95 * (len(ts) - 1))] * 1e3


def best_of(fn, repeat=5):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--changes", type=int, default=60)
    n = ap.parse_args().changes
    p = PerceptronExplorer()
    rows = [("perceptron: update (main)", change_times(p, "update", list(range(20)), n)),
            ("perceptron: data", change_times(p, "data", ["AND", "XOR", "OR", "play tennis"], n // 3)),
            ("perceptron: learning rate", change_times(p, "lr", [0.5, 1.0, 1.5, 2.0], n // 3))]
    p.close()
    line = LineFitExplorer()
    rows.append(("line fit: m (main)", change_times(line, "m", [1.0 + 0.05 * k for k in range(40)], n)))
    rows.append(("line fit: c", change_times(line, "c", [0.05 * k for k in range(40)], n)))
    line.close()
    print("| control | change median | change p95 |\n| --- | ---: | ---: |")
    for name, (med, p95) in rows:
        print(f"| {name} | {med:.1f} ms | {p95:.1f} ms |")
    print("\n| computation | best of 5 |\n| --- | ---: |")
    for name, data in (("play tennis", "play tennis"), ("XOR (stops at the cycle)", "XOR")):
        _, X, t = table(data)
        print(f"| perceptron on {name} | {best_of(lambda: train_perceptron(X, t)):.2f} ms |")
    print(f"| circle comparison (3 models, 100 epochs) | {best_of(D.circle_comparison, 3):.0f} ms |")
    print(f"| digits comparison (3 models, 20 epochs) | {best_of(D.digits_comparison, 3):.0f} ms |")


if __name__ == "__main__":
    main()
