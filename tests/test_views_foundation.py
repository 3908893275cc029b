"""Explorers of notebooks 00–02 driven from pytest, the way a learner's slider would."""
import html
import math
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlab.engine.network import Network
from nnlab.views.backprop_view import BackpropExplorer, nice_top
from nnlab.views.neuron_view import BoundaryExplorer, boundary_points
from nnlab.views.start_view import NeuronDemo


def sig(z):
    return 1 / (1 + math.exp(-z))


@pytest.fixture
def bp():
    e = BackpropExplorer()
    yield e
    e.close()


def test_backprop_explorer_starts_on_the_course_example(bp):
    y5 = sig(0.3 * sig(0.755) + 0.9 * sig(0.68))
    s = bp.state()
    assert s["iteration"] == 1 and s["y5"] == round(y5, 4) and s["error"] == round(0.5 - y5, 4)
    # the formulas typeset once (LaTeX), the numbers as a plain table that needs no typesetting
    assert "\\delta_{5}" in bp.formulas.value and "0.755" in bp.derivation.value
    assert "$" not in bp.derivation.value and "\\" not in bp.derivation.value


def test_moving_x1_recomputes_every_line(bp):
    before_img, before_html = bp.view.image.value, bp.derivation.value
    bp.controls["x1"].value = 0.8
    z3 = 0.1 * 0.8 + 0.8 * 0.9
    z4 = 0.4 * 0.8 + 0.6 * 0.9
    y5 = sig(0.3 * sig(z3) + 0.9 * sig(z4))
    assert bp.trace["z3"] == pytest.approx(z3) and bp.state()["y5"] == round(y5, 4)
    assert bp.view.image.value != before_img and bp.derivation.value != before_html
    assert "0.8·0.9" in bp.trace.record("z3").substituted_text


def test_next_iteration_applies_the_update_and_grows_the_curve(bp):
    first = bp.trace
    bp.next_iteration()
    assert bp.k == 2 and len(bp.losses) == 2
    assert bp.state()["loss"] == round(first.loss_after, 6)   # the new forward pass
    net2 = Network.build("2,2,1", weights={k: v for k, v in first.of_kind("w_new").items()})
    assert bp.trace["y5"] == pytest.approx(net2.forward([0.35, 0.9])[1][-1][0], rel=1e-12)
    xdata, ydata = bp.err_line.get_data()
    assert list(xdata) == [1, 2] and ydata[1] < ydata[0]
    bp.reset()
    assert bp.k == 1 and len(bp.losses) == 1


def test_the_iteration_is_a_control_and_the_weights_in_use_are_shown(bp):
    """Next iteration moves the iteration control (so Reset and a preset restore it); the line
    under the sliders names the weights the network uses at that iteration."""
    first = bp.trace
    bp.next_button.click()
    assert bp.controls["iteration"].value == 2 and bp.state()["iteration"] == 2
    for name, w in first.of_kind("w_new").items():
        name = name.rstrip("'")
        assert f"{name} = {w:.4f}" in bp.in_use.value
        assert bp.state()["weights_in_use"][name] == pytest.approx(w, abs=1e-6)
    assert bp.controls["w13"].value == 0.1   # the slider keeps the starting weight
    bp.reset_controls()
    assert bp.k == 1 and "w13 = 0.1000" in bp.in_use.value
    bp.apply_preset("iteration=3")
    assert bp.k == 3 and len(bp.losses) == 3


def test_the_target_slider_reaches_the_output(bp):
    """The notebook asks for t = 0.69: the slider can be set there, and δ5 nearly vanishes."""
    bp.controls["t"].value = 0.69
    assert bp.controls["t"].value == pytest.approx(0.69)
    y5 = sig(0.3 * sig(0.755) + 0.9 * sig(0.68))
    assert bp.trace["d5"] == pytest.approx(y5 * (1 - y5) * (0.69 - y5), rel=1e-9)
    assert abs(bp.trace["d5"]) < 1e-4


