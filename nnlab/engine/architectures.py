"""A layer-list calculator: output shape and parameter count of every layer, and the total.

Shapes are written height × width × channels, as the course notes write them ((32, 32, 1),
[224, 224, 3]). A layer's output size along one axis is ⌊(n + 2p − f)/s⌋ + 1.

    summarize((32, 32, 1), [Conv(6, 5), Pool("avg", 2), ...])

Parameters of each layer:
- Conv(filters, kernel): (kH·kW·C_in/groups + 1)·filters (a weight per kernel entry and input
  channel, one bias per filter), independent of the image size: the filter is shared;
- Dense(units): (inputs + 1)·units;
- Pool: none (LeNet-5's subsampling layers had 2 per map: a coefficient and a bias);
- Flatten, Dropout, activations: none.

The three architectures of the notes, with the totals their papers publish:
- LeNet-5: LeCun, Bottou, Bengio & Haffner (1998), "Gradient-based learning applied to document
  recognition", Proc. IEEE 86(11), §II-B gives the trainable parameters layer by layer: C1 156,
  S2 12, C3 1,516, S4 32, C5 48,120, F6 10,164 — 60,000 in all, the figure usually quoted for
  LeNet-5 (the output layer's 84·10 RBF centres were set by hand, not trained).
  The modern reading (full C3, plain average pooling, a dense softmax output): 61,706.
- AlexNet: Krizhevsky, Sutskever & Hinton (2012), "ImageNet classification with deep
  convolutional neural networks", NeurIPS: "60 million parameters and 650,000 neurons".
  Counted with the paper's two-GPU grouping (conv2, conv4, conv5 see half the channels):
  60,965,224; as one ungrouped network: 62,378,344.
- VGG-16: Simonyan & Zisserman (2015), "Very deep convolutional networks for large-scale image
  recognition", ICLR, Table 2: 138 million for configuration D (VGG-16), 144 million for E
  (VGG-19). Counted: 138,357,544 and 143,667,240.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core import functional as F
from ..core import validate as V


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
        return (kh * kw * shape[2] // g + 1) * self.filters

    def label(self):
        kh, kw = _pair("kernel_size", self.kernel_size)
        return self.name or f"conv {self.filters}@{kh}×{kw}"


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
        return self.name or f"{V.choice('mode', self.mode, ('max', 'avg'))} pool {kh}×{kw}"


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
class Row:
    layer: str
    output_shape: tuple
    params: int
    trainable: bool = True


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
        if not hasattr(layer, "output"):
            V.fail("layers", "Conv, Pool, Flatten, Dense or Dropout objects", layer)
        p = layer.params(shape)
        shape = layer.output(shape)
        out.rows.append(Row(layer.label(), shape, p, getattr(layer, "trainable", True) or p == 0))
    return out


# -- the architectures of the notes ---------------------------------------------------------------
def lenet5(form="paper") -> Summary:
    """LeNet-5 on 32×32×1. form="paper": as LeCun et al. 1998 (60,000 trainable parameters);
    form="modern": full C3, plain average pooling, C5 as a dense layer, dense softmax output."""
    form = V.choice("form", form, ("paper", "modern"))
    if form == "paper":
        layers = [Conv(6, 5, activation="tanh", name="C1 conv 6@5×5"),
                  Pool("avg", 2, trainable=True, name="S2 subsampling 2×2"),
                  Conv(16, 5, activation="tanh", in_maps=60, name="C3 conv 16@5×5 (partial)"),
                  Pool("avg", 2, trainable=True, name="S4 subsampling 2×2"),
                  Conv(120, 5, activation="tanh", name="C5 conv 120@5×5"),
                  Flatten(),
                  Dense(84, "tanh", name="F6 dense 84"),
                  Dense(10, bias=False, trainable=False, name="output RBF 10")]
    else:
        layers = [Conv(6, 5, activation="tanh"), Pool("avg", 2), Conv(16, 5, activation="tanh"),
                  Pool("avg", 2), Flatten(), Dense(120, "tanh"), Dense(84, "tanh"),
                  Dense(10, "softmax")]
    return summarize((32, 32, 1), layers, f"LeNet-5 ({form})")


def alexnet(grouped=True) -> Summary:
    """AlexNet on 224×224×3 (conv1 padded by 2 so that 11×11 stride 4 gives 55×55, as the paper's
    figure; the paper's 224 with no padding gives 54.25: the known slip; 227 works too)."""
    g = 2 if grouped else 1
    layers = [Conv(96, 11, 4, 2, "relu"), Pool("max", 3, 2),
              Conv(256, 5, 1, 2, "relu", groups=g), Pool("max", 3, 2),
              Conv(384, 3, 1, 1, "relu"), Conv(384, 3, 1, 1, "relu", groups=g),
              Conv(256, 3, 1, 1, "relu", groups=g), Pool("max", 3, 2),
              Flatten(), Dense(4096, "relu"), Dropout(0.5), Dense(4096, "relu"), Dropout(0.5),
              Dense(1000, "softmax")]
    return summarize((224, 224, 3), layers, "AlexNet" + (" (two-GPU groups)" if grouped else ""))


VGG_CONFIGS = {16: (2, 2, 3, 3, 3), 19: (2, 2, 4, 4, 4)}


def vgg(depth=16) -> Summary:
    """VGG-16 (configuration D) or VGG-19 (E) on 224×224×3: 3×3 'same' convolutions, 2×2 max pools."""
    depth = V.positive_int("depth", depth)
    if depth not in VGG_CONFIGS:
        V.fail("depth", "16 or 19", depth)
    layers = []
    for reps, width in zip(VGG_CONFIGS[depth], (64, 128, 256, 512, 512)):
        layers += [Conv(width, 3, 1, 1, "relu") for _ in range(reps)] + [Pool("max", 2)]
    layers += [Flatten(), Dense(4096, "relu"), Dropout(), Dense(4096, "relu"), Dropout(),
               Dense(1000, "softmax")]
    return summarize((224, 224, 3), layers, f"VGG-{depth}")


PUBLISHED = {
    "LeNet-5": (60_000, "LeCun, Bottou, Bengio & Haffner 1998, Proc. IEEE 86(11), §II-B (sum of its layers)"),
    "AlexNet": (60_000_000, "Krizhevsky, Sutskever & Hinton 2012, NeurIPS, abstract"),
    "VGG-16": (138_000_000, "Simonyan & Zisserman 2015, ICLR, Table 2 (configuration D)"),
    "VGG-19": (144_000_000, "Simonyan & Zisserman 2015, ICLR, Table 2 (configuration E)"),
}


def published_comparison() -> str:
    """Counted totals beside the figures the papers publish."""
    counted = {"LeNet-5": lenet5().total, "AlexNet": alexnet().total, "VGG-16": vgg(16).total,
               "VGG-19": vgg(19).total}
    lines = [f"{'network':8}  {'counted':>12}  {'published':>12}  source"]
    for k, (pub, src) in PUBLISHED.items():
        lines.append(f"{k:8}  {counted[k]:>12,}  {'≈' + format(pub, ','):>12}  {src}")
    return "\n".join(lines)


# -- the notes' motivation: a fully connected layer on a photograph ---------------------------------
NOTES_FC_INPUTS = 3_900_000   # the notes' figure for |1080 × 1080 × 3|: a slip (it is 3,499,200)


def fc_vs_conv(height=1080, width=1080, channels=3, units=1000, filters=64, kernel=3) -> dict:
    """Parameters of a dense layer on a whole image vs a convolution layer on the same image."""
    h, w, c = (V.positive_int(n, v) for n, v in (("height", height), ("width", width),
                                                  ("channels", channels)))
    inputs = h * w * c
    dense = (inputs + 1) * V.positive_int("units", units)
    k = V.positive_int("kernel", kernel)
    conv = (k * k * c + 1) * V.positive_int("filters", filters)
    return {"inputs": inputs, "dense_params": dense, "conv_params": conv,
            "ratio": dense / conv, "notes_inputs": NOTES_FC_INPUTS,
            "notes_error": NOTES_FC_INPUTS - inputs}


SHARE_WORDS = ((1 / 10, "a tenth"), (1 / 4, "a quarter"), (1 / 3, "a third"), (1 / 2, "half"),
               (2 / 3, "two thirds"), (3 / 4, "three quarters"), (9 / 10, "nine tenths"))


def share_in_words(share) -> str:
    """A fraction in words, the nearest of SHARE_WORDS ("about three quarters" for 0.743);
    "almost all" from 0.95 on, "almost none" below 0.05."""
    x = V.finite_number("share", share, minimum=0, maximum=1)
    if x >= 0.95:
        return "almost all"
    if x < 0.05:
        return "almost none"
    value, words = min(SHARE_WORDS, key=lambda vw: abs(vw[0] - x))
    return words if abs(value - x) < 1e-12 else f"about {words}"
