"""The architectures after VGG that the notes list: GoogLeNet, ResNet, DenseNet, MobileNet, EfficientNet.

Each is built layer by layer as torchvision builds it (torchvision.models, the reference most
learners will run), so every total can be checked against torchvision's published `num_params`
(the "num_params" row of each model's page, https://pytorch.org/vision/stable/models.html):

    resnet18 11,689,512   resnet50 25,557,032   googlenet 6,624,904 (without the two auxiliary
    classifiers)   densenet121 7,978,856   mobilenet_v2 3,504,872   efficientnet_b0 5,288,548

Where torchvision differs from the paper:
- ResNet (He, Zhang, Ren & Sun 2016, "Deep residual learning for image recognition", CVPR):
  torchvision's bottleneck puts the stride 2 on the 3×3 convolution, the paper on the first 1×1
  ("ResNet v1.5", as torchvision's resnet50 page notes): same parameters, other compute. The
  paper's Table 1 gives FLOPs per depth, not parameter counts.
- GoogLeNet (Szegedy et al. 2015, "Going deeper with convolutions", CVPR): torchvision adds batch
  norm after every convolution (and drops their biases), and its "5×5" branch uses a 3×3 kernel
  (a known slip kept for its pretrained weights, https://github.com/pytorch/vision/issues/906);
  the paper has biases, no batch norm, a 5×5 kernel and
  two auxiliary classifiers used in training only. form="paper" counts the paper's network
  without the auxiliary classifiers.
- DenseNet-121 (Huang, Liu, van der Maaten & Weinberger 2017, CVPR): growth rate 32, bottleneck
  4·32 maps, compression 0.5, as the paper's DenseNet-BC; torchvision follows it.
- MobileNetV2 (Sandler et al. 2018, CVPR), Table 4: 3.4 million parameters; torchvision's
  3,504,872 rounds to 3.5 million.
- EfficientNet-B0 (Tan & Le 2019, ICML), Table 2: 5.3 million; torchvision's squeeze-excite
  squeezes to a quarter of the block's *input* channels, as the paper's code does.
"""
from __future__ import annotations

from ...core import validate as V
from .layers import (
    BatchNorm,
    Block,
    Branches,
    Conv,
    Dense,
    Dropout,
    GlobalAvgPool,
    Pool,
    SqueezeExcite,
    Summary,
    summarize,
)

IMAGENET = (224, 224, 3)


def conv_bn(filters, kernel, stride=1, padding=0, groups=1, activation="relu"):
    """A convolution without bias followed by batch norm (its shift β plays the bias)."""
    return [Conv(filters, kernel, stride, padding, activation, groups=groups, bias=False),
            BatchNorm()]


# -- ResNet ---------------------------------------------------------------------------------------
RESNET_CONFIGS = {18: ("basic", (2, 2, 2, 2)), 34: ("basic", (3, 4, 6, 3)),
                  50: ("bottleneck", (3, 4, 6, 3)), 101: ("bottleneck", (3, 4, 23, 3)),
                  152: ("bottleneck", (3, 8, 36, 3))}


def residual_block(in_channels, width, stride, kind, name):
    """A basic (two 3×3) or bottleneck (1×1, 3×3, 1×1 to 4·width) block with its skip path:
    the identity, or a 1×1 projection (with batch norm) when the shape changes."""
    out = width * (4 if kind == "bottleneck" else 1)
    if kind == "basic":
        main = conv_bn(width, 3, stride, 1) + conv_bn(width, 3, 1, 1, activation="")
    else:
        main = (conv_bn(width, 1) + conv_bn(width, 3, stride, 1)
                + conv_bn(out, 1, activation=""))
    skip = [] if stride == 1 and in_channels == out else conv_bn(out, 1, stride, activation="")
    return Branches([main, skip], "add", name, ("main", "skip"), activation="relu"), out


def resnet(depth=18) -> Summary:
    """ResNet-18/34/50/101/152 on 224×224×3 as torchvision builds it."""
    depth = V.positive_int("depth", depth)
    if depth not in RESNET_CONFIGS:
        V.fail("depth", "18, 34, 50, 101 or 152", depth)
    kind, reps = RESNET_CONFIGS[depth]
    layers = [Block(conv_bn(64, 7, 2, 3), "conv1"), Pool("max", 3, 2, 1)]
    c = 64
    for stage, (n, width) in enumerate(zip(reps, (64, 128, 256, 512)), 1):
        for i in range(n):
            block, c = residual_block(c, width, 2 if i == 0 and stage > 1 else 1, kind,
                                      f"layer{stage}.{i}")
            layers.append(block)
    layers += [GlobalAvgPool(), Dense(1000, "softmax", name="fc 1000")]
    return summarize(IMAGENET, layers, f"ResNet-{depth}")


