"""Symbolic (sympy) forms of the gates of the RNN, GRU and LSTM cells.

`gate_equations(cell)` writes every line of a cell for ONE hidden unit and ONE input (all
weights scalars), with PyTorch's weight names (W_ir, W_hr, b_ir, b_hr, ...) and σ kept as a
named function so that it prints as σ(...). `gate_functions(cell)` lambdifies them once (σ
replaced by nnlab.core.functional.sigmoid_expr) for checking the numbers against the cells.
sympy is imported inside the functions (import nnlab stays cheap), and results are cached.
"""
from __future__ import annotations

from functools import lru_cache

from ...core import functional as F
from ...core import validate as V
from .cells import CELLS, GATES, NONLINEARITIES

# the formulas in vector form, as text (no sympy needed; used by the explorer)
TEXT = {
    "rnn": [("h_t", "act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)")],
    "gru": [("r_t", "σ(W_ir x_t + b_ir + W_hr h_(t-1) + b_hr)"),
            ("z_t", "σ(W_iz x_t + b_iz + W_hz h_(t-1) + b_hz)"),
            ("n_t", "tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_(t-1) + b_hn))"),
            ("h_t", "(1 − z_t) ⊙ n_t + z_t ⊙ h_(t-1)")],
    "lstm": [("i_t", "σ(W_ii x_t + b_ii + W_hi h_(t-1) + b_hi)"),
             ("f_t", "σ(W_if x_t + b_if + W_hf h_(t-1) + b_hf)"),
             ("g_t", "tanh(W_ig x_t + b_ig + W_hg h_(t-1) + b_hg)"),
             ("o_t", "σ(W_io x_t + b_io + W_ho h_(t-1) + b_ho)"),
             ("c_t", "f_t ⊙ c_(t-1) + i_t ⊙ g_t"),
             ("h_t", "o_t ⊙ tanh(c_t)")],
}


@lru_cache(maxsize=None)
def _symbols():
    import sympy as sp

    names = {"x": "x_t", "h": "h_{t-1}", "c": "c_{t-1}"}
    s = {k: sp.Symbol(v, real=True) for k, v in names.items()}
    return sp, s, sp.Function("sigma")


def _w(sp, kind, gate):
    return sp.Symbol(f"W_{{{kind}{gate}}}", real=True), sp.Symbol(f"b_{{{kind}{gate}}}", real=True)


@lru_cache(maxsize=None)
def gate_equations(cell: str, nonlinearity: str = "tanh") -> tuple:
    """(name, sympy.Eq) for every line of the scalar cell, in order."""
    cell = V.choice("cell", cell, CELLS)
    nonlinearity = V.choice("nonlinearity", nonlinearity, NONLINEARITIES)
    sp, s, sigma = _symbols()
    x, h, c = s["x"], s["h"], s["c"]

    def pre(gate):
        Wi, bi = _w(sp, "i", gate)
        Wh, bh = _w(sp, "h", gate)
        return Wi * x + bi + Wh * h + bh

    out = []
    if cell == "rnn":
        Wi, bi = sp.Symbol("W_{ih}", real=True), sp.Symbol("b_{ih}", real=True)
        Wh, bh = sp.Symbol("W_{hh}", real=True), sp.Symbol("b_{hh}", real=True)
        a = Wi * x + bi + Wh * h + bh
        act = {"tanh": sp.tanh(a), "relu": sp.Max(0, a), "sigmoid": sigma(a)}[nonlinearity]
        out.append(("h", sp.Eq(sp.Symbol("h_t"), act)))
    elif cell == "gru":
        r, z, n = sp.Symbol("r_t"), sp.Symbol("z_t"), sp.Symbol("n_t")
        Wi, bi = _w(sp, "i", "n")
        Wh, bh = _w(sp, "h", "n")
        out += [("r", sp.Eq(r, sigma(pre("r")))), ("z", sp.Eq(z, sigma(pre("z")))),
                ("n", sp.Eq(n, sp.tanh(Wi * x + bi + r * (Wh * h + bh)))),
                ("h", sp.Eq(sp.Symbol("h_t"), (1 - z) * n + z * h))]
    else:
        i, f, g, o = (sp.Symbol(f"{k}_t") for k in "ifgo")
        ct = sp.Symbol("c_t")
        out += [("i", sp.Eq(i, sigma(pre("i")))), ("f", sp.Eq(f, sigma(pre("f")))),
                ("g", sp.Eq(g, sp.tanh(pre("g")))), ("o", sp.Eq(o, sigma(pre("o")))),
                ("c", sp.Eq(ct, f * c + i * g)), ("h", sp.Eq(sp.Symbol("h_t"), o * sp.tanh(ct)))]
    return tuple(out)


def gate_latex(cell: str, nonlinearity: str = "tanh") -> list[str]:
    """LaTeX of every line (σ printed as σ)."""
    import sympy as sp

    return [sp.latex(eq).replace(r"\operatorname{sigma}", r"\sigma")
            for _, eq in gate_equations(cell, nonlinearity)]


@lru_cache(maxsize=None)
def gate_functions(cell: str, nonlinearity: str = "tanh") -> dict:
    """name -> (argument names, numeric function), each line with the earlier ones substituted.

    Arguments are the symbols of the line (x_t, h_{t-1}, c_{t-1} and the weights) in
    alphabetical order of their names; call `evaluate` for a dict interface.
    """
    sp, s, sigma = _symbols()
    known = {}
    funcs = {}
    for name, eq in gate_equations(cell, nonlinearity):
        expr = eq.rhs.subs(known)
        known[eq.lhs] = expr
        expr = expr.replace(sigma, F.sigmoid_expr)
        args = sorted(expr.free_symbols, key=lambda q: q.name)
        funcs[name] = ([a.name for a in args], sp.lambdify(args, expr, "numpy"))
    return funcs


def evaluate(cell: str, values: dict, nonlinearity: str = "tanh") -> dict:
    """Evaluate every line of the scalar cell; `values` maps symbol names to numbers.

    Symbol names: "x_t", "h_{t-1}", "c_{t-1}", "W_{ir}", "b_{hz}" ... (PyTorch's gate letters;
    for the RNN "W_{ih}", "W_{hh}", "b_{ih}", "b_{hh}").
    """
    out = {}
    for name, (args, fn) in gate_functions(cell, nonlinearity).items():
        missing = [a for a in args if a not in values]
        if missing:
            V.fail("values", "a number for every symbol of the cell", "missing " + ", ".join(missing))
        out[name] = float(fn(*[float(values[a]) for a in args]))
    return out


def scalar_values(cell: str, params: dict, x: float, h: float, c: float = 0.0) -> dict:
    """The symbol values of a 1-unit, 1-input cell whose weights are in PyTorch's layout."""
    cell = V.choice("cell", cell, CELLS)
    vals = {"x_t": x, "h_{t-1}": h, "c_{t-1}": c}
    if cell == "rnn":
        vals.update({"W_{ih}": params["W_ih"][0, 0], "W_{hh}": params["W_hh"][0, 0],
                     "b_{ih}": params["b_ih"][0], "b_{hh}": params["b_hh"][0]})
        return vals
    for k, g in enumerate(GATES[cell]):
        vals.update({f"W_{{i{g}}}": params["W_ih"][k, 0], f"W_{{h{g}}}": params["W_hh"][k, 0],
                     f"b_{{i{g}}}": params["b_ih"][k], f"b_{{h{g}}}": params["b_hh"][k]})
    return vals
