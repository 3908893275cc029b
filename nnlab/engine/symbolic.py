"""The symbolic engine (sympy): the general formula of every line of a backprop trace.

`formulas(network)` builds one sympy expression per record, written the way the notes
write it (delta_5 = y_5 (1 - y_5)(t_5 - y_5), Δw_13 = η δ_3 x_1, ...), in the local
symbols of that line. From them:

- `attach_formulas(trace)` fills each record's formula and the formula with numbers put in.
  The LaTeX and text templates are printed once per network shape (cached), and numbers are
  put in by string substitution, so a slider callback never calls sympy.
- `exact_trace(network, x, t, lr)` evaluates the same formulas with exact arithmetic:
  inputs become rationals (0.35 -> 7/20), results stay exact sympy expressions
  (y_3 = 1/(1 + e^(-151/200))), and each value is evaluated to 30 digits.
- `loss_expression(network)` is E written out in the weights alone, for checking that
  dE/dw_ij (sympy.diff) equals -δ_j O_i from backprop.
"""
from __future__ import annotations

import re
from functools import lru_cache

import sympy as sp

from ..core.functional import sigmoid_expr
from .network import Network
from .trace import Trace, bias_name, fmt, weight_name

_NO = dict(evaluate=False)


def _sym(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def _activation(name: str, z):
    if name == "sigmoid":
        return sigmoid_expr(z)
    if name == "tanh":
        return sp.tanh(z)
    if name == "relu":
        return sp.Max(0, z)
    return z


def _derivative(name: str, z, y):
    """f'(z) written as the notes write it: y(1 - y) for the sigmoid."""
    if name == "sigmoid":
        return sp.Mul(y, sp.Add(1, -y, **_NO), **_NO)
    if name == "tanh":
        return sp.Add(1, -sp.Pow(y, 2, **_NO), **_NO)
    if name == "relu":
        return sp.Heaviside(z, 0)
    return sp.Integer(1)


def _mul(*factors):
    flat = []
    for f in factors:  # flatten unevaluated products so they print as y(1 - y)(t - y)
        flat.extend(f.args if isinstance(f, sp.Mul) else [f])
    factors = [f for f in flat if f != 1]
    if not factors:
        return sp.Integer(1)
    return factors[0] if len(factors) == 1 else sp.Mul(*factors, **_NO)


def _add(*terms):
    return terms[0] if len(terms) == 1 else sp.Add(*terms, **_NO)


def _latex_name(name: str) -> str:
    m = re.fullmatch(r"([A-Za-z]+)(\d+)(?:_(\d+))?", name)
    greek = {"delta": r"\delta", "eta": r"\eta", "Dw": r"\Delta w", "Db": r"\Delta b"}
    if name == "eta":
        return r"\eta"
    if not m:
        return name
    base, i, j = m.groups()
    base = greek.get(base, base)
    return f"{base}_{{{i}{',' + j if j else ''}}}"


def _text_name(name: str) -> str:
    if name.startswith("D"):
        name = "Δ" + name[1:]
    return name.replace("delta", "δ").replace("eta", "η")


@lru_cache(maxsize=64)
def _formulas(layers, activations, has_bias, frozen):
    """key -> (expression, names of the symbols in it) for one network shape."""
    net = Network(layers, activations, [sp.zeros(a, b) for a, b in zip(layers, layers[1:])])
    out = {}
    eta = _sym("eta")
    O = {i: _sym(f"x{i}") for i in net.numbers[0]}
    for li, nums in enumerate(net.numbers[1:]):
        for j in nums:
            terms = [_mul(_sym(weight_name(i, j)), O[i]) for i in net.numbers[li]]
            if has_bias:
                terms.append(_sym(bias_name(j)))
            z, y = _sym(f"z{j}"), _sym(f"y{j}")
            out[f"z{j}"] = _add(*terms)
            out[f"y{j}"] = _activation(activations[li], z)
            O[j] = y
    for j in net.numbers[-1]:
        out[f"e{j}"] = sp.Add(_sym(f"t{j}"), -_sym(f"y{j}"), **_NO)
    squares = [sp.Pow(sp.Add(_sym(f"t{j}"), -_sym(f"y{j}"), **_NO), 2, **_NO)
               for j in net.numbers[-1]]
    out["E"] = sp.Mul(sp.Rational(1, 2), _add(*squares), **_NO)
    L = len(layers) - 1
    for li in range(L - 1, -1, -1):
        for j in net.numbers[li + 1]:
            fp = _derivative(activations[li], _sym(f"z{j}"), _sym(f"y{j}"))
            if li == L - 1:
                back = sp.Add(_sym(f"t{j}"), -_sym(f"y{j}"), **_NO)
            else:
                back = _add(*[_mul(_sym(weight_name(j, k)), _sym(f"delta{k}"))
                              for k in net.numbers[li + 2]])
            out[f"d{j}"] = _mul(fp, back)
    for li in range(L):
        for j in net.numbers[li + 1]:
            for i in net.numbers[li]:
                name = weight_name(i, j)
                src = _sym(f"x{i}") if li == 0 else _sym(f"y{i}")
                out[f"d{name}"] = sp.Mul(eta, _sym(f"delta{j}"), src, **_NO)
                out[f"{name}'"] = sp.Add(_sym(name), _sym("D" + name), **_NO)
            if has_bias:
                bn = bias_name(j)
                out[f"d{bn}"] = sp.Integer(0) if frozen else sp.Mul(eta, _sym(f"delta{j}"), **_NO)
                out[f"{bn}'"] = sp.Add(_sym(bn), _sym("D" + bn), **_NO)
    return out


def formulas(network: Network) -> dict:
    """key -> sympy expression of every record of this network's trace (except E')."""
    return _formulas(network.layers, network.activations, network.biases is not None,
                     network.freeze_biases)


@lru_cache(maxsize=64)
def _templates(layers, activations, has_bias, frozen):
    exprs = _formulas(layers, activations, has_bias, frozen)
    out = {}
    for key, expr in exprs.items():
        names = sorted((s.name for s in expr.free_symbols), key=len, reverse=True)
        tokens = {sp.Symbol(n, real=True): f"@{n}@" for n in names}
        latex = sp.latex(expr, order="none", mul_symbol="dot", symbol_names=tokens)
        text = sp.sstr(expr, order="none")
        if names:  # mark the symbols first, while every name is still a plain word
            text = re.sub(r"\b(" + "|".join(map(re.escape, names)) + r")\b",
                          lambda m: f"@{m.group(1)}@", text)
        text = text.replace("**2", "²").replace("*", "·").replace("exp(", "e^(")
        out[key] = (latex, text, names)
    return out


def _values(trace: Trace) -> dict[str, float]:
    """Every symbol's number in this trace: inputs, old weights, targets, η, z, y, δ, Δw."""
    net = trace.network
    vals = {f"x{i}": float(v) for i, v in zip(net.input_numbers, trace.x)}
    vals.update({f"t{j}": float(v) for j, v in zip(net.output_numbers, trace.t)})
    vals["eta"] = trace.lr
    vals.update(net.weight_dict())
    vals.update(net.bias_dict())
    for r in trace.records:
        if r.kind in ("z", "y"):
            vals[r.key] = r.value
        elif r.kind == "delta":
            vals[f"delta{r.ref}"] = r.value
        elif r.kind in ("dw", "db"):
            vals["D" + r.ref] = r.value
    return vals


_SINGLE = re.compile(r"\(\((-[0-9.e+-]+)\)\)")


def _number(v: float) -> str:
    s = fmt(v)
    return f"({s})" if s.startswith("-") else s


FORMULA_MAX_PARAMETERS = 1000   # 2-30-30-1 (990): 3.9 s and 2 MB of text; 2-64-64-1: 10 s, 20 MB


def parameter_count(network: Network) -> int:
    return len(network.weight_index()) + (len(network.bias_names()) if network.biases is not None else 0)


def check_formula_size(network: Network) -> None:
    """Refuse, before any work, to write out the formulas of a network too large to read."""
    n = parameter_count(network)
    if n > FORMULA_MAX_PARAMETERS:
        raise ValueError(f"formulas: every weight's formula is written out for networks with at most "
                         f"{FORMULA_MAX_PARAMETERS} weights and biases; this {network.shape_text()} "
                         f"network has {n}: use the JSON (numbers only)")


def attach_formulas(trace: Trace) -> Trace:
    """Fill formula and substituted text of every record (cheap after the first call per shape)."""
    net = trace.network
    check_formula_size(net)
    tpl = _templates(net.layers, net.activations, net.biases is not None, net.freeze_biases)
    vals = _values(trace)
    for r in trace.records:
        if r.key not in tpl:
            continue
        latex, text, names = tpl[r.key]
        f_latex, f_text, s_latex, s_text = latex, text, latex, text
        for n in names:
            tok = f"@{n}@"
            f_latex = f_latex.replace(tok, _latex_name(n))
            f_text = f_text.replace(tok, _text_name(n))
            num = _number(vals[n])
            s_latex = s_latex.replace(tok, num)
            s_text = s_text.replace(tok, num)
        s_text = _SINGLE.sub(r"(\1)", s_text)  # tanh((-0.69)) -> tanh(-0.69)
        r.formula_latex, r.formula_text = f_latex, f_text
        r.substituted_latex, r.substituted_text = s_latex, s_text
    return trace


def exact_number(v) -> sp.Expr:
    """A float as the exact decimal it prints as (0.35 -> 7/20)."""
    return sp.nsimplify(sp.Rational(repr(float(v))))


EXACT_MAX_PARAMETERS = 16   # weights + biases; the exact expressions grow with every layer


def check_exact_size(network: Network) -> None:
    """Refuse a network too large for exact arithmetic (the work grows without a useful bound:
    a 2-50-50-1 network ran for minutes) with a one-line ValueError."""
    n = parameter_count(network)
    if len(network.layers) > 3 or n > EXACT_MAX_PARAMETERS:
        raise ValueError(f"exact: exact arithmetic is offered for networks with at most one hidden "
                         f"layer and {EXACT_MAX_PARAMETERS} weights and biases; this "
                         f"{network.shape_text()} network has {len(network.layers) - 2} hidden "
                         f"layer(s) and {n}: leave out exact arithmetic")


def exact_trace(network: Network, x, t, lr, digits: int = 30) -> Trace:
    """The trace with every value computed by sympy in exact arithmetic (strings in r.exact).

    Only for small networks (`check_exact_size`)."""
    check_exact_size(network)
    trace = network.step(x, t, lr)
    attach_formulas(trace)
    exprs = formulas(network)
    env = {}
    for name, v in _values(trace).items():
        if name.startswith(("x", "t", "w", "b")) or name == "eta":
            env[_sym(name)] = exact_number(v)
    for r in trace.records:
        if r.key == "E'":
            continue
        value = exprs[r.key].xreplace(env)
        if r.kind in ("z", "y"):
            env[_sym(r.key)] = value
        elif r.kind == "delta":
            env[_sym(f"delta{r.ref}")] = value
        elif r.kind in ("dw", "db"):
            env[_sym("D" + r.ref)] = value
        r.exact = sp.sstr(value)
        r.value = float(sp.N(value, digits))
    # E' from a forward pass of the updated weights, in exact arithmetic
    after = {}
    for li, nums in enumerate(network.numbers[1:]):
        for j in nums:
            z = sum((env[_sym(weight_name(i, j))] + env[_sym("D" + weight_name(i, j))])
                    * (env[_sym(f"x{i}")] if li == 0 else after[i])
                    for i in network.numbers[li])
            if network.biases is not None:
                z += env[_sym(bias_name(j))] + env[_sym("D" + bias_name(j))]
            after[j] = _activation(network.activations[li], z)
    e_after = sp.Rational(1, 2) * sum((env[_sym(f"t{j}")] - after[j]) ** 2
                                      for j in network.output_numbers)
    rec = trace.record("E'")
    rec.exact, rec.value = sp.sstr(e_after), float(sp.N(e_after, digits))
    trace.exact_mode = True
    return trace


def loss_expression(network: Network):
    """E as one expression in the weight and bias symbols (inputs and targets left as symbols)."""
    a = {i: _sym(f"x{i}") for i in network.input_numbers}
    for li, nums in enumerate(network.numbers[1:]):
        for j in nums:
            z = sum(_sym(weight_name(i, j)) * a[i] for i in network.numbers[li])
            if network.biases is not None:
                z += _sym(bias_name(j))
            a[j] = _activation(network.activations[li], z)
    return sp.Rational(1, 2) * sum((_sym(f"t{j}") - a[j]) ** 2 for j in network.output_numbers)


def symbol(name: str) -> sp.Symbol:
    """The sympy symbol the engine uses for a name such as 'w13', 'x1', 't5', 'b3'."""
    return _sym(name)
