"""Notebook 07's exercises and claims: parameter counts, output sizes, pooling, skip connections.

`exercise_set(seed)` draws each exercise's layer settings, image and chain with
`np.random.default_rng(seed)` (`exercise_data(seed)` returns the drawn data); seed 0 is what the
committed notebook shows. Every answer is computed by the engine from that data
(`nnlab.engine.architectures` for counts and shapes, `nnlab.engine.conv.max_pool2d` for
pooling, `architectures.gradient_factors` for the residual chain), and every listed slip too.
`CLAIMS`: what the notebook tells the learner to try with its pooling explorer, each checked by
`tests/test_claims.py` against numbers computed here from the slides' image.
"""
from __future__ import annotations

import numpy as np

from ..engine import architectures as A
from ..engine.conv import max_pool2d
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet, variant_rng, variant_seed

SLIDES_IMAGE = [[100, 0, 0, 0], [500, 10, 100, 0], [0, 100, 250, 0], [0, 0, 0, 250]]


def exercise_data(seed: int = 0) -> dict:
    """The settings of every exercise for one seed (a whole number 0..2**32−1)."""
    rng = variant_rng(seed)

    def pick(options):
        return int(options[rng.integers(len(options))])

    k2 = pick((3, 5, 7))
    return {
        "conv": {"n": pick((28, 32, 64, 96)), "channels": pick((1, 3, 8, 16)),
                 "kernel": pick((3, 5, 7)), "filters": pick((6, 10, 12, 20, 24, 48))},
        "size": {"n": int(rng.integers(20, 65)), "kernel": k2, "stride": pick((1, 2, 3)),
                 "padding": int(rng.integers(0, k2 // 2 + 1))},
        "dense": {"n": pick((8, 16, 28, 32)), "filters": pick((4, 8, 16, 32)),
                  "units": pick((10, 16, 26, 100))},
        "pool": {"image": rng.integers(0, 10, size=(4, 4)).tolist()},
        "block": {"c_in": pick((16, 32, 64, 128))},
        "separable": {"channels": pick((16, 32, 48, 96)), "filters": pick((32, 64, 128, 144))},
        "skip": {"x": round(float(rng.uniform(-1, 1)), 2), "w": round(float(rng.uniform(0.5, 1.5)), 2)},
    }


def _slips(want, pairs, tol=0.5):
    """The (wrong value, why) pairs that differ from the answer and from each other."""
    out = []
    for value, why in pairs:
        if abs(value - want) > tol and all(abs(value - v) > tol for v, _ in out):
            out.append((value, why))
    return out


def _count_exercises(d):
    c = d["conv"]
    conv = A.summarize((c["n"], c["n"], c["channels"]), [A.Conv(c["filters"], c["kernel"])])
    k, ch, f = c["kernel"], c["channels"], c["filters"]
    e1 = Exercise(
        question=f"A convolution layer has {f} filters of size {k}×{k} on a {c['n']}×{c['n']} image "
                 f"with {ch} channel{'s' if ch > 1 else ''}. How many parameters (weights and biases) "
                 "does it have?",
        answer=lambda: conv.total,
        solution=lambda: f"each filter has {k}·{k}·{ch} = {k * k * ch} weights and 1 bias; {f} filters: "
                         f"{f} × {k * k * ch + 1} = {conv.total:,}. The image size does not enter: "
                         "the same filter slides everywhere.",
        rel_tol=0, abs_tol=0.25,
        mistakes=lambda: _slips(conv.total, [
            (k * k * ch * f, "you forgot the biases (one per filter)."),
            ((k * k + 1) * f, "each filter spans every input channel: multiply its k·k weights by "
                              "the channels."),
            (conv.total * c["n"] * c["n"], "a filter's weights are shared across positions: the image "
                                           "size does not enter the count.")]))
    s = d["size"]
    n, ks, st, p = s["n"], s["kernel"], s["stride"], s["padding"]
    out = A.summarize((n, n, 1), [A.Conv(1, ks, st, p)]).output_shape[0]
    e2 = Exercise(
        question=f"A {ks}×{ks} convolution with stride {st} and padding {p} is applied to a {n}×{n} "
                 "image. How many pixels wide is its output?",
        answer=lambda: out,
        solution=lambda: f"⌊(n + 2p − f)/s⌋ + 1 = ⌊({n} + {2 * p} − {ks})/{st}⌋ + 1 = "
                         f"{(n + 2 * p - ks) // st} + 1 = {out}.",
        rel_tol=0, abs_tol=0.25,
        mistakes=lambda: _slips(out, [
            ((n - ks) // st + 1, "the padding adds p on both sides: n + 2p."),
            ((n + p - ks) // st + 1, "the padding is added on both sides: 2p, not p."),
            ((n + 2 * p - ks) // st, "count the first position too: ⌊(n + 2p − f)/s⌋ + 1."),
            (-(-(n + 2 * p - ks) // st) + 1, "round down: a window that would run past the edge is "
                                             "not taken.")]))
    q = d["dense"]
    m, fq, u = q["n"], q["filters"], q["units"]
    net = A.summarize((m, m, 1), [A.Conv(fq, 3, 1, "same"), A.Pool("max", 2), A.Flatten(),
                                  A.Dense(u)])
    dense = net.rows[-1].params
    feats = fq * (m // 2) ** 2
    e3 = Exercise(
        question=f"After a 'same' 3×3 convolution with {fq} filters and 2×2 max pooling, "
                 f"{'an' if str(m)[0] == '8' else 'a'} {m}×{m} grey image is flattened and fed "
                 f"to a dense layer with {u} outputs. How many "
                 "parameters does that dense layer have?",
        answer=lambda: dense,
        solution=lambda: f"'same' keeps {m}×{m}, pooling halves it to {m // 2}×{m // 2}, so "
                         f"{fq}·{m // 2}·{m // 2} = {feats:,} features; {feats:,} × {u} weights + "
                         f"{u} biases = {dense:,}.",
        rel_tol=0, abs_tol=0.25,
        mistakes=lambda: _slips(dense, [
            ((fq * m * m + 1) * u, "the 2×2 pooling halves each side before flattening."),
            (feats * u, "you forgot the biases (one per output)."),
            (((m // 2) ** 2 + 1) * u, "every filter gives its own map: multiply by the filters.")]))
    return [e1, e2, e3]


def _more_exercises(d):
    img = np.array(d["pool"]["image"])
    pooled = max_pool2d(img, 2)
    mean = float(pooled.mean())
    rows = "[" + ", ".join(str(r) for r in d["pool"]["image"]) + "]"
    e4 = Exercise(
        question=f"Max pool the 4×4 image {rows} with 2×2 windows and stride 2, then average the four "
                 "results. What number do you get?",
        answer=lambda: mean,
        solution=lambda: f"max pooling gives {pooled.astype(int).tolist()}; their mean is {mean:g}.",
        mistakes=lambda: _slips(mean, [
            (float(img.mean()), "that is the mean of the whole image: take the maximum of each 2×2 "
                                "window first."),
            (float(img.max()), "that is the largest pixel: take the maximum of each of the four "
                               "windows, then average.")], tol=1e-3))
    c = d["block"]["c_in"]
    block, _ = A.residual_block(c, 2 * c, 2, "basic", "block")
    total = A.summarize((16, 16, c), [block]).total
    convs = 9 * c * 2 * c + 9 * 4 * c * c
    e5 = Exercise(
        question=f"A ResNet basic block takes {c} channels to {2 * c} with stride 2: two 3×3 "
                 "convolutions without bias, each followed by batch norm, and a skip path that is a "
                 "1×1 convolution (stride 2, no bias) with batch norm, because the shape changes. How "
                 "many parameters does the block have?",
        answer=lambda: total,
        solution=lambda: f"3×3: {9 * c * 2 * c:,} + {9 * 4 * c * c:,} weights, 1×1 projection "
                         f"{2 * c * c:,}, three batch norms of {2 * c} channels × 2 (γ, β) = "
                         f"{3 * 4 * c}: {total:,}.",
        rel_tol=0, abs_tol=0.25,
        mistakes=lambda: _slips(total, [
            (convs + 2 * 4 * c, "the skip path changes the shape, so it has its own 1×1 convolution "
                                "and batch norm."),
            (convs + 2 * c * c, "batch norm has parameters too: γ and β for every channel."),
            (total + 3 * 2 * c, "the convolutions have no bias (batch norm's β plays it).")]))
    sp = d["separable"]
    ch, f = sp["channels"], sp["filters"]
    sep = A.summarize((32, 32, ch), [A.Conv(ch, 3, 1, 1, groups=ch, bias=False),
                                     A.Conv(f, 1, bias=False)]).total
    e6 = Exercise(
        question=f"MobileNet replaces a 3×3 convolution from {ch} to {f} channels by a depthwise 3×3 "
                 f"convolution (one 3×3 filter per channel) and a pointwise 1×1 convolution to {f} "
                 "channels, both without bias. How many weights does the pair have?",
        answer=lambda: sep,
        solution=lambda: f"depthwise 3·3·{ch} = {9 * ch:,}, pointwise {ch}·{f} = {ch * f:,}: {sep:,} "
                         f"(the full 3×3 convolution: {9 * ch * f:,}).",
        rel_tol=0, abs_tol=0.25,
        mistakes=lambda: _slips(sep, [
            (9 * ch * f, "that is the full 3×3 convolution; the depthwise one has one 3×3 filter per "
                         "channel."),
            (9 * ch * f + ch * f, "the depthwise convolution has one 3×3 filter per channel, not one "
                                  "per channel pair.")]))
    x, w = d["skip"]["x"], d["skip"]["w"]
    running = A.gradient_factors("sigmoid", 2, x=x, w=w, skip=True)
    res = float(running[-1])
    factors = (float(running[0]), float(running[1] / running[0]))
    plain = float(A.gradient_factors("sigmoid", 2, x=x, w=w)[-1])
    a1 = float(A.chain("sigmoid", 1, x=x, w=w, skip=True)[0])
    e7 = Exercise(
        question=f"Two layers with skip connections: a₁ = a₀ + σ(w·a₀), a₂ = a₁ + σ(w·a₁), with "
                 f"a₀ = {x:g} and w = {w:g}. What is ∂a₂/∂a₀ (σ′(z) = σ(z)(1 − σ(z)))?",
        answer=lambda: res,
        solution=lambda: f"each layer multiplies by 1 + w·σ′(w·a): a₁ = {a1:.4f}, so ∂a₂/∂a₀ = "
                         f"(1 + {w:g}·σ′({w * x:.4f}))(1 + {w:g}·σ′({w * a1:.4f})) = {res:.4f}; "
                         f"without the skips it would be {plain:.4f}.",
        mistakes=lambda: _slips(res, [
            (plain, "that is the chain without skip connections: each layer adds its input, so its "
                    "factor is 1 + w·σ′, not w·σ′."),
            (factors[0] + factors[1], "the chain rule multiplies the layers' factors "
                                      "(1 + w·σ′) rather than adding them.")], tol=1e-3))
    return [e4, e5, e6, e7]


def exercise_set(seed: int = 0) -> ExerciseSet:
    """Notebook 07's exercises; seed 0 gives the committed notebook's numbers."""
    d = exercise_data(seed)
    return ExerciseSet("Pooling, parameter counts and skip connections",
                       _count_exercises(d) + _more_exercises(d), seed=variant_seed(seed))


exercises = exercise_set(0)


# -- what notebook 07 tells the learner to try with its pooling explorer -------------------------
def _count(output, value):
    return int(np.sum(np.asarray(output) == value))


_IMAGE = np.array(SLIDES_IMAGE, dtype=float)

CLAIMS = Claims("nnlab.views.cnn_view:factory", [
    Claim("**max**: the 500 dominates its max-pooled cell ...",
          'mode="max"; kernel_size=2; stride=2; padding=0',
          lambda s: s["output"][0][0] == _IMAGE.max() == 500,
          "the top-left cell is the image's maximum, 500"),
    Claim("... **avg**: it is diluted to 152.5, the mean of 100, 0, 500 and 10.",
          'mode="avg"; kernel_size=2; stride=2; padding=0',
          lambda s: s["output"][0][0] == float(_IMAGE[:2, :2].mean()) == 152.5,
          "the top-left cell is the mean of the top-left 2×2 window"),
    Claim("**kernel k** = 3, **stride s** = 1: the windows overlap and the 500 appears in two "
          "output cells.",
          'mode="max"; kernel_size=3; stride=1; padding=0',
          lambda s: _count(s["output"], 500) == 2,
          "500 occurs twice in the output"),
    Claim("The output size follows the same ⌊(n + 2p − f)/s⌋ + 1 as a convolution: k = 3, s = 2, "
          "p = 1 gives ⌊(4 + 2 − 3)/2⌋ + 1 = 2.",
          "kernel_size=3; stride=2; padding=1",
          lambda s: len(s["output"]) == (4 + 2 * 1 - 3) // 2 + 1 == 2,
          "a 2×2 output"),
    Claim("**padding p**: like torch, the slider refuses p larger than k/2 (with k = 1, p stays 0).",
          "padding=1; kernel_size=1",
          lambda s: s["padding"] == 0 and s["kernel_size"] == 1,
          "padding 0 at k = 1"),
    Claim("Padded cells count as −∞ for max ...",
          'mode="max"; kernel_size=2; stride=2; padding=1',
          lambda s: s["output"][0][0] == _IMAGE[0, 0],
          "the corner window (one real pixel, 100) gives 100"),
    Claim("... and as zeros for average pooling (divided by the whole window, as torch).",
          'mode="avg"; kernel_size=2; stride=2; padding=1',
          lambda s: s["output"][0][0] == _IMAGE[0, 0] / 4,
          "the corner window gives 100 / 4 = 25"),
    Claim("**output cell** cannot go past the last cell when the output shrinks.",
          "cell=3; kernel_size=4; stride=1; padding=0",
          lambda s: tuple(s["cell"]) == (0, 0) and len(s["output"]) == 1,
          "a 1×1 output, cell (0, 0)"),
])
