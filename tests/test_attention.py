"""nnlab.engine.attention: word vectors, cosine similarity, self-attention by independent routes."""
from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.engine import attention as A
from tests.conftest import torch_or_skip

NOTES = Path("/work/shared/course-notes")


def loop_attention(Q, K, V, scale):
    """Scaled dot-product attention written with explicit loops and math.exp."""
    out = np.zeros((Q.shape[0], V.shape[1]))
    weights = np.zeros((Q.shape[0], K.shape[0]))
    for i in range(Q.shape[0]):
        s = [sum(Q[i, d] * K[j, d] for d in range(Q.shape[1])) * scale for j in range(K.shape[0])]
        m = max(s)
        e = [math.exp(v - m) for v in s]
        tot = sum(e)
        for j in range(K.shape[0]):
            weights[i, j] = e[j] / tot
            out[i] += weights[i, j] * V[j]
    return weights, out


def test_word_vectors_file_is_the_slides_table():
    vec = A.load_word_vectors()
    assert tuple(vec) == A.SLIDES_SENTENCE
    assert vec["Cardinals"] == pytest.approx([0.24, 0.65, 0.72])
    assert vec["series"] == pytest.approx([0.01, 0.05, 0.62])


def test_word_vectors_match_the_transcribed_notes():
    notes = sorted(NOTES.glob("001_*.txt")) if NOTES.exists() else []
    if not notes:
        pytest.skip("course notes not available here")
    text = notes[0].read_text(encoding="utf-8")
    rows = dict((w, tuple(float(v) for v in (a, b, c))) for w, a, b, c in re.findall(
        r"^(\w+)\s+\(([\d.]+),\s*([\d.]+),\s*([\d.]+)\)", text, flags=re.M))
    vec = A.load_word_vectors()
    assert set(rows) == set(vec)
    for w, v in rows.items():
        assert vec[w] == pytest.approx(v)


def test_cosine_similarity_by_hand():
    a, b = [1.0, 2.0, 2.0], [2.0, 0.0, 1.0]
    assert A.cosine_similarity(a, b) == pytest.approx(4 / (3 * math.sqrt(5)))
    assert A.cosine_similarity(a, [2, 4, 4]) == pytest.approx(1.0)
    assert A.cosine_similarity([1, 0], [-1, 0]) == pytest.approx(-1.0)
    words, M = A.similarity_matrix(A.load_word_vectors())
    i, j = words.index("win"), words.index("world")
    u, v = A.load_word_vectors()["win"], A.load_word_vectors()["world"]
    assert M[i, j] == pytest.approx(sum(x * y for x, y in zip(u, v))
                                    / math.sqrt(sum(x * x for x in u) * sum(y * y for y in v)))
    assert np.allclose(np.diag(M), 1.0) and np.allclose(M, M.T)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6), st.integers(1, 5), st.floats(0.05, 5.0))
def test_self_attention_equals_loops(seed, n, d, s):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    Wq, Wk, Wv = (rng.standard_normal((d, 3)) for _ in range(3))
    att = A.self_attention(X, Wq, Wk, Wv, scale=s)
    w, out = loop_attention(X @ Wq, X @ Wk, X @ Wv, s)
    np.testing.assert_allclose(att.weights, w, atol=1e-12)
    np.testing.assert_allclose(att.output, out, atol=1e-12)
    np.testing.assert_allclose(att.weights.sum(axis=1), 1.0)
    default = A.self_attention(X, Wq, Wk, Wv)
    assert default.scale == pytest.approx(1 / math.sqrt(3))


@pytest.mark.torch
@pytest.mark.parametrize("causal,mask,scale", [(False, None, None), (True, None, None),
                                               (False, "bool", 0.7), (False, "float", None)])
def test_scaled_dot_product_attention_matches_torch(causal, mask, scale):
    torch = torch_or_skip()
    rng = np.random.default_rng(1)
    q, k, v = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 5, 2))
    if causal:
        k, v = k[:, :4], v[:, :4]
    m = None
    if mask == "bool":
        m = rng.random((4, 5)) > 0.3
        m[:, 0] = True
    elif mask == "float":
        m = rng.standard_normal((4, 5))
    ours = A.scaled_dot_product_attention(q, k, v, attn_mask=m, is_causal=causal, scale=scale)
    ref = torch.nn.functional.scaled_dot_product_attention(
        torch.tensor(q), torch.tensor(k), torch.tensor(v),
        attn_mask=None if m is None else torch.tensor(m), is_causal=causal, scale=scale)
    np.testing.assert_allclose(ours, ref.numpy(), atol=1e-12)


@pytest.mark.torch
def test_self_attention_on_the_slides_sentence_matches_torch():
    torch = torch_or_skip()
    X = A.embed(A.SLIDES_SENTENCE, A.load_word_vectors())
    att = A.self_attention(X)
    ref = torch.nn.functional.scaled_dot_product_attention(*(torch.tensor(X)[None],) * 3)[0]
    np.testing.assert_allclose(att.output, ref.numpy(), atol=1e-12)


