"""Notebook 06's exercises and claims: output sizes, one output cell, a padded corner cell.

Every answer is computed by `nnlab.engine.conv` from the exercise's own data; `exercise_set(seed)`
draws another variant's numbers (seed 0: the notebook's). `CLAIMS`: what
the notebook tells the learner to try with its explorer, each checked by `tests/test_claims.py`.
"""
from __future__ import annotations

from ..engine.conv import conv2d, filter_kernel, load_photo, output_size
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet, variant_rng, variant_seed

CELL_PATCH = [[3, 0, 1], [1, 5, 8], [2, 7, 2]]
EDGE_FILTERS = ("left edges", "right edges", "top edges", "bottom edges", "vertical edges (Sobel)",
                "horizontal edges (Sobel)")
PAD_IMAGE = [[2, 0, 1, 3], [4, 1, 0, 2], [1, 3, 2, 0], [0, 2, 4, 1]]
PAD_KERNEL = [[1, 2, 0], [0, 1, 1], [1, 0, 2]]


def _numbers(seed: int) -> dict:
    """The variant's numbers: seed 0 is the notebook's own, any other seed draws new ones."""
    if seed == 0:
        return {"n": 28, "f": 5, "p": 2, "s": 2, "patch": CELL_PATCH, "filter": "left edges",
                "image": PAD_IMAGE, "kernel": PAD_KERNEL}
    rng = variant_rng(seed)
    f = int(rng.choice([3, 5, 7]))
    while True:   # (n + 2p − f)/s not whole, so that rounding down matters
        n, p, s = int(rng.integers(20, 65)), int(rng.integers(1, 4)), int(rng.integers(2, 4))
        if (n + 2 * p - f) % s:
            break
    v = {"n": n, "f": f, "p": p, "s": s}
    while True:   # answers of 0 would let a guess pass and hide the sign slip
        v.update(patch=rng.integers(0, 10, size=(3, 3)).tolist(),
                 filter=EDGE_FILTERS[int(rng.integers(len(EDGE_FILTERS)))],
                 image=rng.integers(0, 5, size=(4, 4)).tolist(),
                 kernel=rng.integers(-1, 3, size=(3, 3)).tolist())
        if conv2d(v["patch"], filter_kernel(v["filter"]))[0, 0] != 0 \
                and conv2d(v["image"], v["kernel"], padding=1)[0, 0] != 0:
            return v


def _products(patch, kernel) -> str:
    return " + ".join(f"{a:g}·{b:g}" if b >= 0 else f"{a:g}·({b:g})"
                      for ra, rb in zip(patch, kernel) for a, b in zip(ra, rb))


def exercise_set(seed: int = 0) -> ExerciseSet:
    """Notebook 06's exercises in the variant `seed` (0: the notebook's own numbers)."""
    v = _numbers(variant_seed(seed))
    n, f, p, s = v["n"], v["f"], v["p"], v["s"]
    kernel = filter_kernel(v["filter"])
    cell = float(conv2d(v["patch"], kernel)[0, 0])
    padded = conv2d(v["image"], v["kernel"], padding=1)
    corner, unpadded = float(padded[0, 0]), float(conv2d(v["image"], v["kernel"])[0, 0])
    kernel_text = "[" + ",".join("[" + ",".join(f"{w:g}" for w in row) + "]" for row in kernel) + "]"
    strided = output_size(n, f, s, p)
    corner_products = _products([r[:2] for r in v["image"][:2]], [r[1:] for r in v["kernel"][1:]])
    return ExerciseSet("Convolution", [
        Exercise(
            question=f"A {n}×{n} image is convolved with a {f}×{f} filter, stride 1, no padding "
                     "('valid'). How many rows does the feature map have?",
            answer=lambda: output_size(n, f, 1, 0),
            solution=lambda: f"⌊(n + 2p − f)/s⌋ + 1 = ⌊({n} + 0 − {f})/1⌋ + 1 = "
                             f"{output_size(n, f)}.",
            abs_tol=0.2,   # whole numbers: a slip half a row off (no rounding) is told apart
            mistakes=lambda: [(n - f, "add 1: the first position counts too (n − f + 1)."),
                              (n, f"that is 'same' padding (p = {(f - 1) // 2}); here there is "
                                  "no padding.")]),
        Exercise(
            question=f"Same image and filter, now with padding p = {p} and stride s = {s}: how "
                     "many rows?",
            answer=lambda: strided,
            solution=lambda: f"⌊({n} + {2 * p} − {f})/{s}⌋ + 1 = ⌊{(n + 2 * p - f) / s:g}⌋ + 1 "
                             f"= {strided}.",
            abs_tol=0.2,   # whole numbers: a slip half a row off (no rounding) is told apart
            mistakes=lambda: [((n + 2 * p - f) / s + 1, f"round down: the filter must fit "
                               f"entirely, ⌊{(n + 2 * p - f) / s:g}⌋ = {(n + 2 * p - f) // s}."),
                              (strided + 1, "round down, not up: the last part step does not fit."),
                              (strided - 1, "you forgot the + 1."),
                              (output_size(n, f, s, 0), "you left out the padding (2p rows).")]),
        Exercise(
            question=f"Apply the '{v['filter']}' filter {kernel_text} to the 3×3 patch "
                     f"{v['patch']} (element-wise product, then sum). What is the output?",
            answer=lambda: cell,
            solution=lambda: f"{_products(v['patch'], kernel)} = {cell:g}.",
            mistakes=lambda: [(-cell, "the sign is flipped: that is the opposite edge filter (or "
                                      "a true, flipped convolution)."),
                              (cell / 9, "that is the notes' average (divided by 9); frameworks "
                                         "use the plain sum.")] if cell else []),
        Exercise(
            question=f"The 4×4 image {v['image']} is convolved with the kernel {v['kernel']}, "
                     "stride 1, padding p = 1 (a ring of zeros around the image). What is the "
                     "top-left cell of the feature map?",
            answer=lambda: corner,
            solution=lambda: ("The window over the top-left cell covers the zero ring: only the "
                              "kernel's lower-right 2×2 meets the image, "
                              f"{corner_products} = {corner:g}."),
            mistakes=lambda: [(unpadded, "that is the top-left cell without padding: with p = 1 "
                                         "the first window is centred on the image's corner.")]
                             if unpadded != corner else []),
    ], seed=seed)


exercises = exercise_set(0)


# -- what notebook 06 tells the learner to try with its explorer, each checked at its settings -----
def _photo_map(name, stride=1, padding=1):
    """The feature map of a named filter on the notebook's photograph, computed here directly."""
    return conv2d(load_photo(), filter_kernel(name), stride=stride, padding=padding)


def _shape(s):
    return tuple(s["output"])


CLAIMS = Claims("nnlab.views.conv_view:factory", [
    Claim("**top edges** is positive where the image is brighter above than below and negative "
          "where it is darker: the map has both signs, shown red and blue on a colour scale "
          "centred on zero.",
          'filter="top edges"',
          lambda s: s["map_min"] < 0 < s["map_max"]
          and s["colour_limits"][0] == -s["colour_limits"][1],
          "map_min < 0 < map_max, symmetric colour limits"),
    Claim("**bottom edges** is the same kernel upside down: the map turns negative where top "
          "edges was positive (its lowest value is minus top edges' highest).",
          'filter="bottom edges"',
          lambda s: abs(s["map_min"] + float(_photo_map("top edges").max())) < 1e-4
          and abs(s["map_max"] + float(_photo_map("top edges").min())) < 1e-4,
          "the map's range is top edges' range negated"),
    Claim("**right edges** does the same for columns: the map of left edges with its sign flipped.",
          'filter="right edges"',
          lambda s: abs(s["map_min"] + float(_photo_map("left edges").max())) < 1e-4,
          "the map's minimum is minus left edges' maximum"),
    Claim("The Sobel versions weigh the middle row (or column) twice.",
          'filter="vertical edges (Sobel)"',
          lambda s: [row[0] for row in s["kernel"]] == [1, 2, 1],
          "the kernel's first column is 1, 2, 1"),
    Claim("An edge filter on its own does not look like the photo (correlation with the pixels "
          "under the windows' centres near 0) ...",
          'filter="top edges"',
          lambda s: abs(s["photo_correlation"]) < 0.1,
          "|photo_correlation| < 0.1"),
    Claim("... but with top edges and the centre weight **w22** = 1 the photo shows through the "
          "edges (correlation above 0.5).",
          'filter="top edges"; w22=1.0',
          lambda s: s["filter"] == "custom" and s["photo_correlation"] > 0.5,
          "photo_correlation > 0.5"),
    Claim("**sharpen** is applied exactly, centre weight 5 included (the sliders reach ±5).",
          'filter="sharpen"',
          lambda s: s["kernel"] == filter_kernel("sharpen").tolist(),
          "the kernel equals FILTERS['sharpen']"),
    Claim("**stride s** = 2: the kernel jumps 2 pixels and the map shrinks about 2 times.",
          "stride=2",
          lambda s: all(abs(o - n / 2) <= 1 for o, n in zip(_shape(s), s["input"])),
          "each side of the map within 1 of half the photo's"),
    Claim("With stride 1, **padding p** = 0 is 'valid': the map shrinks by 2 ...",
          "stride=1; padding=0",
          lambda s: _shape(s) == tuple(n - 2 for n in s["input"]),
          "output = input − 2"),
    Claim("... p = 1 is 'same': the map keeps its size ...",
          "stride=1; padding=1",
          lambda s: _shape(s) == tuple(s["input"]),
          "output = input"),
    Claim("... and p = 2 is 'full' (every partial overlap): it grows by 2.",
          "stride=1; padding=2",
          lambda s: _shape(s) == tuple(n + 2 for n in s["input"]),
          "output = input + 2"),
    Claim("**cell row / col** cannot go past the last cell: at the last cell, a stride of 4 "
          "moves the cell back inside the smaller map.",
          "row=149; col=127; stride=4",
          lambda s: tuple(s["cell"]) == tuple(n - 1 for n in _shape(s)),
          "the cell is the map's last cell"),
])
