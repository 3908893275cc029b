"""Notebook 11's exercises: for seed 0 and other seeds, every answer against an independent route
(the question's own numbers parsed back and computed with `math`/`statistics`, or PyTorch), each
answer accepted, each listed slip rejected with its message; the notes' quotation as written."""
from __future__ import annotations

import math
import re
import statistics
from pathlib import Path

import numpy as np
import pytest

from nnlab.course import transformer as C
from tests.conftest import torch_or_skip

SEEDS = [0, 1, 7, 2024, 2**32 - 1]
NOTES = Path("/work/shared/course-notes/001_199794dd69cad790.txt")


def numbers(text):
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def vec_after(text, name):
    m = re.search(re.escape(name) + r" = \(([^)]*)\)", text)
    return np.array([float(v) for v in m.group(1).split(",")])


@pytest.mark.parametrize("seed", SEEDS)
def test_attention_weight_by_hand(seed):
    ex = C.exercise_set(seed)
    q = ex.show(1)
    query = vec_after(q, "q")
    keys = [vec_after(q, f"k{j}") for j in (1, 2, 3)]
    j = int(re.search(r"weight of key k(\d)", q).group(1)) - 1
    scores = [float(query @ k) / 2.0 for k in keys]
    expected = math.exp(scores[j]) / sum(math.exp(s) for s in scores)
    assert ex.exercises[0].expected() == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_positional_encoding_value_by_hand(seed):
    ex = C.exercise_set(seed)
    q = ex.show(2)
    d = int(re.search(r"d_model = (\d+)", q).group(1))
    pos = int(re.search(r"pos = (\d+)", q).group(1))
    dim = int(re.search(r"dim = (\d+)", q).group(1))
    angle = pos / 10000 ** ((dim - dim % 2) / d)
    expected = math.sin(angle) if dim % 2 == 0 else math.cos(angle)
    assert ex.exercises[1].expected() == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_layer_norm_component_by_hand(seed):
    ex = C.exercise_set(seed)
    q = ex.show(3)
    x = [float(v) for v in vec_after(q, "x")]
    j = int(re.search(r"component (\d)", q).group(1)) - 1
    expected = (x[j] - statistics.fmean(x)) / math.sqrt(statistics.pvariance(x) + 1e-5)
    assert ex.exercises[2].expected() == pytest.approx(expected, abs=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("seed", SEEDS)
def test_parameter_count_against_torch(seed):
    torch = torch_or_skip()
    ex = C.exercise_set(seed)
    q = ex.show(4)
    E, h, F = (int(re.search(rf"{k}=(\d+)", q).group(1)) for k in ("d_model", "nhead", "dim_feedforward"))
    layer = torch.nn.TransformerEncoderLayer(E, h, F, batch_first=True)
    assert ex.exercises[3].expected() == sum(p.numel() for p in layer.parameters())


@pytest.mark.parametrize("seed", SEEDS)
def test_multiply_adds_by_hand(seed):
    ex = C.exercise_set(seed)
    q = ex.show(5)
    T = int(re.search(r"T = (\d+)", q).group(1))
    E = int(re.search(r"E = (\d+)", q).group(1))
    assert ex.exercises[4].expected() == 2 * T * T * E


@pytest.mark.parametrize("seed", SEEDS)
def test_check_accepts_answers_and_names_each_slip(seed):
    ex = C.exercise_set(seed)
    assert ex.seed == seed and len(ex) == 5
    for n, e in enumerate(ex.exercises, 1):
        assert ex.check(n, e.expected()).ok
        assert "solution" not in ex.show(n).lower()
        assert ex.solution(n)
        for wrong, why in e.mistakes():
            fb = ex.check(n, wrong)
            assert not fb.ok and why in fb.message, (n, wrong, fb.message)


def test_seeds_give_other_numbers_and_seed_zero_is_the_module_set():
    texts = {s: [C.exercise_set(s).show(n) for n in range(1, 6)] for s in (0, 1, 2)}
    assert texts[0] == [C.exercises.show(n) for n in range(1, 6)]
    assert texts[0] != texts[1] != texts[2]
    assert C.exercise_set(5).show(1) == C.exercise_set(5).show(1)
    for bad in (-1, 2**32, 1.5, "x"):
        with pytest.raises(ValueError, match="seed: expected"):
            C.exercise_set(bad)


def test_exercises_ask_for_numbers_the_notebook_does_not_print():
    """At least half of seed 0's answers appear nowhere in the committed notebook's outputs."""
    import json

    nb = json.loads((Path(__file__).parents[1] / "notebooks" / "11_transformers.ipynb").read_text())
    shown = " ".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                     for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []))
    unseen = 0
    for e in C.exercises.exercises:
        v = float(e.expected())
        forms = {f"{v:.4f}", f"{v:.3f}", f"{v:g}"} | ({f"{int(v):,}", str(int(v))} if v == int(v)
                                                      else set())
        unseen += not any(f in shown for f in forms)
    assert unseen >= 3


def test_the_notes_quotation_is_in_the_notes():
    if not NOTES.exists():
        pytest.skip("course notes not available here")
    text = " ".join(NOTES.read_text().replace("**", "").split())
    assert C.ENTER_TRANSFORMERS in text
    unbroken = text.replace("- ", "-")           # the slide's "long-\nrange" rejoined
    for line in C.KEY_CAPABILITIES:
        assert line in unbroken, line
