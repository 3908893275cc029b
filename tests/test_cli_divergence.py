"""Divergence and runaway work are reported in one line, never printed as NaN or left running.

The iteration at which training leaves the finite numbers is found independently, by a plain
Python (float) loop of the 2-2-1 linear network's backprop written out by hand.
"""
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest

from nnlab import cli
from nnlab.engine import neuron
from nnlab.engine.network import Network
from nnlab.engine.symbolic import exact_trace

NOTES = ["--x", "0.35,0.9", "--target", "0.5"]
NOTES_W = "w13=0.1,w23=0.8,w14=0.4,w24=0.6,w35=0.3,w45=0.9"


def run(argv, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # a RuntimeWarning would fail the test
        code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def first_overflow_linear(x, t, lr, w, iterations):
    """Iteration (1-based) at which ½(t − y)² of a linear 2-2-1 network stops being finite."""
    w13, w23, w14, w24, w35, w45 = w
    x1, x2 = x
    for k in range(1, iterations + 1):
        try:
            y3 = w13 * x1 + w23 * x2
            y4 = w14 * x1 + w24 * x2
            y5 = w35 * y3 + w45 * y4
            e = t - y5
            loss = 0.5 * e * e
        except OverflowError:
            return k
        if not math.isfinite(loss):
            return k
        d5 = e
        d3, d4 = w35 * d5, w45 * d5
        w35, w45 = w35 + lr * d5 * y3, w45 + lr * d5 * y4
        w13, w23 = w13 + lr * d3 * x1, w23 + lr * d3 * x2
        w14, w24 = w14 + lr * d4 * x1, w24 + lr * d4 * x2
    return None


def test_the_reference_loop_finds_an_overflow_at_lr_100():
    k = first_overflow_linear((0.35, 0.9), 0.5, 100.0, (0.1, 0.8, 0.4, 0.6, 0.3, 0.9), 50)
    assert k is not None and 1 < k < 50
    assert first_overflow_linear((0.35, 0.9), 0.5, 0.1, (0.1, 0.8, 0.4, 0.6, 0.3, 0.9), 50) is None


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_training_that_diverges_names_the_iteration(capsys, fmt):
    k = first_overflow_linear((0.35, 0.9), 0.5, 100.0, (0.1, 0.8, 0.4, 0.6, 0.3, 0.9), 50)
    code, out, err = run(["backprop", *NOTES, "--weights", NOTES_W, "--lr", "100", "--activation",
                          "linear", "--iterations", "50", "--format", fmt], capsys)
    assert code == 2 and out == ""
    assert err == (f"nnlab: error: diverged at iteration {k}: the loss overflowed; "
                   "lower the learning rate\n")


@pytest.mark.parametrize("activation, x", [("linear", "1e300,1"), ("linear", "1e200,1"),
                                           ("relu", "1e300,1"), ("relu", "1e200,1")])
def test_huge_inputs_are_refused_not_printed_as_nan(capsys, activation, x):
    code, out, err = run(["backprop", "--x", x, "--target", "0.5", "--weights",
                          "w13=1,w23=1,w14=1,w24=1,w35=1,w45=1", "--activation", activation],
                         capsys)
    assert code == 2 and out == "" and "nan" not in err.lower()
    assert err.startswith("nnlab: error: diverged at iteration 1: ") and err.count("\n") == 1


def test_exact_with_huge_inputs_is_refused(capsys):
    code, out, err = run(["backprop", "--x", "1e300,1", "--target", "0.5", "--activation",
                          "linear", "--exact"], capsys)
    assert code == 2 and out == "" and err.startswith("nnlab: error: diverged at iteration 1: ")


def test_exact_on_a_large_network_is_refused_at_once(capsys):
    code, out, err = run(["backprop", "--layers", "2,50,50,1", "--x", "1,1", "--target", "1",
                          "--exact"], capsys)
    assert code == 2 and out == ""
    assert err.startswith("nnlab: error: --exact: exact arithmetic is offered for networks with "
                          "at most one hidden layer") and "2650" in err
    with pytest.raises(ValueError, match="^exact: "):
        exact_trace(Network.build("2,3,3,1"), [1, 1], [1], 0.5)


@pytest.mark.parametrize("weights, named", [("w13=0.1,w1_3=0.2", "w1_3"), ("w1_3=0.1,w13=0.2", "w13"),
                                            ("w13=0.1,w13=0.2", "w13")])
def test_two_names_of_one_weight_are_refused(capsys, weights, named):
    code, out, err = run(["backprop", *NOTES, "--weights", weights], capsys)
    assert code == 2 and out == "" and f"--weights: {named} is given twice" in err


def test_two_names_of_one_bias_are_refused():
    with pytest.raises(ValueError, match="^biases: b03 is given twice"):
        Network.build("2,2,1", biases={"b3": 0.1, "b03": 0.2})


def test_the_library_raises_a_value_error_with_the_iteration():
    net = Network.build("2,2,1", "linear", dict(zip(("w13", "w23", "w14", "w24", "w35", "w45"),
                                                    (0.1, 0.8, 0.4, 0.6, 0.3, 0.9))))
    k = first_overflow_linear((0.35, 0.9), 0.5, 100.0, (0.1, 0.8, 0.4, 0.6, 0.3, 0.9), 50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=f"^diverged at iteration {k}: the loss overflowed"):
            net.train([0.35, 0.9], [0.5], 100.0, 50)
        with pytest.raises(ValueError, match="^diverged at iteration 1: "):
            net.step([1e300, 1], [0.5], 1.0)
        # below the overflow the same training runs and its losses are finite
        _, _, losses = net.train([0.35, 0.9], [0.5], 100.0, k - 1)
        assert np.all(np.isfinite(losses))


def test_fit_line_on_huge_values_is_the_scaled_line():
    x = np.array([1, 2, 3, 4, 5.0])
    y = np.array([2.9, 5.1, 7.0, 9.2, 10.8])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m, c = neuron.fit_line(x * 1e200, y * 1e200)
    # by hand: x̄ = 3, ȳ = 7, Σ(x − x̄)(y − ȳ) = 19.9, Σ(x − x̄)² = 10
    assert m == pytest.approx(1.99, rel=1e-12) and c == pytest.approx(1.03e200, rel=1e-12)
    with pytest.raises(ValueError, match="^x, y: "):
        neuron.fit_line([0, 1e-300], [0, 1e300])


def test_gd_line_is_bounded_and_reports_divergence():
    x, y = [1, 2, 3, 4, 5.0], [2.9, 5.1, 7.0, 9.2, 10.8]
    with pytest.raises(ValueError, match="^steps: expected a whole number from 1 to 100000"):
        neuron.gd_line(x, y, steps=10**9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"^diverged at step \d+: the mean squared error"):
            neuron.gd_line(x, y, lr=1.0, steps=2000)


def test_a_real_subprocess_exits_2_with_one_line():
    proc = subprocess.run([sys.executable, "-W", "error", "-m", "nnlab.cli", "backprop", *NOTES,
                           "--lr", "100", "--activation", "linear", "--iterations", "50"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("nnlab: error: diverged at iteration ") and proc.stderr.count("\n") == 1
