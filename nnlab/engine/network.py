"""The numeric backprop engine: fully-connected networks, numbered the way the course numbers them.

Numbering (course notes, "How to train a neural Network"): neurons are numbered 1, 2, ...
across the layers, inputs first. In a 2-2-1 network the inputs are 1 and 2, the hidden
neurons 3 and 4 and the output neuron 5. `w_ij` is the weight from neuron i to neuron j
(`w13`, `w45`; with a neuron number above 9 the name takes an underscore, `w3_10`), and
`b_j` is the bias of neuron j.

One training step, for the loss E = 1/2 * sum_j (t_j - y_j)^2 that the notes' delta assumes:

    z_j = sum_i w_ij O_i + b_j          O_i is x_i for an input, y_i for a neuron
    y_j = f(z_j)
    delta_j = f'(z_j) (t_j - y_j)               j an output neuron
    delta_j = f'(z_j) sum_k delta_k w_jk        j a hidden neuron
    dw_ij = eta * delta_j * O_i,   w_ij <- w_ij + dw_ij      (dw = -eta * dE/dw_ij)
    db_j  = eta * delta_j,         b_j  <- b_j  + db_j

For the sigmoid, f'(z) = y (1 - y): the notes' O_j (1 - O_j). All deltas use the weights
*before* the update, and all weights are updated together, as in the notes. `backprop_step` is
that step, once: `Network.step` builds its Trace from what it returns, `Network.train` repeats it.

Not a `layers.Sequential` (tests/test_network.py checks the two train alike): the trace keeps
each δ_j, which `Act.backward` does not; w_ij is in × out; f' is written through y; and a
Sequential step takes 0.68 s for 10,000 iterations of 2-2-2, against 0.22 s here.
Limits, checked before any work: MAX_LAYERS layer sizes of 1..64; `max_iterations()`.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import numpy as np

from ..core import functional as F
from ..core import validate as V
from .trace import bias_name, build_trace, listed, weight_name

__all__ = ["ACTIVATIONS", "Network", "activate", "backprop_step", "bias_name", "derivative",
           "parse_activations", "parse_layers", "weight_name"]

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
MAX_LAYERS, MAX_ITERATIONS, TRAIN_WORK, HISTORY_VALUES = 16, 1_000_000, 4 * 10**9, 2_000_000


def relu(z):
    return np.maximum(z, 0.0)


def relu_derivative(z):
    return (z > 0) * 1.0  # PyTorch's convention: relu'(0) = 0


def identity(z):
    return z


def one(s):
    return np.ones_like(s)


# f(z) (the formulas are nnlab.core.functional's), and f'(z) as a function of one argument:
# of the output y where the notes write it so (sigmoid: y(1 - y), tanh: 1 - y²), of z for ReLU
FORWARD = {"sigmoid": F.sigmoid, "tanh": F.tanh, "relu": relu, "linear": identity}
SLOPE_OF = {"sigmoid": (F.sigmoid_derivative_from_output, "y"),
            "tanh": (F.tanh_derivative_from_output, "y"),
            "relu": (relu_derivative, "z"), "linear": (one, "y")}


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """f(z) for an activation of ACTIVATIONS (the sigmoid never overflows)."""
    return np.array(FORWARD[name](np.asarray(z, dtype=float)), dtype=float)


def derivative(name: str, z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """f'(z), written through the output y where the notes do (sigmoid: y(1-y))."""
    slope, of = SLOPE_OF[name]
    return np.asarray(slope(np.asarray(y if of == "y" else z, dtype=float)), dtype=float)


def backprop_step(Ws, Bs, fs, slopes, x, t, lr, train_biases):
    """One training step on the weight arrays `Ws` (and biases `Bs`, or None), changed in place.

    fs, slopes: each layer's f and (f', "y" or "z") (`Network.functions`). Returns (zs, ys, err,
    ds, dWs, dBs): per layer z, y, δ and Δw_ij = η O_i δ_j (Δb = η δ, zeros when frozen, None
    without biases), and err = t − y. Every δ uses the weights before the update, as in the notes.
    """
    L = len(Ws)
    zs, ys = [], []
    a = x
    for li in range(L):
        z = a @ Ws[li]
        if Bs is not None:
            z += Bs[li]
        a = fs[li](z)
        zs.append(z)
        ys.append(a)
    err = t - a
    slope, of = slopes[-1]
    d = slope(a if of == "y" else zs[-1]) * err
    ds = [d] * L
    for li in range(L - 1, 0, -1):     # δ of the layer below, through this layer's weights
        slope, of = slopes[li - 1]
        d = slope(ys[li - 1] if of == "y" else zs[li - 1]) * (Ws[li] @ d)
        ds[li - 1] = d
    outer, dWs, o = np.multiply.outer, [], x
    for li in range(L):
        dW = outer(lr * o, ds[li])
        Ws[li] += dW
        dWs.append(dW)
        o = ys[li]
    dBs = None
    if Bs is not None:
        dBs = [lr * d if train_biases else np.zeros_like(d) for d in ds]
        for li in range(L if train_biases else 0):
            Bs[li] += dBs[li]
    return zs, ys, err, ds, dWs, dBs


