"""Notebook 05's exercises in several variants, each answer by an independent route.

Parameters: a torch.nn stack of Linear layers (p.numel()); steps: batches counted by slicing a
range as a data loader would; loss and dL/dz: torch's binary_cross_entropy_with_logits and
autograd (float64), and sympy's exact derivative.

(check, grade and the slips of every variant: tests/test_exercises_contract.py.)
"""
from __future__ import annotations

import pytest
import sympy as sp

from nnlab.course import mlp as C

SEEDS = [0, 1, 2, 12, 99, 2 ** 32 - 1]


@pytest.mark.parametrize("seed", SEEDS)
def test_steps_by_slicing_and_gradient_by_sympy(seed):
    ex, v = C.exercise_set(seed), C._numbers(seed)
    points = list(range(v["n_train"]))
    batches = [points[i:i + v["batch"]] for i in range(0, len(points), v["batch"])]
    assert ex.expected(2) == len(batches) * v["epochs"]
    z, y = sp.Symbol("z"), sp.Rational(int(v["y"]))
    s = 1 / (1 + sp.exp(-z))
    loss = -(y * sp.log(s) + (1 - y) * sp.log(1 - s))
    zv = sp.Rational(str(v["z"]))
    assert ex.expected(3) == pytest.approx(float(loss.subs(z, zv)), rel=1e-12)
    assert ex.expected(4) == pytest.approx(float(sp.diff(loss, z).subs(z, zv)), rel=1e-12, abs=1e-15)


@pytest.mark.torch
@pytest.mark.parametrize("seed", SEEDS)
def test_parameters_loss_and_gradient_agree_with_torch(seed):
    torch = pytest.importorskip("torch")
    ex, v = C.exercise_set(seed), C._numbers(seed)
    n_in, h1, h2, n_out = v["sizes"]
    net = torch.nn.Sequential(torch.nn.Linear(n_in, h1), torch.nn.ReLU(), torch.nn.Linear(h1, h2),
                              torch.nn.ReLU(), torch.nn.Linear(h2, n_out))
    assert sum(p.numel() for p in net.parameters()) == ex.expected(1)
    z = torch.tensor(v["z"], dtype=torch.float64, requires_grad=True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.tensor(v["y"], dtype=torch.float64))
    loss.backward()
    assert loss.item() == pytest.approx(ex.expected(3), rel=1e-12)
    assert z.grad.item() == pytest.approx(ex.expected(4), rel=1e-12, abs=1e-15)


def test_variants_repeat_and_differ():
    assert C.exercise_set(3).show(2) == C.exercise_set(3).show(2)
    assert C.exercise_set(3).show(2) != C.exercise_set(4).show(2)
