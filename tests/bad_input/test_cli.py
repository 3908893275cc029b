"""The command line's bad input: each row is an argv and the fragment of its one line on
standard error (exit status 2, no traceback, never NaN). See __init__ for the counts."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nnlab import cli

BASE = ["backprop", "--x", "0.35,0.9", "--target", "0.5"]
WEIGHTS = "w13=0.1,w23=0.8,w14=0.4,w24=0.6,w35=0.3,w45=0.9"


def run(argv, capsys):
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(argv, fragment, capsys, code=2):
    got, out, err = run(argv, capsys)
    assert got == code, (got, err)
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err, err[:500]
    assert fragment in err, f"{fragment!r} not in {err!r}"
    assert len(err) <= cli.MESSAGE + 40
    return err


# -- every option given twice, and every value option given empty ---------------------------------
VALUES = {"--layers": "2,2,1", "--x": "0.35,0.9", "--target": "0.5", "--weights": WEIGHTS,
          "--biases": "b3=0.1", "--activation": "tanh", "--lr": "0.5", "--iterations": "2",
          "--seed": "3", "--format": "json"}
FLAGS = ["--exact", "--freeze-biases"]
FULL = [o for k, v in VALUES.items() for o in (k, v)]
TWICE = ([(opt, ["backprop", *FULL, opt, val]) for opt, val in VALUES.items()]
         + [(flag, ["backprop", *BASE, "--biases", "b3=0.1", flag, flag]) for flag in FLAGS]
         + [("--format", ["notes-check", "--format", "json", "--format", "text"]),
            ("--lr", ["backprop", *BASE, "--lr=1", "--lr", "2"]),
            ("--iterations", ["backprop", *BASE, "--it", "3", "--iterations", "4"])])


@pytest.mark.parametrize("option, argv", TWICE, ids=[f"{o} twice ({k})" for k, (o, _) in enumerate(TWICE)])
def test_an_option_given_twice_is_refused(capsys, option, argv):
    assert_refused(argv, "given more than once; give it once", capsys)


EMPTY = [opt for opt in VALUES] + ["--weights=", "--biases= "]


@pytest.mark.parametrize("option", EMPTY)
def test_an_empty_value_is_refused(capsys, option):
    name, eq, _ = option.partition("=")
    others = [o for k, v in VALUES.items() if k != name for o in (k, v)]
    argv = ["backprop", *others] + ([option] if eq else [name, ""])
    assert_refused(argv, f"{name}: expected a value, got an empty string", capsys)


# -- values, limits, output ---------------------------------------------------------------------------
ONES64 = ",".join(["1"] * 64)
ROWS = [
    (["backprop", "--x", "1,2", "--target", "1", "--weights", "w13=0.1,,w23=1"],
     "--weights: expected name=value pairs such as w13=0.1, got an empty entry"),
    (["backprop", "--x", "1,2", "--target", "1", "--biases", "b3=1,"], "--biases: expected name=value"),
    (["backprop", "--x", "-inf,1", "--target", "1"], "--x: expected finite numbers, got '-inf'"),
    (["backprop", "--x", "-nan,1", "--target", "1"], "--x: expected finite numbers"),
    (["backprop", "--x", "1,2", "--target", "1", "--lr", "-1"], "--lr: expected one number >= 0"),
    (["backprop", "--x", "1,2", "--target", "1", "--lr", "-1e400"], "--lr: expected finite numbers"),
    (["backprop", "--x", "1,2", "--target", "1", "--seed", "-1"], "--seed: expected a whole number"),
    (["backprop", "--x", "1,2", "--target", "1", "--iterations", "1e9"],
     "--iterations: expected a whole number >= 1, got '1e9'"),
    (["backprop", "--x", "1,2", "--target", "1", "--iterations", "0"], "--iterations: expected a whole"),
    (["backprop", "--x", "1,2", "--target", "1", "--seed", "9" * 5000], "… (5002 characters)"),
    (["backprop", "--x", "1," * 3000 + "x", "--target", "1"], "characters)"),
    (["backprop", "--layers", "2,64", "--x", "1,1", "--target", ONES64, "--iterations", "10000000"],
     "--iterations: expected at most 31250 for this 2-64 network"),
    ([*BASE, "--iterations", "10000000"], "--iterations: expected at most 666000 for this 2-2-1"),
    (["backprop", "--layers", ",".join(["2"] * 1000), "--x", "1,1", "--target", "1,1"],
     "--layers: expected from 2 to 16 layer sizes"),
    (["backprop", "--layers", "2,65,1", "--x", "1,1", "--target", "1"], "--layers: expected layer sizes"),
    (["backprop", "--layers", "2,50,50,1", "--x", "1,1", "--target", "1", "--exact"],
     "--exact: exact arithmetic is offered for networks with at most one hidden layer"),
    (["backprop", "--layers", "2,50,50,1", "--x", "1,1", "--target", "1", "--exact", "--format", "json"],
     "--exact: "),
    (["backprop", "--layers", "2,64,64,1", "--x", "1,1", "--target", "1"],
     "--format: text: every weight's formula is written out for networks with at most 1000"),
    (["backprop", "--layers", "2,64,64,1", "--x", "1,1", "--target", "1", "--format", "latex"],
     "--format: latex: "),
    (["backprop", "--x", "1,2", "--target", "1", "--weights", "w99=1"], "--weights: expected weight"),
    (["backprop", "--layers", "2,64,64,1", "--x", "1,1", "--target", "1", "--weights", "w1_999=1"],
     "…, w130_131 (4288 names)), got 'w1_999'"),
    (["backprop", "--x", "1,2", "--target", "1", "--exact=1"], "--exact"),
    (["backprop", "--x", "1,2", "--target", "1", "--nonsense", "3"], "unrecognized arguments"),
]


@pytest.mark.parametrize("argv, fragment", ROWS, ids=[r[1][:40] for r in ROWS])
def test_bad_values_and_sizes(capsys, argv, fragment):
    assert_refused(argv, fragment, capsys)


@pytest.mark.parametrize("argv, key, expected", [
    (["backprop", "--x", "-0.35,0.9", "--target", "0.5"], "x", {"1": -0.35, "2": 0.9}),
    (["backprop", "--x", "0.35,0.9", "--target", "-0.5"], "target", {"5": -0.5}),
    (["backprop", "--x", "-.5,-1e-3", "--target", "1", "--weights", "w13=-0.5"], "x",
     {"1": -0.5, "2": -0.001}),
    (["backprop", "--x=-1,1", "--target", "-1,-2", "--layers", "2,2,2"], "target", {"5": -1.0, "6": -2.0}),
])
def test_a_negative_first_value_is_a_value(capsys, argv, key, expected):
    code, out, err = run(argv + ["--format", "json"], capsys)
    assert code == 0 and err == ""
    assert json.loads(out)[key] == expected


def test_json_never_holds_nan(capsys, monkeypatch):
    """If a non-finite number ever reached the JSON, the command refuses instead of writing NaN."""
    from nnlab.engine.trace import Trace

    to_dict = Trace.to_dict
    monkeypatch.setattr(Trace, "to_dict", lambda self: {**to_dict(self), "loss": float("nan")})
    assert_refused(BASE + ["--format", "json"], "--format: json: a result is not a finite number", capsys)
    with pytest.raises(ValueError):
        from nnlab.engine.network import Network
        Network.build("2,2,1").step([1, 1], [1], 1).to_json()


def proc(args, **kw):
    return subprocess.run([sys.executable, "-m", "nnlab", *args], capture_output=True, text=True,
                          timeout=120, **kw)


def test_no_arguments_print_the_help_on_stderr():
    p = proc([])
    assert p.returncode == 2 and p.stdout == "" and p.stderr.startswith("usage: nnlab")
    assert "backprop" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_a_full_disk_is_one_line_and_exit_1():
    with open("/dev/full", "w") as full:
        p = subprocess.run([sys.executable, "-m", "nnlab", *BASE, "--weights", WEIGHTS],
                           stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert p.returncode == 1
    assert p.stderr == "nnlab: error: cannot write the output (No space left on device)\n"


def test_a_closed_pipe_is_quiet():
    p = subprocess.run(f"{sys.executable} -m nnlab {' '.join(BASE)} --iterations 50 | head -c 10",
                       shell=True, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and len(p.stdout) == 10 and p.stderr == ""


def test_the_exercises_and_hub_link_commands_are_still_wired():
    text = cli.build_parser().format_help()
    assert all(name in text for name in ("backprop", "notes-check", "exercises", "hub-link"))


# -- the same limits in the library, before any work ---------------------------------------------------
def test_the_library_checks_the_sizes_before_the_work():
    from nnlab.engine import symbolic
    from nnlab.engine.network import MAX_ITERATIONS, Network

    from . import refused

    refused(lambda: Network.build(",".join(["2"] * 17)), "layers: expected from 2 to 16 layer sizes")
    net = Network.build("2,64")
    assert net.max_iterations() == 2_000_000 // 64 == 31250
    assert Network.build("2,2,1").max_iterations() == 4 * 10**9 // (2 * 3000 + 6) == 666000
    assert Network.build("2,1").max_iterations() == MAX_ITERATIONS
    refused(lambda: net.train([1, 1], [1] * 64, 0.1, 31251), "iterations: expected at most 31250")
    big = Network.build("2,30,30,2")
    refused(lambda: symbolic.attach_formulas(big.step([1, 1], [1, 1], 0.1)),
            "formulas: every weight's formula is written out for networks with at most 1000")
    small = Network.build("2,30,30,1")       # 990 weights: the largest shape of this form offered
    assert symbolic.attach_formulas(small.step([1, 1], [1], 0.1)).records[0].formula_text
