"""The exercise contract (issue 13) for every topic module of nnlab.course that has
`exercise_set(seed)`: seeded variants, the same on every call, the seed shown, `check` accepting
the answer and recognising each listed slip with its message, `grade` for autograder cells."""
import importlib
import pkgutil

import numpy as np
import pytest

import nnlab.course
from nnlab.course.exercises import SEED_MAX, ExerciseSet

MODULES = sorted(m.name for m in pkgutil.iter_modules(nnlab.course.__path__)
                 if hasattr(importlib.import_module(f"nnlab.course.{m.name}"), "exercise_set"))
SEEDS = (0, 1, 12, 2024, SEED_MAX)


def test_the_four_notebooks_of_this_change_follow_the_contract():
    assert {"start", "backprop", "activations", "optim"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("seed", SEEDS)
def test_every_variant_checks_its_own_answers_and_slips(module, seed):
    ex = importlib.import_module(f"nnlab.course.{module}").exercise_set(seed)
    assert isinstance(ex, ExerciseSet) and ex.seed == seed and len(ex) >= 1
    assert f"variant seed {seed}" in repr(ex)
    for n in range(1, len(ex) + 1):
        assert (f"(variant seed {seed})" in ex.show(n)) == (seed != 0)
        want = np.asarray(ex.expected(n), dtype=float)
        assert np.all(np.isfinite(want)), (module, seed, n)
        assert ex.check(n, want.tolist()), (module, seed, n, ex.check(n, want.tolist()))
        assert ex.grade(n, want.tolist(), strict=True).ok
        assert not ex.check(n, None)
        with pytest.raises(AssertionError, match=f"^Exercise {n}: No answer yet"):
            ex.grade(n, None, strict=True)
        assert ex.solution(n) and ex.key(n).startswith(f"Exercise {n} (variant seed {seed})")
        item, slips = ex.exercises[n - 1], ex.slips(n)
        for wrong, why in slips:
            fb = ex.check(n, wrong)
            # two slips a variant makes (nearly) equal: the first listed one is named
            same = [f"Not quite: {w}" for v, w in slips if np.shape(v) == np.shape(wrong) and np.all(
                np.abs(np.subtract(v, wrong)) <= 2 * np.maximum(item.abs_tol, item.rel_tol * np.abs(v)))]
            assert not fb and fb.message == same[0], (module, seed, n, wrong, fb)
            with pytest.raises(AssertionError, match="Not quite"):
                ex.grade(n, wrong, strict=True)


@pytest.mark.parametrize("module", MODULES)
def test_same_seed_same_numbers_other_seed_other_numbers(module):
    make = importlib.import_module(f"nnlab.course.{module}").exercise_set
    assert make(7).answer_key() == make(7).answer_key()
    base = make(0).answer_key()
    for seed in (1, 2, 3):
        other = make(seed).answer_key()
        assert [r["question"] for r in other] != [r["question"] for r in base], (module, seed)
    legacy = importlib.import_module(f"nnlab.course.{module}").exercises
    assert legacy.answer_key() == base


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("bad", [-1, SEED_MAX + 1, 1.5, "3", True, None])
def test_a_bad_seed_is_refused_naming_it(module, bad):
    make = importlib.import_module(f"nnlab.course.{module}").exercise_set
    with pytest.raises(ValueError, match=r"^seed: expected a whole number from 0 to 4294967295"):
        make(bad)


def test_grade_raises_only_under_nbgrader_unless_strict(monkeypatch):
    ex = importlib.import_module("nnlab.course.start").exercise_set(0)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    fb = ex.grade(1, 0.1)
    assert not fb and "no marks yet" in fb.message and "\n" not in fb.message
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError, match="^Exercise 1: Not quite"):
        ex.grade(1, 0.1)
    assert ex.grade(1, ex.expected(1)).ok