def test_a_slider_move_keeps_the_iteration(bp):
    bp.next_iteration()
    bp.controls["lr"].value = 5.0
    assert bp.k == 2
    # iteration 2 with η = 5: one update of size 5 from the start
    start = Network.build("2,2,1", weights={k: bp.controls[k].value for k in
                                            ("w13", "w23", "w14", "w24", "w35", "w45")})
    tr1 = start.step([0.35, 0.9], [0.5], 5.0)
    assert bp.trace.loss == pytest.approx(tr1.loss_after, rel=1e-12)


def test_target_equal_to_the_output_makes_every_update_vanish(bp):
    bp.controls["t"].value = 0.5
    y5 = bp.trace["y5"]
    bp.controls["t"].value = y5
    assert abs(bp.trace["d5"]) < 1e-12 and all(abs(v) < 1e-12 for v in bp.trace.of_kind("dw").values())


def test_many_slider_moves_open_no_figure(bp):
    # (the 1,000-move storm over every notebook's main explorer is in test_reliability.py)
    values = np.linspace(-1, 1, 60)
    for v in values:
        bp.main.value = float(v)
    assert plt.get_fignums() == []
    assert bp.state()["y5"] == round(bp.trace["y5"], 4)


def test_nice_top():
    assert nice_top(0.0181) == 0.02 and nice_top(0.013) == 0.02 and nice_top(0.3) == 0.5
    assert nice_top(0) == 1.0 and nice_top(float("nan")) == 1.0


def test_boundary_explorer_counts_rows_and_redraws():
    e = BoundaryExplorer(gate="AND", activation="step", w1=1.0, w2=1.0, b=-0.5)
    assert e.state()["rows_right"] == 2  # this is OR's boundary
    img = e.view.image.value
    e.controls["b"].value = -1.5
    assert e.state()["rows_right"] == 4 and e.state()["y"] == [0, 0, 0, 1]
    assert e.view.image.value != img
    e.controls["gate"].value = "XOR"
    assert e.state()["rows_right"] < 4
    e.close()


def test_boundary_points_lie_on_the_line():
    xs, ys = boundary_points(1.5, -2.0, 0.25)
    assert np.allclose(1.5 * xs - 2.0 * ys + 0.25, 0)
    xs, ys = boundary_points(2.0, 0.0, -1.0)  # vertical line x1 = 0.5
    assert np.allclose(xs, 0.5)
    assert boundary_points(0.0, 0.0, 1.0)[0].size == 0


def test_neuron_demo():
    d = NeuronDemo()
    assert d.state()["y"] == round(sig(1.0), 4)
    d.controls["w"].value = -2.0
    assert d.state()["y"] == round(sig(-2.0), 4)
    d.close()


# -- the explanations read the computation: every number shown is a returned intermediate --------
NUMBER = r"\(?(-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)\)?"
SYMBOL = re.compile(r"Δ?[a-zδ]+[0-9]+(?:_[0-9]+)?|η")


def symbol_values(trace) -> dict:
    """Each symbol of the formulas, valued from the trace: its inputs and its records."""
    net = trace.network
    vals = {f"x{i}": v for i, v in zip(net.input_numbers, trace.x)}
    vals.update({f"t{j}": v for j, v in zip(net.output_numbers, trace.t)})
    vals["η"] = trace.lr
    vals.update(net.weight_dict())
    for r in trace.records:
        if r.kind in ("z", "y"):
            vals[r.key] = r.value
        elif r.kind == "delta":
            vals["δ" + r.ref] = r.value
        elif r.kind == "dw":
            vals["Δ" + r.ref] = r.value
    return vals


def numbers_put_in(formula: str, substituted: str) -> dict:
    """symbol -> the number written in its place (the formula's text turned into a pattern)."""
    pattern, names, pos = "", [], 0
    for m in SYMBOL.finditer(formula):
        pattern += re.escape(formula[pos:m.start()]) + NUMBER
        names.append(m.group())
        pos = m.end()
    found = re.fullmatch(pattern + re.escape(formula[pos:]), substituted)
    assert found, (formula, substituted)
    return dict(zip(names, map(float, found.groups())))