# -- GoogLeNet ------------------------------------------------------------------------------------
# name: (1×1, 3×3 reduce, 3×3, 5×5 reduce, 5×5, pool proj), the paper's Table 1
INCEPTION = {"3a": (64, 96, 128, 16, 32, 32), "3b": (128, 128, 192, 32, 96, 64),
             "4a": (192, 96, 208, 16, 48, 64), "4b": (160, 112, 224, 24, 64, 64),
             "4c": (128, 128, 256, 24, 64, 64), "4d": (112, 144, 288, 32, 64, 64),
             "4e": (256, 160, 320, 32, 128, 128), "5a": (256, 160, 320, 32, 128, 128),
             "5b": (384, 192, 384, 48, 128, 128)}


def googlenet(form="torchvision") -> Summary:
    """GoogLeNet (Inception v1) on 224×224×3, without the auxiliary classifiers.

    form="torchvision": batch norm, no conv biases, 3×3 in the "5×5" branch (6,624,904);
    form="paper": conv biases, no batch norm, a real 5×5 kernel. The max pools use padding 1
    where torchvision uses ceil_mode: the same output sizes (112 → 56 → 28 → 14 → 7)."""
    form = V.choice("form", form, ("torchvision", "paper"))
    tv = form == "torchvision"

    def cbr(filters, kernel, stride=1, padding=0):
        if tv:
            return conv_bn(filters, kernel, stride, padding)
        return [Conv(filters, kernel, stride, padding, "relu")]

    k5 = 3 if tv else 5
    layers = [Block(cbr(64, 7, 2, 3), "conv1"), Pool("max", 3, 2, 1),
              Block(cbr(64, 1) + cbr(192, 3, 1, 1), "conv2-3"), Pool("max", 3, 2, 1)]
    for name, (c1, r3, c3, r5, c5, pp) in INCEPTION.items():
        layers.append(Branches([cbr(c1, 1), cbr(r3, 1) + cbr(c3, 3, 1, 1),
                                cbr(r5, 1) + cbr(c5, k5, 1, k5 // 2),
                                [Pool("max", 3, 1, 1)] + cbr(pp, 1)],
                               "concat", f"inception {name}", ("1×1", "3×3", "5×5", "pool")))
        if name in ("3b", "4e"):
            layers.append(Pool("max", 3, 2, 1))
    layers += [GlobalAvgPool(), Dropout(0.2 if tv else 0.4), Dense(1000, "softmax")]
    return summarize(IMAGENET, layers, f"GoogLeNet ({form})")


# -- DenseNet -------------------------------------------------------------------------------------
DENSENET_CONFIGS = {121: (6, 12, 24, 16), 169: (6, 12, 32, 32), 201: (6, 12, 48, 32)}


def densenet(depth=121, growth_rate=32) -> Summary:
    """DenseNet-BC on 224×224×3: each dense layer (batch norm, 1×1 to 4k maps, batch norm, 3×3
    to k maps) is concatenated to its input; transitions halve the maps and the size."""
    depth = V.positive_int("depth", depth)
    if depth not in DENSENET_CONFIGS:
        V.fail("depth", "121, 169 or 201", depth)
    k = V.positive_int("growth_rate", growth_rate, maximum=256)
    layers = [Block(conv_bn(64, 7, 2, 3), "conv0"), Pool("max", 3, 2, 1)]
    c = 64
    for b, n in enumerate(DENSENET_CONFIGS[depth], 1):
        for i in range(n):
            new = [BatchNorm(), Conv(4 * k, 1, activation="relu", bias=False), BatchNorm(),
                   Conv(k, 3, 1, 1, "relu", bias=False)]
            layers.append(Branches([[], new], "concat", f"dense{b}.{i + 1}", ("input", "new")))
            c += k
        if b < len(DENSENET_CONFIGS[depth]):
            c //= 2
            layers.append(Block([BatchNorm(), Conv(c, 1, activation="relu", bias=False),
                                 Pool("avg", 2)], f"transition{b}"))
    layers += [BatchNorm(name="norm5"), GlobalAvgPool(), Dense(1000, "softmax")]
    return summarize(IMAGENET, layers, f"DenseNet-{depth}")


# -- MobileNetV2 and EfficientNet-B0: inverted residuals with depthwise convolutions --------------
# (expansion t, output channels c, repeats n, first stride s): MobileNetV2's Table 2
MOBILENET_V2 = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                (6, 160, 3, 2), (6, 320, 1, 1))
# (expansion, kernel, first stride, output channels, repeats): EfficientNet-B0's Table 1
EFFICIENTNET_B0 = ((1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3),
                   (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1))


