"""The tasks of notebook 11 and the models trained on them, beside notebook 08's GRU.

    pointer_task   T symbols (k kinds), then a pointer p (one of T positions): name the symbol
                   at position p. A recurrent network reads left to right and must carry all T
                   symbols in its hidden state until the pointer comes; attention looks back at
                   position p directly. Both read the same sequence and answer at its end.
    sense_task     made-up sentences around "bank" from data/bank_vectors.csv: is this bank about
                   money (0) or about a river (1)? Read out at bank's position.

`compare_on_pointer` trains a transformer and a GRU (`nnlab.engine.rnn.SequenceModel`, the GRU of
notebook 08) of about the same parameter count, with the same optimizer, steps and batches.
Trained models are cached: the notebook, its explorer and the tests share one training run.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ...core import functional as F
from ...core import validate as V
from ...core.blas import blas_threads
from .. import attention as ATT
from .. import rnn as R
from ..optim import Adam
from .block import EncoderBlock
from .model import TransformerModel
from .positional import sinusoidal_encoding

MONEY_WORDS = ("deposit", "money")
RIVER_WORDS = ("river", "water")
FILLER_WORDS = ("i", "went", "to", "the", "we", "sat", "on")


def pointer_task(n: int = 512, T: int = 8, k: int = 4, seed: int = 0):
    """xs (n, T + 1, k + T) one-hot and targets (n,).

    Positions 0..T−1 hold a symbol (channels 0..k−1); position T holds the pointer p
    (channel k + p); the target is the symbol at position p."""
    n = V.positive_int("n", n)
    T = V.positive_int("T", T, minimum=2, maximum=64)
    k = V.positive_int("k", k, minimum=2, maximum=64)
    rng = np.random.default_rng(V.positive_int("seed", seed, minimum=0))
    sym = rng.integers(0, k, (n, T))
    ptr = rng.integers(0, T, n)
    xs = np.zeros((n, T + 1, k + T))
    xs[np.arange(n)[:, None], np.arange(T)[None, :], sym] = 1.0
    xs[np.arange(n), T, k + ptr] = 1.0
    return xs, sym[np.arange(n), ptr]


def time_major(xs) -> np.ndarray:
    """(N, T, features) → (T, N, features), the layout of nnlab.engine.rnn."""
    return np.ascontiguousarray(np.swapaxes(xs, 0, 1))


POINTER = dict(T=8, k=4, d_model=16, nhead=2, dim_feedforward=32, num_layers=2, hidden=32,
               steps=300, batch_size=64, lr=0.01, n_train=2048, n_test=512)


def pointer_data(seed: int = 0):
    """(training xs, ys, test xs, ys) of the pointer task with the settings of POINTER."""
    c = POINTER
    xs, ys = pointer_task(c["n_train"], c["T"], c["k"], seed=seed)
    xt, yt = pointer_task(c["n_test"], c["T"], c["k"], seed=seed + 1_000_003)
    return xs, ys, xt, yt


@lru_cache(maxsize=8)
def pointer_transformer(seed: int = 0, positional: bool = True):
    """(TransformerModel trained on the pointer task, its loss history, its test accuracy)."""
    c = POINTER
    xs, ys, xt, yt = pointer_data(seed)
    tf = TransformerModel(c["k"] + c["T"], c["d_model"], c["nhead"], c["dim_feedforward"], c["k"],
                          num_layers=c["num_layers"], read=-1, positional=positional, seed=seed)
    h = tf.fit(xs, ys, Adam(lr=c["lr"]), steps=c["steps"], batch_size=c["batch_size"], seed=seed)
    return tf, h["loss"], tf.accuracy(xt, yt)


@lru_cache(maxsize=8)
def pointer_gru(seed: int = 0, steps: int | None = None):
    """(notebook 08's GRU SequenceModel trained on the pointer task, losses, test accuracy)."""
    c = POINTER
    steps = c["steps"] if steps is None else V.positive_int("steps", steps, maximum=100_000)
    xs, ys, xt, yt = pointer_data(seed)
    gru = R.SequenceModel("gru", c["k"] + c["T"], c["hidden"], c["k"], seed=seed)
    with blas_threads(1):
        h = gru.fit(time_major(xs), ys, Adam(lr=c["lr"]), steps=steps, batch_size=c["batch_size"],
                    clip=1.0, seed=seed)
    return gru, h["loss"], gru.accuracy(time_major(xt), yt)


def compare_on_pointer(seed: int = 0) -> dict:
    """The transformer (with and without positional encoding) and the GRU on the pointer task,
    same data, optimizer (Adam, lr 0.01), steps and batches: parameter counts, final training
    losses (mean of the last 20 steps), test accuracies, chance level 1/k."""
    tf, l_tf, a_tf = pointer_transformer(seed, True)
    bare, l_bare, a_bare = pointer_transformer(seed, False)
    gru, l_gru, a_gru = pointer_gru(seed)
    return {"params": {"transformer": tf.n_params, "no positions": bare.n_params,
                       "gru": int(sum(p.size for p in gru.params))},
            "loss": {"transformer": float(np.mean(l_tf[-20:])),
                     "no positions": float(np.mean(l_bare[-20:])),
                     "gru": float(np.mean(l_gru[-20:]))},
            "history": {"transformer": l_tf, "no positions": l_bare, "gru": l_gru},
            "accuracy": {"transformer": a_tf, "no positions": a_bare, "gru": a_gru},
            "chance": 1.0 / POINTER["k"], "steps": POINTER["steps"]}


# -- the "bank" sentences -----------------------------------------------------------------------
def sense_task(n: int = 512, T: int = 6, seed: int = 0):
    """Sentences of T words from data/bank_vectors.csv, "bank" at a random place, one or two
    words of one sense (money: deposit, money; river: river, water), the rest filler words.
    Returns X (n, T, 3) static vectors, the sense (n,) (0 money, 1 river), bank's position (n,),
    and the words."""
    n = V.positive_int("n", n)
    T = V.positive_int("T", T, minimum=3, maximum=32)
    rng = np.random.default_rng(V.positive_int("seed", seed, minimum=0))
    vec = ATT.bank_vectors()
    sense = rng.integers(0, 2, n)
    where = rng.integers(0, T, n)
    words = []
    for s, b in zip(sense, where):
        w = list(rng.choice(FILLER_WORDS, T))
        w[b] = "bank"
        free = [j for j in range(T) if j != b]
        for j in rng.choice(free, rng.integers(1, 3), replace=False):
            w[j] = rng.choice(RIVER_WORDS if s else MONEY_WORDS)
        words.append(tuple(str(x) for x in w))
    X = np.array([[vec[x] for x in w] for w in words])
    return X, sense, where, words


class BankReader(TransformerModel):
    """One encoder block on the static 3-D vectors (d_model = 3, one head, no embedding layer),
    read out at bank's position: the block's output there is bank's *contextual* vector."""

    def __init__(self, seed: int = 0):
        super().__init__(3, 3, 1, 8, 2, num_layers=1, read=None, positional=False, seed=seed)
        self.net.layers = self.net.layers[1:]       # the inputs are the vectors themselves
        self.params = self.net.params
        self.input_size = 3

    def contextual(self, sentence) -> dict:
        """The static and contextual vectors of every word of one sentence, and the weights."""
        vec = ATT.bank_vectors()
        X = ATT.embed(sentence, vec)[None]
        logits = self.forward(X)[0]
        blk = self.blocks[0].trace
        return {"words": tuple(sentence.split() if isinstance(sentence, str) else sentence),
                "static": X[0], "contextual": blk.out[0], "weights": blk.attention.weights[0, 0],
                "sense_probability_river": F.softmax(logits, axis=-1)[:, 1]}


@lru_cache(maxsize=4)
def trained_bank_reader(seed: int = 0, steps: int = 300) -> tuple:
    """(BankReader trained on sense_task at bank's positions, its loss history)."""
    X, sense, where, _ = sense_task(1024, 6, seed=seed)
    model = BankReader(seed)
    # the loss is read at bank's position only: targets there, and a mask through the gradient
    rng = np.random.default_rng(seed)
    losses = []
    steps = V.positive_int("steps", steps, maximum=10_000)
    with blas_threads(1):
        _fit_reader(model, X, sense, where, steps, rng, losses)
    return model, losses


def _fit_reader(model, X, sense, where, steps, rng, losses):
    opt = Adam(lr=0.03)
    for _ in range(steps):
        idx = rng.choice(len(X), 64, replace=False)
        y = model.forward(X[idx])
        rows = np.arange(len(idx))
        loss, dy = F.cross_entropy(y[rows, where[idx]], sense[idx])
        g = np.zeros_like(y)
        g[rows, where[idx]] = dy
        model.net.backward(g)
        model.params = opt.step(model.params, model.net.grads)
        model.net.set_params(model.params)
        losses.append(loss)


# -- order ---------------------------------------------------------------------------------------
def permutation_test(T: int = 6, d_model: int = 8, nhead: int = 2, seed: int = 0) -> dict:
    """Shuffle the tokens of a random sequence and run one (random) encoder block on both orders.

    Without positional encoding the outputs are the same vectors, shuffled the same way: the
    block is permutation-equivariant, so a read-out of any token (or of their mean) cannot
    tell the two orders apart. With PE added the outputs differ. Returns the permutation and
    max |block(x[perm]) − block(x)[perm]| without and with PE, and the output of the token
    that was first in the original order, in both orders, with and without PE."""
    T = V.positive_int("T", T, minimum=2, maximum=64)
    rng = np.random.default_rng(V.positive_int("seed", seed, minimum=0))
    block = EncoderBlock(d_model, nhead, 2 * d_model, rng=rng)
    x = rng.standard_normal((1, T, d_model))
    perm = rng.permutation(T)
    while np.all(perm == np.arange(T)):
        perm = rng.permutation(T)
    pe = sinusoidal_encoding(T, d_model)
    out = {"perm": perm.tolist()}
    for name, add in (("without_pe", 0.0), ("with_pe", pe)):
        y = block.forward(x + add)[0]
        y_perm = block.forward(x[:, perm] + add)[0]
        out[name] = float(np.max(np.abs(y_perm - y[perm])))
        j = int(np.flatnonzero(perm == 0)[0])          # where token 0 went
        out[name + "_token0"] = (y[0].copy(), y_perm[j].copy())
    return out
