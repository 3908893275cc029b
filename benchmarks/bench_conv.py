"""Benchmark: nnlab.engine.conv forward + backward beside torch.nn.functional, and notebook 06's slider.

    python benchmarks/bench_conv.py [--repeats 30]

Cases (float64 for nnlab; torch in float64 and float32, same machine, same run):
- conv2d on a 64×1×28×28 batch with 8 filters 3×3 (padding 1): forward, and forward + backward
  (gradients w.r.t. input, weight and bias);
- 2×2 max pooling of a 64×8×28×28 batch: forward, and forward + backward.
nnlab runs with one BLAS thread (as nnlab.engine.cnn trains); torch with its default threads and with one.
Also the median time of a slider change (recompute + redraw) of the main explorers of notebooks
06 and 07.
Timing: time.perf_counter, median of the repeats after one warm-up call; the columns take turns in
5 rounds, so a busy machine slows all columns alike.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from nnlab.core.blas import blas_threads  # noqa: E402
from nnlab.engine import conv as C  # noqa: E402


def nnlab_cases(x, w, b, g_conv, xp, g_pool):
    def conv_fwd():
        C.conv2d(x, w, b, 1, 1)

    def conv_both():
        C.conv2d(x, w, b, 1, 1)
        C.conv2d_backward(x, w, g_conv, b, 1, 1)

    def pool_fwd():
        C.max_pool2d(xp, 2)

    def pool_both():
        C.max_pool2d(xp, 2)
        C.max_pool2d_backward(xp, g_pool, 2)

    return {"conv2d forward": conv_fwd, "conv2d forward+backward": conv_both,
            "max_pool2d forward": pool_fwd, "max_pool2d forward+backward": pool_both}


def torch_cases(torch, dtype, x, w, b, g_conv, xp, g_pool):
    F = torch.nn.functional
    xt = torch.tensor(x, dtype=dtype, requires_grad=True)
    wt = torch.tensor(w, dtype=dtype, requires_grad=True)
    bt = torch.tensor(b, dtype=dtype, requires_grad=True)
    gc = torch.tensor(g_conv, dtype=dtype)
    xpt = torch.tensor(xp, dtype=dtype, requires_grad=True)
    gp = torch.tensor(g_pool, dtype=dtype)

    def conv_fwd():
        with torch.no_grad():
            F.conv2d(xt, wt, bt, 1, 1)

    def conv_both():
        out = F.conv2d(xt, wt, bt, 1, 1)
        torch.autograd.grad(out, (xt, wt, bt), gc)

    def pool_fwd():
        with torch.no_grad():
            F.max_pool2d(xpt, 2)

    def pool_both():
        out = F.max_pool2d(xpt, 2)
        torch.autograd.grad(out, (xpt,), gp)

    return {"conv2d forward": conv_fwd, "conv2d forward+backward": conv_both,
            "max_pool2d forward": pool_fwd, "max_pool2d forward+backward": pool_both}


def slider_ms(explorer, values):
    times = []
    for v in values:
        t0 = time.perf_counter()
        explorer.main.value = v
        times.append(time.perf_counter() - t0)
    explorer.close()
    return 1e3 * statistics.median(times)


def sliders(repeats):
    from nnlab.engine.cnn import CNN, load_digits
    from nnlab.views.cnn_view import FeatureMapExplorer, PoolingExplorer
    from nnlab.views.conv_view import ConvExplorer

    x, y = load_digits()
    maps = FeatureMapExplorer(CNN(conv_channels=(16,), seed=0), x[:450], y[:450])
    return {"06 ConvExplorer (kernel centre w22)":
            slider_ms(ConvExplorer(), [round(v, 2) for v in np.linspace(-2, 2, repeats)]),
            "07 PoolingExplorer (kernel size)":
            slider_ms(PoolingExplorer(), [1 + i % 4 for i in range(repeats)]),
            "07 FeatureMapExplorer (test digit; 16 filters, untrained)":
            slider_ms(maps, [1 + i for i in range(repeats)])}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=30)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 1, 28, 28))
    w = rng.normal(size=(8, 1, 3, 3))
    b = rng.normal(size=8)
    g_conv = rng.normal(size=(64, 8, 28, 28))
    xp = rng.normal(size=(64, 8, 28, 28))
    g_pool = rng.normal(size=(64, 8, 14, 14))

    # the columns are timed in turn, in 5 rounds of repeats/5 calls each, so that the load of a
    # shared machine falls on all columns alike (calls are not interleaved one by one: torch's
    # OpenMP workers keep spinning for a while after a multi-threaded call and would slow the
    # next column's call)
    impls = []   # (column, set-up called before each timed call, {case: fn})
    one_blas_thread = blas_threads(1)   # numpy's OpenBLAS, one thread for the whole run
    one_blas_thread.__enter__()         # (torch has its own threads)
    impls.append(("nnlab f64", lambda: None, nnlab_cases(x, w, b, g_conv, xp, g_pool)))
    try:
        import torch
    except ImportError:
        torch = None
        print("torch not installed: nnlab only")
    if torch is not None:
        default_threads = torch.get_num_threads()
        for threads in sorted({default_threads, 1}, reverse=True):
            for dtype, label in ((torch.float64, "f64"), (torch.float32, "f32")):
                impls.append((f"torch {label} {threads}t",
                              (lambda n=threads: torch.set_num_threads(n)),
                              torch_cases(torch, dtype, x, w, b, g_conv, xp, g_pool)))
    columns = [name for name, _, _ in impls]
    results = {}
    for case in impls[0][2]:
        times = {name: [] for name in columns}
        for name, setup, fns in impls:          # warm-up
            setup()
            fns[case]()
        rounds = 5
        for _ in range(rounds):
            for name, setup, fns in impls:
                setup()
                fns[case]()                     # untimed: lets the previous column's threads settle
                for _ in range(max(1, args.repeats // rounds)):
                    t0 = time.perf_counter()
                    fns[case]()
                    times[name].append(time.perf_counter() - t0)
        results[case] = {name: 1e3 * statistics.median(v) for name, v in times.items()}
    if torch is not None:
        torch.set_num_threads(default_threads)
    one_blas_thread.__exit__(None, None, None)

    width = max(len(n) for n in results)
    print(f"median of {args.repeats} runs, milliseconds; load average {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} cores")
    print(f"{'case'.ljust(width)}  " + "  ".join(f"{c:>14}" for c in columns)
          + ("  nnlab / torch f64 (best)" if torch is not None else ""))
    for name, row in results.items():
        line = f"{name.ljust(width)}  " + "  ".join(f"{row[c]:14.2f}" for c in columns)
        if torch is not None:
            best = min(v for k, v in row.items() if k.startswith("torch f64"))
            line += f"  {row['nnlab f64'] / best:10.2f}×"
        print(line)
    for name, ms in sliders(args.repeats).items():
        print(f"slider change (recompute + redraw), median, {name}: {ms:.1f} ms")


if __name__ == "__main__":
    main()
