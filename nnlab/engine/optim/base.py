"""What every optimizer shares: argument checks, per-position state, the record of one update.

A rule is a method `update(p, g, st, xp)` of an `Optimizer` subclass. It reads the parameter p,
the gradient g and the state dict st of one position in the parameter list, stores the new
state in st, and returns its intermediates: a tuple in the order of the class's `FIELDS` (None
for what this configuration does not compute), the new parameter θ last. `record(values)` turns
it into the dict that `records`, `trace` and the explanation read (nnlab.engine.optim.explain).
(A tuple, not a dict, because building a dict of ten entries per step would make the 2-D fast
path half as fast again.) `xp` is the few functions a rule needs besides + − × ÷ and ** (sqrt,
maximum, abs, zeros, ratio): `ARRAY` (numpy, used by `step`) or `SCALAR` (Python floats, used by
the 2-D fast path `run_2d`). The rule is written once and runs on both.
"""
from __future__ import annotations

import copy
import math
from types import SimpleNamespace

import numpy as np

from ...core.validate import fail, finite_array, finite_number
from .explain import rows

FORMS = ("torch", "notes")


def _ratio_array(m, u):
    """m/u where u > 0, else 0 (u = 0 only while every gradient was 0, and then m = 0)."""
    return np.where(u > 0, m / np.where(u > 0, u, 1.0), 0.0)


def _max_float(a, b):
    return a if a >= b else b


def _quotient_array(a, d):
    """a/d, with 0/0 taken as 0: the denominator √v + ε is 0 only when ε = 0 and every gradient
    so far was 0, and then the step is 0 (torch gives nan there). a ≠ 0 over 0 stays ±inf, which
    `Optimizer.step` reports (a gradient so small that its square underflowed, with ε = 0)."""
    if not np.any(d == 0):
        return a / d
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a == 0, 0.0, a / d)


def _quotient_float(a, d):
    if d:
        return a / d
    return 0.0 if a == 0 else math.copysign(math.inf, a)


ARRAY = SimpleNamespace(sqrt=np.sqrt, maximum=np.maximum, abs=np.abs, zeros=np.zeros_like,
                        ratio=_ratio_array, quotient=_quotient_array)
SCALAR = SimpleNamespace(sqrt=math.sqrt, maximum=_max_float, abs=abs, zeros=lambda p: 0.0,
                         ratio=lambda m, u: m / u if u > 0 else 0.0, quotient=_quotient_float)

SQUARE_LIMIT = math.sqrt(np.finfo(float).max)   # ≈ 1.34e154: beyond it g² overflows to inf


def lerp(a, b, w):
    """torch.lerp's formula (a + w·(b − a) for w < 0.5, else b − (b − a)·(1 − w))."""
    if w < 0.5:
        return a + w * (b - a)
    return b - (b - a) * (1 - w)


# -- argument checks -------------------------------------------------------------------------------
def check_form(form) -> str:
    if not isinstance(form, str) or form.strip().lower() not in FORMS:
        fail("form", "one of " + ", ".join(repr(f) for f in FORMS), form)
    return form.strip().lower()


def check_lr(value) -> float:
    return finite_number("lr", value, minimum=0.0, strict_min=True)


def check_unit(name, value) -> float:
    """A number in [0, 1) (betas, momentum, alpha)."""
    v = finite_number(name, value)
    if not 0.0 <= v < 1.0:
        fail(name, "a number in [0, 1)", value)
    return v


def check_nonneg(name, value) -> float:
    return finite_number(name, value, minimum=0.0)


