"""The architectures after VGG: totals against torchvision's published num_params, shapes against the
papers' tables, counts and shapes against the same networks built from plain torch.nn modules, and
the residual chain's gradient against finite differences and torch autograd."""
import numpy as np
import pytest

from nnlab.core.gradcheck import derivative
from nnlab.engine import architectures as A

# torchvision's model pages, "num_params" (https://pytorch.org/vision/stable/models/generated/
# torchvision.models.<name>.html), typed from the documentation, not from the code under test
TORCHVISION_NUM_PARAMS = {
    "resnet18": 11_689_512, "resnet50": 25_557_032, "googlenet": 6_624_904,
    "densenet121": 7_978_856, "mobilenet_v2": 3_504_872, "efficientnet_b0": 5_288_548,
}


@pytest.mark.parametrize("name,build", [
    ("resnet18", lambda: A.resnet(18)), ("resnet50", lambda: A.resnet(50)),
    ("googlenet", lambda: A.googlenet()), ("densenet121", lambda: A.densenet(121)),
    ("mobilenet_v2", A.mobilenet_v2), ("efficientnet_b0", A.efficientnet_b0),
])
def test_totals_equal_torchvisions_published_counts(name, build):
    s = build()
    assert s.total == TORCHVISION_NUM_PARAMS[name]
    assert s.output_shape == (1000,)
    assert s.by_block().total == s.total


def test_densenet_169_and_201_equal_their_torchvision_pages():
    # torchvision.models.densenet169.html / densenet201.html, "num_params" (the same builder as
    # DenseNet-121 with other block counts: a check of the dense layers and transitions)
    assert A.densenet(169).total == 14_149_480
    assert A.densenet(201).total == 20_013_928


def test_papers_rounded_figures():
    # MobileNetV2 paper Table 4: 3.4 M; EfficientNet paper Table 2, B0: 5.3 M
    assert round(A.mobilenet_v2().total / 1e6, 1) == 3.5     # torchvision's count rounds up
    assert abs(A.mobilenet_v2().total - 3.4e6) / 3.4e6 < 0.04
    assert round(A.efficientnet_b0().total / 1e6, 1) == 5.3
    # GoogLeNet: "12× fewer parameters" than AlexNet; counted (paper form, no aux): fewer, not 12×
    paper = A.googlenet("paper").total
    assert 8 < A.alexnet().total / paper < 9


def test_googlenet_inception_outputs_follow_the_paper_table():
    # Szegedy et al. 2015, Table 1: output sizes after each inception module
    want = {"3a": (28, 28, 256), "3b": (28, 28, 480), "4a": (14, 14, 512), "4b": (14, 14, 512),
            "4c": (14, 14, 512), "4d": (14, 14, 528), "4e": (14, 14, 832), "5a": (7, 7, 832),
            "5b": (7, 7, 1024)}
    blocks = {r.layer: r.output_shape for r in A.googlenet().by_block().rows}
    for name, shape in want.items():
        assert blocks[f"inception {name}"] == shape
        c1, _, c3, _, c5, pp = A.INCEPTION[name]
        assert c1 + c3 + c5 + pp == shape[2]
    # the paper's form differs only in the "5×5" branch kernel and the biases / batch norm
    assert A.googlenet("paper").total != A.googlenet().total


def test_densenet_channels_by_hand():
    rows = {r.layer: r.output_shape for r in A.densenet().by_block().rows}
    c = 64
    for b, n in enumerate((6, 12, 24, 16), 1):
        c += 32 * n
        assert rows[f"dense{b}.{n}"][2] == c
        if b < 4:
            c //= 2
            assert rows[f"transition{b}"][2] == c
    assert c == 1024 and rows["dense4.16"][:2] == (7, 7)


def test_resnet18_one_block_by_hand():
    # layer2.0: 3×3 64→128 stride 2, BN, 3×3 128→128, BN, projection 1×1 64→128, BN; no conv biases
    rows = {r.layer: r for r in A.resnet(18).by_block().rows}
    want = 3 * 3 * 64 * 128 + 2 * 128 + 3 * 3 * 128 * 128 + 2 * 128 + 64 * 128 + 2 * 128
    assert rows["layer2.0"].params == want and rows["layer2.0"].output_shape == (28, 28, 128)
    assert rows["layer2.1"].params == 2 * (3 * 3 * 128 * 128 + 2 * 128)     # identity skip


