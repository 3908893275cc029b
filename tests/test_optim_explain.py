"""The line-by-line explanation is read from the intermediates each step records (issue 10).

Independent routes: torch.optim's own state (exp_avg, exp_avg_sq, momentum_buffer, ...) for the
recorded intermediates, hand formulas for Adam's bias-corrected moments, and a parser that
checks every number printed in an explanation against the recorded numbers.
"""
import re

import numpy as np
import pytest

from nnlab.engine import optim as O
from nnlab.engine import surfaces as S
from nnlab.engine.optim import explain as E

CASES = [
    ("gd", {}), ("sgd", dict(momentum=0.8, dampening=0.3, weight_decay=0.05)),
    ("momentum", {}), ("nag", dict(weight_decay=0.1)),
    ("adagrad", dict(lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.2, eps=1e-6)),
    ("rmsprop", dict(alpha=0.9, centered=True, momentum=0.5, weight_decay=0.01)),
    ("rmsprop", {}), ("adam", {}), ("adam", dict(amsgrad=True, weight_decay=0.01, eps=1e-6)),
    ("adamax", dict(betas=(0.5, 0.9), weight_decay=0.1)), ("nadam", dict(momentum_decay=0.01)),
]
NOTES = ["momentum", "nag", "adagrad", "rmsprop", "adam", "adamax", "nadam"]
ARRAY = re.compile(r"\[[^\[\]]*\]")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def numbers_in(text):
    arrays = ARRAY.findall(text)
    return arrays + NUMBER.findall(ARRAY.sub(" ", text))


def optimizers():
    for name, hyper in CASES:
        yield O.make_optimizer(name, lr=0.05, **hyper)
    for name in NOTES:
        yield O.make_optimizer(name, lr=0.05, form="notes")


def check_every_number(opt, x, g):
    recs = opt.trace(x, g)
    rows = opt.explain(x, g)
    lines = [ln for rec in recs for ln in E.shown(opt, rec)]
    per_row_rec = [rec for rec in recs for _ in E.shown(opt, rec)]
    assert len(rows) == len(lines) and rows
    for (quantity, formula, numbers, value), ln, rec in zip(rows, lines, per_row_rec):
        assert quantity == E.SYMBOLS[ln.target]
        assert value == O.fmt(rec[ln.target])                        # the value column
        hyper = [h for v in opt.hyper.values() for h in np.ravel(v)]   # betas are a pair
        allowed = {O.fmt(v) for v in rec.values()} | {O.fmt(h) for h in hyper} | {O.fmt(opt.t + 1)}
        literal = set(numbers_in(E.literal_text(ln.template)))
        for token in numbers_in(numbers):                             # the numbers column
            assert token in allowed or token in literal, (opt, ln, token, numbers)
        if numbers != "given":
            assert len(numbers_in(numbers)) >= len(E.placeholders(ln.template))
    assert rows[-1][0] == "θ"
    return recs


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_number_in_the_explanation_is_a_recorded_intermediate(seed):
    rng = np.random.default_rng(seed)
    for opt in optimizers():
        x = [rng.normal(size=3) * 2]
        for _ in range(int(rng.integers(1, 6))):
            x = opt.step(x, [rng.normal(size=3)])
        g = [rng.normal(size=3) * (seed + 1)]
        recs = check_every_number(opt, x, g)
        t = opt.t
        new = opt.step(x, g)                                          # explain had no side effect
        assert opt.t == t + 1
        np.testing.assert_array_equal(recs[0]["theta"], new[0])
        assert set(recs[0]) == set(opt.records[0])


def test_several_parameters_are_explained_in_turn():
    opt = O.Adam(lr=0.1)
    x = [np.array([1.0, 2.0]), np.array([-3.0])]
    rows = opt.explain(x, [np.array([0.5, -0.5]), np.array([2.0])])
    thetas = [r for r in rows if r[0] == "θ"]
    new = opt.step(x, [np.array([0.5, -0.5]), np.array([2.0])])
    assert [r[3] for r in thetas] == [O.fmt(a) for a in new]


def test_adam_moments_by_hand_and_the_notes_slip():
    b1, b2, lr, eps = 0.9, 0.999, 0.01, 1e-8
    gs = [np.array([0.5, -1.0]), np.array([2.0, 0.25]), np.array([-1.0, 1.0])]
    for form in ("torch", "notes"):
        opt, x = O.Adam(lr=lr, form=form), [np.zeros(2)]
        m = v = np.zeros(2)
        for t, g in enumerate(gs, 1):
            m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
            x = opt.step(x, [g])
            rec = opt.records[0]
            np.testing.assert_allclose(rec["m"], m, rtol=1e-14)
            np.testing.assert_allclose(rec["v"], v, rtol=1e-14)
            if form == "notes":
                np.testing.assert_allclose(rec["mhat"], m / (1 - b1), rtol=1e-14)
                np.testing.assert_allclose(rec["vhat"], v / (1 - b2), rtol=1e-14)
            else:
                assert rec["bc1"] == pytest.approx(1 - b1 ** t, rel=1e-15)
                assert rec["bc2"] == pytest.approx(1 - b2 ** t, rel=1e-15)
                np.testing.assert_allclose(rec["den"], np.sqrt(v / (1 - b2 ** t)) + eps, rtol=1e-14)


