"""The trainable sequence model: a recurrent layer and a dense read-out, in the shared layer protocol.

`Recurrent` is a `nnlab.engine.layers.Layer`: its forward pass runs a cell over the whole
sequence, its backward pass is backpropagation through time. `SequenceModel` stacks it with a
`Dense` head in a `Sequential`, so the recurrent model has the same shape of backward pass,
and the same flat lists of parameters and gradients, as the MLP and the CNN:

    params = [W_ih, W_hh, b_ih, b_hh, W_out, b_out]
"""
from __future__ import annotations

import numpy as np

from ...core import functional as F
from ...core import validate as V
from ..layers import Dense, Layer, Sequential
from .cells import CELLS, MAX_SIZE, NONLINEARITIES, PARAM_NAMES, init_params, set_gate_bias
from .sequence import bptt_unchecked, clip_grad_norm, run_unchecked

MAX_STEPS = 100_000    # training steps of one fit
MAX_BATCH = 100_000

MODES = ("many_to_one", "many_to_many")
LOSSES = ("cross_entropy", "mse")


class Recurrent(Layer):
    """A cell over a sequence xs (T, N, input), from zero states; params [W_ih, W_hh, b_ih, b_hh].

    forward: h_T, shape (N, hidden), when `every_step` is False (many-to-one); otherwise
        h_1 … h_T stacked as rows, shape (T·N, hidden), so that a Dense layer reads every step.
    backward: BPTT. The gradient arriving has the shape of the output; the weight gradients go
        to .grads, ∂L/∂xs (T, N, input) is returned.
    """

    name = "recurrent"

    def __init__(self, cell, params, nonlinearity="tanh", every_step=False):
        super().__init__()
        self.cell = V.choice("cell", cell, CELLS)
        self.nonlinearity = V.choice("nonlinearity", nonlinearity, NONLINEARITIES)
        self.every_step = bool(every_step)
        self.params = [np.asarray(params[k], dtype=float) for k in PARAM_NAMES]

    def forward(self, xs):
        T, N, _ = xs.shape
        H = self.params[1].shape[1]
        c0 = np.zeros((N, H)) if self.cell == "lstm" else None
        self.run = run_unchecked(self.cell, self.nonlinearity, dict(zip(PARAM_NAMES, self.params)),
                                 xs, np.zeros((N, H)), c0)
        return self.run.hs[1:].reshape(T * N, H) if self.every_step else self.run.hs[-1]

    def backward(self, grad):
        T, N, _ = self.run.xs.shape
        H = self.params[1].shape[1]
        zeros = np.zeros((N, H))
        if self.every_step:
            g = bptt_unchecked(self.run, grad.reshape(T, N, H), zeros, zeros)
        else:
            g = bptt_unchecked(self.run, None, grad, zeros)
        self.grads = [g.W_ih, g.W_hh, g.b_ih, g.b_hh]
        return g.xs


