"""A small trainable transformer encoder: embedding, positional encoding, blocks, a read-out.

    x (N, T, features)  one-hot tokens
    e = x W_eᵀ + b_e                 a Dense layer on every token (nn.Linear as an embedding)
    e = e + PE[:T]                   unless positional=False (then order is invisible)
    e = block_L(... block_1(e))      EncoderBlock
    logits = W_o e[:, read] + b_o    the read-out of one position (read = −1: the last), or of
                                     every position (read=None)

The layers form a `Sequential`, so `params` and `grads` are flat lists as for the MLP, the CNN
and the recurrent model, and `fit` trains with any nnlab.engine.optim optimizer.
"""
from __future__ import annotations

import numpy as np

from ...core import functional as F
from ...core import validate as V
from ...core.blas import blas_threads
from ..layers import Dense, Layer, Sequential
from .block import EncoderBlock, Tokenwise
from .positional import PositionalEncoding


class ReadPosition(Layer):
    """x (N, T, E) → x[:, read] (N, E); backward puts the gradient back at that position."""

    name = "read position"

    def __init__(self, read: int):
        super().__init__()
        self.read = int(read)

    def forward(self, x):
        self._shape = x.shape
        return x[:, self.read]

    def backward(self, grad):
        g = np.zeros(self._shape)
        g[:, self.read] = grad
        return g


class TransformerModel:
    """Embedding + (positional encoding) + `num_layers` encoder blocks + a Dense read-out."""

    def __init__(self, input_size: int, d_model: int, nhead: int, dim_feedforward: int,
                 output_size: int, num_layers: int = 1, read: int | None = -1,
                 positional: bool = True, max_len: int = 512, seed: int = 0):
        I = V.positive_int("input_size", input_size)
        E = V.positive_int("d_model", d_model)
        O = V.positive_int("output_size", output_size)
        L = V.positive_int("num_layers", num_layers, maximum=12)
        rng = np.random.default_rng(V.positive_int("seed", seed, minimum=0))
        layers = [Tokenwise(Dense(I, E, rng=rng, init="torch"))]
        self.positional = bool(positional)
        if self.positional:
            layers.append(PositionalEncoding(E, max_len))
        self.blocks = [EncoderBlock(E, nhead, dim_feedforward, rng=rng) for _ in range(L)]
        layers += self.blocks
        head = Dense(E, O, rng=rng, init="torch")
        self.read = read
        layers += [ReadPosition(read), head] if read is not None else [Tokenwise(head)]
        self.net = Sequential(layers)
        self.params = self.net.params
        self.input_size, self.d_model, self.nhead = I, E, nhead

    @property
    def n_params(self) -> int:
        return int(sum(p.size for p in self.params))

    def forward(self, xs, params=None):
        """Logits: (N, out) when one position is read, (N, T, out) when every position is."""
        xs = V.finite_array("xs", xs, ndim=3)
        if xs.shape[2] != self.input_size:
            V.fail("xs", f"shape (N, T, {self.input_size})", f"shape {xs.shape}")
        self.net.set_params(params or self.params)
        return self.net.forward(xs)

    def attention_weights(self, xs) -> list[np.ndarray]:
        """The attention weights of every block for xs: a list of (N, heads, T, T) arrays."""
        self.forward(xs)
        return [b.trace.attention.weights for b in self.blocks]

    def predict(self, xs) -> np.ndarray:
        return self.forward(xs).argmax(axis=-1)

    def accuracy(self, xs, targets) -> float:
        return float(np.mean(self.predict(xs) == np.asarray(targets)))

    def loss_and_grads(self, xs, targets, params=None):
        """(mean cross-entropy, gradients in the order of params): one forward, one backward pass."""
        y = self.forward(xs, params)
        targets = np.asarray(targets)
        if targets.shape != y.shape[:-1]:
            V.fail("targets", f"shape {y.shape[:-1]}", f"shape {targets.shape}")
        loss, dy = F.cross_entropy(y.reshape(-1, y.shape[-1]), targets.reshape(-1).astype(int))
        self.net.backward(dy.reshape(y.shape))
        return loss, self.net.grads

    def fit(self, xs, targets, optimizer, steps=200, batch_size=32, seed=0):
        """Mini-batch training (as SequenceModel.fit); returns {"loss": [...], "diverged_at": ...}."""
        steps = V.positive_int("steps", steps)
        batch_size = V.positive_int("batch_size", batch_size)
        xs = V.finite_array("xs", xs, ndim=3)
        targets = np.asarray(targets)
        rng = np.random.default_rng(seed)
        history = {"loss": [], "diverged_at": None}
        with blas_threads(1):    # small matrices: one thread is fastest and the same everywhere
            self._fit_steps(xs, targets, optimizer, steps, batch_size, rng, history)
        self.net.set_params(self.params)
        return history

    def _fit_steps(self, xs, targets, optimizer, steps, batch_size, rng, history):
        for step in range(steps):
            idx = rng.choice(xs.shape[0], size=min(batch_size, xs.shape[0]), replace=False)
            with np.errstate(over="ignore", invalid="ignore"):
                loss, grads = self.loss_and_grads(xs[idx], targets[idx])
            if not np.isfinite(loss):
                history["diverged_at"] = step
                break
            self.params = optimizer.step(self.params, grads)
            history["loss"].append(loss)
