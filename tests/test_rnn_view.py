"""The explorers of notebook 08, driven by setting control values, and the time-step explanation
checked number by number against what the cells returned."""
from __future__ import annotations

import math
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlab.engine import attention as A
from nnlab.engine import rnn as R
from nnlab.views import attention_view as AV
from nnlab.views import gradient_flow_view as GV
from nnlab.views import rnn_view as RV


@pytest.fixture
def steps():
    e = RV.factory()
    yield e
    e.close()


def test_factory_is_the_time_step_explorer(steps):
    assert isinstance(steps, RV.TimeStepExplorer)
    assert steps.main is steps.controls["t"]
    assert "nnlab-main" in steps.main._dom_classes


def test_time_step_state_matches_the_cells_step_by_step(steps):
    """Recompute h_t with the single-step cells (not the sequence runner) and compare."""
    for cell in R.CELLS:
        steps.controls["cell"].value = cell
        steps.controls["t"].value = 5
        s = steps.state()
        p = steps.params[cell]
        h, c = np.zeros(2), np.zeros(2)
        for t in range(5):
            x = np.array([steps.inputs[t]])
            if cell == "lstm":
                (h, c), g = R.lstm_cell(x, (h, c), **p)
            elif cell == "gru":
                h, g = R.gru_cell(x, h, **p)
            else:
                h, g = R.rnn_cell(x, h, **p)
        assert s["cell"] == cell and s["t"] == 5
        assert s["h"] == pytest.approx(h, abs=1e-4)
        for name in R.GATES[cell]:
            if name != "a":
                assert s[name] == pytest.approx(g[name], abs=1e-4)
        if cell == "lstm":
            assert s["c"] == pytest.approx(c, abs=1e-4)


def test_time_step_slider_redraws_and_moves_the_input(steps):
    before = steps.views[0].image.value
    steps.controls["t"].value = 3
    assert steps.views[0].image.value != before
    assert steps.controls["x"].value == pytest.approx(RV.DEFAULT_INPUTS[2])
    assert "step t = 3" in steps.readout.value


def test_input_slider_changes_that_step_only(steps):
    steps.controls["t"].value = 2
    h1 = steps.run().hs[1].copy()
    s0 = steps.state()
    steps.controls["x"].value = 1.7
    s1 = steps.state()
    assert s1["x_t"] == pytest.approx(1.7)
    assert s1["h"] != s0["h"]
    assert np.allclose(steps.run().hs[1], h1)  # the step before is unchanged
    steps.controls["t"].value = 3
    steps.controls["t"].value = 2
    assert steps.controls["x"].value == pytest.approx(1.7)  # remembered


def test_weight_slider_changes_the_chosen_weight(steps):
    steps.controls["cell"].value = "lstm"
    opts = steps.controls["weight"].options
    label, target = next(o for o in opts if o[1][0] == "W_hh")
    steps.controls["weight"].value = target
    assert steps.controls["value"].value == pytest.approx(
        steps.params["lstm"]["W_hh"][target[1], target[2]])
    steps.controls["t"].value = 4
    before = steps.state()
    steps.controls["value"].value = 2.5
    assert steps.params["lstm"]["W_hh"][target[1], target[2]] == pytest.approx(2.5)
    assert steps.state() != before
    assert len(opts) == 4 * 2 * (1 + 2 + 1)   # per gate and unit: W_i, two W_h, b_i


def test_cell_change_rebuilds_bars(steps):
    steps.controls["cell"].value = "lstm"
    assert len(steps._bars) == (4 + 2) * 2     # i f g o, c, h for 2 units
    steps.controls["cell"].value = "rnn"
    assert len(steps._bars) == 2
    assert set(steps.state()) == {"cell", "t", "x_t", "h", "series", "first_input_changed",
                                  "first_h_changed"}


def test_gradient_flow_explorer():
    e = GV.GradientFlowExplorer()
    try:
        assert e.main is e.controls["scale"]
        before = e.views[0].image.value
        e.controls["scale"].value = 0.5
        s = e.state()
        assert e.views[0].image.value != before
        ref = R.gradient_flow("rnn", T=30, scale=0.5)
        assert s["rnn_t0"] == pytest.approx(ref[0], rel=1e-2)
        # independent bound: tanh' ≤ 1 and ‖W_hh‖₂ = 0.5, so 30 steps shrink it by ≥ 2^30
        assert s["rnn_t0"] <= 0.5 ** 30
        e.controls["T"].value = 10
        assert e.state()["T"] == 10 and len(e.lines["rnn"].get_xdata()) == 11
        e.controls["gate_bias"].value = 5.0
        s = e.state()
        assert s["gru_t0"] > 0.5 and s["lstm_c_t0"] > 0.5   # memory kept: σ(5)^10 ≈ 0.94
        e.controls["nonlinearity"].value = "relu"
        assert e.state()["nonlinearity"] == "relu"
        for i in range(200):
            e.main.value = 0.25 + (i % 12) * 0.25
        assert plt.get_fignums() == []
        assert all(math.isfinite(v) for k, v in e.state().items() if k.endswith("_t0"))
    finally:
        e.close()