def divergence_message(iteration: int, what: str, advice: str) -> str:
    """The one line a diverged computation raises: where it left the finite numbers and why."""
    return f"diverged at iteration {iteration}: {what} overflowed; {advice}"


def parse_layers(spec) -> tuple[int, ...]:
    """'2,2,1' or [2, 2, 1] -> (2, 2, 1); at least an input and an output layer."""
    if isinstance(spec, str):
        parts = [p.strip() for p in spec.split(",")]
        if len(parts) < 2 or not all(re.fullmatch(r"\d+", p) for p in parts):
            V.fail("layers", "comma-separated layer sizes such as 2,2,1 (at least two whole numbers)",
                   spec)
        spec = [int(p) for p in parts]
    try:
        sizes = tuple(spec)
    except TypeError:
        V.fail("layers", "a list of layer sizes such as [2, 2, 1]", spec)
    if not 2 <= len(sizes) <= MAX_LAYERS:
        V.fail("layers", f"from 2 to {MAX_LAYERS} layer sizes (inputs and outputs), such as 2,2,1",
               f"{len(sizes)} sizes")
    out = []
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1 or s > 64:
            V.fail("layers", "layer sizes that are whole numbers from 1 to 64", spec)
        out.append(int(s))
    return tuple(out)


def draw_value(rng: np.random.Generator) -> float:
    """A random weight the way the notes write them: one decimal, in [-0.9, 0.9], never 0."""
    k = int(rng.integers(1, 10)) * (1 if rng.random() < 0.5 else -1)
    return k / 10


