"""A batched multi-layer perceptron with backpropagation written out, and a seeded trainer.

The layers follow `torch.nn.Linear`: layer l has a weight matrix W_l of shape
(units out, units in) and a bias b_l of shape (units out,), and for a batch A (one row per
example)

    z_l = A_{l-1} W_l^T + b_l          A_0 = X, the inputs
    A_l = f_l(z_l)                     f_l: the hidden activation, the output one for the last

Losses (both averaged over every output of every example, as torch's reduction="mean"):

    "bce"  binary cross-entropy of a sigmoid output, computed from the logit z (as
           torch.nn.BCEWithLogitsLoss):  L = mean( log(1 + e^z) - y z ),  dL/dz = (σ(z) - y) / N
    "mse"  mean squared error of the output A_L:  L = mean( (A_L - y)^2 ),
           dL/dA_L = 2 (A_L - y) / N,  dL/dz_L = dL/dA_L · f'(z_L)

and backpropagation, layer by layer from the last:

    dL/dW_l = (dL/dz_l)^T A_{l-1}       dL/db_l = sum over the batch of dL/dz_l
    dL/dA_{l-1} = dL/dz_l W_l           dL/dz_{l-1} = dL/dA_{l-1} · f'(z_{l-1})

The parameters are the list [W_1, b_1, W_2, b_2, ...], the order `nnlab.engine.optim` optimizers
step. `Trainer` runs epochs of shuffled mini-batches with one of those optimizers, from a
seed, and records the training and test loss after every epoch.
"""
from __future__ import annotations

import copy

import numpy as np

from ..core import validate as V
from . import activations as A
from . import optim as O

LOSSES = ("bce", "mse")
MAX_PARAM = 1e6          # a step that makes any |parameter| larger is called divergence
INITS = ("xavier", "torch")
MAX_UNITS = 256
MAX_LAYERS = 10


def _sigmoid(z):
    return 0.5 + 0.5 * np.tanh(0.5 * z)          # 1/(1 + e^-z) without overflow


