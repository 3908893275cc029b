"""A batched multi-layer perceptron on the shared layer protocol, and a seeded trainer.

The network is a `nnlab.engine.layers.Sequential` of `Dense` layers (torch.nn.Linear's
layout: W_l is (units out, units in), b_l has `units out` entries) and `Act` layers: for a
batch A (one row per example)

    z_l = A_{l-1} W_l^T + b_l          A_0 = X, the inputs
    A_l = f_l(z_l)                     f_l: the hidden activation, the output one for the last

Losses (`nnlab.core.functional`, averaged over every output of every example, as torch's
reduction="mean"):

    "bce"  binary cross-entropy of a sigmoid output, computed from the logit z (as
           torch.nn.BCEWithLogitsLoss):  L = mean( log(1 + e^z) - y z ),  dL/dz = (σ(z) - y) / N
    "mse"  mean squared error of the output A_L:  L = mean( (A_L - y)^2 ),
           dL/dA_L = 2 (A_L - y) / N,  dL/dz_L = dL/dA_L · f'(z_L)

and backpropagation is `Sequential.backward`: each layer, from the last, turns ∂L/∂(its output)
into ∂L/∂(its input) and keeps ∂L/∂(its parameters):

    Dense:  dL/dW_l = (dL/dz_l)^T A_{l-1}    dL/db_l = sum over the batch    dL/dA_{l-1} = dL/dz_l W_l
    Act:    dL/dz_l = dL/dA_l · f'(z_l)

The parameters are the list [W_1, b_1, W_2, b_2, ...], the order `nnlab.engine.optim` optimizers
step. `Trainer` runs epochs of shuffled mini-batches with one of those optimizers, from a
seed, and records the training and test loss after every epoch.
"""
from __future__ import annotations

import copy

import numpy as np

from ..core import functional as F
from ..core import validate as V
from . import activations as A
from . import layers as Ly
from . import optim as O

LOSSES = ("bce", "mse")
MAX_PARAM = 1e6          # a step that makes any |parameter| larger is called divergence
INITS = ("xavier", "torch")
MAX_UNITS = 256
MAX_LAYERS = 10


def parse_hidden(hidden) -> tuple[int, ...]:
    """(8, 8), [4], (), '8,8' or '' -> a tuple of hidden layer sizes."""
    if isinstance(hidden, str):
        parts = [p.strip() for p in hidden.split(",") if p.strip()]
        try:
            hidden = [int(p) for p in parts]
        except ValueError:
            V.fail("hidden", "comma-separated layer sizes such as 8,8 (or nothing)", hidden)
    elif isinstance(hidden, (int, np.integer)) and not isinstance(hidden, bool):
        hidden = [hidden]
    try:
        sizes = list(hidden)
    except TypeError:
        V.fail("hidden", "a list of hidden layer sizes such as [8, 8]", hidden)
    if len(sizes) > MAX_LAYERS:
        V.fail("hidden", f"at most {MAX_LAYERS} hidden layers", hidden)
    return tuple(V.positive_int("hidden", s, minimum=1, maximum=MAX_UNITS) for s in sizes)


