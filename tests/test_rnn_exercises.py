"""Notebook 08's exercises in several variants, each answer against torch's own cells (float64).

The one-unit cells get the variant's weights copied into torch.nn.RNNCell, GRUCell and
LSTMCell; the parameter count is LSTMCell's own; the cosine is torch's cosine_similarity.

(check, grade and the slips of every variant: tests/test_exercises_contract.py.)
"""
from __future__ import annotations

import pytest

from nnlab.course import rnn as C

SEEDS = [0, 1, 4, 12, 99, 2 ** 32 - 1]


@pytest.mark.torch
@pytest.mark.parametrize("seed", SEEDS)
def test_answers_agree_with_torch_cells(seed):
    torch = pytest.importorskip("torch")
    ex, v = C.exercise_set(seed), C._numbers(seed)
    t = lambda *a: torch.tensor([list(a)], dtype=torch.float64)   # noqa: E731
    with torch.no_grad():
        rnn = torch.nn.RNNCell(1, 1, nonlinearity="tanh").double()
        wi, wh, b = v["rnn"]
        rnn.weight_ih.fill_(wi), rnn.weight_hh.fill_(wh), rnn.bias_ih.fill_(b), rnn.bias_hh.fill_(0)
        assert rnn(t(v["x"]), t(v["h"])).item() == pytest.approx(ex.expected(1), abs=1e-12)
        gru = torch.nn.GRUCell(1, 1).double()
        for p in gru.parameters():
            p.fill_(1.0)
        gru.bias_ih.fill_(0), gru.bias_hh.fill_(0)
        assert gru(t(v["gx"]), t(v["gh"])).item() == pytest.approx(ex.expected(2), abs=1e-12)
        lstm = torch.nn.LSTMCell(1, 1).double()
        lstm.weight_ih.fill_(1), lstm.weight_hh.fill_(1), lstm.bias_ih.fill_(0), lstm.bias_hh.fill_(0)
        _, c = lstm(t(v["lx"]), (t(v["lh"]), t(v["c"])))
        assert c.item() == pytest.approx(ex.expected(3), abs=1e-12)
    n_in, n_h = v["sizes"]
    assert sum(p.numel() for p in torch.nn.LSTMCell(n_in, n_h).parameters()) == ex.expected(4)
    a, b = (torch.tensor(C.word(w), dtype=torch.float64) for w in v["words"])
    assert torch.nn.functional.cosine_similarity(a, b, dim=0).item() == pytest.approx(ex.expected(5))


def test_variants_repeat_and_differ():
    assert C.exercise_set(3).show(1) == C.exercise_set(3).show(1)
    assert C.exercise_set(3).show(1) != C.exercise_set(5).show(1)
