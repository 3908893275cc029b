"""Timing of nnlab.engine.optim and of the explorers of notebooks 03 and 04.

Run from the repository root:  python benchmarks/bench_optim.py
Prints (median of repeats, time.perf_counter):
1. all ten optimizers of the course × 500 steps on Rosenbrock (target: < 50 ms in total),
   side by side with torch.optim doing the same steps when torch is importable;
2. one change of each explorer's slider (recompute + redraw), median over many values
   (target: < 100 ms).
"""
from __future__ import annotations

import os
import statistics
import time

import numpy as np

from nnlab.engine import optim as O
from nnlab.engine import surfaces as S

STEPS = 500


def noisy(surf, sigma, seed=0):
    """Rosenbrock's gradient plus noise: SGD (σ = 1) and mini-batch GD (σ = 1/√8) stand-ins."""
    rng = np.random.default_rng(seed)
    g = surf.g

    def scalar(x, y):
        n1, n2 = rng.standard_normal(2)
        gx, gy = g(x, y)
        return gx + sigma * n1, gy + sigma * n2

    return S.GradFn(lambda p: np.array(scalar(p[0], p[1])), scalar)


TEN = [("GD", "gd", {}, 0.0), ("SGD", "sgd", {}, 1.0), ("mini-batch GD", "gd", {}, 8 ** -0.5),
       ("Momentum", "momentum", {}, 0.0), ("NAG", "nag", {}, 0.0), ("Adagrad", "adagrad", {}, 0.0),
       ("RMSprop", "rmsprop", {}, 0.0), ("Adam", "adam", {}, 0.0), ("Adamax", "adamax", {}, 0.0),
       ("Nadam", "nadam", {}, 0.0)]
TORCH = {"gd": ("SGD", {}), "sgd": ("SGD", {}), "momentum": ("SGD", {"momentum": 0.9}),
         "nag": ("SGD", {"momentum": 0.9, "nesterov": True}), "adagrad": ("Adagrad", {}),
         "rmsprop": ("RMSprop", {}), "adam": ("Adam", {}), "adamax": ("Adamax", {}),
         "nadam": ("NAdam", {})}


def bench_nnlab(repeats=15):
    surf = S.surface("rosenbrock")
    per = {label: [] for label, *_ in TEN}
    totals, cpus = [], []
    for _ in range(repeats):
        t_all = c_all = 0.0
        for label, name, hyper, sigma in TEN:
            gf = noisy(surf, sigma) if sigma else surf.gradient_fn()
            opt = O.make_optimizer(name, lr=1e-3, **hyper)
            t0, c0 = time.perf_counter(), time.process_time()
            O.run(opt, gf, surf.start, STEPS)
            dt = time.perf_counter() - t0
            c_all += time.process_time() - c0
            per[label].append(dt)
            t_all += dt
        totals.append(t_all)
        cpus.append(c_all)
    return ({k: statistics.median(v) for k, v in per.items()}, statistics.median(totals),
            statistics.median(cpus))


def bench_torch(repeats=5):
    try:
        import torch
    except ImportError:
        return None, None
    torch.set_default_dtype(torch.float64)
    surf = S.surface("rosenbrock")
    per = {label: [] for label, *_ in TEN}
    totals = []
    for _ in range(repeats):
        t_all = 0.0
        for label, name, _hyper, sigma in TEN:
            cls, hyper = TORCH[name]
            p = torch.tensor(surf.start, requires_grad=True)
            opt = getattr(torch.optim, cls)([p], lr=1e-3, **hyper)
            rng = np.random.default_rng(0)
            t0 = time.perf_counter()
            for _ in range(STEPS):
                x, y = p.detach().numpy()
                g = np.array(surf.g(x, y))
                if sigma:
                    g = g + sigma * rng.standard_normal(2)
                p.grad = torch.from_numpy(g)
                opt.step()
            dt = time.perf_counter() - t0
            per[label].append(dt)
            t_all += dt
        totals.append(t_all)
    return {k: statistics.median(v) for k, v in per.items()}, statistics.median(totals)


def slider_median(factory, control, values, **kw):
    """Median wall time and median CPU time of this process (less sensitive to other load)."""
    e = factory(**kw)
    try:
        e.controls[control].value = values[-1]
        wall, cpu = [], []
        for v in values:
            t0, c0 = time.perf_counter(), time.process_time()
            e.controls[control].value = v
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        return statistics.median(wall), statistics.median(cpu)
    finally:
        e.close()


def main():
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores, shared)")
    ours, total, cpu_total = bench_nnlab()
    theirs, ttotal = bench_torch()
    print(f"\n1. ten optimizers × {STEPS} steps on Rosenbrock (median of repeats)")
    print(f"{'optimizer':15s} {'nnlab ms':>9s} {'torch ms':>9s}")
    for label in ours:
        tt = f"{theirs[label] * 1e3:9.2f}" if theirs else "      n/a"
        print(f"{label:15s} {ours[label] * 1e3:9.2f} {tt}")
    tt = f"{ttotal * 1e3:9.2f}" if theirs else "      n/a"
    print(f"{'total':15s} {total * 1e3:9.2f} {tt}   (target: nnlab < 50 ms)")
    print(f"{'total CPU time':15s} {cpu_total * 1e3:9.2f}   (process_time: less sensitive to other load)")

    from nnlab.views import activations_view as AV
    from nnlab.views import optim_lessons_view as OL
    from nnlab.views import optim_view as OV

    rows = [
        ("03 activation: input x (main)", AV.activation_explorer, "x", list(np.linspace(-5, 5, 41))),
        ("03 activation: dropdown", AV.activation_explorer, "name", list(AV.A.NAMES) * 2),
        ("03 depth: layers", AV.depth_explorer, "depth", list(range(1, 31))),
        ("03 softmax: temperature", AV.softmax_explorer, "temperature", list(np.geomspace(0.1, 10, 31))),
        ("04 race: learning rate (main)", OV.optimizer_explorer, "lr", list(np.geomspace(1e-4, 1, 41))),
        ("04 race: step k (play)", OV.optimizer_explorer, "k", list(range(0, 100, 3))),
        ("04 race: β1", OV.optimizer_explorer, "beta1", list(np.linspace(0.5, 0.99, 31))),
        ("04 lesson: learning rate", OL.learning_rate_explorer, "lr", list(np.geomspace(1e-3, 0.5, 31))),
        ("04 batches: batch size", OL.batch_explorer, "batch_size", list(range(1, 200, 7))),
    ]
    print("\n2. one slider change: recompute + redraw (median)")
    print(f"{'':34s} {'wall ms':>8s} {'CPU ms':>8s}")
    for label, factory, control, values in rows:
        m, c = slider_median(factory, control, values)
        print(f"{label:34s} {m * 1e3:8.1f} {c * 1e3:8.1f}")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