class MLP:
    """inputs → hidden layers (one activation) → outputs; see the module docstring.

    `network` is the whole `Sequential` [Dense, Act, ..., Dense, Act(output)]; `logit_network`
    is the same layers without the last activation (the logits z_L), `head` that activation.
    """

    def __init__(self, n_inputs: int = 2, hidden=(8, 8), n_outputs: int = 1,
                 activation: str = "tanh", output: str = "sigmoid", loss: str = "bce",
                 init: str = "xavier", seed: int = 0):
        self.n_inputs = V.positive_int("n_inputs", n_inputs, minimum=1, maximum=MAX_UNITS)
        self.hidden = parse_hidden(hidden)
        self.n_outputs = V.positive_int("n_outputs", n_outputs, minimum=1, maximum=MAX_UNITS)
        self.activation = A.get(V.choice("activation", activation, A.NAMES))
        self.loss_name = V.choice("loss", loss, LOSSES)
        if self.loss_name == "bce" and str(output).strip().lower() != "sigmoid":
            V.fail("output", "'sigmoid' with the binary cross-entropy loss (it is computed from "
                             "the logit, as BCEWithLogitsLoss)", output)
        self.output = A.get(V.choice("output", output, A.NAMES))
        self.init = V.choice("init", init, INITS)
        self.seed = V.positive_int("seed", seed, minimum=0)
        self.sizes = (self.n_inputs, *self.hidden, self.n_outputs)
        self.network = self.initial_network(self.seed)
        self.logit_network = Ly.Sequential(self.network.layers[:-1])
        self.head = self.network.layers[-1]

    # -- parameters -------------------------------------------------------------------------
    def initial_network(self, seed: int) -> Ly.Sequential:
        """[Dense, Act(activation), ..., Dense, Act(output)], the weights drawn layer by layer
        from `numpy.random.default_rng(seed)` (`layers.init_dense`): "xavier": W ~
        U(±sqrt(6/(in+out))), b = 0 (Glorot, suited to tanh and sigmoid); "torch": W, b ~
        U(±1/sqrt(in)) (torch.nn.Linear's default)."""
        rng = np.random.default_rng(seed)
        layers, last = [], len(self.sizes) - 2
        for l, (n_in, n_out) in enumerate(zip(self.sizes, self.sizes[1:])):
            layers.append(Ly.Dense(n_in, n_out, rng=rng, init=self.init))
            layers.append(Ly.Act(self.output if l == last else self.activation))
        return Ly.Sequential(layers)

    def initial_params(self, seed: int) -> list[np.ndarray]:
        """[W1, b1, W2, b2, ...] as `initial_network(seed)` draws them."""
        return self.initial_network(seed).params

    @property
    def params(self) -> list[np.ndarray]:
        """[W1, b1, W2, b2, ...]: the arrays the layers hold (assign a list to replace them)."""
        return self.network.params

    @params.setter
    def params(self, params) -> None:
        self.network.set_params(params)

    @property
    def weights(self) -> list[np.ndarray]:
        return self.params[0::2]

    @property
    def biases(self) -> list[np.ndarray]:
        return self.params[1::2]

    @property
    def n_params(self) -> int:
        return self.network.n_params

    def set_params(self, params) -> None:
        """Replace the parameters, checked: as many arrays as now, each of the same shape."""
        params, old = list(params), self.params
        if len(params) != len(old):
            V.fail("params", f"a list of {len(old)} arrays [W1, b1, W2, b2, ...]",
                   f"{len(params)} arrays")
        self.params = [V.finite_array(f"params[{i}]", p, shape=o.shape)
                       for i, (o, p) in enumerate(zip(old, params))]

    # -- forward and backward ---------------------------------------------------------------
    def _inputs(self, X) -> np.ndarray:
        return V.finite_array("X", X, shape=(None, self.n_inputs))

    def _targets(self, y, n) -> np.ndarray:
        y = np.asarray(y, dtype=float)
        if y.ndim == 1 and self.n_outputs == 1:
            y = y[:, None]
        return V.finite_array("y", y, shape=(n, self.n_outputs))

    def _run(self, a):
        """(A_L, z_L) for checked inputs a."""
        z = self.logit_network.forward(a)
        return self.head.forward(z), z

    def _loss_from(self, out, z, y) -> float:
        if self.loss_name == "bce":
            return F.bce_with_logits(z, y)[0]
        return F.mse(out, y)[0]

    def forward(self, X) -> np.ndarray:
        """The network's outputs A_L, shape (n, n_outputs)."""
        return self.network.forward(self._inputs(X))

    def logits(self, X) -> np.ndarray:
        """z of the last layer (before the output activation)."""
        return self.logit_network.forward(self._inputs(X))

    def predict_proba(self, X) -> np.ndarray:
        """The output for each point, shape (n,) for one output (a probability for "bce")."""
        out = self.forward(X)
        return out[:, 0] if self.n_outputs == 1 else out

    def predict(self, X, threshold: float = 0.5) -> np.ndarray:
        return (self.predict_proba(X) >= threshold).astype(int)

    def accuracy(self, X, y) -> float:
        y = np.asarray(y, dtype=float).ravel()
        return float(np.mean(self.predict(X).ravel() == y))

    def loss(self, X, y) -> float:
        a = self._inputs(X)
        return self._loss_from(*self._run(a), self._targets(y, len(a)))

    def gradients(self, X, y):
        """(loss, [dL/dW_1, dL/db_1, ...]) for the batch (X, y), by backpropagation."""
        a = self._inputs(X)
        return self._gradients(a, self._targets(y, len(a)))

    def _gradients(self, a, y):
        z = self.logit_network.forward(a)
        if self.loss_name == "bce":      # σ'(z) cancels: dL/dz = (σ(z) − y) / N
            loss, dz = F.bce_with_logits(z, y)
        else:
            loss, d_out = F.mse(self.head.forward(z), y)
            dz = self.head.backward(d_out)
        self.logit_network.backward(dz)
        return loss, self.logit_network.grads


