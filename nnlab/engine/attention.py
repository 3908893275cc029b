"""Word vectors, cosine similarity, the "bank" problem, and scaled dot-product self-attention.

Notes 001 show text turned into vectors (the toy table "The Cardinals will win the world
series" → 3-D vectors, in data/word_vectors.csv) and then name the limit of RNNs and LSTMs
fed with such static embeddings: "bank" has ONE vector, whether the sentence is about a river
or about money. Transformers answer with self-attention: each word's new representation is a
weighted average of the (projected) vectors of every word in the sentence, the weights coming
from how well its query matches their keys:

    Q = X W_q,  K = X W_k,  V = X W_v          (X: one row per word)
    scores  = Q Kᵀ / √d_k                     (d_k: the width of the queries and keys)
    weights = softmax(scores, along each row)  (each row sums to 1)
    output  = weights V

`scaled_dot_product_attention` has the arguments and result of
torch.nn.functional.scaled_dot_product_attention (query, key, value, attn_mask, is_causal,
scale); `self_attention` does the same step by step and keeps every intermediate.
The vectors of data/bank_vectors.csv are made up (axes: money, nature, grammar).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import functional as F
from ..core import validate as V
from ..core.data import load_csv

SLIDES_SENTENCE = ("The", "Cardinals", "will", "win", "the", "world", "series")
MONEY_SENTENCE = ("i", "went", "to", "the", "bank", "to", "deposit", "money")
RIVER_SENTENCE = ("we", "sat", "on", "the", "river", "bank")


def load_word_vectors(name: str = "word_vectors.csv") -> dict:
    """word -> 3-D vector (numpy), in the order of the file."""
    table = load_csv(name)
    cols = table.columns[1:]
    arr = table.array(cols)
    return {w: arr[k] for k, w in enumerate(table.column(table.columns[0]))}


def bank_vectors() -> dict:
    return load_word_vectors("bank_vectors.csv")


def cosine_similarity(a, b) -> float:
    """cos θ = a·b / (‖a‖ ‖b‖), in [−1, 1].

    Each vector is first divided by its largest |component| (the angle does not change), so
    vectors of 1e200 or 1e-200 give the same cosine as vectors of 1, with no overflow."""
    a = V.finite_array("a", a, ndim=1)
    b = V.finite_array("b", b, shape=(a.shape[0],))
    ma, mb = (float(np.max(np.abs(x))) if x.size else 0.0 for x in (a, b))
    if ma == 0.0:
        V.fail("a", "a non-zero vector (the angle of a zero vector is undefined)")
    if mb == 0.0:
        V.fail("b", "a non-zero vector (the angle of a zero vector is undefined)")
    a, b = a / ma, b / mb
    return float(np.clip(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)), -1.0, 1.0))


def similarity_matrix(vectors: dict) -> tuple[list, np.ndarray]:
    """(words, matrix of pairwise cosine similarities)."""
    if not isinstance(vectors, dict) or not vectors:
        V.fail("vectors", "a non-empty dict word -> vector", type(vectors).__name__)
    words = list(vectors)
    rows = [V.finite_array(f"vectors[{w!r}]", vectors[w], ndim=1) for w in words]
    if len({r.shape for r in rows}) != 1:
        V.fail("vectors", "vectors of one length", sorted({r.size for r in rows}))
    X = np.array(rows)
    top = np.max(np.abs(X), axis=1) if X.shape[1] else np.zeros(len(words))
    if np.any(top == 0):
        V.fail("vectors", "non-zero vectors", words[int(np.argmin(top))])
    X = X / top[:, None]     # each row divided by its largest |entry| first: no overflow
    U = X / np.linalg.norm(X, axis=1)[:, None]
    return words, np.clip(U @ U.T, -1.0, 1.0)


def embed(sentence, vectors: dict) -> np.ndarray:
    """Stack the vectors of the words of a sentence (one row per word)."""
    if isinstance(sentence, str):
        sentence = sentence.split()
    missing = [w for w in sentence if w not in vectors]
    if missing:
        V.fail("sentence", "words that have a vector (" + ", ".join(vectors) + ")",
               " ".join(missing))
    if not sentence:
        V.fail("sentence", "at least one word", "an empty sentence")
    return np.array([vectors[w] for w in sentence], dtype=float)


@dataclass
class Attention:
    """Every step of one self-attention computation."""

    X: np.ndarray
    Q: np.ndarray
    K: np.ndarray
    V: np.ndarray
    scores: np.ndarray     # Q Kᵀ · scale
    weights: np.ndarray    # softmax of each row
    output: np.ndarray     # weights V
    scale: float


def scaled_dot_product_attention(query, key, value, attn_mask=None, is_causal=False,
                                 scale=None) -> np.ndarray:
    """torch.nn.functional.scaled_dot_product_attention (no dropout), on (…, L, E) arrays.

    scale defaults to 1/√E; attn_mask is boolean (True = may attend) or a float added to the
    scores; is_causal masks out later positions (with an attn_mask too it is refused, as torch
    refuses it). A row whose every position is masked attends to nothing: its output is 0, as
    torch's. Scores that overflow (a huge scale or huge entries) are refused (ValueError).
    """
    q = V.finite_array("query", query)
    if q.ndim < 2:
        V.fail("query", "an array of shape (..., L, E)", f"shape {q.shape}")
    k = V.finite_array("key", key)
    if k.ndim != q.ndim or k.shape[-1] != q.shape[-1] or k.shape[:-2] != q.shape[:-2]:
        V.fail("key", f"shape (..., S, {q.shape[-1]}) matching query {q.shape}", f"shape {k.shape}")
    v = V.finite_array("value", value)
    if v.ndim != q.ndim or v.shape[-2] != k.shape[-2] or v.shape[:-2] != q.shape[:-2]:
        V.fail("value", f"shape (..., {k.shape[-2]}, Ev) matching key {k.shape}", f"shape {v.shape}")
    if is_causal and attn_mask is not None:
        V.fail("attn_mask", "None when is_causal=True (torch refuses both at once: put the causal "
               "mask into attn_mask instead)")
    if 0 in q.shape[-2:] or k.shape[-2] == 0:
        V.fail("query" if 0 in q.shape[-2:] else "key", "at least one position and one feature",
               f"shape {(q if 0 in q.shape[-2:] else k).shape}")
    s = 1.0 / np.sqrt(q.shape[-1]) if scale is None else V.finite_number("scale", scale)
    scores = finite_scores(q, k, s, scale)
    L, S = q.shape[-2], k.shape[-2]
    if is_causal:
        scores = np.where(np.tril(np.ones((L, S), dtype=bool)), scores, -np.inf)
    if attn_mask is not None:
        m = np.asarray(attn_mask)
        if m.shape[-2:] != (L, S):
            V.fail("attn_mask", f"shape (..., {L}, {S})", f"shape {m.shape}")
        if m.dtype == bool:
            scores = np.where(m, scores, -np.inf)
        else:
            with np.errstate(over="ignore"):
                scores = scores + V.finite_array("attn_mask", m)
            if np.any(np.isposinf(scores)):
                V.fail("attn_mask", "values whose sums with the scores stay finite")
    with np.errstate(over="ignore", invalid="ignore"):
        out = masked_softmax(scores) @ v
    return V.finite_result("value", out, "weighted average (weights · value)")


def finite_scores(q, k, s, scale, entries: str = "query") -> np.ndarray:
    """Q Kᵀ · s, or a ValueError naming the argument when a score overflows (`entries`: the
    argument the queries and keys come from)."""
    with np.errstate(over="ignore", invalid="ignore"):
        raw = q @ np.swapaxes(k, -1, -2)
        scores = raw * s
    if not np.all(np.isfinite(raw)):
        V.fail(entries, "entries whose products with the keys stay finite (a score q·k overflowed)")
    if not np.all(np.isfinite(scores)):
        V.fail("scale", "a value for which the scores q·k·scale stay finite (below 1.8e308 in size)",
               scale)
    return scores


def masked_softmax(scores) -> np.ndarray:
    """softmax of each row; a row that is −inf everywhere (every position masked) gives zeros."""
    dead = np.all(np.isneginf(scores), axis=-1, keepdims=True)
    weights = F.softmax(np.where(dead, 0.0, scores), axis=-1)
    return np.where(dead, 0.0, weights)


def self_attention(X, W_q=None, W_k=None, W_v=None, scale=None) -> Attention:
    """Self-attention step by step on X (words × d_model); the W default to the identity.

    Q = X W_q, K = X W_k, V = X W_v (W of shape d_model × d_k, or d_model × d_v for W_v).
    """
    X = V.finite_array("X", X, ndim=2)
    if X.shape[0] < 1 or X.shape[1] < 1:
        V.fail("X", "at least one word and one feature", f"shape {X.shape}")
    d = X.shape[1]

    def proj(name, W):
        if W is None:
            return np.eye(d)
        W = V.finite_array(name, W, ndim=2)
        if W.shape[0] != d:
            V.fail(name, f"shape ({d}, d_k) (d_model = {d} rows)", f"shape {W.shape}")
        return W

    W_q, W_k, W_v = proj("W_q", W_q), proj("W_k", W_k), proj("W_v", W_v)
    if W_k.shape[1] != W_q.shape[1]:
        V.fail("W_k", f"{W_q.shape[1]} columns like W_q (queries and keys are compared)",
               f"shape {W_k.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        Q, K, Vv = X @ W_q, X @ W_k, X @ W_v
    s = 1.0 / np.sqrt(Q.shape[1]) if scale is None else V.finite_number("scale", scale)
    scores = finite_scores(Q, K, s, scale, entries="X")
    weights = F.softmax(scores, axis=1)
    with np.errstate(over="ignore", invalid="ignore"):
        out = weights @ Vv
    V.finite_result("W_v", Vv, "values X·W_v")
    return Attention(X, Q, K, Vv, scores, weights, V.finite_result("W_v", out, "output"), s)


def bank_in_context(context: float = 1.0, sharpness: float = 3.0, vectors: dict | None = None):
    """The representation of "bank" in "the <w> bank", <w> = (1 − context)·river + context·money.

    W_q = sharpness·I, W_k = W_v = I (d_k = 3). Returns a dict: the sentence, the attention,
    bank's static and contextual vectors, and their cosine similarities with "money" and
    "river".
    """
    context = V.finite_number("context", context, minimum=0.0, maximum=1.0)
    sharpness = V.finite_number("sharpness", sharpness, minimum=0.0)
    vec = bank_vectors() if vectors is None else vectors
    w = (1.0 - context) * vec["river"] + context * vec["money"]
    X = np.array([vec["the"], w, vec["bank"]])
    att = self_attention(X, W_q=sharpness * np.eye(3))
    out = att.output[2]
    return {"sentence": ("the", f"context({context:.2f})", "bank"), "attention": att,
            "static": vec["bank"], "contextual": out,
            "cos_money": cosine_similarity(out, vec["money"]),
            "cos_river": cosine_similarity(out, vec["river"]),
            "static_cos_money": cosine_similarity(vec["bank"], vec["money"]),
            "static_cos_river": cosine_similarity(vec["bank"], vec["river"])}
