"""The numeric primitives, each written once, each with its derivative right under it.

Every other module calls these; none writes its own sigmoid, softmax or cross-entropy. They
take numpy arrays (or numbers) and do no argument checking: the public functions that call
them check their arguments and name them in the error.

    sigmoid(z)      = 1 / (1 + e^-z)        sigmoid'(z) = σ(z)(1 − σ(z))
    tanh(z)                                 tanh'(z)    = 1 − tanh(z)²
    softplus(z)     = log(1 + e^z)          softplus'(z) = σ(z)
    softmax(z)_i    = e^(z_i/T) / Σ_j e^(z_j/T)
    log_softmax(z)  = z − logsumexp(z)
    cross_entropy(z, y) = mean over rows of −log softmax(z)[y]      ∂/∂z = (softmax(z) − onehot(y)) / N
    bce_with_logits(z, y) = mean(softplus(z) − y z)                  ∂/∂z = (σ(z) − y) / N
    conv_output_size(n, f, s, p, d) = ⌊(n + 2p − d(f − 1) − 1) / s⌋ + 1

The sympy forms (`sigmoid_expr`) are here too, so the symbolic pages and the numbers use one
definition.
"""
from __future__ import annotations

import numpy as np

_LOW = -745.0   # below this, e^z is 0 in float64 (numpy gives 0 there without a warning)


def exp_nonpositive(z):
    """e^z for z ≤ 0 (larger z are taken as 0): never overflows."""
    return np.exp(np.minimum(z, 0.0))


# -- sigmoid ------------------------------------------------------------------------------------
def sigmoid(z):
    """1 / (1 + e^-z), exact to the last bit at both ends (e^-|z| never overflows)."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def sigmoid_derivative(z):
    """σ'(z) = σ(z)(1 − σ(z)) = e^-|z| / (1 + e^-|z|)²."""
    e = np.exp(-np.abs(np.asarray(z, dtype=float)))
    return e / (1.0 + e) ** 2


def sigmoid_derivative_from_output(s):
    """σ'(z) written with the output s = σ(z): s(1 − s) (the form the notes use: O(1 − O))."""
    return s * (1.0 - s)


def sigmoid_expr(a):
    """The sigmoid of the sympy expression `a`."""
    import sympy as sp

    return 1 / (1 + sp.exp(-a))


# -- tanh ---------------------------------------------------------------------------------------
def tanh(z):
    return np.tanh(z)


def tanh_derivative(z):
    return 1.0 - np.tanh(z) ** 2


def tanh_derivative_from_output(h):
    """tanh'(z) written with the output h = tanh(z): 1 − h²."""
    return 1.0 - h * h


# -- softplus -----------------------------------------------------------------------------------
def softplus(z):
    """log(1 + e^z) = max(z, 0) + log1p(e^-|z|), without overflow."""
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


softplus_derivative = sigmoid


# -- softmax and the losses built on it ------------------------------------------------------------
def softmax(z, axis=-1, temperature=1.0):
    """softmax(z / T) along `axis`; the maximum is subtracted first, so it never overflows."""
    z = np.asarray(z, dtype=float)
    zt = z / temperature
    if np.all(np.isfinite(zt)):
        e = exp_nonpositive(zt - np.max(zt, axis=axis, keepdims=True))
    else:  # z/T overflowed (z = 1e308, T = 0.5): shift first, (z − max z)/T ≤ 0 never overflows
        e = exp_nonpositive((z - np.max(z, axis=axis, keepdims=True)) / temperature)
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_jacobian(s, temperature=1.0):
    """∂s_i/∂z_j = s_i(δ_ij − s_j) / T for the softmax output vector s."""
    return (np.diag(s) - np.outer(s, s)) / temperature


def log_softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def cross_entropy(logits, labels):
    """Mean cross-entropy of softmax(logits) (N×K) against integer labels (N,), and dL/dlogits.

    dL/dz = (softmax(z) − onehot(y)) / N: softmax and cross-entropy together have this simple
    gradient, which is why frameworks fuse them (torch.nn.functional.cross_entropy takes logits).
    """
    logp = log_softmax(logits, axis=1)
    n = logp.shape[0]
    rows = np.arange(n)
    loss = -logp[rows, labels].mean() + 0.0   # + 0.0: a perfect fit is 0.0, not -0.0
    grad = np.exp(logp)
    grad[rows, labels] -= 1.0
    return float(loss), grad / n


def bce_with_logits(z, y):
    """Mean binary cross-entropy of σ(z) against targets y in [0, 1], and dL/dz
    (torch.nn.BCEWithLogitsLoss): L = mean(softplus(z) − y z), dL/dz = (σ(z) − y) / N."""
    z = np.asarray(z, dtype=float)
    n = z.size
    return float(np.mean(softplus(z) - y * z)), (sigmoid(z) - y) / n


def mse(a, y):
    """Mean squared error and dL/da: L = mean((a − y)²), dL/da = 2(a − y) / N."""
    d = np.asarray(a, dtype=float) - y
    return float(np.mean(d * d)), 2.0 * d / d.size


# -- sizes ----------------------------------------------------------------------------------------
def conv_output_size(n, f, stride=1, padding=0, dilation=1) -> int:
    """Output length of a convolution or pooling window along one axis (torch.nn.Conv2d's formula):
    ⌊(n + 2p − d(f − 1) − 1) / s⌋ + 1, which is ⌊(n + 2p − f) / s⌋ + 1 when d = 1."""
    return (n + 2 * padding - dilation * (f - 1) - 1) // stride + 1