def check_flag(name, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        fail(name, "True or False", value)
    return bool(value)


def check_betas(value) -> tuple[float, float]:
    try:
        b1, b2 = value
    except (TypeError, ValueError):
        fail("betas", "a pair (beta1, beta2), each in [0, 1)", value)
    return check_unit("betas[0]", b1), check_unit("betas[1]", b2)


class Optimizer:
    """Base class: validation of params/grads, per-position state, the records for `explain`.

    Subclasses set `name`, `forms`, the hyperparameters in __init__, `update` (the rule) and
    `LINES` (its explanation: see nnlab.engine.optim.explain)."""

    name = "optimizer"
    forms = ("torch",)
    LINES: tuple = ()
    FIELDS: tuple = ("theta",)  # the names of the intermediates `update` returns, in order
    SCALAR_STATE: tuple = ()   # state entries that are one number for all coordinates
    SQUARED: str | None = None  # the state entry that sums g² (the one that overflows first)

    def __init__(self, form="torch"):
        form = check_form(form)
        if form not in self.forms:
            fail("form", f"{' or '.join(repr(f) for f in self.forms)} for {type(self).__name__}",
                 form)
        self.form = form
        self.reset()

    # -- state ------------------------------------------------------------------------------
    def reset(self) -> None:
        self.t = 0
        self.state: list[dict] = []
        self.records: list[dict] = []

    @property
    def hyper(self) -> dict:
        return {k: v for k, v in self.__dict__.items()
                if k not in ("t", "state", "form", "records")}

    def constants(self) -> dict:
        """The numbers an explanation line may name besides the intermediates (t and the
        hyperparameters, under the names of `explain.SYMBOLS`)."""
        return {"t": self.t, "lr": self.lr, "wd": getattr(self, "weight_decay", 0.0)}

    def lines(self) -> tuple:
        """The explanation lines of this form of the rule."""
        return self.LINES

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyper.items())
        extra = ", form='notes'" if self.form == "notes" else ""
        return f"{type(self).__name__}({args}{extra})"

    # -- checks -----------------------------------------------------------------------------
    def check(self, params, grads):
        """params and grads as lists of float arrays of matching shapes (else a ValueError)."""
        if isinstance(params, np.ndarray) or not isinstance(params, (list, tuple)):
            fail("params", "a list of numpy arrays", type(params).__name__)
        if isinstance(grads, np.ndarray) or not isinstance(grads, (list, tuple)):
            fail("grads", "a list of numpy arrays", type(grads).__name__)
        if len(params) != len(grads):
            fail("grads", f"a list of {len(params)} arrays (one per parameter)", len(grads))
        ps = [finite_array(f"params[{i}]", p) for i, p in enumerate(params)]
        gs = []
        for i, (p, g) in enumerate(zip(ps, grads)):
            g = finite_array(f"grads[{i}]", g)
            if g.shape != p.shape:
                fail(f"grads[{i}]", f"shape {p.shape} like params[{i}]", f"shape {g.shape}")
            gs.append(g)
        if self.state and (len(self.state) != len(ps) or any(
                st["shape"] != p.shape for st, p in zip(self.state, ps))):
            fail("params", "the same list of shapes as in the previous steps (or call reset())",
                 [p.shape for p in ps])
        return ps, gs

    # -- public API -------------------------------------------------------------------------
    def lookahead(self, params) -> list:
        """Where the next gradient must be evaluated (θ itself, except for the notes' NAG)."""
        return [np.array(p, dtype=float) for p in params]

    def step(self, params, grads) -> list:
        """One update of every parameter; returns the new list. `records` keeps the
        intermediates of this step, one dict per parameter (what `explain` prints).

        A step whose numbers leave the floating-point range (g² overflowing in a second moment,
        θ overflowing for a huge lr, a division by 0 with eps = 0) is refused with a ValueError
        that names the cause, and the optimizer is left as it was before the step."""
        ps, gs = self.check(params, grads)
        saved = self.t, [dict(st) for st in self.state], self.records
        if not self.state:
            self.state = [{"shape": p.shape} for p in ps]
        self.t += 1
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            outs = [self.update(p.copy(), g.copy(), st, ARRAY)
                    for p, g, st in zip(ps, gs, self.state)]
        for i, out in enumerate(outs):
            bad = next((k for k, v in zip(self.FIELDS, out)
                        if v is not None and not np.all(np.isfinite(v))), None)
            if bad is not None:
                self.t, self.state, self.records = saved
                self.refuse(i, bad, dict(zip(self.FIELDS, out)), gs[i])
        self.records = [self.record(out) for out in outs]
        return [out[-1] for out in outs]

    def refuse(self, i, field, rec, g) -> None:
        """The one-line ValueError for a step of params[i] whose `field` is not finite."""
        gmax = float(np.max(np.abs(g))) if g.size else 0.0
        den = rec.get("den", rec.get("u"))
        eps = getattr(self, "eps", None)
        if eps == 0 and den is not None and np.any(np.asarray(den) == 0):
            fail("eps", f"eps > 0 for the gradient grads[{i}] (max |g| = {gmax:.3g}: its square "
                        "underflows to 0, so the step divides by 0)", eps)
        if field == "theta":
            fail("lr", f"a learning rate for which params[{i}] stays finite (θ overflowed; "
                       f"max |g| = {gmax:.3g})", self.lr)
        fail(f"grads[{i}]", f"gradients whose {field} stays finite: max |g| below "
                            f"{SQUARE_LIMIT:.3g}, so that g² does not overflow (scale the loss "
                            "down)", gmax)

    def record(self, values) -> dict:
        """The intermediates returned by `update` by name (those computed: not None)."""
        if len(values) != len(self.FIELDS):  # pragma: no cover - a rule's own mistake
            raise AssertionError(f"{type(self).__name__}.update returned {len(values)} values "
                                 f"for {len(self.FIELDS)} FIELDS")
        return {k: v for k, v in zip(self.FIELDS, values) if v is not None}

    def trace(self, params, grads) -> list[dict]:
        """The intermediates of the next update, one dict per parameter, without changing the
        optimizer's state (a copy takes the step)."""
        twin = copy.deepcopy(self)
        twin.step(params, grads)
        return twin.records

    def explain(self, params, grads) -> list[tuple[str, str, str, str]]:
        """The next update, line by line: (quantity, formula, with numbers, value), for every
        parameter in turn. No side effect: built from `trace`."""
        twin = copy.deepcopy(self)
        twin.step(params, grads)
        return [row for rec in twin.records for row in rows(twin, rec)]  # t of that step

    def update(self, p, g, st, xp):  # pragma: no cover - every subclass overrides
        raise NotImplementedError
