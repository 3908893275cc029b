"""The line-by-line explanation of an update, read from the rule's intermediates.

A rule's explanation is a tuple of `Line(target, template, when)`. `target` is the key of the
intermediate the line computes; `template` is its formula with every quantity written as
{key}: once with the symbols of `SYMBOLS` it is the formula column, once with the numbers the
rule recorded it is the numbers column, and the value column is the recorded `target`. The
formula is therefore written once, in the template; no number is ever recomputed for display.
A line is shown when its target was recorded and `when(optimizer, record)` (if given) is true.
A template without any {key} is a given quantity (the gradient): its numbers column is "given".
"""
from __future__ import annotations

import string
from typing import Callable, NamedTuple

import numpy as np


def fmt(v) -> str:
    """A number or array as the explanations print it (6 significant digits, arrays 4)."""
    a = np.asarray(v, dtype=float)
    if a.ndim == 0:
        return f"{float(a):.6g}"
    return np.array2string(a, separator=", ", max_line_width=120,
                           formatter={"float_kind": lambda v: f"{v:.4g}"})



SYMBOLS = {
    # intermediates
    "p": "θ", "theta": "θ", "g0": "g", "g": "g", "b0": "b", "b": "b", "d": "d", "v0": "v",
    "v": "v", "G0": "G", "G": "G", "m0": "m", "m": "m", "mhat": "m̂", "vhat": "v̂", "den": "den",
    "u0": "u", "u": "u", "bc1": "(1 − β1ᵗ)", "bc2": "(1 − β2ᵗ)", "vmax0": "v_max", "vmax": "v_max",
    "clr": "η_t", "mu_t": "μ_t", "mu_next": "μ_(t+1)", "prod": "Πμ", "c1": "c1", "c2": "c2",
    "gbar0": "ḡ", "gbar": "ḡ", "prod0": "Πμ",
    # constants (hyperparameters and the step count)
    "t": "t", "lr": "η", "wd": "λ", "mu": "μ", "gamma": "γ", "dampening": "dampening",
    "lr_decay": "lr_decay", "eps": "ε", "alpha": "α", "b1": "β1", "b2": "β2", "psi": "ψ",
}


class Line(NamedTuple):
    target: str
    template: str
    when: Callable | None = None


def decayed_line() -> Line:
    """The weight-decay line every torch rule opens with."""
    return Line("g", "{g0} + {wd}·{p}", lambda opt, rec: opt.weight_decay != 0)


GIVEN = Line("g0", "∇J(θ)")


def placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def literal_text(template: str) -> str:
    """The template without its placeholders (its constant numbers, e.g. 1 in 1 − β1)."""
    return "".join(text for text, _, _, _ in string.Formatter().parse(template))


def shown(opt, rec) -> list[Line]:
    return [ln for ln in opt.lines()
            if ln.target in rec and (ln.when is None or ln.when(opt, rec))]


def rows(opt, rec: dict) -> list[tuple[str, str, str, str]]:
    """(quantity, formula, numbers, value) for each line shown, from the record `rec` of one
    parameter and the optimizer's constants."""
    sym = SYMBOLS
    values = dict(opt.constants(), **rec)
    out = []
    for ln in shown(opt, rec):
        names = placeholders(ln.template)
        formula = ln.template.format_map({k: sym[k] for k in names})
        numbers = ln.template.format_map({k: fmt(values[k]) for k in names}) if names else "given"
        out.append((sym[ln.target], formula, numbers, fmt(rec[ln.target])))
    return out
