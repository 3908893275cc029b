"""The three architectures of the notes, with the totals their papers publish.

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

Also the notes' motivation for convolutions (a dense layer on a photograph) and `share_in_words`.
"""
from __future__ import annotations

from ...core import validate as V
from .layers import Conv, Dense, Dropout, Flatten, Pool, Summary, summarize


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