class SequenceModel:
    """A recurrent cell followed by a linear read-out y = W_out h + b_out.

    mode="many_to_one" reads the last hidden state (sequence classification);
    "many_to_many" reads every hidden state (tagging; a one-to-many task is a many-to-many
    one whose input is zero after the first step). loss="cross_entropy" (integer targets,
    mean over samples and steps, as torch.nn.CrossEntropyLoss) or "mse" (as torch.nn.MSELoss).
    `gate_bias` b starts the gated cells in "keep the memory, write little" mode (see
    `set_gate_bias`). `params` is the flat list of the layers' parameters (`net.params`);
    every forward pass hands it to the layers, so it may be replaced or changed in place.
    """

    def __init__(self, cell, input_size, hidden_size, output_size, mode="many_to_one",
                 loss="cross_entropy", nonlinearity="tanh", seed=0, gate_bias=0.0):
        self.cell = V.choice("cell", cell, CELLS)
        self.mode = V.choice("mode", mode, MODES)
        self.loss_name = V.choice("loss", loss, LOSSES)
        self.nonlinearity = V.choice("nonlinearity", nonlinearity, NONLINEARITIES)
        H = V.positive_int("hidden_size", hidden_size, maximum=MAX_SIZE)
        O = V.positive_int("output_size", output_size, maximum=MAX_SIZE)
        p = init_params(self.cell, input_size, H, seed=seed)
        set_gate_bias(self.cell, p["b_ih"], H, V.finite_number("gate_bias", gate_bias))
        # the head: torch.nn.Linear's initialisation, U(±1/√hidden) for W_out and b_out
        head = Dense(H, O, rng=np.random.default_rng(seed + 1), init="torch")
        self.net = Sequential([Recurrent(self.cell, p, self.nonlinearity,
                                         every_step=self.mode == "many_to_many"), head])
        self.params = self.net.params

    def cell_params(self, params=None) -> dict:
        return dict(zip(PARAM_NAMES, (params or self.params)[:4]))

    def forward(self, xs, params=None):
        """Outputs: (N, out) for many_to_one, (T, N, out) for many_to_many."""
        xs = V.finite_array("xs", xs, ndim=3)
        self.net.set_params(params or self.params)
        I = self.net.layers[0].params[0].shape[1]
        if xs.shape[2] != I:
            V.fail("xs", f"shape (T, N, {I})", f"shape {xs.shape}")
        y = self.net.forward(xs)
        return y.reshape(xs.shape[0], xs.shape[1], -1) if self.mode == "many_to_many" else y

    def predict(self, xs) -> np.ndarray:
        out = self.forward(xs)
        return out.argmax(axis=-1) if self.loss_name == "cross_entropy" else out

    def accuracy(self, xs, targets) -> float:
        return float(np.mean(self.predict(xs) == np.asarray(targets)))

    def loss_and_grads(self, xs, targets, params=None):
        """(loss, gradients in the order of params): one forward pass, one backward pass."""
        y = self.forward(xs, params)
        targets = np.asarray(targets)
        want = y.shape[:-1] if self.loss_name == "cross_entropy" else y.shape
        if targets.shape != want:
            V.fail("targets", f"shape {want}", f"shape {targets.shape}")
        flat = y.reshape(-1, y.shape[-1])
        if self.loss_name == "cross_entropy":
            labels = V.class_labels("targets", targets.reshape(-1), y.shape[-1])
            loss, dy = F.cross_entropy(flat, labels)   # never .astype(int): 0.5 is refused
        else:
            loss, dy = F.mse(flat, V.finite_array("targets", targets).reshape(flat.shape))
        self.net.backward(dy)
        return loss, self.net.grads

    def fit(self, xs, targets, optimizer, steps=200, batch_size=32, clip=None, seed=0):
        """Mini-batch training with an nnlab.engine.optim optimizer (clip: max gradient norm or None).

        Returns {"loss": [...], "grad_norm": [norm before clipping ...], "diverged_at": the
        step at which the loss or the gradient overflowed (training stops there), or None}.
        """
        steps = V.positive_int("steps", steps, maximum=MAX_STEPS)
        batch_size = V.positive_int("batch_size", batch_size, maximum=MAX_BATCH)
        xs = V.finite_array("xs", xs, ndim=3)
        targets = np.asarray(targets)
        rng = np.random.default_rng(seed)
        N = xs.shape[1]
        history = {"loss": [], "grad_norm": [], "diverged_at": None}
        for step in range(steps):
            idx = rng.choice(N, size=min(batch_size, N), replace=False)
            tb = targets[idx] if self.mode == "many_to_one" else targets[:, idx]
            with np.errstate(over="ignore", invalid="ignore"):
                loss, grads = self.loss_and_grads(xs[:, idx], tb)
                norm = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
            if not (np.isfinite(loss) and np.isfinite(norm)):
                history["diverged_at"] = step   # overflow: stop rather than step into nan
                break
            if clip is not None:
                grads, _ = clip_grad_norm(grads, clip)
            self.params = optimizer.step(self.params, grads)
            history["loss"].append(loss)
            history["grad_norm"].append(norm)
        return history
