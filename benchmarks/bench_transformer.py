"""Benchmark of nnlab.engine.transformer (notebook 11): one forward pass against sequence length
for a GRU (T dependent steps) and for multi-head self-attention (a few batched products), in
nnlab (numpy) and, when installed, in torch (nn.GRU, nn.MultiheadAttention), single-threaded and
with two threads; the encoder block's forward + backward; the training runs of the notebook; the
attention-map explorer's slider change; optionally the notebook's headless execution.

    .venv/bin/python benchmarks/bench_transformer.py              # everything but the notebook
    .venv/bin/python benchmarks/bench_transformer.py --notebook   # also execute notebook 11 once

Timing: time.perf_counter, the best of repeats for the length sweep (the least disturbed by
other work on a shared machine), the median for the rest.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nnlab.core.blas import blas_threads  # noqa: E402
from nnlab.engine import transformer as TF  # noqa: E402
from nnlab.engine.transformer import parallel as P  # noqa: E402
from nnlab.engine.transformer import train as TT  # noqa: E402

LENGTHS = [16, 32, 64, 128, 256, 512, 1024]
WIDTH, BATCH = 64, 8


def median_ms(fn, repeats=30, warmup=3, cpu=False):
    """Median wall time of fn() in ms (cpu=True: also the median CPU time of this process)."""
    for _ in range(warmup):
        fn()
    times, cpus = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    wall = 1e3 * statistics.median(times)
    return (wall, 1e3 * statistics.median(cpus)) if cpu else wall


def torch_sweep(threads):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    gru = torch.nn.GRU(WIDTH, WIDTH, batch_first=True, dtype=torch.float64)
    mha = torch.nn.MultiheadAttention(WIDTH, 4, batch_first=True, dtype=torch.float64)
    out = {"gru": [], "attention": []}
    with torch.no_grad():
        for T in LENGTHS:
            x = torch.randn(BATCH, T, WIDTH, dtype=torch.float64)
            out["gru"].append(P.best_time(lambda: gru(x), 5))
            out["attention"].append(P.best_time(lambda: mha(x, x, x, need_weights=False), 5))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--notebook", action="store_true")
    args = ap.parse_args()
    print(f"forward pass, batch {BATCH}, width {WIDTH} (GRU hidden = input = {WIDTH}; attention "
          "4 heads), float64, best of 5, ms")
    runs = {"nnlab 1 thread": P.time_forward(LENGTHS, WIDTH, BATCH, repeat=5, threads=1),
            "nnlab 2 threads": P.time_forward(LENGTHS, WIDTH, BATCH, repeat=5, threads=2)}
    for threads in (1, 2):
        r = torch_sweep(threads)
        if r is not None:
            runs[f"torch {threads} thread{'s' if threads > 1 else ''}"] = r
    print("| T | " + " | ".join(f"{k}: GRU | {k}: attention" for k in runs) + " |")
    for i, T in enumerate(LENGTHS):
        cells = [f"{1e3 * r['gru'][i]:.2f} | {1e3 * r['attention'][i]:.2f}" for r in runs.values()]
        print(f"| {T} | " + " | ".join(cells) + " |")

    block = TF.EncoderBlock(64, 4, 256, rng=np.random.default_rng(0))
    x = np.random.default_rng(1).standard_normal((8, 64, 64))
    g = np.ones_like(x)
    with blas_threads(1):
        f_ms = median_ms(lambda: block.forward(x))
        fb_ms = median_ms(lambda: (block.forward(x), block.backward(g)))
    print(f"encoder block d_model 64, 4 heads, ff 256, batch 8 × T 64: forward {f_ms:.2f} ms, "
          f"forward + backward {fb_ms:.2f} ms")

    for name, fn in (("transformer (pointer task, 300 steps)", lambda: TT.pointer_transformer(0, True)),
                     ("transformer without PE", lambda: TT.pointer_transformer(0, False)),
                     ("GRU (pointer task, 300 steps)", lambda: TT.pointer_gru(0)),
                     ("bank reader (300 steps)", lambda: TT.trained_bank_reader(0))):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        print(f"training {name}: {time.perf_counter() - t0:.2f} s wall, "
              f"{time.process_time() - c0:.2f} s CPU")
    r = TT.compare_on_pointer(0)
    print("test accuracy:", {k: round(v, 3) for k, v in r["accuracy"].items()}, "parameters:", r["params"])

    from nnlab.views import transformer_view as TV

    e = TV.attention_factory()
    values = iter(list(range(9)) * 20)
    ms, c1 = median_ms(lambda: setattr(e.controls["query"], "value", next(values)), repeats=100,
                       cpu=True)
    e.close()
    p = TV.positional_factory()
    values = iter(list(range(32)) * 5)
    ms2, c2 = median_ms(lambda: setattr(p.controls["pos"], "value", next(values)), repeats=100,
                        cpu=True)
    p.close()
    print(f"slider change (wall / CPU): attention query (main) {ms:.1f} / {c1:.1f} ms, "
          f"positional encoding pos {ms2:.1f} / {c2:.1f} ms")

    if args.notebook:
        nb = ROOT / "notebooks" / "11_transformers.ipynb"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                        "--stdout", str(nb)], check=True, capture_output=True, timeout=600)
        print(f"notebook 11 headless (nbconvert --execute): {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
