"""Rosenblatt's rule (nnlab.engine.perceptron) against exact arithmetic and a loop of its own.

The reference is a second, plain implementation in sympy Rationals (exact: no rounding can
make a cycle look like a repeat), written here from the rule w ← w + η(t − ŷ)x with the bias
as a weight on x0 = 1, and the play-tennis run worked by hand for its first pass.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from nnlab.engine import perceptron as P

ROOT = Path(__file__).resolve().parent.parent


def reference(X, t, lr, w0=None, max_passes=50):
    """(updates as (pass, row, z, ŷ, error, Δw, w after), passes, settled, cycle) in Rationals."""
    X = [[sp.Integer(1)] + [sp.Rational(str(v)) for v in row] for row in X]
    lr = sp.Rational(str(lr))
    w = [sp.Integer(0)] * len(X[0]) if w0 is None else [sp.Rational(str(v)) for v in w0]
    starts, updates, passes = [], [], 0
    for p in range(1, max_passes + 1):
        if tuple(w) in starts:
            first = starts.index(tuple(w)) + 1
            return updates, passes, False, (first, p - first)
        starts.append(tuple(w))
        passes += 1
        wrong = 0
        for i, (x, target) in enumerate(zip(X, t)):
            z = sum(a * b for a, b in zip(w, x))
            y = 1 if z >= 0 else 0
            err = int(target) - y
            dw = [lr * err * xi for xi in x]
            w = [a + b for a, b in zip(w, dw)]
            updates.append((p, i, z, y, err, dw, list(w)))
            wrong += err != 0
        if wrong == 0:
            return updates, passes, True, None
    return updates, passes, False, None


def assert_same(run, ref):
    updates, passes, settled, cycle = ref
    assert run.passes == passes and run.settled == settled and run.cycle == cycle
    assert len(run.updates) == len(updates)
    for u, (p, i, z, y, err, dw, w) in zip(run.updates, updates):
        assert (u.pass_no, u.row, u.y_hat, u.error) == (p, i, y, err)
        assert u.z == pytest.approx(float(z), abs=1e-12)
        assert np.allclose(u.dw, [float(v) for v in dw], atol=1e-12)
        assert np.allclose(u.w_after, [float(v) for v in w], atol=1e-12)
        assert np.array_equal(u.w_after, u.w_before + u.dw)


def play_tennis_from_csv():
    """The table one-hot encoded here, straight from the CSV (independent of engine.neuron)."""
    lines = [r for r in (ROOT / "data" / "play_tennis.csv").read_text().splitlines()
             if r and not r.startswith("#")]
    rows = list(csv.reader(lines))[1:]
    cols = []
    for k in range(4):
        cats = list(dict.fromkeys(r[k] for r in rows))
        cols += [[1.0 if r[k] == c else 0.0 for r in rows] for c in cats]
    return np.array(cols).T, np.array([1.0 if r[4] == "Y" else 0.0 for r in rows])


@pytest.mark.parametrize("data", P.DATA)
@pytest.mark.parametrize("lr", [1.0, 0.5, 2.0])
def test_rule_matches_exact_reference(data, lr):
    names, X, t = P.table(data)
    run = P.train_perceptron(X, t, lr=lr, max_passes=50, names=names)
    assert_same(run, reference(X, t, lr))


def test_random_tables_and_starts_match_the_reference():
    rng = np.random.default_rng(7)
    for _ in range(30):
        X = rng.integers(0, 2, size=(int(rng.integers(2, 7)), 3)).astype(float)
        t = rng.integers(0, 2, size=len(X)).astype(float)
        w0 = rng.integers(-2, 3, size=4).astype(float)
        run = P.train_perceptron(X, t, lr=1.0, w0=w0, max_passes=40)
        assert_same(run, reference(X, t, 1, w0=w0, max_passes=40))


def test_play_tennis_table_is_the_csv_and_settles_with_every_row_right():
    _, X, t = P.table("play tennis")
    X_csv, t_csv = play_tennis_from_csv()
    assert np.array_equal(X, X_csv) and np.array_equal(t, t_csv)
    run = P.train_perceptron(X, t)
    assert run.settled and run.passes == 5 and run.rows_right() == 4
    # the first pass by hand: row 1 right at z = 0 (ŷ = 1 = t); row 2 wrong (ŷ = 1, t = 0), so
    # w = −x2; row 3 (S, G, L, L) shares only the bias input with row 2: z = −1, right; row 4
    # (R, L, H, L) shares the bias, Outlook=R, Temp=L, Humidity=H: z = −4, wrong, Δw = +x4
    first = run.updates[:4]
    assert [u.error for u in first] == [0, -1, 0, 1]
    assert [u.z for u in first] == [0, 0, -1, -4]
    x2 = np.concatenate([[1], X[1]])
    x4 = np.concatenate([[1], X[3]])
    assert np.array_equal(run.pass_weights[1], -x2 + x4)
    # the settled weights separate the rows: a witness that the table is linearly separable
    assert np.array_equal((np.hstack([np.ones((4, 1)), X]) @ run.weights >= 0), t == 1)


def test_xor_cycles_and_no_weights_of_a_grid_separate_it():
    names, X, t = P.table("XOR")
    run = P.train_perceptron(X, t, max_passes=10)
    assert not run.settled and run.cycle == (3, 1) and not run.stopped
    assert np.array_equal(run.pass_weights[2], run.pass_weights[3])
    every_pass_wrong = [bool(m) for m in run.mistakes]
    assert all(every_pass_wrong)
    # the contradiction of xor_contradiction, checked over a grid of integer weights
    g = np.arange(-4, 5)
    W0, W1, W2 = np.meshgrid(g, g, g, indexing="ij")
    ok = (W0 < 0) & (W0 + W2 >= 0) & (W0 + W1 >= 0) & (W0 + W1 + W2 < 0)
    assert not ok.any()
    assert len(P.xor_contradiction()) == 5


def test_bounded_passes_stop_without_claiming_a_cycle():
    _, X, t = P.table("AND")
    run = P.train_perceptron(X, t, max_passes=2)
    assert run.stopped and not run.settled and run.cycle is None and run.passes == 2
    assert "stopped after 2 passes" in run.outcome()


def test_learning_rate_scales_weights_but_not_predictions_from_zero():
    _, X, t = P.table("play tennis")
    a, b = P.train_perceptron(X, t, lr=1.0), P.train_perceptron(X, t, lr=0.25)
    assert a.passes == b.passes
    assert np.array_equal(b.weights * 4, a.weights)


def test_no_negative_zero_in_updates():
    _, X, t = P.table("play tennis")
    for u in P.train_perceptron(X, t).updates:
        assert not np.any(np.signbit(u.dw) & (u.dw == 0))


@pytest.mark.parametrize("kwargs, start", [
    ({"lr": 0}, "lr: expected"), ({"lr": float("nan")}, "lr: expected"),
    ({"max_passes": 0}, "max_passes: expected"), ({"max_passes": 10**6}, "max_passes: expected"),
    ({"t": [0, 1, 2, 0]}, "t: expected targets 0 or 1"), ({"w0": [1, 2]}, "w0: expected"),
    ({"names": ["a"]}, "names: expected 2 feature names"),
])
def test_bad_input_names_the_argument(kwargs, start):
    args = {"X": [[0, 0], [0, 1], [1, 0], [1, 1]], "t": [0, 0, 0, 1]}
    args.update(kwargs)
    with pytest.raises(ValueError, match=f"^{start}"):
        P.train_perceptron(**args)
    with pytest.raises(ValueError, match="^data: "):
        P.table("NAND")


def test_line_error_against_a_plain_sum():
    x, y = [1, 2, 3, 4, 5.0], [2.9, 5.1, 7.0, 9.2, 10.8]
    e = P.line_error(x, y, 2.0, 0.5)
    assert e["mse"] == pytest.approx(sum((b - (2 * a + 0.5)) ** 2 for a, b in zip(x, y)) / 5)
    m, c = np.polyfit(x, y, 1)
    assert e["m_ls"] == pytest.approx(m) and e["c_ls"] == pytest.approx(c)
    assert e["mse_ls"] <= e["mse"]
    with pytest.raises(ValueError, match="^m: "):
        P.line_error(x, y, float("inf"), 0)
