"""Multi-head self-attention with learned projections (torch.nn.MultiheadAttention, batch_first).

Notebook 08 computed one attention step with given matrices (`nnlab.engine.attention`); here the
projections are learned and there are h heads. For x of shape (N, T, E), E = h · d_k:

    [Q | K | V] = x W_inᵀ + b_in              W_in (3E × E) stacks W_q, W_k, W_v (torch's in_proj)
    Q, K, V split into h heads of d_k = E/h columns each: (N, h, T, d_k)
    S = Q Kᵀ / √d_k (+ mask)                  scores, (N, h, T, T)
    A = softmax(S) along each row             each query's weights over the keys sum to 1
    C = A V, heads concatenated back          (N, T, E)
    y = C W_outᵀ + b_out                      torch's out_proj

backward, with G = ∂L/∂y:

    ∂L/∂W_out = Σ Gᵀ C,  ∂L/∂b_out = Σ G,  ∂L/∂C = G W_out
    per head:  ∂L/∂A = ∂L/∂C_h Vᵀ,   ∂L/∂V = Aᵀ ∂L/∂C_h
               ∂L/∂S = A ⊙ (∂L/∂A − Σ_keys A ⊙ ∂L/∂A)        (the softmax's Jacobian, row by row)
               ∂L/∂Q = ∂L/∂S K / √d_k,   ∂L/∂K = ∂L/∂Sᵀ Q / √d_k
    ∂L/∂W_in = Σ [∂Q | ∂K | ∂V]ᵀ x,   ∂L/∂b_in = Σ [∂Q | ∂K | ∂V],   ∂L/∂x = [∂Q | ∂K | ∂V] W_in

Masks follow torch.nn.MultiheadAttention: a boolean `attn_mask` (T × T) is True where a query
may NOT attend (note: torch.nn.functional.scaled_dot_product_attention, and notebook 08, use
the opposite sense), a float one is added to the scores; `key_padding_mask` (N × T) is True at
padding keys; `is_causal=True` hides later positions. A query whose every key is masked
attends to nothing (output = b_out; torch gives nan there). The softmax over masked rows is
`nnlab.engine.attention.masked_softmax`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...core import functional as F
from ...core import validate as V
from .. import attention as ATT
from ..layers import Layer


@dataclass
class HeadsTrace:
    """Every intermediate of one multi-head attention pass (heads on axis 1)."""

    x: np.ndarray         # (N, T, E) input
    Q: np.ndarray         # (N, h, T, d_k)
    K: np.ndarray
    V: np.ndarray
    scores: np.ndarray    # (N, h, T, T), after the mask (−inf where masked)
    weights: np.ndarray   # (N, h, T, T), softmax of each row
    context: np.ndarray   # (N, T, E), the heads' A V side by side
    out: np.ndarray       # (N, T, E)
    scale: float


def additive_mask(T: int, N: int, attn_mask=None, key_padding_mask=None, is_causal=False):
    """The masks as one array added to the scores (0 or −inf, or the float mask), or None."""
    add = None
    if is_causal:
        add = np.where(np.triu(np.ones((T, T), dtype=bool), 1), -np.inf, 0.0)
    if attn_mask is not None:
        m = np.asarray(attn_mask)
        if m.shape != (T, T):
            V.fail("attn_mask", f"shape ({T}, {T})", f"shape {m.shape}")
        m = np.where(m, -np.inf, 0.0) if m.dtype == bool else V.finite_array("attn_mask", m)
        add = m if add is None else add + m
    if key_padding_mask is not None:
        k = np.asarray(key_padding_mask)
        if k.dtype != bool or k.shape != (N, T):
            V.fail("key_padding_mask", f"a boolean array of shape ({N}, {T})",
                   f"{k.dtype} of shape {k.shape}")
        kp = np.where(k, -np.inf, 0.0)[:, None, None, :]
        add = kp if add is None else add + kp
    return add


def init_attention(E: int, rng) -> list:
    """torch's initialisation: W_in xavier-uniform, b_in = 0, W_out U(±1/√E), b_out = 0."""
    lim = math.sqrt(6.0 / (E + 3 * E))
    lo = 1.0 / math.sqrt(E)
    return [rng.uniform(-lim, lim, (3 * E, E)), np.zeros(3 * E), rng.uniform(-lo, lo, (E, E)),
            np.zeros(E)]


