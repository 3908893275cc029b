"""The one shape of a backward pass: layers with `forward` and `backward`, and a stack of them.

Every trainable model of the course (the MLP of the playground, the CNN for digits, the
recurrent model, the autoencoder) is a `Sequential` of `Layer`s:

    out = layer.forward(x)          keeps what its backward pass needs
    g_in = layer.backward(g_out)    g_out = ∂L/∂out; stores ∂L/∂p for each parameter in .grads,
                                    returns ∂L/∂x for the layer below

Parameters are a flat list (`params`, the order `nnlab.engine.optim` keys its state by) and the
gradients come back in the same order. Each layer's derivative sits right under its forward rule.
"""
from __future__ import annotations

import math

import numpy as np

from ..core import validate as V


class Layer:
    """A layer without parameters unless a subclass sets `params` (and then `grads`)."""

    name = "layer"

    def __init__(self):
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []

    def forward(self, x):  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def backward(self, grad):  # pragma: no cover
        raise NotImplementedError


class Dense(Layer):
    """out = x Wᵀ + b (torch.nn.Linear's layout: W is out×in, b has `out` entries).

    backward:  ∂L/∂W = gᵀ x,   ∂L/∂b = Σ_rows g,   ∂L/∂x = g W
    """

    name = "dense"

    def __init__(self, in_features, out_features, rng=None, init="torch_weight", weight=None, bias=None):
        super().__init__()
        n_in = V.positive_int("in_features", in_features)
        n_out = V.positive_int("out_features", out_features)
        if weight is None:
            rng = np.random.default_rng(0) if rng is None else rng
            weight, bias = init_dense(rng, n_in, n_out, init)
        self.params = [np.asarray(weight, dtype=float), np.asarray(bias, dtype=float)]

    def forward(self, x):
        self._x = x
        return x @ self.params[0].T + self.params[1]

    def backward(self, grad):
        self.grads = [grad.T @ self._x, grad.sum(axis=0)]
        return grad @ self.params[0]


INITS = ("xavier", "torch", "torch_weight", "he")


def init_dense(rng, n_in, n_out, init="torch"):
    """(W, b) for a dense layer, drawn from `rng`:
    "xavier": W ~ U(±√(6/(in+out))), b = 0 (Glorot; suits tanh and sigmoid);
    "torch": W, b ~ U(±1/√in) (torch.nn.Linear's default);
    "torch_weight": W ~ U(±1/√in), b = 0;
    "he": W ~ N(0, 2/in), b = 0 (suits ReLU)."""
    if init == "xavier":
        lim = math.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-lim, lim, (n_out, n_in)), np.zeros(n_out)
    if init == "torch":
        lim = 1.0 / math.sqrt(n_in)
        return rng.uniform(-lim, lim, (n_out, n_in)), rng.uniform(-lim, lim, n_out)
    if init == "torch_weight":
        lim = 1.0 / math.sqrt(n_in)
        return rng.uniform(-lim, lim, (n_out, n_in)), np.zeros(n_out)
    if init == "he":
        return rng.normal(0.0, math.sqrt(2.0 / n_in), (n_out, n_in)), np.zeros(n_out)
    V.fail("init", f"one of {', '.join(INITS)}", init)


class Act(Layer):
    """out = f(x) elementwise for an activation of `nnlab.engine.activations`.

    backward:  ∂L/∂x = g · f'(x)
    """

    def __init__(self, activation):
        super().__init__()
        self.activation = activation
        self.name = activation.name

    def forward(self, x):
        self._x = x
        return self.activation.forward_unchecked(x)

    def backward(self, grad):
        return grad * self.activation.derivative_unchecked(self._x)


class ReLU(Layer):
    """out = max(x, 0);  backward: ∂L/∂x = g · [x > 0] (the fast path of Act(relu))."""

    name = "relu"

    def forward(self, x):
        self._mask = x > 0
        return x * self._mask

    def backward(self, grad):
        return grad * self._mask


class Flatten(Layer):
    """N×… → N×(everything else);  backward: the gradient reshaped back."""

    name = "flatten"

    def forward(self, x):
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad):
        return grad.reshape(self._shape)


class Sequential:
    """Layers applied in order; backward runs them in reverse. `params` and `grads` are flat lists."""

    def __init__(self, layers):
        self.layers = list(layers)

    @property
    def params(self) -> list[np.ndarray]:
        return [p for layer in self.layers for p in layer.params]

    @property
    def grads(self) -> list[np.ndarray]:
        return [g for layer in self.layers for g in layer.grads]

    def set_params(self, params) -> None:
        it = iter(params)
        for layer in self.layers:
            layer.params = [np.asarray(next(it), dtype=float) for _ in layer.params]

    @property
    def n_params(self) -> int:
        return int(sum(p.size for p in self.params))

    def forward(self, x, upto=None):
        for layer in self.layers[:upto]:
            x = layer.forward(x)
        return x

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad
