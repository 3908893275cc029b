"""Notebook 07's exercise set: for several seeds, every answer from an independent route (torch for
parameter counts and output sizes, plain loops and finite differences for the formulas), `check`
accepts it and rejects every listed slip with its own message."""
import math

import pytest

from nnlab.core.gradcheck import derivative
from nnlab.course.cnn import exercise_data, exercise_set, exercises

SEEDS = [0, 1, 7, 2024, 2**32 - 1]


def _sigmoid(z):
    return 1 / (1 + math.exp(-z))


def by_hand(d):
    """Answers 1-4 and 7 from formulas written here, 5 and 6 too (checked against torch below)."""
    c = d["conv"]
    s = d["size"]
    q = d["dense"]
    img = d["pool"]["image"]
    maxima = [max(img[i][j], img[i][j + 1], img[i + 1][j], img[i + 1][j + 1])
              for i in (0, 2) for j in (0, 2)]
    ci = d["block"]["c_in"]
    co = 2 * ci
    sp = d["separable"]
    x, w = d["skip"]["x"], d["skip"]["w"]

    def a2(a0):
        a1 = a0 + _sigmoid(w * a0)
        return a1 + _sigmoid(w * a1)

    return [
        (c["kernel"] ** 2 * c["channels"] + 1) * c["filters"],
        (s["n"] + 2 * s["padding"] - s["kernel"]) // s["stride"] + 1,
        (q["filters"] * (q["n"] // 2) ** 2 + 1) * q["units"],
        sum(maxima) / 4,
        9 * ci * co + 2 * co + 9 * co * co + 2 * co + ci * co + 2 * co,
        9 * sp["channels"] + sp["channels"] * sp["filters"],
        derivative(a2, x, h=1e-6),
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_answers_and_slips(seed):
    ex = exercise_set(seed)
    assert ex.seed == seed and len(ex) == 7
    for n, want in enumerate(by_hand(exercise_data(seed)), 1):
        got = ex.exercises[n - 1].expected()
        assert got == pytest.approx(want, rel=1e-7), (seed, n)
        assert ex.check(n, want), (seed, n)
        for wrong, why in ex.exercises[n - 1].mistakes():
            fb = ex.check(n, wrong)
            assert not fb and why in fb.message, (seed, n, wrong)
        assert str(round(float(got), 4)) not in ex.show(n)          # the question hides the answer
        assert ex.solution(n)


def test_seeds_draw_other_numbers_and_are_reproducible():
    assert exercise_data(3) == exercise_data(3)
    assert len({str(exercise_data(s)) for s in SEEDS}) == len(SEEDS)
    assert [e.expected() for e in exercises.exercises] == \
           [e.expected() for e in exercise_set(0).exercises]
    for bad in (-1, 2**32, 1.5, "3", True):
        with pytest.raises(ValueError, match="^seed: expected"):
            exercise_set(bad)


@pytest.mark.torch
@pytest.mark.parametrize("seed", SEEDS)
def test_counts_and_sizes_against_torch(torch, seed):
    nn = torch.nn
    d = exercise_data(seed)
    ex = exercise_set(seed)

    def count(*mods):
        return sum(p.numel() for m in mods for p in m.parameters())

    c = d["conv"]
    assert count(nn.Conv2d(c["channels"], c["filters"], c["kernel"])) == ex.exercises[0].expected()
    s = d["size"]
    y = nn.Conv2d(1, 1, s["kernel"], s["stride"], s["padding"])(torch.zeros(1, 1, s["n"], s["n"]))
    assert y.shape[-1] == ex.exercises[1].expected()
    q = d["dense"]
    feats = nn.Sequential(nn.Conv2d(1, q["filters"], 3, padding=1), nn.MaxPool2d(2), nn.Flatten())
    n_in = feats(torch.zeros(1, 1, q["n"], q["n"])).shape[1]
    assert count(nn.Linear(n_in, q["units"])) == ex.exercises[2].expected()
    img = torch.tensor(d["pool"]["image"], dtype=torch.float64)[None, None]
    assert torch.nn.functional.max_pool2d(img, 2).mean().item() == ex.exercises[3].expected()
    ci = d["block"]["c_in"]
    block = [nn.Conv2d(ci, 2 * ci, 3, 2, 1, bias=False), nn.BatchNorm2d(2 * ci),
             nn.Conv2d(2 * ci, 2 * ci, 3, 1, 1, bias=False), nn.BatchNorm2d(2 * ci),
             nn.Conv2d(ci, 2 * ci, 1, 2, bias=False), nn.BatchNorm2d(2 * ci)]
    assert count(*block) == ex.exercises[4].expected()
    ch, f = d["separable"]["channels"], d["separable"]["filters"]
    assert count(nn.Conv2d(ch, ch, 3, padding=1, groups=ch, bias=False),
                 nn.Conv2d(ch, f, 1, bias=False)) == ex.exercises[5].expected()
    x0 = torch.tensor(d["skip"]["x"], dtype=torch.float64, requires_grad=True)
    w = d["skip"]["w"]
    a1 = x0 + torch.sigmoid(w * x0)
    (a1 + torch.sigmoid(w * a1)).backward()
    assert x0.grad.item() == pytest.approx(ex.exercises[6].expected(), rel=1e-12)


def test_most_seed0_answers_are_printed_nowhere_above_the_exercises():
    """The contract: at least half of the notebook's exercises ask for a number it never printed."""
    import json
    import re
    from pathlib import Path

    nb = json.loads((Path(__file__).resolve().parent.parent / "notebooks" /
                     "07_pooling_and_cnn.ipynb").read_text(encoding="utf-8"))
    shown = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and "## Exercises" in "".join(cell["source"]):
            break
        shown.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            shown.append("".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", "")))
    text = "\n".join(shown)
    hidden = 0
    for e in exercise_set(0).exercises:
        v = float(e.expected())
        forms = {f"{v:,.0f}", f"{v:.0f}"} if v == int(v) else {f"{v:.2f}", f"{v:.3f}", f"{v:g}"}
        hidden += not any(re.search(rf"(?<![\d.,]){re.escape(f)}(?![\d,]|\.\d)", text) for f in forms)
    assert hidden >= (len(exercise_set(0)) + 1) // 2, hidden
