"""Notebook 11's explorers driven through their controls (`.value`), `state()` checked against
the model's own traces, and the trained models' results (the pointer task, the bank reader)."""
from __future__ import annotations

import numpy as np
import pytest

from nnlab.engine import attention as A
from nnlab.engine import transformer as TF
from nnlab.engine.transformer import parallel as P
from nnlab.engine.transformer import train as TT
from nnlab.views import transformer_view as TV


@pytest.fixture(scope="module")
def attention():
    e = TV.attention_factory()
    yield e
    e.close()


@pytest.fixture
def positions():
    e = TV.positional_factory()
    yield e
    e.close()


def test_attention_explorer_is_the_notebooks_main(attention):
    assert attention.main is attention.controls["query"]
    assert "nnlab-main" in attention.main._dom_classes


def test_every_attention_control_changes_the_state_as_the_traces_say(attention):
    model = attention.model
    _, _, xt, _ = TT.pointer_data(0)
    before = attention.view.image.value
    for example in (0, 7, TV.N_EXAMPLES - 1):
        for layer in (1, 2):
            for head in (1, 2):
                for query in (0, 4, 8):
                    c = attention.controls
                    c["example"].value, c["layer"].value = example, layer
                    c["head"].value, c["query"].value = head, query
                    s = attention.state()
                    model.forward(xt[example:example + 1])      # an independent forward pass
                    w = model.blocks[layer - 1].trace.attention.weights[0, head - 1, query]
                    assert s["row"] == [round(float(v), 3) for v in w]
                    assert s["most_attended"] == int(np.argmax(w))
                    assert s["pointer"] == int(np.argmax(xt[example, 8, 4:]))
                    assert s["prediction"] == chr(65 + int(model.predict(xt[example:example + 1])[0]))
                    assert attention.problem == ""
    assert attention.view.image.value != before
    attention.reset_controls()
    assert attention.state()["query"] == 8 and attention.state()["layer"] == 2


def test_the_trained_head_finds_the_pointer_on_every_shown_sequence(attention):
    for n in range(TV.N_EXAMPLES):
        attention.apply_preset(f'example={n}; layer="layer 2"; head="head 1"; query=8')
        s = attention.state()
        assert s["most_attended"] == s["pointer"] and s["prediction"] == s["target"]
    attention.reset_controls()


def test_positional_controls_and_the_length_limits_the_position(positions):
    c = positions.controls
    for d in (2, 16, 64):
        for n in (4, 32, 64):
            c["d_model"].value, c["length"].value = d, n
            assert c["pos"].max == n - 1
            for pos in (0, (n - 1) // 2, n - 1):
                c["pos"].value = pos
                s = positions.state()
                pe = TF.sinusoidal_encoding(n, d)
                assert s["self_similarity"] == pytest.approx(d / 2, abs=1e-9)
                assert s["row"] == [round(float(v), 4) for v in pe[pos, :4]]
                assert s["peak_at"] == pos and s["symmetric"]
                assert positions.problem == ""
    c["d_model"].value, c["length"].value, c["pos"].value = 16, 4, 1
    assert positions.state()["far_alike"] is None          # no position 3 or more places away
    c["pos"].value = 0
    assert positions.state()["far_alike_at"] == 3
    c["length"].value, c["pos"].value = 64, 60
    c["length"].value = 10                       # the position follows, it is never out of range
    assert c["pos"].value == 9 and positions.state()["pos"] == 9


def test_pointer_task_layout():
    xs, ys = TT.pointer_task(n=5, T=6, k=3, seed=1)
    assert xs.shape == (5, 7, 9) and np.all(xs.sum(-1) == 1)
    sym = xs[:, :6, :3].argmax(-1)
    ptr = xs[:, 6, 3:].argmax(-1)
    assert np.all(ys == sym[np.arange(5), ptr])
    with pytest.raises(ValueError, match="T: expected a whole number from 2 to 64"):
        TT.pointer_task(T=1)


def test_the_transformer_solves_the_pointer_task_and_the_gru_does_not():
    r = TT.compare_on_pointer(0)
    assert abs(r["params"]["transformer"] - r["params"]["gru"]) < 0.1 * r["params"]["gru"]
    assert r["accuracy"]["transformer"] > 0.95
    assert r["accuracy"]["gru"] < 0.7
    assert r["accuracy"]["no positions"] < 0.6
    assert r["loss"]["transformer"] < r["loss"]["gru"]


def test_more_training_helps_the_gru_only_slowly():
    """The notebook says so: five times the steps still leave the GRU far from solving the task."""
    _, _, acc = TT.pointer_gru(0, steps=1500)
    assert acc < 0.7


def test_bank_static_identical_contextual_different():
    reader, losses = TT.trained_bank_reader(0)
    assert losses[-1] < losses[0]
    m, r = reader.contextual(A.MONEY_SENTENCE), reader.contextual(A.RIVER_SENTENCE)
    km, kr = m["words"].index("bank"), r["words"].index("bank")
    assert np.array_equal(m["static"][km], r["static"][kr])
    assert A.cosine_similarity(m["contextual"][km], r["contextual"][kr]) < 0.5
    assert m["sense_probability_river"][km] < 0.1 < 0.9 < r["sense_probability_river"][kr]
    # the weights are the block's own: bank's row puts weight on the context words
    assert m["weights"][km][m["words"].index("money")] > m["weights"][km][m["words"].index("the")]
    assert r["weights"][kr][r["words"].index("river")] > r["weights"][kr][r["words"].index("the")]
    assert np.allclose(m["weights"].sum(-1), 1.0)


def test_cost_counts():
    g = P.gru_cost(10, 3, 4)
    assert g == {"sequential_steps": 10, "multiply_adds": 10 * 3 * 4 * 7}
    a = P.attention_cost(100, 8)
    assert a["projections"] == 4 * 100 * 64 and a["scores_and_sum"] == 2 * 100 * 100 * 8
    assert a["sequential_steps"] == 3 and a["multiply_adds"] == a["projections"] + a["scores_and_sum"]
    t = P.time_forward([4, 8], width=8, batch=2, repeat=1)
    assert len(t["gru"]) == len(t["attention"]) == 2 and min(t["gru"] + t["attention"]) > 0
    with pytest.raises(ValueError, match="T: expected a whole number"):
        P.attention_cost(0, 8)