def test_attention_explorer():
    e = AV.AttentionExplorer()
    try:
        assert e.main is e.controls["context"]
        s0 = e.state()
        before = e.views[0].image.value
        e.controls["context"].value = 1.0
        s1 = e.state()
        assert e.views[0].image.value != before
        assert s1["cos_money"] > s0["cos_money"] and s1["cos_river"] < s0["cos_river"]
        # independent: attention of "bank" by explicit softmax over its scaled dot products
        v = A.bank_vectors()
        X = [v["the"], v["money"], v["bank"]]
        sc = [3.0 * float(np.dot(v["bank"], x)) / math.sqrt(3) for x in X]
        w = [math.exp(a) / sum(math.exp(b) for b in sc) for a in sc]
        assert s1["bank_weights"] == pytest.approx(w, abs=1e-4)
        assert s1["bank_vector"] == pytest.approx(sum(wi * xi for wi, xi in zip(w, X)), abs=1e-4)
        e.controls["sharpness"].value = 0.0
        assert e.state()["bank_weights"] == pytest.approx([1 / 3] * 3, abs=1e-4)
        for i in range(200):
            e.main.value = (i % 21) / 20
        assert plt.get_fignums() == []
    finally:
        e.close()


def test_static_drawings_are_not_pyplot():
    fig = RV.draw_architectures()
    assert len(fig.axes) == 3
    img = RV.show(fig)
    assert img.data[:8] == b"\x89PNG\r\n\x1a\n"
    RV.show(RV.draw_training({"RNN": {"loss": list(np.linspace(1, 0, 50))}}))
    RV.show(RV.draw_sequences(None, [[0, 1, 2]], [[0, 1, 1]], "test"))
    assert plt.get_fignums() == []


def test_explorer_arguments_are_checked():
    with pytest.raises(ValueError, match="^cell:"):
        RV.TimeStepExplorer(cell="transformer")
    with pytest.raises(ValueError, match="^inputs:"):
        RV.TimeStepExplorer(inputs=[1.0])


# -- the explanation reads the computation ---------------------------------------------------
NUMBER = re.compile(r"[+-]?\d+\.\d{3}")


def shown_numbers(html):
    return [float(m) for m in NUMBER.findall(html)]


def expected_numbers(st):
    """The intermediates of step `st` in the order the explanation shows them."""
    seq = [st.x, st.h_prev] + ([st.c_prev] if st.c is not None else [])
    g = st.gates
    if st.cell == "rnn":
        seq += [st.pre["h"], st.h]
    elif st.cell == "gru":
        seq += [st.pre["r"], g["r"], st.pre["z"], g["z"], st.x_n, g["r"], st.hn, g["n"],
                g["z"], g["n"], g["z"], st.h_prev, st.h]
    else:
        for k in "ifgo":
            seq += [st.pre[k], g[k]]
        seq += [g["f"], st.c_prev, g["i"], g["g"], st.c, g["o"], st.c, st.h]
    return [float(v) for a in seq for v in np.ravel(a)]


def independent_step(cell, p, x, h, c):
    """Pre-activations and gates of one step from the weights, written out with numpy here."""
    H = h.size
    gi = p["W_ih"] @ x + p["b_ih"]
    gh = p["W_hh"] @ h + p["b_hh"]
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    if cell == "rnn":
        return {"pre_h": gi + gh}
    if cell == "gru":
        r = sig(gi[:H] + gh[:H])
        return {"pre_r": gi[:H] + gh[:H], "pre_z": gi[H:2 * H] + gh[H:2 * H], "x_n": gi[2 * H:],
                "hn": gh[2 * H:], "pre_n": gi[2 * H:] + r * gh[2 * H:], "r": r}
    a = gi + gh
    out = {f"pre_{k}": a[j * H:(j + 1) * H] for j, k in enumerate("ifgo")}
    out["c"] = sig(out["pre_f"]) * c + sig(out["pre_i"]) * np.tanh(out["pre_g"])
    return out


