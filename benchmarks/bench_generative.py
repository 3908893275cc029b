"""Timing of notebook 10: training speed of the autoencoder and the GAN, and its explorers' changes.

    .venv/bin/python benchmarks/bench_generative.py

- Autoencoder 64 → 32 → 2 → 32 → 64 (tanh, sigmoid output, MSE) on the digits: one training step =
  forward + backward + Adam on a batch of 64 (`Autoencoder.fit`, whole epochs of 21 batches);
  beside it the same steps in torch (float64, one thread) when torch is importable.
- GAN (`nnlab.engine.gan`, 2 → 32 → 32 → 2 and 2 → 32 → 32 → 1, tanh, batches of 128): one step =
  one discriminator update + one generator update (both generator losses' gradients computed),
  and with 3 generator updates per step (the mode-collapse setting).
- The latent explorer: z1 (main) and z2 changes (decode + blitted redraw + PNG).
- The GAN explorer: the step slider moved to a step already trained (a frame drawn from the
  cache), one tick of ▶ (50 new steps + redraw), and a setting change at step 800 (a new seed:
  800 steps trained, with its progress bar).
Medians (and p95) in milliseconds; steps per second on the wall clock and on this process's CPU
clock (on a shared machine the CPU figure is the compute, the wall figure adds the wait for a core).
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

from nnlab.engine import autoencoder as A  # noqa: E402
from nnlab.engine import gan as G  # noqa: E402


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def rate(label, steps, fn, repeats=3):
    walls, cpus = zip(*(timed(fn) for _ in range(repeats)))
    print(f"{label:<58} {steps / statistics.median(walls):>9.0f} steps/s wall "
          f"{steps / statistics.median(cpus):>9.0f} steps/s CPU")


def changes(label, control, values):
    times = []
    for v in values:
        t = time.perf_counter()
        control.value = v
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print(f"{label:<58} median {statistics.median(times):>7.1f} ms  p95 {p95:>7.1f} ms  ({len(times)})")


def torch_autoencoder(torch, train, epochs):
    """The same autoencoder and Adam steps in torch (float64, one thread), for comparison."""
    torch.set_num_threads(1)
    xt = torch.tensor(train)
    gen = torch.Generator().manual_seed(0)

    def run():
        net = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.Tanh(), torch.nn.Linear(32, 2),
                                  torch.nn.Linear(2, 32), torch.nn.Tanh(), torch.nn.Linear(32, 64),
                                  torch.nn.Sigmoid()).double()
        opt = torch.optim.Adam(net.parameters(), lr=0.01)
        for _ in range(epochs):
            order = torch.randperm(len(xt), generator=gen)
            for start in range(0, len(xt), 64):
                b = xt[order[start:start + 64]]
                opt.zero_grad()
                torch.nn.functional.mse_loss(net(b), b).backward()
                opt.step()
    return run


def main():
    x, y = A.digit_vectors()
    train = x[A.digit_split(y).train]
    epochs = 5
    batches = -(-len(train) // 64)
    rate("autoencoder k=2, one Adam step on 64 digits", epochs * batches,
         lambda: A.Autoencoder(bottleneck=2, seed=0).fit(train, epochs=epochs))
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        rate("  the same in torch (float64, 1 thread)", epochs * batches,
             torch_autoencoder(torch, train, epochs))
    rate("GAN step (1 D + 1 G update, batch 128)", 300, lambda: G.GAN(seed=0).run(300, every=300))
    rate("GAN step with 3 G updates per D update", 100,
         lambda: G.GAN(seed=0, **G.COLLAPSE).run(100, every=100))

    from nnlab.views import autoencoder_view as AV
    from nnlab.views import gan_view as GV

    t = time.perf_counter()
    latent = AV.main_explorer()
    print(f"{'latent explorer built (trains the 2-D autoencoder, 60 epochs)':<58} "
          f"{(time.perf_counter() - t) * 1000:>7.0f} ms")
    z1, z2 = latent.controls["z1"], latent.controls["z2"]
    changes("latent explorer: z1 (main)", z1, np.round(np.linspace(z1.min, z1.max, 60) * 20) / 20)
    changes("latent explorer: z2", z2, np.round(np.linspace(z2.min, z2.max, 30) * 20) / 20)
    latent.close()

    t = time.perf_counter()
    gan = GV.main_explorer()
    print(f"{'GAN explorer built (trains 800 steps)':<58} {(time.perf_counter() - t) * 1000:>7.0f} ms")
    step = gan.controls["step"]
    changes("GAN explorer: step slider to a trained step (main)", step,
            [int(v) for v in np.tile(np.arange(0, 801, 50), 3)])
    step.value = 800
    play = gan.controls["play"]
    changes("GAN explorer: one tick of Play (50 new steps)", play, list(range(1, 11)))
    gan.reset_controls()
    changes("GAN explorer: seed at step 800 (a new run: 800 steps)", gan.controls["seed"],
            [11, 12, 13])
    gan.close()


if __name__ == "__main__":
    main()