# torch.optim keeps these intermediates in its state: key in torch's state -> key in our record
TORCH_STATE = [
    ("SGD", dict(lr=0.02, momentum=0.8, dampening=0.3, weight_decay=0.05), {"momentum_buffer": "b"}),
    ("Adagrad", dict(lr=0.01, lr_decay=0.01, initial_accumulator_value=0.2), {"sum": "G"}),
    ("RMSprop", dict(lr=1e-3, alpha=0.9, centered=True, momentum=0.5),
     {"square_avg": "G", "grad_avg": "gbar", "momentum_buffer": "b"}),
    ("Adam", dict(lr=1e-3, amsgrad=True, weight_decay=0.01),
     {"exp_avg": "m", "exp_avg_sq": "v", "max_exp_avg_sq": "vmax"}),
    ("Adamax", dict(lr=1e-3, weight_decay=0.1), {"exp_avg": "m", "exp_inf": "u"}),
    ("NAdam", dict(lr=1e-3, momentum_decay=0.01), {"exp_avg": "m", "exp_avg_sq": "v",
                                                   "mu_product": "prod"}),
]


@pytest.mark.torch
@pytest.mark.parametrize("name,hyper,keys", TORCH_STATE)
def test_recorded_intermediates_are_torch_state(torch, name, hyper, keys):
    rng = np.random.default_rng(11)
    x0 = 1.0 + np.abs(rng.normal(size=4))
    p = torch.tensor(x0.copy(), requires_grad=True)
    topt = getattr(torch.optim, name)([p], **hyper)
    opt, x = getattr(O, name)(**hyper), [x0.copy()]
    for _ in range(6):
        g = np.sin(3 * x[0]) + x[0]
        p.grad = torch.tensor(np.sin(3 * p.detach().numpy()) + p.detach().numpy())
        topt.step()
        x = opt.step(x, [g])
        state = topt.state[p]
        for tkey, ours in keys.items():
            want = state[tkey]
            want = want.numpy() if hasattr(want, "numpy") else float(want)
            np.testing.assert_allclose(opt.records[0][ours], want, rtol=1e-12, atol=1e-15,
                                       err_msg=f"{name} {tkey}")


# -- the fast path is the same rule ------------------------------------------------------------
@pytest.mark.parametrize("name", list(O.OPTIMIZERS))
@pytest.mark.parametrize("form", ["torch", "notes"])
def test_run_2d_equals_run_arrays_bit_for_bit(name, form):
    if form == "notes" and name in ("nag",):
        with pytest.raises(ValueError, match="^optimizer: "):
            O.run_2d(O.NAG(lr=0.01, form="notes"), S.surface("bowl").gradient_fn().scalar,
                     [1.0, 1.0], 3)
        return
    s = S.surface("rosenbrock")
    fast_opt, ref_opt = (O.make_optimizer(name, lr=2e-3, form=form) for _ in range(2))
    fast = O.run_2d(fast_opt, s.gradient_fn().scalar, s.start, 300)
    ref = O.run_arrays(ref_opt, s.gradient_fn(), s.start, 300)
    np.testing.assert_array_equal(fast, ref)
    assert fast_opt.t == ref_opt.t == 300
    for key, value in ref_opt.state[0].items():                      # the same state afterwards
        if key != "shape":
            assert np.shape(value) == np.shape(fast_opt.state[0][key]), key
            np.testing.assert_array_equal(value, fast_opt.state[0][key])


def test_run_2d_marks_divergence_like_run_arrays():
    s = S.surface("bowl", condition=10)
    fast = O.run_2d(O.GD(lr=0.5), s.gradient_fn().scalar, s.start, 2000)
    ref = O.run_arrays(O.GD(lr=0.5), s.gradient_fn(), s.start, 2000)
    np.testing.assert_array_equal(np.isnan(fast), np.isnan(ref))
    assert np.isnan(fast[-1]).all()
    with pytest.raises(ValueError, match="^x0: expected a point with 2 coordinates"):
        O.run_2d(O.GD(lr=0.1), s.gradient_fn().scalar, [1.0, 2.0, 3.0], 3)


def test_explain_after_the_fast_path_of_run():
    """NAdam's product of momenta stays one number after run_2d (it was turned into an array, and
    its explanation then failed)."""
    s = S.surface("bowl")
    for form in ("torch", "notes"):
        opt = O.NAdam(lr=0.05, form=form)
        p = O.run(opt, s.gradient_fn(), s.start, 5)
        assert isinstance(opt.state[0]["mu_product"], float)
        check_every_number(opt, [p[-1]], [s.grad(p[-1])])