def _softplus(z):
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))   # log(1 + e^z), stable


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
    """inputs → hidden layers (one activation) → outputs; see the module docstring."""

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
        self.params = self.initial_params(self.seed)

    # -- parameters -------------------------------------------------------------------------
    def initial_params(self, seed: int) -> list[np.ndarray]:
        """"xavier": W ~ U(±sqrt(6/(in+out))), b = 0 (Glorot, suited to tanh and sigmoid);
        "torch": W, b ~ U(±1/sqrt(in)) (torch.nn.Linear's default). Drawn layer by layer."""
        rng = np.random.default_rng(seed)
        params = []
        for n_in, n_out in zip(self.sizes, self.sizes[1:]):
            if self.init == "xavier":
                lim = np.sqrt(6.0 / (n_in + n_out))
                params += [rng.uniform(-lim, lim, (n_out, n_in)), np.zeros(n_out)]
            else:
                lim = 1.0 / np.sqrt(n_in)
                params += [rng.uniform(-lim, lim, (n_out, n_in)), rng.uniform(-lim, lim, n_out)]
        return params

    @property
    def weights(self) -> list[np.ndarray]:
        return self.params[0::2]

    @property
    def biases(self) -> list[np.ndarray]:
        return self.params[1::2]

    @property
    def n_params(self) -> int:
        return int(sum(p.size for p in self.params))

    def set_params(self, params) -> None:
        params = list(params)
        if len(params) != len(self.params):
            V.fail("params", f"a list of {len(self.params)} arrays [W1, b1, W2, b2, ...]",
                   f"{len(params)} arrays")
        new = []
        for i, (old, p) in enumerate(zip(self.params, params)):
            new.append(V.finite_array(f"params[{i}]", p, shape=old.shape))
        self.params = new

    # -- forward and backward ---------------------------------------------------------------
    def _inputs(self, X) -> np.ndarray:
        return V.finite_array("X", X, shape=(None, self.n_inputs))

    def _targets(self, y, n) -> np.ndarray:
        y = np.asarray(y, dtype=float)
        if y.ndim == 1 and self.n_outputs == 1:
            y = y[:, None]
        return V.finite_array("y", y, shape=(n, self.n_outputs))

    def forward(self, X, cache: bool = False):
        """The network's outputs A_L, shape (n, n_outputs); with cache=True also (zs, As)."""
        a = self._inputs(X)
        return self._forward(a, cache)

    def _forward(self, a, cache=False):
        zs, acts = [], [a]
        L = len(self.sizes) - 1
        for l in range(L):
            W, b = self.params[2 * l], self.params[2 * l + 1]
            z = a @ W.T + b
            f = self.output if l == L - 1 else self.activation
            a = f.forward(z)
            zs.append(z)
            acts.append(a)
        return (a, zs, acts) if cache else a

    def logits(self, X) -> np.ndarray:
        """z of the last layer (before the output activation)."""
        _, zs, _ = self._forward(self._inputs(X), cache=True)
        return zs[-1]

    def predict_proba(self, X) -> np.ndarray:
        """The output for each point, shape (n,) for one output (a probability for "bce")."""
        out = self._forward(self._inputs(X))
        return out[:, 0] if self.n_outputs == 1 else out

    def predict(self, X, threshold: float = 0.5) -> np.ndarray:
        return (self.predict_proba(X) >= threshold).astype(int)

    def accuracy(self, X, y) -> float:
        y = np.asarray(y, dtype=float).ravel()
        return float(np.mean(self.predict(X).ravel() == y))

    def _loss_from(self, out, z_last, y) -> float:
        if self.loss_name == "bce":
            return float(np.mean(_softplus(z_last) - y * z_last))
        return float(np.mean((out - y) ** 2))

    def loss(self, X, y) -> float:
        a = self._inputs(X)
        y = self._targets(y, len(a))
        out, zs, _ = self._forward(a, cache=True)
        return self._loss_from(out, zs[-1], y)

    def gradients(self, X, y):
        """(loss, [dL/dW_1, dL/db_1, ...]) for the batch (X, y), by backpropagation."""
        a = self._inputs(X)
        y = self._targets(y, len(a))
        return self._gradients(a, y)

    def _gradients(self, a, y):
        out, zs, acts = self._forward(a, cache=True)
        N = y.size
        if self.loss_name == "bce":
            dz = (out - y) / N                 # out = σ(z): the output activation's value
        else:
            dz = 2.0 * (out - y) / N * self.output.derivative(zs[-1])
        loss = self._loss_from(out, zs[-1], y)
        L = len(self.sizes) - 1
        grads = [None] * (2 * L)
        for l in range(L - 1, -1, -1):
            grads[2 * l] = dz.T @ acts[l]
            grads[2 * l + 1] = dz.sum(axis=0)
            if l > 0:
                dz = (dz @ self.params[2 * l]) * self.activation.derivative(zs[l - 1])
        return loss, grads


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
        try:
            out, zs, _ = self.model._forward(X, cache=True)
        except ValueError:                # nan inside (only with parameters set from outside)
            return float("nan"), float("nan")
        loss = self.model._loss_from(out, zs[-1], y)
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
            except ValueError:            # a nan or an infinity in the forward pass or gradient
                loss = float("nan")
        if new is None or not np.abs(np.concatenate([p.ravel() for p in new])).max() <= MAX_PARAM:
            self.diverged = self.epoch + 1
            return loss
        model.params = [np.asarray(p, dtype=float) for p in new]
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


# -- exercises of notebook 05 -----------------------------------------------------------------
def _ex_params():
    return MLP(2, (8, 8), 1).n_params


