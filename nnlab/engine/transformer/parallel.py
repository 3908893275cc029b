"""What one forward pass costs: dependent steps, multiply-adds, and wall-clock time.

A recurrent layer computes h_t from h_(t−1): T steps, each waiting for the one before, whatever
the hardware. Self-attention computes every position at once: the projections are one matrix
product over all T tokens, the scores Q Kᵀ one more, the weighted sum A V one more — a fixed
number of dependent steps, each a large product that a machine can spread over its cores.
The price is the T × T score matrix: its multiply-adds grow as T²·E, the projections' as T·E².

    GRU, hidden H, input I:   T sequential steps, each 3H(I + H) multiply-adds (two products)
    self-attention, width E:  4·T·E² (Q, K, V and the output projection) + 2·T²·E (QKᵀ and AV)

(The counts leave out the additions of biases, the gates' elementwise work and the softmax:
they grow as T·H and T², no faster than the terms kept.) The timings of `time_forward`
depend on the machine; benchmarks/bench_transformer.py records them in benchmarks/README.md.
"""
from __future__ import annotations

import time

import numpy as np

from ...core import validate as V
from ...core.blas import blas_threads
from .. import rnn as R
from .attention import MultiHeadAttention


def gru_cost(T: int, input_size: int, hidden_size: int) -> dict:
    """Sequential steps and multiply-adds of a GRU forward pass over T steps (one sample)."""
    T = V.positive_int("T", T)
    I = V.positive_int("input_size", input_size)
    H = V.positive_int("hidden_size", hidden_size)
    return {"sequential_steps": T, "multiply_adds": T * 3 * H * (I + H)}


def attention_cost(T: int, embed_dim: int) -> dict:
    """Dependent products and multiply-adds of one self-attention forward pass (one sample):
    the projections (4·T·E²) and the T×T part (2·T²·E: scores and weighted sum)."""
    T = V.positive_int("T", T)
    E = V.positive_int("embed_dim", embed_dim)
    proj, quad = 4 * T * E * E, 2 * T * T * E
    return {"sequential_steps": 3, "multiply_adds": proj + quad, "projections": proj,
            "scores_and_sum": quad, "score_entries": T * T}


def best_time(fn, repeat: int = 5) -> float:
    """The fastest of `repeat` runs of fn() in seconds (the least disturbed by other work)."""
    best = float("inf")
    for _ in range(V.positive_int("repeat", repeat)):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def time_forward(lengths, width: int = 64, batch: int = 8, repeat: int = 5, seed: int = 0,
                 threads: int = 1) -> dict:
    """Wall time of one forward pass of a GRU (hidden = input = width) and of one multi-head
    self-attention layer (embed_dim = width, 4 heads) on a batch of sequences of each length,
    both with one BLAS thread (`threads`: more lets attention's big products use more cores)."""
    lengths = [V.positive_int("lengths", t, maximum=8192) for t in lengths]
    E = V.positive_int("width", width)
    N = V.positive_int("batch", batch)
    rng = np.random.default_rng(seed)
    p = R.init_params("gru", E, E, seed=seed)
    mha = MultiHeadAttention(E, 4, rng=rng)
    out = {"lengths": lengths, "gru": [], "attention": [], "threads": V.positive_int("threads", threads)}
    with blas_threads(out["threads"]):
        for T in lengths:
            _time_one(T, N, E, p, mha, rng, repeat, out)
    return out


def _time_one(T, N, E, p, mha, rng, repeat, out):
    x = rng.standard_normal((N, T, E))
    xs = np.ascontiguousarray(np.swapaxes(x, 0, 1))
    h0 = np.zeros((N, E))
    out["gru"].append(best_time(lambda: R.run_unchecked("gru", "tanh", p, xs, h0, None), repeat))
    out["attention"].append(best_time(lambda: mha.forward(x), repeat))