@pytest.mark.torch
def test_a_row_with_every_position_masked_gives_zero_like_torch():
    torch = torch_or_skip()
    rng = np.random.default_rng(3)
    q, k, v = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 5, 2))
    m = rng.random((4, 5)) > 0.3
    m[:, 0] = True
    m[2] = False                      # row 2 may attend to nothing
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning either
        ours = A.scaled_dot_product_attention(q, k, v, attn_mask=m)
    ref = torch.nn.functional.scaled_dot_product_attention(
        torch.tensor(q), torch.tensor(k), torch.tensor(v), attn_mask=torch.tensor(m)).numpy()
    assert np.all(ref[:, 2] == 0)     # what torch 2.x does (checked, not assumed)
    np.testing.assert_allclose(ours, ref, atol=1e-12)


@pytest.mark.torch
def test_attn_mask_with_is_causal_is_refused_like_torch():
    torch = torch_or_skip()
    q = np.ones((3, 2))
    m = np.ones((3, 3), dtype=bool)
    with pytest.raises(RuntimeError):
        torch.nn.functional.scaled_dot_product_attention(
            *(torch.tensor(q),) * 3, attn_mask=torch.tensor(m), is_causal=True)
    with pytest.raises(ValueError, match="^attn_mask: expected None when is_causal=True"):
        A.scaled_dot_product_attention(q, q, q, attn_mask=m, is_causal=True)


def test_cosine_similarity_of_huge_and_tiny_vectors_is_the_cosine():
    a, b = np.array([1.0, 2.0, -2.0]), np.array([3.0, 0.0, 4.0])
    exact = (3 - 8) / (3 * 5)                     # a·b / (‖a‖‖b‖), by hand
    for f in (1e200, 1e-200, 1e300):
        assert A.cosine_similarity(f * a, b / f) == pytest.approx(exact, rel=1e-14)


def test_scores_that_overflow_are_refused_naming_the_argument():
    q = np.ones((2, 3))
    with pytest.raises(ValueError, match="^scale: "):
        A.scaled_dot_product_attention(q, q, q, scale=1e308)
    with pytest.raises(ValueError, match="^query: "):
        A.scaled_dot_product_attention(q * 1e200, q * 1e200, q)
    with pytest.raises(ValueError, match="^X: "):
        A.self_attention(q * 1e200)
    with pytest.raises(ValueError, match="^scale: "):
        A.self_attention(q, scale=1e308)
    # a huge scale whose scores stay finite is computed (softmax → the best key)
    out = A.scaled_dot_product_attention(np.array([[1.0, 0.0]]), np.eye(2), np.array([[5.0], [7.0]]),
                                         scale=1e300)
    assert out[0, 0] == 5.0


def test_bank_changes_with_its_context():
    money = A.bank_in_context(context=1.0)
    river = A.bank_in_context(context=0.0)
    assert money["cos_money"] > money["static_cos_money"] > river["cos_money"]
    assert river["cos_river"] > river["static_cos_river"] > money["cos_river"]
    assert np.allclose(money["static"], river["static"])      # one static vector
    flat = A.bank_in_context(context=0.3, sharpness=0.0)        # zero queries: uniform weights
    np.testing.assert_allclose(flat["attention"].weights, 1 / 3)
    v = A.bank_vectors()
    np.testing.assert_allclose(flat["contextual"],
                               (v["the"] + 0.7 * v["river"] + 0.3 * v["money"] + v["bank"]) / 3)


def test_bank_in_the_two_sentences_of_the_notes():
    v = A.bank_vectors()
    m = A.self_attention(A.embed(A.MONEY_SENTENCE, v), W_q=3 * np.eye(3))
    r = A.self_attention(A.embed(A.RIVER_SENTENCE, v), W_q=3 * np.eye(3))
    bm = m.output[A.MONEY_SENTENCE.index("bank")]
    br = r.output[A.RIVER_SENTENCE.index("bank")]
    assert A.cosine_similarity(bm, v["money"]) > A.cosine_similarity(br, v["money"])
    assert A.cosine_similarity(br, v["river"]) > A.cosine_similarity(bm, v["river"])


@pytest.mark.parametrize("call,name", [
    (lambda: A.cosine_similarity([0, 0, 0], [1, 2, 3]), "a"),
    (lambda: A.cosine_similarity([1, 2, 3], [1, 2]), "b"),
    (lambda: A.cosine_similarity([1, np.nan], [1, 2]), "a"),
    (lambda: A.self_attention(np.ones((3, 2)), W_q=np.ones((3, 2))), "W_q"),
    (lambda: A.self_attention(np.ones((3, 2)), W_q=np.ones((2, 2)), W_k=np.ones((2, 3))), "W_k"),
    (lambda: A.self_attention(np.ones(3)), "X"),
    (lambda: A.scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 4)), np.ones((2, 1))), "key"),
    (lambda: A.scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 3)), np.ones((5, 1))), "value"),
    (lambda: A.embed("the bank of england", A.bank_vectors()), "sentence"),
    (lambda: A.bank_in_context(context=1.5), "context"),
])
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value).startswith(f"{name}:")