def _ex_steps(n_train=100, batch=8, epochs=30):
    return -(-n_train // batch) * epochs


def _ex_bce(z=0.8, y=0.0):
    return float(_softplus(np.array(z)) - y * z)


def _ex_dz(z=0.8, y=0.0):
    return float(_sigmoid(np.array(z)) - y)


def best_line_accuracy_on_xor(steps: int = 41) -> float:
    """The best accuracy any straight line w1·x1 + w2·x2 + b >= 0 reaches on XOR's four corners,
    searched over a grid of lines (it is 3/4: no line separates the two classes)."""
    P = np.array([[0, 0], [1, 1], [0, 1], [1, 0]], dtype=float)
    y = np.array([0, 0, 1, 1])
    g = np.linspace(-2, 2, steps)
    w1, w2, b = np.meshgrid(g, g, g, indexing="ij")
    pred = (w1[..., None] * P[:, 0] + w2[..., None] * P[:, 1] + b[..., None]) >= 0
    return float((pred == y).mean(axis=-1).max())


def _exercises():
    from ..course.exercises import Exercise, ExerciseSet

    return ExerciseSet("Playground", [
        Exercise(
            question="How many parameters (weights and biases) does a 2-8-8-1 network have?",
            answer=_ex_params,
            solution=lambda: ("Each layer has (inputs × units) weights and one bias per unit: "
                              "(2·8 + 8) + (8·8 + 8) + (8·1 + 1) = 24 + 72 + 9 = "
                              f"{_ex_params()}."),
            rel_tol=0, abs_tol=0.5,
            mistakes=lambda: [(2 * 8 + 8 * 8 + 8, "those are the weights only: add one bias "
                                                  "per hidden and output unit."),
                              (_ex_params() - 1, "the output unit has a bias too."),
                              (2 + 8 + 8 + 1, "that counts the neurons, not the parameters.")],
        ),
        Exercise(
            question="100 training points, batch size 8, 30 epochs: how many optimizer steps? "
                     "(The last batch of an epoch may be smaller; it is still one step.)",
            answer=_ex_steps,
            solution=lambda: (f"An epoch needs ceil(100 / 8) = {-(-100 // 8)} batches (12 of 8 "
                              f"and one of 4), so 30 epochs take {_ex_steps()} steps."),
            rel_tol=0, abs_tol=0.5,
            mistakes=lambda: [(100 / 8 * 30, "a step is a whole batch: round 100/8 up to 13 "
                                             "batches per epoch."),
                              (100 // 8 * 30, "the last 4 points form a batch of their own: 13 "
                                              "batches per epoch, not 12."),
                              (30, "that is the number of epochs; each epoch has 13 steps."),
                              (100 * 30, "one step per batch of 8, not one per point.")],
        ),
        Exercise(
            question="The network gives the logit z = 0.8 (so ŷ = σ(0.8)) for a point of class "
                     "y = 0. What is its binary cross-entropy loss "
                     "−[y·ln ŷ + (1 − y)·ln(1 − ŷ)]? (4 decimals)",
            answer=_ex_bce,
            solution=lambda: ("With y = 0 only −ln(1 − ŷ) is left; ŷ = σ(0.8) = "
                              f"{_ex_dz():.4f}, so the loss is −ln(1 − {_ex_dz():.4f}) = "
                              f"ln(1 + e^0.8) = {_ex_bce():.4f}."),
            mistakes=lambda: [(_ex_bce(0.8, 1.0), "that is −ln ŷ, the loss if the point were of "
                                                  "class 1; here y = 0."),
                              (_ex_dz(), "that is the output ŷ = σ(0.8), not the loss."),
                              (float(np.log10(1 + np.exp(0.8))), "the loss uses the natural "
                                                                 "logarithm, not log10.")],
        ),
        Exercise(
            question="For the same point (z = 0.8, y = 0), what is dL/dz, the gradient of the "
                     "binary cross-entropy with respect to the logit? (4 decimals)",
            answer=_ex_dz,
            solution=lambda: ("For a sigmoid output with binary cross-entropy, the σ'(z) factors "
                              f"cancel and dL/dz = ŷ − y = σ(0.8) − 0 = {_ex_dz():.4f}."),
            mistakes=lambda: [(_ex_dz() ** 2 * (1 - _ex_dz()), "you multiplied by σ'(z) = "
                                                               "ŷ(1 − ŷ) as with the squared "
                                                               "error: with binary cross-entropy "
                                                               "it cancels; dL/dz = ŷ − y."),
                              (_ex_dz() * (1 - _ex_dz()), "that is σ'(z) = ŷ(1 − ŷ) alone; "
                                                          "dL/dz = ŷ − y."),
                              (_ex_dz(0.8, 1.0), "that is ŷ − 1: the point is of class y = 0."),
                              (_ex_bce(), "that is the loss itself, not its gradient.")],
        ),
        Exercise(
            question="XOR's four corners: (0,0) and (1,1) are class 0, (0,1) and (1,0) class 1. "
                     "What is the best accuracy a network with no hidden layer (one straight "
                     "line as its boundary) can reach on them?",
            answer=best_line_accuracy_on_xor,
            solution=lambda: ("A line can put three corners on their right sides, never all "
                              "four (the classes sit on the two diagonals): the best accuracy is "
                              f"{best_line_accuracy_on_xor():.2f}. A hidden layer bends the "
                              "boundary, and then 1.0 is reachable."),
            rel_tol=0, abs_tol=0.01,
            mistakes=lambda: [(0.5, "a line can do better than chance: try x1 + x2 >= 0.5 — it "
                                    "is wrong on one corner only."),
                              (1.0, "no straight line separates XOR's classes: that is why the "
                                    "network needs a hidden layer.")],
        ),
    ])


exercises = _exercises()
