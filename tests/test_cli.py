"""The `nnlab` command: its JSON, its text, and one-line errors with exit status 2."""
import json
import math
import subprocess
import sys

import pytest

from nnlab.cli import main

EXAMPLE = ["backprop", "--layers", "2,2,1", "--x", "0.35,0.9", "--target", "0.5", "--weights",
           "w13=0.1,w23=0.8,w14=0.4,w24=0.6,w35=0.3,w45=0.9", "--lr", "1"]


def run_json(capsys, args):
    assert main(args + ["--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def sig(z):
    return 1 / (1 + math.exp(-z))


def test_json_has_every_field_keyed_as_specified(capsys):
    d = run_json(capsys, EXAMPLE)
    assert set(d["z"]) == set(d["y"]) == set(d["delta"]) == {"3", "4", "5"}
    assert set(d["error"]) == set(d["target"]) == {"5"}
    assert set(d["dw"]) == set(d["w_new"]) == {"w13", "w23", "w14", "w24", "w35", "w45"}
    assert "db" not in d and "history" not in d
    y3, y4 = sig(0.755), sig(0.68)
    y5 = sig(0.3 * y3 + 0.9 * y4)
    assert d["y"]["5"] == pytest.approx(y5, rel=1e-12)
    assert d["error"]["5"] == pytest.approx(0.5 - y5, rel=1e-12)
    assert d["loss"] == pytest.approx(0.5 * (0.5 - y5) ** 2, rel=1e-12)
    d5 = y5 * (1 - y5) * (0.5 - y5)
    assert d["delta"]["5"] == pytest.approx(d5, rel=1e-12)
    assert d["dw"]["w45"] == pytest.approx(d5 * y4, rel=1e-12)
    assert d["w_new"]["w45"] == pytest.approx(0.9 + d5 * y4, rel=1e-12)
    assert d["loss_after"] < d["loss"]
    assert all(isinstance(v, float) for v in d["z"].values())


def test_biases_and_history(capsys):
    d = run_json(capsys, EXAMPLE + ["--biases", "b3=0.35,b4=0.35,b5=0.6", "--iterations", "4"])
    assert set(d["db"]) == set(d["b_new"]) == {"b3", "b4", "b5"}
    assert d["b_new"]["b5"] == pytest.approx(0.6 + d["db"]["b5"])
    assert d["db"]["b5"] == pytest.approx(d["delta"]["5"])
    h = d["history"]
    assert [e["iteration"] for e in h] == [1, 2, 3, 4]
    assert h[0]["loss"] == pytest.approx(d["loss"]) and h[1]["loss"] == pytest.approx(d["loss_after"])
    assert set(h[2]["y"]) == {"5"}


def test_frozen_biases_stay(capsys):
    d = run_json(capsys, EXAMPLE + ["--biases", "b3=0.35,b4=0.35,b5=0.6", "--freeze-biases"])
    assert d["b_new"] == {"b3": 0.35, "b4": 0.35, "b5": 0.6}
    assert d["db"] == {"b3": 0.0, "b4": 0.0, "b5": 0.0}


def test_exact_strings(capsys):
    d = run_json(capsys, EXAMPLE + ["--exact"])
    assert d["exact"]["z"]["3"] == "151/200" and d["exact"]["z"]["4"] == "17/25"
    assert set(d["exact"]["dw"]) == set(d["dw"])


def test_missing_weights_drawn_from_the_seed(capsys):
    a = run_json(capsys, ["backprop", "--layers", "3,4,4,2", "--x", "1,2,3", "--target", "0,1",
                          "--seed", "4"])
    b = run_json(capsys, ["backprop", "--layers", "3,4,4,2", "--x", "1,2,3", "--target", "0,1",
                          "--seed", "4"])
    c = run_json(capsys, ["backprop", "--layers", "3,4,4,2", "--x", "1,2,3", "--target", "0,1",
                          "--seed", "5"])
    assert a == b and a["w"] != c["w"] and len(a["w"]) == 12 + 16 + 8
    assert set(a["y"]) == {str(n) for n in range(4, 14)}


@pytest.mark.parametrize("fmt, marker", [("text", "δ5 "), ("markdown", "$\\delta_{5}"),
                                         ("latex", "\\begin{aligned}")])
def test_human_formats(capsys, fmt, marker):
    assert main(EXAMPLE + ["--format", fmt, "--iterations", "3"]) == 0
    out = capsys.readouterr().out
    assert marker in out and "0.755" in out and "Iterations" in out


@pytest.mark.parametrize("args, option", [
    (["--layers", "2,x,1", "--x", "1,2", "--target", "1"], "--layers"),
    (["--layers", "2", "--x", "1,2", "--target", "1"], "--layers"),
    (["--x", "1", "--target", "1"], "--x"),
    (["--x", "1,2", "--target", "1,2"], "--target"),
    (["--x", "1,2", "--target", "1", "--weights", "w99=1"], "--weights"),
    (["--x", "1,2", "--target", "1", "--weights", "w13"], "--weights"),
    (["--x", "1,inf", "--target", "1"], "--x"),
    (["--x", "1,2", "--target", "nan"], "--target"),
    (["--x", "1,2", "--target", "1", "--lr", "-0.5"], "--lr"),
    (["--x", "1,2", "--target", "1", "--activation", "softsign"], "--activation"),
    (["--x", "1,2", "--target", "1", "--iterations", "zero"], "--iterations"),
    (["--x", "1,2", "--target", "1", "--format", "yaml"], "--format"),
    (["--x", "1,2", "--target", "1", "--freeze-biases"], "--freeze-biases"),
    (["--target", "1"], "--x"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, args, option):
    assert main(["backprop"] + args) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and option in err and "Traceback" not in err


def test_no_traceback_from_a_real_process():
    proc = subprocess.run([sys.executable, "-m", "nnlab", "backprop", "--x", "1", "--target", "1"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("nnlab backprop: error: --x:")


def test_import_nnlab_imports_neither_sympy_nor_matplotlib():
    code = "import sys, nnlab, nnlab.cli; print('sympy' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False", "False"]
