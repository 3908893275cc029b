"""Benchmark of nnlab.engine.rnn (notebook 08): an LSTM cell step, forward and backward, beside torch,
and the slider-change time of the three explorers of notebook 08.

    .venv/bin/python benchmarks/bench_rnn.py            # cell and sequence timings + sliders
    .venv/bin/python benchmarks/bench_rnn.py --notebook # also execute notebook 08 once
    .venv/bin/python benchmarks/bench_rnn.py --default-blas  # numpy with its own BLAS threads

Timing: time.perf_counter, median of repeats (after a warm-up). torch is used when installed
(float64 like nnlab, and float32), single-threaded and with its default thread count.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

# OpenBLAS threads on a busy 2-core machine made one 32×64·64×256 product take ~30 ms (the
# threads wait for a free core): numpy single-threaded by default, like torch's first rows.
if "--default-blas" not in sys.argv:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nnlab.engine import rnn as R  # noqa: E402

N, I, H, T = 32, 10, 64, 50


def median_ms(fn, repeats=200, warmup=10):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def nnlab_rows():
    rng = np.random.default_rng(0)
    p = R.init_params("lstm", I, H, seed=0)
    x, h, c = rng.standard_normal((N, I)), rng.standard_normal((N, H)), rng.standard_normal((N, H))
    dh = rng.standard_normal((N, H))
    xs = rng.standard_normal((T, N, I))
    rows = [("nnlab lstm_cell (checked) forward", median_ms(lambda: R.lstm_cell(x, (h, c), **p)))]
    run1 = R.run_sequence("lstm", x[None], p, h0=h, c0=c)
    rows.append(("nnlab LSTM step forward (run_sequence, T=1)",
                 median_ms(lambda: R.run_sequence("lstm", x[None], p, h0=h, c0=c))))
    rows.append(("nnlab LSTM step backward (bptt, T=1)", median_ms(lambda: R.bptt(run1, dh_last=dh))))
    rows.append(("nnlab LSTM step forward + backward",
                 median_ms(lambda: R.bptt(R.run_sequence("lstm", x[None], p, h0=h, c0=c), dh_last=dh))))
    rows.append((f"nnlab LSTM sequence T={T} forward + backward",
                 median_ms(lambda: R.bptt(R.run_sequence("lstm", xs, p), dh_last=dh), repeats=30)))
    return rows


def torch_rows(torch, dtype, threads):
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(0)
    cell = torch.nn.LSTMCell(I, H, dtype=dtype)
    x = torch.randn(N, I, dtype=dtype, generator=g)
    h = torch.randn(N, H, dtype=dtype, generator=g, requires_grad=True)
    c = torch.randn(N, H, dtype=dtype, generator=g, requires_grad=True)
    dh = torch.randn(N, H, dtype=dtype, generator=g)
    xs = torch.randn(T, N, I, dtype=dtype, generator=g)
    name = f"torch {str(dtype).split('.')[-1]}, {threads} thread(s)"

    def fwd():
        with torch.no_grad():
            cell(x, (h, c))

    def fwd_bwd():
        cell.zero_grad(set_to_none=True)
        out, _ = cell(x, (h, c))
        out.backward(dh)

    def seq():
        cell.zero_grad(set_to_none=True)
        hh, cc = torch.zeros(N, H, dtype=dtype), torch.zeros(N, H, dtype=dtype)
        for t in range(T):
            hh, cc = cell(xs[t], (hh, cc))
        hh.backward(dh)

    return [(f"{name}: LSTMCell forward", median_ms(fwd)),
            (f"{name}: LSTMCell forward + backward", median_ms(fwd_bwd)),
            (f"{name}: sequence T={T} forward + backward", median_ms(seq, repeats=30))]


def slider_rows():
    import matplotlib

    matplotlib.use("Agg")
    from nnlab.views import attention_view as AV
    from nnlab.views import gradient_flow_view as GV
    from nnlab.views import rnn_view as RV

    rows = []
    cases = [("TimeStepExplorer: time step t (main)", RV.TimeStepExplorer, "t", [1, 2, 3, 4, 5, 6, 7, 8]),
             ("TimeStepExplorer (LSTM): weight value", None, "value", [0.5, -0.5, 1.0, -1.0]),
             ("GradientFlowExplorer: scale (main)", GV.GradientFlowExplorer, "scale",
              [0.5, 1.0, 1.5, 2.0, 2.5]),
             ("GradientFlowExplorer: sequence length T", GV.GradientFlowExplorer, "T", [20, 30, 40, 50]),
             ("AttentionExplorer: context (main)", AV.AttentionExplorer, "context",
              [0.0, 0.25, 0.5, 0.75, 1.0])]
    for label, cls, key, values in cases:
        if cls is None:
            e = RV.TimeStepExplorer(cell="lstm")
        else:
            e = cls()
        k = [0]

        def change():
            k[0] += 1
            e.controls[key].value = values[k[0] % len(values)]

        rows.append((label, median_ms(change, repeats=40, warmup=5)))
        e.close()
    return rows


def notebook_row():
    import nbformat
    from nbclient import NotebookClient

    path = ROOT / "notebooks" / "08_rnn_lstm_gru.ipynb"
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return [("notebook 08, executed headless (kernel start included)", 1000 * (time.perf_counter() - t0))]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notebook", action="store_true", help="also execute notebook 08 once")
    ap.add_argument("--default-blas", action="store_true",
                    help="leave numpy's BLAS thread count alone (default: 1 thread)")
    args = ap.parse_args(argv)
    print(f"python {platform.python_version()}, numpy {np.__version__}, machine {platform.machine()}, "
          f"BLAS threads: {'default' if args.default_blas else 1}, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"LSTM cell: batch {N}, input {I}, hidden {H}; sequence length {T}\n")
    rows = nnlab_rows()
    try:
        import torch
    except ImportError:
        rows.append(("torch not installed: comparison skipped", float("nan")))
    else:
        rows += torch_rows(torch, torch.float64, 1)
        rows += torch_rows(torch, torch.float32, 1)
        rows += torch_rows(torch, torch.float64, torch.get_num_threads())
    rows += slider_rows()
    if args.notebook:
        rows += notebook_row()
    w = max(len(r[0]) for r in rows)
    print(f"{'what'.ljust(w)}  median ms")
    for name, ms in rows:
        print(f"{name.ljust(w)}  {ms:9.3f}")


if __name__ == "__main__":
    main()
