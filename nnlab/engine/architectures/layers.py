"""The layer calculator: output shape and parameter count of every layer, and the total.

Shapes are written height × width × channels, as the course notes write them ((32, 32, 1),
[224, 224, 3]). A layer's output size along one axis is ⌊(n + 2p − f)/s⌋ + 1.

    summarize((32, 32, 1), [Conv(6, 5), Pool("avg", 2), ...])

Parameters of each layer (counted as `torch.nn` counts `p.numel()` over `parameters()`):
- Conv(filters, kernel): (kH·kW·C_in/groups + 1)·filters (a weight per kernel entry and input
  channel, one bias per filter; no bias with bias=False), independent of the image size: the
  filter is shared; groups = C_in = filters is a depthwise convolution;
- Dense(units): (inputs + 1)·units;
- BatchNorm: 2 per channel (scale γ and shift β; the running mean and variance are buffers,
  not trained parameters);
- SqueezeExcite(s) on C channels: a 1×1 convolution C → s and one s → C, with biases;
- Pool, GlobalAvgPool: none (LeNet-5's subsampling layers had 2 per map: a coefficient and a bias);
- Flatten, Dropout, activations: none.

Blocks with more than one path: `Branches([path, path, ...], merge="add" | "concat")`, each
path a list of layers ([] is the identity, a skip connection); every layer of every path is a
row (named "block · path · layer"), then one row for the merge. `Block(layers, name)` groups a
plain sequence under one name. `Summary.by_block()` sums each block's rows into one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ...core import functional as F
from ...core import validate as V


def _pair(name, v):
    if isinstance(v, (tuple, list)):
        if len(v) != 2:
            V.fail(name, "an int or a pair of ints", v)
        return tuple(V.positive_int(name, a, minimum=0 if name == "padding" else 1) for a in v)
    a = V.positive_int(name, v, minimum=0 if name == "padding" else 1)
    return (a, a)


def out_len(n, f, s, p, name="layer"):
    """⌊(n + 2p − f)/s⌋ + 1 along one axis (ValueError when the kernel does not fit)."""
    if f > n + 2 * p:
        V.fail(name, f"a kernel of at most {n + 2 * p} (the padded input) along each axis", f)
    return F.conv_output_size(n, f, s, p)


@dataclass
class Conv:
    filters: int
    kernel_size: object
    stride: object = 1
    padding: object = 0            # an int/pair or "valid" / "same"
    activation: str = ""
    groups: int = 1
    in_maps: int | None = None     # LeNet-5's C3: total input maps seen by all filters (60)
    name: str = ""
    bias: bool = True

    kind = "conv"

    def output(self, shape):
        h, w, c = shape
        kh, kw = _pair("kernel_size", self.kernel_size)
        sh, sw = _pair("stride", self.stride)
        if isinstance(self.padding, str):
            mode = V.choice("padding", self.padding, ("valid", "same"))
            ph, pw = (0, 0) if mode == "valid" else ((kh - 1) // 2, (kw - 1) // 2)
        else:
            ph, pw = _pair("padding", self.padding)
        return (out_len(h, kh, sh, ph, self.label()), out_len(w, kw, sw, pw, self.label()),
                V.positive_int("filters", self.filters))

    def params(self, shape):
        kh, kw = _pair("kernel_size", self.kernel_size)
        g = V.positive_int("groups", self.groups)
        if shape[2] % g or self.filters % g:
            V.fail("groups", f"a divisor of the channels {shape[2]} and filters {self.filters}", g)
        if self.in_maps is not None:
            return kh * kw * self.in_maps + self.filters
        return (kh * kw * shape[2] // g + (1 if self.bias else 0)) * self.filters

    def label(self):
        kh, kw = _pair("kernel_size", self.kernel_size)
        sh, _ = _pair("stride", self.stride)
        kind = "depthwise conv" if self.groups > 1 and self.groups == self.filters else "conv"
        return self.name or f"{kind} {self.filters}@{kh}×{kw}" + (f"/{sh}" if sh > 1 else "")


@dataclass
class Pool:
    mode: str = "max"
    kernel_size: object = 2
    stride: object = None
    padding: object = 0
    trainable: bool = False        # LeNet-5: a coefficient and a bias per map
    name: str = ""

    kind = "pool"

    def output(self, shape):
        h, w, c = shape
        kh, kw = _pair("kernel_size", self.kernel_size)
        sh, sw = (kh, kw) if self.stride is None else _pair("stride", self.stride)
        ph, pw = _pair("padding", self.padding)
        return (out_len(h, kh, sh, ph, self.label()), out_len(w, kw, sw, pw, self.label()), c)

    def params(self, shape):
        return 2 * shape[2] if self.trainable else 0

    def label(self):
        kh, kw = _pair("kernel_size", self.kernel_size)
        sh = kh if self.stride is None else _pair("stride", self.stride)[0]
        return self.name or (f"{V.choice('mode', self.mode, ('max', 'avg'))} pool {kh}×{kw}"
                             + (f"/{sh}" if sh != kh else ""))


@dataclass
class Flatten:
    name: str = ""
    kind = "flatten"

    def output(self, shape):
        n = 1
        for s in shape:
            n *= s
        return (n,)

    def params(self, shape):
        return 0

    def label(self):
        return self.name or "flatten"


@dataclass
class Dense:
    units: int
    activation: str = ""
    bias: bool = True
    trainable: bool = True
    name: str = ""
    kind = "dense"

    def output(self, shape):
        if len(shape) != 1:
            V.fail(self.label(), "a flat input (put a Flatten before a Dense layer)", shape)
        return (V.positive_int("units", self.units),)

    def params(self, shape):
        return (shape[0] + (1 if self.bias else 0)) * self.units

    def label(self):
        return self.name or f"dense {self.units}"


@dataclass
class Dropout:
    rate: float = 0.5
    name: str = ""
    kind = "dropout"

    def output(self, shape):
        return shape

    def params(self, shape):
        return 0

    def label(self):
        return self.name or f"dropout {self.rate:g}"


@dataclass
class BatchNorm:
    name: str = ""
    kind = "batchnorm"

    def output(self, shape):
        return shape

    def params(self, shape):
        return 2 * shape[-1]

    def label(self):
        return self.name or "batch norm"


@dataclass
class GlobalAvgPool:
    name: str = ""
    kind = "pool"

    def output(self, shape):
        if len(shape) != 3:
            V.fail(self.label(), "a height × width × channels input", shape)
        return (shape[2],)

    def params(self, shape):
        return 0

    def label(self):
        return self.name or "global avg pool"


@dataclass
class SqueezeExcite:
    squeeze: int
    name: str = ""
    kind = "se"

    def output(self, shape):
        return shape

    def params(self, shape):
        c, s = shape[2], V.positive_int("squeeze", self.squeeze)
        return (c + 1) * s + (s + 1) * c

    def label(self):
        return self.name or f"squeeze-excite →{self.squeeze}→"


@dataclass
class Row:
    layer: str
    output_shape: tuple
    params: int
    trainable: bool = True
    block: str = ""                # the block a row belongs to ("" for a plain layer)


def expand(layer, shape, prefix=""):
    """The rows of one layer (or of a block, recursively) and the shape it outputs."""
    if hasattr(layer, "expand"):
        return layer.expand(shape, prefix)
    if not hasattr(layer, "output"):
        V.fail("layers", "Conv, Pool, Flatten, Dense, Dropout, BatchNorm or block objects", layer)
    p = layer.params(shape)
    out = layer.output(shape)
    name = f"{prefix} · {layer.label()}" if prefix else layer.label()
    return [Row(name, out, p, getattr(layer, "trainable", True) or p == 0,
                prefix.split(" · ")[0])], out


@dataclass
class Block:
    layers: list
    name: str
    kind = "block"

    def expand(self, shape, prefix=""):
        rows, name = [], f"{prefix} · {self.name}" if prefix else self.name
        for layer in self.layers:
            sub, shape = expand(layer, shape, name)
            rows += sub
        return rows, shape


@dataclass
class Branches:
    paths: list                    # lists of layers; [] is the identity (a skip connection)
    merge: str = "add"             # "add" (same shapes) or "concat" (along the channels)
    name: str = "block"
    path_names: tuple = ()
    activation: str = ""           # applied after the merge (no parameters)
    kind = "branches"

    def expand(self, shape, prefix=""):
        merge = V.choice("merge", self.merge, ("add", "concat"))
        name = f"{prefix} · {self.name}" if prefix else self.name
        rows, outs = [], []
        for i, path in enumerate(self.paths):
            pname = self.path_names[i] if i < len(self.path_names) else f"path {i + 1}"
            s = shape
            if not path:
                rows.append(Row(f"{name} · {pname} · identity", s, 0, True, name.split(" · ")[0]))
            for layer in path:
                sub, s = expand(layer, s, f"{name} · {pname}")
                rows += sub
            outs.append(s)
        if merge == "add":
            if any(o != outs[0] for o in outs):
                V.fail(name, "paths of one output shape to add", outs)
            out = outs[0]
        else:
            if any(len(o) != 3 or o[:2] != outs[0][:2] for o in outs):
                V.fail(name, "paths of one height and width to concatenate", outs)
            out = (*outs[0][:2], sum(o[2] for o in outs))
        rows.append(Row(f"{name} · {merge}" + (f" + {self.activation}" if self.activation else ""),
                        out, 0, True, name.split(" · ")[0]))
        return rows, out


@dataclass
class Summary:
    name: str
    input_shape: tuple
    rows: list = field(default_factory=list)

    @property
    def total(self) -> int:
        """Trainable parameters."""
        return sum(r.params for r in self.rows if r.trainable)

    @property
    def fixed(self) -> int:
        return sum(r.params for r in self.rows if not r.trainable)

    @property
    def output_shape(self):
        return self.rows[-1].output_shape if self.rows else self.input_shape

    def by_block(self) -> "Summary":
        """One row per top-level layer or block: its parameters summed, its last output shape."""
        out = Summary(self.name + " (by block)", self.input_shape)
        for r in self.rows:
            if r.block and out.rows and out.rows[-1].layer == r.block:
                last = out.rows[-1]
                last.params += r.params
                last.output_shape = r.output_shape
            else:
                out.rows.append(Row(r.block or r.layer, r.output_shape, r.params, r.trainable))
        return out

    def block(self, name) -> "Summary":
        """The rows of one block, as a table of their own (its input: the row before it)."""
        idx = [i for i, r in enumerate(self.rows) if r.block == name]
        if not idx:
            V.fail("name", f"a block of {self.name} such as {self.rows[0].block or 'conv1'}", name)
        start = self.rows[idx[0] - 1].output_shape if idx[0] else self.input_shape
        return Summary(f"{self.name}, {name}", start, [self.rows[i] for i in idx])

    def table(self) -> str:
        def shp(s):
            return "×".join(map(str, s))
        w = max([len(r.layer) for r in self.rows] + [len("input")])
        lines = [f"{self.name}", f"{'layer'.ljust(w)}  {'output':>14}  {'parameters':>12}",
                 f"{'input'.ljust(w)}  {shp(self.input_shape):>14}  {'':>12}"]
        for r in self.rows:
            note = "" if r.trainable else "  (fixed)"
            lines.append(f"{r.layer.ljust(w)}  {shp(r.output_shape):>14}  {r.params:>12,}{note}")
        lines.append(f"{'total trainable'.ljust(w)}  {'':>14}  {self.total:>12,}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.table()


def summarize(input_shape, layers, name="network") -> Summary:
    """Output shape and parameter count of each layer, for an input of shape H×W×C."""
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        V.fail("input_shape", "(height, width, channels)", input_shape)
    shape = tuple(V.positive_int("input_shape", s) for s in input_shape)
    out = Summary(name, shape)
    for layer in layers:
        rows, shape = expand(layer, shape)
        out.rows += rows
    return out