@dataclass
class Network:
    """A fully-connected network. Build it with `Network.build(...)`."""

    layers: tuple[int, ...]
    activations: tuple[str, ...]
    weights: list[np.ndarray]                 # weights[l][a, b]: layer l neuron a -> layer l+1 neuron b
    biases: list[np.ndarray] | None = None    # biases[l][b] for layer l+1, or None: no biases
    freeze_biases: bool = False
    numbers: list[list[int]] = field(init=False, repr=False)

    def __post_init__(self):
        self.numbers, n = [], 1
        for size in self.layers:
            self.numbers.append(list(range(n, n + size)))
            n += size

    # -- construction -------------------------------------------------------------------
    @classmethod
    def build(cls, layers, activation="sigmoid", weights=None, biases=None,
              freeze_biases=False, seed=0) -> "Network":
        """layers: '2,2,1' or a list. activation: a name, or one per non-input layer.
        weights: {'w13': 0.1, ...}; the missing ones are drawn from a generator seeded by `seed`.
        biases: None or False (no biases), True (all drawn), or {'b3': 0.35, ...} (rest drawn)."""
        layers = parse_layers(layers)
        acts = parse_activations(activation, len(layers) - 1)
        seed = V.check_seed(seed)
        rng = np.random.default_rng(seed)
        proto = cls(layers, acts, [np.zeros((a, b)) for a, b in zip(layers, layers[1:])])
        given_w = dict(weights or {})
        given_b = {} if biases in (None, False, True) else dict(biases)
        seen = {}
        for key in given_w:
            pos = proto.resolve_weight(key)
            if pos is None:
                V.fail("weights", f"weight names of this {proto.shape_text()} network "
                                  f"({listed(proto.weight_index())})", key)
            if pos in seen:   # w13 and w1_3 name one weight
                raise ValueError(f"weights: {key} is given twice (as {seen[pos]} and {key})")
            seen[pos] = key
        Ws = []
        for li, (a, b) in enumerate(zip(layers, layers[1:])):
            W = np.empty((a, b))
            for bi in range(b):          # draw in the order of the names: w13, w23, w14, ...
                for ai in range(a):
                    W[ai, bi] = draw_value(rng)
            Ws.append(W)
        for key, val in given_w.items():
            li, ai, bi = proto.resolve_weight(key)
            Ws[li][ai, bi] = V.finite_number(f"weights[{key}]", val)
        Bs = None
        if biases not in (None, False):
            Bs = [np.array([draw_value(rng) for _ in range(b)]) for b in layers[1:]]
            seen_b = {}
            for key, val in given_b.items():
                pos = proto.resolve_bias(key)
                if pos is None:
                    V.fail("biases", f"bias names of this {proto.shape_text()} network "
                                     f"({listed(proto.bias_names())})", key)
                if pos in seen_b:
                    raise ValueError(f"biases: {key} is given twice (as {seen_b[pos]} and {key})")
                seen_b[pos] = key
                Bs[pos[0]][pos[1]] = V.finite_number(f"biases[{key}]", val)
        return cls(layers, acts, Ws, Bs, bool(freeze_biases))

    # -- names ----------------------------------------------------------------------------
    def shape_text(self) -> str:
        return "-".join(map(str, self.layers))

    def weight_index(self) -> list[str]:
        """Weight names in the trace's order: by target neuron, then by source neuron."""
        out = []
        for li in range(len(self.layers) - 1):
            for j in self.numbers[li + 1]:
                for i in self.numbers[li]:
                    out.append(weight_name(i, j))
        return out

    def bias_names(self) -> list[str]:
        return [bias_name(j) for nums in self.numbers[1:] for j in nums]

    def resolve_weight(self, key: str):
        """'w13' or 'w1_3' -> (layer, source index, target index), or None."""
        m = re.fullmatch(r"w(\d+)_(\d+)", str(key).strip()) or \
            re.fullmatch(r"w(\d)(\d)", str(key).strip())
        if not m:
            return None
        i, j = int(m.group(1)), int(m.group(2))
        for li in range(len(self.layers) - 1):
            if i in self.numbers[li] and j in self.numbers[li + 1]:
                return li, self.numbers[li].index(i), self.numbers[li + 1].index(j)
        return None

    def resolve_bias(self, key: str):
        m = re.fullmatch(r"b(\d+)", str(key).strip())
        if not m:
            return None
        j = int(m.group(1))
        for li in range(1, len(self.layers)):
            if j in self.numbers[li]:
                return li - 1, self.numbers[li].index(j)
        return None

    def weight(self, key: str) -> float:
        pos = self.resolve_weight(key)
        if pos is None:
            V.fail("weight", f"a weight name of this {self.shape_text()} network", key)
        return float(self.weights[pos[0]][pos[1], pos[2]])

    def weight_dict(self) -> dict[str, float]:
        return {k: self.weight(k) for k in self.weight_index()}

    def bias_dict(self) -> dict[str, float]:
        if self.biases is None:
            return {}
        return {bias_name(j): float(self.biases[li][bi])
                for li, nums in enumerate(self.numbers[1:]) for bi, j in enumerate(nums)}

    @property
    def input_numbers(self) -> list[int]:
        return self.numbers[0]

    @property
    def output_numbers(self) -> list[int]:
        return self.numbers[-1]

    def copy(self) -> "Network":
        return Network(self.layers, self.activations, [w.copy() for w in self.weights],
                       None if self.biases is None else [b.copy() for b in self.biases],
                       self.freeze_biases)

    # -- computing ------------------------------------------------------------------------
    def check_inputs(self, x, t=None, lr=None):
        x = V.finite_array("x", x, shape=(self.layers[0],))
        if t is not None:
            t = V.finite_array("target", t, shape=(self.layers[-1],))
        if lr is not None:
            lr = V.finite_number("lr", lr, minimum=0)
        return x, t, lr

    def forward(self, x):
        """Net inputs z and outputs y of every non-input layer (lists of arrays)."""
        x, _, _ = self.check_inputs(x)
        zs, ys = [], []
        a = x
        for li, W in enumerate(self.weights):
            z = a @ W
            if self.biases is not None:
                z = z + self.biases[li]
            a = FORWARD[self.activations[li]](z)
            zs.append(z)
            ys.append(a)
        return zs, ys

    def functions(self):
        """Each layer's f and (f', its argument) (FORWARD and SLOPE_OF entries), looked up once."""
        return ([FORWARD[name] for name in self.activations],
                [SLOPE_OF[name] for name in self.activations])

    def step(self, x, t, lr):
        """One backprop step; returns a Trace (the network itself is not changed)."""
        x, t, lr = self.check_inputs(x, t, lr)
        new = self.copy()
        fs, slopes = self.functions()
        with np.errstate(all="ignore"):   # an overflow is reported below, in words
            zs, ys, err, ds, dWs, dBs = backprop_step(new.weights, new.biases, fs, slopes, x, t, lr,
                                                      self.biases is not None
                                                      and not self.freeze_biases)
            _, ys_after = new.forward(x)
            loss = 0.5 * float(np.sum(err ** 2))
            loss_after = 0.5 * float(np.sum((t - ys_after[-1]) ** 2))
        if not (np.isfinite(loss) and all(np.all(np.isfinite(a)) for a in (*zs, *ds, *dWs))):
            what = "the loss" if not np.isfinite(loss) else "the update"
            raise ValueError(divergence_message(1, what, "use smaller inputs or weights, or lower "
                                                         "the learning rate"))
        if not np.isfinite(loss_after) or not all(np.all(np.isfinite(w)) for w in new.weights):
            raise ValueError(divergence_message(1, "the loss after the update", "lower the learning rate"))
        return build_trace(self, new, x, t, lr, zs, ys, err, ds, dWs, dBs, loss_after)

    def apply(self, trace) -> "Network":
        """The network after the update that `trace` computed."""
        return trace.network_after.copy()

    def loss(self, x, t) -> float:
        x, t, _ = self.check_inputs(x, t)
        _, ys = self.forward(x)
        return 0.5 * float(np.sum((t - ys[-1]) ** 2))

    def max_iterations(self) -> int:
        """At most 1,000,000; fewer where iterations × (3000 per layer + 1 per weight) > TRAIN_WORK
        (~30 s: 23 µs/layer, 0.007 µs/weight) or iterations × outputs > HISTORY_VALUES."""
        per = 3000 * (len(self.layers) - 1) + sum(a * b for a, b in zip(self.layers, self.layers[1:]))
        return max(1, min(MAX_ITERATIONS, TRAIN_WORK // per, HISTORY_VALUES // self.layers[-1]))

    def check_iterations(self, iterations) -> int:
        n, top = V.positive_int("iterations", iterations, minimum=1), self.max_iterations()
        if n > top:
            raise ValueError(f"iterations: expected at most {top} for this {self.shape_text()} "
                             f"network (the time and memory one run may take here), got {n}")
        return n

    def train(self, x, t, lr, iterations):
        """Run `iterations` steps on one example, fast (no trace objects, no sympy): the step
        is `backprop_step`, the one `step` uses; only each step's output is kept.

        Returns (network after the last update, outputs, losses): outputs[k] and losses[k]
        are the forward pass *before* the (k+1)-th update, as in the notes' "2nd iteration"."""
        x, t, lr = self.check_inputs(x, t, lr)
        iterations = self.check_iterations(iterations)
        net = self.copy()
        Ws, Bs = net.weights, net.biases
        train_b = Bs is not None and not net.freeze_biases
        fs, slopes = self.functions()
        outputs = np.empty((iterations, self.layers[-1]))
        # overflow: checked once at the end, then located (a warnings filter costs nothing per
        # step; np.errstate around the loop slowed every ufunc call)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            for k in range(iterations):
                outputs[k] = backprop_step(Ws, Bs, fs, slopes, x, t, lr, train_b)[1][-1]
            errors = t - outputs
            losses = 0.5 * np.einsum("ij,ij->i", errors, errors)
        if not np.all(np.isfinite(losses)):
            k = int(np.argmin(np.isfinite(losses)))   # the first loss that is not finite
            raise ValueError(divergence_message(k + 1, "the loss", "lower the learning rate"))
        if not all(np.all(np.isfinite(w)) for w in Ws):
            raise ValueError(divergence_message(iterations, "the weights",
                                                "lower the learning rate"))
        return net, outputs, losses


def parse_activations(activation, n_layers: int) -> tuple[str, ...]:
    if isinstance(activation, str):
        parts = [p.strip() for p in activation.split(",")]
    else:
        try:
            parts = list(activation)
        except TypeError:
            V.fail("activation", "a name or a list of names", activation)
    allowed = ", ".join(ACTIVATIONS)
    parts = [V.choice("activation", p, ACTIVATIONS) for p in parts]
    if len(parts) == 1:
        parts = parts * n_layers
    if len(parts) != n_layers:
        V.fail("activation", f"one name ({allowed}) or one per non-input layer ({n_layers})",
               activation)
    return tuple(parts)
