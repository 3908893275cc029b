"""Timing of the playground (notebook 05): training steps and one animation frame / slider change.

    .venv/bin/python benchmarks/bench_playground.py

- Training steps of a 2-8-8-1 tanh network (sigmoid output, binary cross-entropy) on 200 points
  of the XOR set: one step = forward + backward + optimizer update. Full batch (200 points)
  and mini-batches of 10, with SGD and Adam, through `nnlab.engine.mlp.Trainer` (which also evaluates
  the training loss after each epoch). Beside them, the same network and steps in torch
  (float64, one thread) when torch is importable.
- The explorer (`nnlab.views.playground_view.Playground`): one animation frame (the Play widget's
  value + 1: one more epoch trained, then redrawn), moving the epoch slider back to an epoch
  already trained, the learning-rate slider at epoch 20 (retrain 20 epochs + full redraw), and
  the redraw alone (blitted) and a full redraw.
- The long changes of issue 11: End on the epoch slider with batches of 2 (300 epochs × 50
  steps asked for), and the learning rate changed at epoch 300 (batches of 10: 3,000 steps to
  retrain); each with the optimizer steps that one change trained.
Medians of repeats, in milliseconds (and steps per second for training).
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("MPLBACKEND", "Agg")

from nnlab.engine.datasets2d import make_dataset  # noqa: E402
from nnlab.engine.mlp import MLP, Trainer  # noqa: E402


def median_s(fn, repeats: int = 7, warmup: int = 1, clock=time.perf_counter) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t = clock()
        fn()
        times.append(clock() - t)
    return statistics.median(times)


def cpu_and_wall(fn, repeats=7):
    """(median wall seconds, median CPU seconds of this process): on a shared machine the CPU
    time is the compute; the wall time adds the waiting for a core."""
    return median_s(fn, repeats), median_s(fn, repeats, clock=time.process_time)


def nnlab_steps_per_second(X, y, optimizer, lr, batch, epochs):
    def run():
        tr = Trainer(MLP(2, (8, 8), 1, activation="tanh", seed=0), X, y, optimizer=optimizer,
                     lr=lr, batch_size=batch, seed=0)
        tr.train(epochs)
        assert tr.diverged is None
        return tr.steps
    steps = run()
    wall, cpu = cpu_and_wall(run, repeats=5)
    return steps / wall, steps / cpu


def torch_steps_per_second(torch, X, y, optimizer, lr, batch, epochs):
    torch.set_num_threads(1)
    Xt, yt = torch.tensor(X), torch.tensor(y)[:, None]
    gen = torch.Generator().manual_seed(0)

    def run():
        net = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8),
                                  torch.nn.Tanh(), torch.nn.Linear(8, 1)).double()
        opt = (torch.optim.SGD(net.parameters(), lr=lr) if optimizer == "sgd"
               else torch.optim.Adam(net.parameters(), lr=lr))
        loss_fn = torch.nn.BCEWithLogitsLoss()
        steps = 0
        for _ in range(epochs):
            order = torch.randperm(len(Xt), generator=gen)
            for start in range(0, len(Xt), batch):
                idx = order[start:start + batch]
                opt.zero_grad()
                loss_fn(net(Xt[idx]), yt[idx]).backward()
                opt.step()
                steps += 1
            with torch.no_grad():                       # the epoch's loss, as Trainer records
                loss_fn(net(Xt), yt).item()
        return steps
    steps = run()
    wall, cpu = cpu_and_wall(run, repeats=5)
    return steps / wall, steps / cpu


def training_table():
    X, y = make_dataset("xor", 200, 0.0, seed=0)
    try:
        import torch
    except ImportError:
        torch = None
    rows = []
    for optimizer, lr in (("sgd", 0.03), ("adam", 0.03)):
        for batch, epochs in ((200, 300), (10, 15)):
            ours = nnlab_steps_per_second(X, y, optimizer, lr, batch, epochs)
            theirs = (torch_steps_per_second(torch, X, y, optimizer, lr, batch, epochs)
                      if torch is not None else (float("nan"), float("nan")))
            rows.append((optimizer, batch, ours, theirs))
    print("Training a 2-8-8-1 network on 200 points: steps per second (median; wall clock, "
          "and CPU time of the process)")
    print(f"{'optimizer':10s} {'batch':>5s} {'nnlab wall':>11s} {'nnlab CPU':>10s} "
          f"{'torch wall':>11s} {'torch CPU':>10s}")
    for optimizer, batch, ours, theirs in rows:
        t = ["—" if np.isnan(v) else f"{v:.0f}" for v in theirs]
        print(f"{optimizer:10s} {batch:5d} {ours[0]:11.0f} {ours[1]:10.0f} {t[0]:>11s} {t[1]:>10s}")
    return rows


def explorer_table():
    import matplotlib.pyplot as plt

    from nnlab.views.playground_view import Playground

    p = Playground(dataset="xor", layers=2, units=8)
    c = p.controls

    def timed(actions):
        wall, cpu = [], []
        for act in actions:
            t, u = time.perf_counter(), time.process_time()
            act()
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - u)
        return 1000 * statistics.median(wall), 1000 * statistics.median(cpu)

    def set_value(name, value):
        return lambda: setattr(c[name], "value", value)

    rows = [("one animation frame (Play +1 epoch: train 10 steps + redraw)",
             timed([set_value("play", e) for e in range(1, 61)])),
            ("epoch slider to an epoch already trained (redraw)",
             timed([set_value("epoch", (e * 17) % 60) for e in range(40)]))]
    c["epoch"].value = 20
    rows += [("learning-rate slider at epoch 20 (retrain 200 steps + full redraw)",
              timed([set_value("lr", (0.03, 0.1)[i % 2]) for i in range(1, 11)])),
             ("redraw alone, blitted (heatmap, points, network, curves) + PNG",
              timed([p.view.refresh] * 15)),
             ("full redraw (axes, ticks, titles) + PNG",
              timed([lambda: p.view.refresh(full=True)] * 7))]
    p.close()
    assert plt.get_fignums() == []
    print()
    print("The playground explorer: median milliseconds (wall clock, CPU time of the process)")
    for name, (wall, cpu) in rows:
        print(f"  {name:70s} {wall:7.1f} {cpu:7.1f}")
    return rows


def long_changes_table(repeats=3):
    """One change that asks for much training: its time and the steps it trained."""
    from nnlab.views.playground_view import Playground

    def end_with_batch_2(p):
        p.controls["batch_size"].value = 2
        return lambda: setattr(p.controls["epoch"], "value", 300)

    def lr_at_epoch_300(p):
        p.controls["epoch"].value = 300
        while p.controls["epoch"].value < 300:       # within the budget: ▶ to get there
            p.controls["epoch"].value = 300
        return lambda: setattr(p.controls["lr"], "value", 0.1)

    rows = []
    for name, prepare in (("End on the epoch slider, batch size 2", end_with_batch_2),
                          ("learning rate changed at epoch 300, batch size 10", lr_at_epoch_300)):
        wall, cpu, steps = [], [], []
        for _ in range(repeats):
            p = Playground()
            act = prepare(p)
            t, u = time.perf_counter(), time.process_time()
            act()
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - u)
            # code before issue 11 has no last_steps: there both changes train from epoch 0
            steps.append(getattr(p, "last_steps", p.trainer.steps))
            shown = (p.controls["epoch"].value, p.trainer.epoch)
            p.close()
        rows.append((name, 1000 * statistics.median(wall), 1000 * statistics.median(cpu),
                     steps[-1], shown))
    print()
    print("Long changes: median milliseconds (wall, CPU), the steps trained (the trainer's step "
          "count after the change for code without a budget), (slider, trainer epoch) after it")
    for name, wall, cpu, steps, shown in rows:
        print(f"  {name:52s} {wall:8.1f} {cpu:8.1f}  steps {steps}  epoch {shown}")
    return rows


if __name__ == "__main__":
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores\n")
    if "--long-only" not in sys.argv:
        training_table()
        explorer_table()
    long_changes_table()