@pytest.mark.parametrize("call,name", [
    (lambda: A.resnet(19), "depth"), (lambda: A.densenet(100), "depth"),
    (lambda: A.googlenet("v3"), "form"),
    (lambda: A.summarize((8, 8, 3), [A.Branches([[A.Conv(4, 3)], []], "add", "blk")]), "blk"),
    (lambda: A.summarize((8, 8, 3), [A.Branches([[A.Conv(4, 3, stride=2)], []], "concat", "c")]),
     "c"),
    (lambda: A.gradient_factors("sigmoid", 0), "depth"),
    (lambda: A.gradient_factors("sigmoid", 3, x=float("nan"), skip=True), "x"),
    (lambda: A.gradient_factors("relu", 1000, w=3.0, skip=True), "depth"),
    (lambda: A.chain("relu", 1000, w=3.0, skip=True), "depth"),
    (lambda: A.summarize((8, 8, 3), [A.SqueezeExcite(0)]), "squeeze"),
    (lambda: A.summarize((8, 8, 3), [A.Branches([[], []], "mul", "b")]), "merge"),
    (lambda: A.summarize((8, 8, 3), [A.Flatten(), A.GlobalAvgPool()]), "global avg pool"),
    (lambda: A.resnet(18).block("layer9.9"), "name"),
])
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=f"^{name}: expected"):
        call()


# -- the residual chain ---------------------------------------------------------------------------
@pytest.mark.parametrize("act", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("skip", [False, True])
def test_gradient_factors_against_finite_differences(act, skip):
    for depth, x, w in ((1, 0.5, 1.0), (7, 0.3, 0.8), (12, -0.4, 1.3)):
        got = A.gradient_factors(act, depth, x=x, w=w, skip=skip)
        for d in (1, depth):
            fd = derivative(lambda v: A.chain(act, d, x=v, w=w, skip=skip)[-1], x)
            assert got[d - 1] == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_skip_connections_keep_the_gradient():
    g = A.first_layer_gradient(depths=(30,))
    plain, res = g[("sigmoid", 30)]
    assert plain <= 0.25 ** 30 and res >= 1.0
    assert g[("relu", 30)] == (1.0, 2.0 ** 30)       # ReLU with w = 1: a_k = 2·a_{k−1}


@pytest.mark.torch
def test_gradient_factors_against_torch_autograd(torch):
    acts = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}
    for name, f in acts.items():
        for skip in (False, True):
            x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
            a, w = x, 0.9
            for _ in range(20):
                a = (a if skip else 0) + f(w * a)
            a.backward()
            got = A.gradient_factors(name, 20, x=0.5, w=w, skip=skip)[-1]
            assert got == pytest.approx(x.grad.item(), rel=1e-12)


# -- the same networks from plain torch.nn modules ------------------------------------------------
def _count(module):
    return sum(p.numel() for p in module.parameters())