class MultiHeadAttention(Layer):
    """Self-attention with `num_heads` heads; params [in_proj_weight, in_proj_bias,
    out_proj.weight, out_proj.bias] in torch's shapes. `trace` keeps the last forward's steps."""

    name = "multi-head attention"

    def __init__(self, embed_dim: int, num_heads: int, rng=None, params=None):
        super().__init__()
        E = V.positive_int("embed_dim", embed_dim)
        h = V.positive_int("num_heads", num_heads)
        if E % h:
            V.fail("num_heads", f"a divisor of embed_dim = {E} (each head gets embed_dim/num_heads "
                   "columns)", h)
        self.embed_dim, self.num_heads = E, h
        rng = np.random.default_rng(0) if rng is None else rng
        self.params = init_attention(E, rng) if params is None else \
            [np.asarray(p, dtype=float) for p in params]
        self.mask_args = (None, None, False)

    def set_mask(self, attn_mask=None, key_padding_mask=None, is_causal=False):
        """The masks of the following forward passes (see the module docstring)."""
        self.mask_args = (attn_mask, key_padding_mask, bool(is_causal))

    def heads(self, a, N, T):
        return a.reshape(N, T, self.num_heads, -1).transpose(0, 2, 1, 3)

    def forward(self, x):
        N, T, E = x.shape
        W_in, b_in, W_out, b_out = self.params
        qkv = x @ W_in.T + b_in
        Q, K, Vv = (self.heads(qkv[..., j * E:(j + 1) * E], N, T) for j in range(3))
        s = 1.0 / math.sqrt(E // self.num_heads)
        scores = (Q @ K.transpose(0, 1, 3, 2)) * s
        mask = additive_mask(T, N, *self.mask_args)
        if mask is not None:
            scores = scores + mask
        # a row masked everywhere needs masked_softmax; without masks the plain softmax does
        A = F.softmax(scores, axis=-1) if mask is None else ATT.masked_softmax(scores)
        C = (A @ Vv).transpose(0, 2, 1, 3).reshape(N, T, E)
        out = C @ W_out.T + b_out
        self.trace = HeadsTrace(x, Q, K, Vv, scores, A, C, out, s)
        return out

    def backward(self, grad):
        t = self.trace
        N, T, E = t.x.shape
        W_in, _, W_out, _ = self.params
        g_Wout = np.einsum("nti,ntj->ij", grad, t.context)
        g_bout = grad.sum(axis=(0, 1))
        gC = self.heads(grad @ W_out, N, T)
        gA = gC @ t.V.transpose(0, 1, 3, 2)
        gV = t.weights.transpose(0, 1, 3, 2) @ gC
        gS = t.weights * (gA - np.sum(gA * t.weights, axis=-1, keepdims=True))
        gQ = (gS @ t.K) * t.scale
        gK = (gS.transpose(0, 1, 3, 2) @ t.Q) * t.scale
        g_qkv = np.concatenate([g.transpose(0, 2, 1, 3).reshape(N, T, E) for g in (gQ, gK, gV)],
                               axis=-1)
        self.grads = [np.einsum("nti,ntj->ij", g_qkv, t.x), g_qkv.sum(axis=(0, 1)), g_Wout, g_bout]
        return g_qkv @ W_in


def multi_head_attention(x, params, num_heads: int, attn_mask=None, key_padding_mask=None,
                         is_causal=False) -> HeadsTrace:
    """One checked forward pass of multi-head self-attention on x (N, T, E) or (T, E)."""
    x = V.finite_array("x", x)
    if x.ndim == 2:
        x = x[None]
    if x.ndim != 3 or min(x.shape) < 1:
        V.fail("x", "an array of shape (N, T, E) or (T, E)", f"shape {x.shape}")
    N, T, E = x.shape
    shapes = [(3 * E, E), (3 * E,), (E, E), (E,)]
    names = ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]
    ps = [V.finite_array(n, p, shape=s) for n, p, s in zip(names, params, shapes)]
    layer = MultiHeadAttention(E, num_heads, params=ps)
    additive_mask(T, N, attn_mask, key_padding_mask, is_causal)   # checks the masks
    layer.set_mask(attn_mask, key_padding_mask, is_causal)
    layer.forward(x)
    return layer.trace
