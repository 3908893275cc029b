"""Notebook 10's static drawings: reconstructions, the bottleneck sweep, denoising, GAN frames,
the two generator losses. Each reads what the engine returned and draws it once."""
from __future__ import annotations

import numpy as np

from ..engine import gan as G
from .ui import StaticFigure, new_figure


def _digit_rows(rows, labels, title, width=720):
    n_rows, n = len(rows), len(rows[0])
    fig, axes = new_figure(width, 60 + 78 * n_rows, nrows=n_rows, ncols=n, squeeze=False)
    for r, (images, label) in enumerate(zip(rows, labels)):
        for c, img in enumerate(images):
            ax = axes[r, c]
            ax.imshow(np.asarray(img).reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(label, fontsize=8, rotation=0, ha="right", va="center")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def reconstructions(model, images, n=8) -> StaticFigure:
    """n digits (top) and what the autoencoder rebuilds from their codes (bottom)."""
    x = np.asarray(images)[:n].reshape(-1, 64)
    out = model.reconstruct(x)
    fig = _digit_rows([x, out], ["digit", "rebuilt"],
                      f"Through a bottleneck of {model.bottleneck} number(s) and back")
    return StaticFigure(fig, f"{len(x)} digits and their reconstructions (bottleneck {model.bottleneck})")


def sweep_figure(rows) -> StaticFigure:
    """Reconstruction error (train and test) against the bottleneck size."""
    fig, ax = new_figure(520, 300)
    k = [r.bottleneck for r in rows]
    ax.plot(k, [r.train_mse for r in rows], "o-", label="training digits")
    ax.plot(k, [r.test_mse for r in rows], "s--", label="held-out digits")
    ax.set_xscale("log", base=2)
    ax.set_xticks(k, [str(v) for v in k])
    ax.set_xlabel("bottleneck size k (numbers in the code)")
    ax.set_ylabel("reconstruction MSE per pixel")
    ax.set_title("More room in the bottleneck, better copies", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return StaticFigure(fig, "reconstruction error against bottleneck size")


def denoising_figure(d) -> StaticFigure:
    """Clean digits, their corrupted versions, and what each autoencoder makes of the corrupted ones."""
    fig = _digit_rows([d.clean, d.noisy, d.plain_out, d.denoised_out],
                      ["clean", f"noise {d.noise:g}", "plain AE", "denoising AE"],
                      "The same corrupted digits into two autoencoders")
    return StaticFigure(fig, "clean, corrupted and reconstructed digits")


def gan_frames(run, steps) -> StaticFigure:
    """D over the plane and the generated points at the given steps of a run."""
    by_step = {f.step: f for f in run.frames}
    missing = [s for s in steps if s not in by_step]
    if missing:
        raise ValueError(f"steps: expected steps with a frame ({sorted(by_step)[:6]}...), got {missing}")
    fig, axes = new_figure(220 * len(steps), 250, ncols=len(steps), squeeze=False)
    e = G.EXTENT
    for ax, s in zip(axes[0], steps):
        f = by_step[s]
        ax.imshow(f.d_grid, origin="lower", extent=(-e, e, -e, e), cmap="RdBu_r", vmin=0, vmax=1,
                  alpha=0.55)
        ax.scatter(run.real[:, 0], run.real[:, 1], s=2, color="#777", alpha=0.4)
        ax.scatter(f.samples[:, 0], f.samples[:, 1], s=2, color="black")
        ax.set_xlim(-e, e)
        ax.set_ylim(-e, e)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"step {s}: {f.modes} of {len(run.centres)} modes", fontsize=9)
    fig.tight_layout()
    return StaticFigure(fig, "D over the plane and the generated points at steps " +
                        ", ".join(map(str, steps)))


def generator_losses_figure() -> StaticFigure:
    """Both generator losses and their slopes ∂L/∂l against D(G(z)) (one fake point)."""
    p = np.linspace(0.001, 0.999, 400)
    fig, (a, b) = new_figure(720, 280, ncols=2)
    a.plot(p, np.log1p(-p), color="#1f77b4", label="minimax  log(1 − D(G(z)))")
    a.plot(p, -np.log(p), color="#d62728", label="non-saturating  −log D(G(z))")
    a.set_xlabel("D(G(z))")
    a.set_ylabel("generator loss")
    a.set_title("The generator minimises either", fontsize=10)
    a.legend(fontsize=8)
    a.grid(alpha=0.3)
    for loss, colour in (("minimax", "#1f77b4"), ("non-saturating", "#d62728")):
        b.plot(p, [G.generator_logit_gradient(v, loss) for v in p], color=colour, label=loss)
    b.axvspan(0, 0.1, color="#ddd", alpha=0.6)
    b.text(0.02, -0.5, "D rejects\nthe fakes", fontsize=8)
    b.set_xlabel("D(G(z))")
    b.set_ylabel("∂L_G / ∂(D's logit)")
    b.set_title("Their slopes: minimax vanishes where D(G(z)) ≈ 0", fontsize=10)
    b.legend(fontsize=8)
    b.grid(alpha=0.3)
    fig.tight_layout()
    return StaticFigure(fig, "the two generator losses and their gradients against D(G(z))")