def inverted_residual(c_in, c_out, expansion, kernel, stride, act, name, se=False):
    """1×1 expansion (unless t = 1), depthwise k×k, [squeeze-excite], linear 1×1 projection;
    the skip connection only where input and output shapes agree."""
    hidden = c_in * expansion
    main = conv_bn(hidden, 1, activation=act) if expansion != 1 else []
    main += conv_bn(hidden, kernel, stride, kernel // 2, groups=hidden, activation=act)
    if se:
        main.append(SqueezeExcite(max(1, c_in // 4)))
    main += conv_bn(c_out, 1, activation="")
    if stride == 1 and c_in == c_out:
        return Branches([main, []], "add", name, ("main", "skip"))
    return Block(main, name)


def mobilenet_v2() -> Summary:
    """MobileNetV2 (width 1.0) on 224×224×3, as torchvision builds it."""
    layers = [Block(conv_bn(32, 3, 2, 1, activation="relu6"), "stem")]
    c = 32
    for t, c_out, n, s in MOBILENET_V2:
        for i in range(n):
            layers.append(inverted_residual(c, c_out, t, 3, s if i == 0 else 1, "relu6",
                                            f"bottleneck {c_out}.{i + 1}"))
            c = c_out
    layers += [Block(conv_bn(1280, 1, activation="relu6"), "head"), GlobalAvgPool(),
               Dropout(0.2), Dense(1000, "softmax")]
    return summarize(IMAGENET, layers, "MobileNetV2")


def efficientnet_b0() -> Summary:
    """EfficientNet-B0 on 224×224×3, as torchvision builds it (SiLU, squeeze-excite)."""
    layers = [Block(conv_bn(32, 3, 2, 1, activation="silu"), "stem")]
    c = 32
    for t, k, s, c_out, n in EFFICIENTNET_B0:
        for i in range(n):
            layers.append(inverted_residual(c, c_out, t, k, s if i == 0 else 1, "silu",
                                            f"MBConv{t} {k}×{k} {c_out}.{i + 1}", se=True))
            c = c_out
    layers += [Block(conv_bn(1280, 1, activation="silu"), "head"), GlobalAvgPool(),
               Dropout(0.2), Dense(1000, "softmax")]
    return summarize(IMAGENET, layers, "EfficientNet-B0")


TORCHVISION = "https://pytorch.org/vision/stable/models/generated/torchvision.models."
# name: (builder, published total, exact?, source)
MODERN = {
    "GoogLeNet": (googlenet, 6_624_904, True, TORCHVISION + "googlenet.html (num_params)"),
    "ResNet-18": (lambda: resnet(18), 11_689_512, True, TORCHVISION + "resnet18.html (num_params)"),
    "ResNet-50": (lambda: resnet(50), 25_557_032, True, TORCHVISION + "resnet50.html (num_params)"),
    "DenseNet-121": (densenet, 7_978_856, True, TORCHVISION + "densenet121.html (num_params)"),
    "MobileNetV2": (mobilenet_v2, 3_504_872, True,
                    TORCHVISION + "mobilenet_v2.html (num_params); paper Table 4: 3.4 M"),
    "EfficientNet-B0": (efficientnet_b0, 5_288_548, True,
                        TORCHVISION + "efficientnet_b0.html (num_params); paper Table 2: 5.3 M"),
}


def modern_comparison() -> str:
    """Each architecture after VGG: its counted total beside torchvision's published one."""
    lines = [f"{'network':15}  {'counted':>11}  {'published':>11}  source"]
    for name, (build, pub, _, src) in MODERN.items():
        src = src.replace(TORCHVISION, "torchvision ")
        lines.append(f"{name:15}  {build().total:>11,}  {pub:>11,}  {src}")
    return "\n".join(lines)