@pytest.mark.parametrize("cell", R.CELLS)
def test_every_number_of_the_explanation_is_the_returned_intermediate(steps, cell):
    steps.controls["cell"].value = cell
    weights = steps.controls["weight"].options
    for t, x, w in [(1, 0.7, 0), (3, -1.3, 2), (5, 1.9, 5), (8, -0.4, len(weights) - 1)]:
        steps.controls["t"].value = t
        steps.controls["x"].value = x                       # change the input of step t
        steps.controls["weight"].value = weights[w][1]      # and one weight
        steps.controls["value"].value = 0.35 * (w + 1) - 1.0
        st = steps.step()
        assert st.t == t and float(st.x[0]) == pytest.approx(x)
        shown = shown_numbers(steps.readout.value)
        want = expected_numbers(st)
        assert len(shown) == len(want)
        assert shown == pytest.approx([round(v, 3) for v in want], abs=1.5e-3)
        # and the intermediates are what their names say (from the weights, independently)
        ref = independent_step(cell, steps.params[cell], st.x, st.h_prev, st.c_prev)
        for key, v in ref.items():
            ours = {"x_n": st.x_n, "hn": st.hn, "c": st.c, "r": st.gates.get("r")}.get(key)
            if key.startswith("pre_"):
                ours = st.pre[key[4:]]
            np.testing.assert_allclose(ours, v, atol=1e-12)
        s = steps.state()
        for k, v in st.gates.items():
            assert s[k] == [round(float(a), 4) for a in v]
        assert s["h"] == [round(float(a), 4) for a in st.h]


def test_step_record_is_checked(steps):
    run = steps.run()
    with pytest.raises(ValueError, match="^t:"):
        run.step(0)
    with pytest.raises(ValueError, match="^t:"):
        run.step(run.T + 1)


def test_attention_readout_numbers_are_the_results_intermediates():
    e = AV.AttentionExplorer()
    try:
        for context, sharp in [(0.3, 2.0), (0.85, 6.5)]:
            e.controls["context"].value = context
            e.controls["sharpness"].value = sharp
            r = A.bank_in_context(context, sharp)
            want = (list(r["attention"].weights[2]) + list(r["contextual"]) + list(r["static"])
                    + [r["cos_money"], r["static_cos_money"], r["cos_river"], r["static_cos_river"]])
            assert shown_numbers(e.readout.value) == pytest.approx([round(v, 3) for v in want],
                                                                    abs=1.5e-3)
    finally:
        e.close()


def test_controls_are_the_whole_state_so_a_preset_and_reset_restore_it(steps):
    """Edited inputs live in the `inputs` text box; one edited weight (the one chosen) at a time."""
    line, start = steps.preset(), steps.state()
    steps.controls["t"].value = 3
    steps.controls["x"].value = 1.7
    assert steps.state()["first_input_changed"] == 3
    assert steps.controls["inputs"].value.split(", ")[2] == "1.7"   # the sequence, in the text box
    steps.controls["t"].value = 6
    assert steps.state()["first_input_changed"] == 3
    steps.controls["inputs"].value = "0, 0, 0, 0, 0, 0, 0, 2"
    assert steps.controls["x"].value == 0.0 and steps.state()["first_input_changed"] == 1
    steps.controls["inputs"].value = "0, 0, 9"                    # refused, shown in the explorer
    assert steps.problem.count("inputs: expected 8 numbers from -2 to 2")
    steps.controls["weight"].index = 3
    steps.controls["value"].value = 2.5
    steps.controls["weight"].index = 5             # the previous weight goes back to its value
    p0 = R.init_params("gru", 1, 2, seed=steps.seed + R.CELLS.index("gru"))
    for name in p0:
        np.testing.assert_array_equal(steps.params["gru"][name], p0[name])
    steps.controls["inputs"].value = "0, 0, 0, 0, 0, 0, 0, 2"
    edited, at_edit = steps.preset(), steps.state()
    steps.controls["value"].value = -2.0
    steps.controls["t"].value = 2
    steps.controls["x"].value = -1.9
    steps.apply_preset(edited)
    assert steps.preset() == edited and steps.state() == at_edit
    steps.apply_preset(line)
    assert steps.state() == start
    steps.controls["cell"].value = "lstm"
    steps.controls["value"].value = 1.0
    steps.reset_controls()
    assert steps.state() == start


def test_gradient_flow_axes_follow_the_curves():
    """Every curve inside the axes (the ReLU RNN's explosion was clipped at 1e8 on a fixed axis)."""
    e = GV.factory()
    try:
        for preset in ('scale=3.0; nonlinearity="relu"; T=80', "scale=0.25; T=80", "scale=1.0; T=7"):
            e.apply_preset(preset)
            lo, hi = e.ax.get_ylim()
            cur = e.curves()
            vals = np.concatenate(list(cur.values()))
            assert hi >= vals.max() and lo <= vals[vals > 0].min(), preset
            assert e.ax.get_xlim()[1] >= e.state()["T"]
        assert e.snapshot_png() == e.view.image.value     # the picture shown, curves included
    finally:
        e.close()


def test_lstm_bars_cover_the_cell_state():
    e = RV.factory()
    try:
        e.apply_preset('cell="LSTM"; weight="b_if[1]"; value=3.0; t=8')
        c = np.abs(np.concatenate(e.state()["series"]["c"]))
        assert e.ax_bar.get_ylim()[1] >= c.max() > 2.0     # c1 reaches about -2.3
    finally:
        e.close()