# -- training ---------------------------------------------------------------------------------
class Trainer:
    """Epochs of shuffled mini-batches; one optimizer step per mini-batch.

    All the randomness (the order of the examples in each epoch) comes from
    `numpy.random.default_rng(seed)`: the same model, data, settings and seed give the same
    losses to the last bit. `history` holds, for epoch 0 (before training) and after every
    epoch, the loss and accuracy on the training and the test set.

    If a step would make a parameter larger than MAX_PARAM = 1e6 in size, infinite or nan (a
    learning rate far too high), that step is not taken, training stops, and `diverged` says
    in which epoch. (Below 1e6 no forward pass of a network of at most 10 layers of 256 units
    on inputs of the playground's size can overflow.)
    """

    def __init__(self, model: MLP, X_train, y_train, X_test=None, y_test=None,
                 optimizer: str = "sgd", lr: float = 0.03, batch_size: int = 10, seed: int = 0,
                 **hyper):
        self.model = model
        self.X_train = model._inputs(X_train)
        self.y_train = model._targets(y_train, len(self.X_train))
        if X_test is None:
            X_test, y_test = np.empty((0, model.n_inputs)), np.empty((0, model.n_outputs))
        self.X_test = V.finite_array("X_test", X_test, shape=(None, model.n_inputs))
        self.y_test = model._targets(y_test, len(self.X_test))
        self.lr = V.finite_number("lr", lr, minimum=0.0, strict_min=True)
        self.optimizer_name = str(optimizer)
        self.optimizer = O.make_optimizer(optimizer, lr=self.lr, **hyper)
        self.batch_size = V.positive_int("batch_size", batch_size, minimum=1,
                                         maximum=len(self.X_train))
        self.seed = V.positive_int("seed", seed, minimum=0)
        self.rng = np.random.default_rng(self.seed)
        self.epoch = 0
        self.steps = 0
        self.diverged = None          # the epoch in which training diverged, or None
        self.history = {"epoch": [], "train_loss": [], "test_loss": [],
                        "train_acc": [], "test_acc": []}
        # every epoch ever reached, so that restoring a later snapshot restores its history
        self._timeline = {k: [] for k in self.history}
        self._record()

    @property
    def steps_per_epoch(self) -> int:
        return -(-len(self.X_train) // self.batch_size)

    def _evaluate(self, X, y):
        if len(X) == 0:
            return float("nan"), float("nan")
        out, z = self.model._run(X)
        loss = self.model._loss_from(out, z, y)
        if np.isnan(loss):                # nan inside (only with parameters set from outside)
            return float("nan"), float("nan")
        if self.model.n_outputs == 1:
            acc = float(np.mean((out[:, 0] >= 0.5) == (y[:, 0] >= 0.5)))
        else:
            acc = float(np.mean((out >= 0.5) == (y >= 0.5)))
        return loss, acc

    def _record(self) -> None:
        with np.errstate(all="ignore"):
            tr = self._evaluate(self.X_train, self.y_train)
            te = self._evaluate(self.X_test, self.y_test)
        row = {"epoch": self.epoch, "train_loss": tr[0], "train_acc": tr[1],
               "test_loss": te[0], "test_acc": te[1]}
        for key, value in row.items():
            self.history[key].append(value)
            line = self._timeline[key]
            if len(line) > self.epoch:
                line[self.epoch] = value
            else:
                line.append(value)

    def step(self, idx) -> float:
        """One optimizer step on the examples idx; returns the batch loss (before the step)."""
        model = self.model
        new = None
        with np.errstate(all="ignore"):
            try:
                loss, grads = model._gradients(self.X_train[idx], self.y_train[idx])
                new = self.optimizer.step(model.params, grads)   # refuses non-finite gradients
            except ValueError:            # the optimizer refuses a nan or an infinity
                loss = float("nan")
        if new is None or not np.abs(np.concatenate([p.ravel() for p in new])).max() <= MAX_PARAM:
            self.diverged = self.epoch + 1
            return loss
        model.params = new
        self.steps += 1
        return loss

    def train_epoch(self) -> None:
        """One pass over the training set in shuffled mini-batches (does nothing once diverged)."""
        if self.diverged is None:
            order = self.rng.permutation(len(self.X_train))
            for start in range(0, len(order), self.batch_size):
                self.step(order[start:start + self.batch_size])
                if self.diverged is not None:
                    break
        self.epoch += 1
        self._record()

    def train(self, epochs: int) -> "Trainer":
        epochs = V.positive_int("epochs", epochs, minimum=0)
        for _ in range(epochs):
            self.train_epoch()
        return self

    def snapshot(self):
        """Everything that changes while training, to come back to this epoch later (forward
        or back: `restore` takes the history up to that epoch from every epoch reached)."""
        return (self.epoch, self.steps, self.diverged, [p.copy() for p in self.model.params],
                copy.deepcopy(self.optimizer), copy.deepcopy(self.rng.bit_generator.state))

    def restore(self, snap) -> None:
        epoch, steps, diverged, params, opt, rng_state = snap
        self.epoch, self.steps, self.diverged = epoch, steps, diverged
        self.model.params = [p.copy() for p in params]
        self.optimizer = copy.deepcopy(opt)
        self.rng.bit_generator.state = copy.deepcopy(rng_state)
        for key in self.history:
            self.history[key] = self._timeline[key][:epoch + 1]

    def summary(self, digits: int = 4) -> dict:
        h = self.history
        r = lambda v: None if not np.isfinite(v) else round(float(v), digits)  # noqa: E731
        return {"epoch": self.epoch, "steps": self.steps,
                "train_loss": r(h["train_loss"][-1]), "test_loss": r(h["test_loss"][-1]),
                "train_acc": r(h["train_acc"][-1]), "test_acc": r(h["test_acc"][-1]),
                "diverged": self.diverged}


def train_mlp(split, hidden=(8, 8), activation="tanh", optimizer="sgd", lr=0.03,
              batch_size=10, epochs=0, seed=0, loss="bce", init="xavier", **hyper) -> Trainer:
    """Build an MLP for a datasets2d.Split and train it for `epochs` epochs; returns the Trainer."""
    model = MLP(2, hidden, 1, activation=activation, loss=loss, init=init, seed=seed)
    tr = Trainer(model, split.X_train, split.y_train, split.X_test, split.y_test,
                 optimizer=optimizer, lr=lr, batch_size=batch_size, seed=seed, **hyper)
    return tr.train(epochs)