def _torch_resnet(nn, kind, reps):
    class Block(nn.Module):
        def __init__(self, c_in, width, stride):
            super().__init__()
            out = width * (4 if kind == "bottleneck" else 1)
            if kind == "basic":
                convs = [(c_in, width, 3, stride), (width, width, 3, 1)]
            else:
                convs = [(c_in, width, 1, 1), (width, width, 3, stride), (width, out, 1, 1)]
            layers = []
            for i, o, k, s in convs:
                layers += [nn.Conv2d(i, o, k, s, k // 2, bias=False), nn.BatchNorm2d(o), nn.ReLU()]
            self.main = nn.Sequential(*layers[:-1])
            self.skip = (nn.Identity() if stride == 1 and c_in == out else
                         nn.Sequential(nn.Conv2d(c_in, out, 1, stride, bias=False), nn.BatchNorm2d(out)))
            self.out = out

        def forward(self, x):
            return (self.main(x) + self.skip(x)).relu()

    stages, c = [], 64
    for stage, (n, width) in enumerate(zip(reps, (64, 128, 256, 512)), 1):
        for i in range(n):
            b = Block(c, width, 2 if i == 0 and stage > 1 else 1)
            stages.append(b)
            c = b.out
    stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
                         nn.MaxPool2d(3, 2, 1))
    return stem, stages, nn.Linear(c, 1000)


@pytest.mark.torch
@pytest.mark.parametrize("depth", [18, 50])
def test_resnet_against_torch_modules(torch, depth):
    nn = torch.nn
    kind, reps = {18: ("basic", (2, 2, 2, 2)), 50: ("bottleneck", (3, 4, 6, 3))}[depth]
    stem, blocks, fc = _torch_resnet(nn, kind, reps)
    summary = A.resnet(depth).by_block()
    assert _count(stem) + sum(_count(b) for b in blocks) + _count(fc) == A.resnet(depth).total
    rows = {r.layer: r for r in summary.rows}
    # every block's parameters and output shape (a real forward pass, height × width × channels)
    x = torch.zeros(1, 3, 224, 224)
    with torch.no_grad():
        x = stem(x)
        assert (x.shape[2], x.shape[3], x.shape[1]) == rows["max pool 3×3/2"].output_shape
        names = [r.layer for r in summary.rows if r.layer.startswith("layer")]
        for name, block in zip(names, blocks, strict=True):
            x = block(x)
            assert rows[name].params == _count(block)
            assert (x.shape[2], x.shape[3], x.shape[1]) == rows[name].output_shape


@pytest.mark.torch
def test_mobilenet_v2_and_efficientnet_b0_against_torch_modules(torch):
    nn = torch.nn
    meta = {"device": "meta"}

    def cbn(i, o, k=1, s=1, g=1):
        return [nn.Conv2d(i, o, k, s, k // 2, groups=g, bias=False, **meta), nn.BatchNorm2d(o, **meta)]

    def net(config, se):
        mods, c = cbn(3, 32, 3, 2), 32
        for t, k, s, c_out, n in config:
            for i in range(n):
                h = c * t
                mods += (cbn(c, h) if t != 1 else []) + cbn(h, h, k, s if i == 0 else 1, h)
                if se:
                    q = max(1, c // 4)
                    mods += [nn.Conv2d(h, q, 1, **meta), nn.Conv2d(q, h, 1, **meta)]
                mods += cbn(h, c_out)
                c = c_out
        return nn.Sequential(*mods, *cbn(c, 1280), nn.Linear(1280, 1000, **meta))

    mb2 = [(t, 3, s, c, n) for t, c, n, s in A.MOBILENET_V2]
    assert _count(net(mb2, False)) == A.mobilenet_v2().total
    assert _count(net(A.EFFICIENTNET_B0, True)) == A.efficientnet_b0().total


@pytest.mark.torch
def test_densenet121_against_torch_modules(torch):
    nn = torch.nn
    meta = {"device": "meta"}
    mods, c = [nn.Conv2d(3, 64, 7, 2, 3, bias=False, **meta), nn.BatchNorm2d(64, **meta)], 64
    for b, n in enumerate((6, 12, 24, 16)):
        for _ in range(n):
            mods += [nn.BatchNorm2d(c, **meta), nn.Conv2d(c, 128, 1, bias=False, **meta),
                     nn.BatchNorm2d(128, **meta), nn.Conv2d(128, 32, 3, padding=1, bias=False, **meta)]
            c += 32
        if b < 3:
            mods += [nn.BatchNorm2d(c, **meta), nn.Conv2d(c, c // 2, 1, bias=False, **meta)]
            c //= 2
    mods += [nn.BatchNorm2d(c, **meta), nn.Linear(c, 1000, **meta)]
    assert _count(nn.Sequential(*mods)) == A.densenet(121).total


def test_residual_gradient_is_finite_everywhere():
    for act in ("sigmoid", "tanh", "relu", "leaky_relu"):
        for skip in (False, True):
            g = A.gradient_factors(act, 50, x=0.5, w=1.0, skip=skip)
            assert np.all(np.isfinite(g))


@pytest.mark.torch
@pytest.mark.parametrize("form", ["torchvision", "paper"])
def test_googlenet_against_torch_modules(torch, form):
    nn = torch.nn
    tv = form == "torchvision"

    def cbr(i, o, k, s=1, p=0):
        if tv:
            return [nn.Conv2d(i, o, k, s, p, bias=False), nn.BatchNorm2d(o), nn.ReLU()]
        return [nn.Conv2d(i, o, k, s, p), nn.ReLU()]

    class Inception(nn.Module):
        def __init__(self, c, c1, r3, c3, r5, c5, pp):
            super().__init__()
            k5 = 3 if tv else 5
            self.paths = nn.ModuleList([
                nn.Sequential(*cbr(c, c1, 1)),
                nn.Sequential(*cbr(c, r3, 1), *cbr(r3, c3, 3, 1, 1)),
                nn.Sequential(*cbr(c, r5, 1), *cbr(r5, c5, k5, 1, k5 // 2)),
                nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True), *cbr(c, pp, 1))])

        def forward(self, x):
            return torch.cat([p(x) for p in self.paths], dim=1)

    mods, c = cbr(3, 64, 7, 2, 3) + [nn.MaxPool2d(3, 2, ceil_mode=True)] + cbr(64, 64, 1) + \
        cbr(64, 192, 3, 1, 1) + [nn.MaxPool2d(3, 2, ceil_mode=True)], 192
    for name, cfg in A.INCEPTION.items():
        mods.append(Inception(c, *cfg))
        c = cfg[0] + cfg[2] + cfg[4] + cfg[5]
        if name in ("3b", "4e"):
            mods.append(nn.MaxPool2d(3, 2, ceil_mode=True) if name == "3b" else
                        nn.MaxPool2d(2, 2, ceil_mode=True))
    net = nn.Sequential(*mods, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, 1000))
    assert _count(net) == A.googlenet(form).total
    if tv:     # the output size of every inception module, with torchvision's ceil_mode pools
        x = torch.zeros(1, 3, 224, 224)
        want = [r.output_shape for r in A.googlenet().by_block().rows if r.layer.startswith("incep")]
        got = []
        with torch.no_grad():
            for m in mods:
                x = m(x)
                if isinstance(m, Inception):
                    got.append((x.shape[2], x.shape[3], x.shape[1]))
        assert got == want
