"""Small made-up sequence tasks (seeded), one per architecture of notebook 08.

    sentiment_task        many-to-one: made-up reviews, positive when the word scores sum > 0
    wave_task             one-to-many: from an amplitude at step 1, generate a sine wave
    repeat_tagging_task   many-to-many: tag each symbol that repeats the previous one
    first_symbol_task     long memory: name the symbol seen at step 1, after T − 1 noisy steps
"""
from __future__ import annotations

import numpy as np

from ...core import validate as V

MAX_SEQUENCES = 1_000_000  # n
MAX_T = 10_000             # time steps
MAX_SYMBOLS = 1_000        # k, noise_dims
MAX_NUMBERS = 50_000_000   # every number of a task's inputs (400 MB)


def first_symbol_task(n: int = 256, T: int = 30, k: int = 4, noise: float = 1.0,
                      noise_dims: int = 2, seed: int = 0):
    """Remember the first symbol: a one-hot symbol (k kinds) at step 1, then T − 1 steps of
    random noise; the target is the symbol.

    Inputs have k + noise_dims features: the one-hot symbol (zero after step 1) and
    `noise_dims` channels of Gaussian noise (standard deviation `noise`) at every step, which
    the network must learn to ignore while it carries the symbol across T − 1 steps.
    Returns xs (T, n, k + noise_dims) and targets (n,).
    """
    n = V.positive_int("n", n, maximum=MAX_SEQUENCES)
    T = V.positive_int("T", T, maximum=MAX_T)
    k = V.positive_int("k", k, minimum=2, maximum=MAX_SYMBOLS)
    noise = V.finite_number("noise", noise, minimum=0.0)
    nd = V.positive_int("noise_dims", noise_dims, minimum=0, maximum=MAX_SYMBOLS)
    V.work_limit("n", T * n * (k + nd), MAX_NUMBERS, "inputs T·n·(k + noise_dims)")
    rng = np.random.default_rng(V.check_seed(seed))
    sym = rng.integers(0, k, n)
    xs = np.zeros((T, n, k + nd))
    xs[0, np.arange(n), sym] = 1.0
    xs[:, :, k:] = noise * rng.standard_normal((T, n, nd))
    return xs, sym


def sentiment_task(n: int = 400, T: int = 6, seed: int = 0):
    """Many-to-one: made-up "reviews" of T words; label 1 when the words' scores sum > 0.

    Vocabulary and scores: great +2, good +1, plot 0, the 0, acting 0, bad −1, awful −2
    (ties, sum = 0, are redrawn). Returns xs (T, n, 7) one-hot, labels (n,), the vocabulary.
    """
    n = V.positive_int("n", n, maximum=MAX_SEQUENCES)
    T = V.positive_int("T", T, maximum=MAX_T)
    rng = np.random.default_rng(V.check_seed(seed))
    vocab = ("great", "good", "plot", "the", "acting", "bad", "awful")
    score = np.array([2, 1, 0, 0, 0, -1, -2])
    words = rng.integers(0, len(vocab), (T, n))
    tot = score[words].sum(axis=0)
    while np.any(tot == 0):
        k = np.flatnonzero(tot == 0)
        words[:, k] = rng.integers(0, len(vocab), (T, k.size))
        tot = score[words].sum(axis=0)
    return np.eye(len(vocab))[words], (tot > 0).astype(int), vocab


def wave_task(n: int = 200, T: int = 10, period: float = 8.0, seed: int = 0):
    """One-to-many: from one number (an amplitude a in [0.5, 1.5], given at step 1 only),
    generate y_t = a·sin(2π t / period) for t = 1..T. Returns xs (T, n, 1), ys (T, n, 1)."""
    n = V.positive_int("n", n, maximum=MAX_SEQUENCES)
    T = V.positive_int("T", T, maximum=MAX_T)
    period = V.finite_number("period", period, minimum=0.0, strict_min=True)
    rng = np.random.default_rng(V.check_seed(seed))
    a = rng.uniform(0.5, 1.5, n)
    xs = np.zeros((T, n, 1))
    xs[0, :, 0] = a
    t = np.arange(1, T + 1)[:, None]
    return xs, (a[None, :] * np.sin(2 * np.pi * t / period))[:, :, None]


def repeat_tagging_task(n: int = 300, T: int = 10, k: int = 3, seed: int = 0):
    """Many-to-many: tag every symbol 1 when it repeats the previous one, else 0.

    Returns xs (T, n, k) one-hot and tags (T, n) (the first step is always 0)."""
    n = V.positive_int("n", n, maximum=MAX_SEQUENCES)
    T = V.positive_int("T", T, maximum=MAX_T)
    k = V.positive_int("k", k, minimum=2, maximum=MAX_SYMBOLS)
    V.work_limit("n", T * n * k, MAX_NUMBERS, "inputs T·n·k")
    rng = np.random.default_rng(V.check_seed(seed))
    sym = rng.integers(0, k, (T, n))
    tags = np.zeros((T, n), dtype=int)
    tags[1:] = (sym[1:] == sym[:-1]).astype(int)
    return np.eye(k)[sym], tags