def check_explanation(bp):
    """Every number of the derivation, the status line and state() is the trace's."""
    tr = bp.trace
    vals = symbol_values(tr)
    cells = re.findall(r"<b>= ([^<]+)</b>", bp.derivation.value)
    assert len(cells) == len(tr.records)
    for r, cell in zip(tr.records, cells):
        assert float(cell) == pytest.approx(r.value, rel=1e-5, abs=1e-12), r.key
        if r.substituted_text is None:
            continue
        assert html.escape(r.substituted_text) in bp.derivation.value
        put_in = numbers_put_in(r.formula_text, r.substituted_text)
        assert put_in, r.key
        for name, number in put_in.items():  # 4 significant digits
            assert number == pytest.approx(vals[name], rel=5e-4, abs=1e-12), (r.key, name)
    status = [float(v) for v in re.findall(r"= (-?[0-9.]+)", bp.status.value)]
    assert status == pytest.approx([tr["y5"], tr["e5"], tr.loss, tr.loss_after], rel=1e-3, abs=1e-6)
    s = bp.state()
    assert (s["y5"], s["error"], s["loss"], s["delta5"], s["dw45"], s["loss_after"]) == (
        round(tr["y5"], 4), round(tr["e5"], 4), round(tr.loss, 6), round(tr["d5"], 5),
        round(tr["dw45"], 5), round(tr.loss_after, 6))
    for line, r in zip(tr.to_text().splitlines()[1:], tr.records):  # the text form too
        assert float(line.rsplit("= ", 1)[1]) == pytest.approx(r.value, rel=1e-5, abs=1e-12)


def test_backprop_explanation_is_the_trace_for_other_inputs(bp):
    check_explanation(bp)
    for name, value in [("x1", -0.45), ("x2", 0.3), ("t", 0.8), ("w35", -1.2), ("w14", 1.55),
                        ("lr", 2.5)]:
        bp.controls[name].value = value
        check_explanation(bp)
    # the trace itself, for these inputs, by plain arithmetic
    z3 = 0.1 * -0.45 + 0.8 * 0.3
    z4 = 1.55 * -0.45 + 0.6 * 0.3
    y5 = sig(-1.2 * sig(z3) + 0.9 * sig(z4))
    assert bp.trace["z3"] == pytest.approx(z3) and bp.trace["y5"] == pytest.approx(y5, rel=1e-12)
    bp.next_iteration()
    bp.next_iteration()
    check_explanation(bp)


def test_neuron_demo_readout_is_its_result():
    d = NeuronDemo()
    for x, w, b in [(1.0, 1.0, 0.0), (-2.3, 0.7, 1.4), (4.0, -3.1, -0.6)]:
        d.controls["x"].value, d.controls["w"].value, d.controls["b"].value = x, w, b
        shown = [float(v) for v in re.findall(r"-?[0-9]+\.[0-9]+", d.readout.value)]
        z = d.result["w"] * d.result["x"] + d.result["b"]
        assert d.result["z"] == pytest.approx(z) and d.result["y"] == pytest.approx(sig(z))
        assert shown == pytest.approx([d.result[k] for k in ("w", "x", "b", "z", "y")], abs=5e-3)
        assert d.state() == {k: round(v, 4) for k, v in d.result.items()}
    d.close()


def test_boundary_readout_is_the_gate_rows():
    e = BoundaryExplorer(gate="OR", activation="sigmoid", w1=2.0, w2=-1.0, b=0.3)
    for w1, b in [(2.0, 0.3), (-0.7, 1.1)]:
        e.controls["w1"].value, e.controls["b"].value = w1, b
        cells = re.findall(r"<td>([^<]*)</td>", e.readout.value)
        rows = [cells[k:k + 5] for k in range(0, len(cells), 5)]
        assert len(rows) == 4
        for k, (_xy, target, z, y, mark) in enumerate(rows):
            zk = w1 * e.rows["x"][k][0] - 1.0 * e.rows["x"][k][1] + b
            assert float(z) == pytest.approx(zk, abs=5e-3) and float(y) == pytest.approx(sig(zk), abs=5e-4)
            assert float(target) == e.rows["target"][k]
            assert (mark == "✔") == bool(e.rows["right"][k])
        assert e.state()["rows_right"] == sum(m == "✔" for *_, m in rows)
    e.close()
