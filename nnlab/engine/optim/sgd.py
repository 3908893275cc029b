"""Gradient descent with momentum: torch.optim.SGD, and the course's GD, Momentum and NAG."""
from __future__ import annotations

import numpy as np

from ...core.validate import fail, finite_number
from .base import FORMS, Optimizer, check_flag, check_lr, check_nonneg, check_unit
from .explain import GIVEN, Line, decayed_line
from .notes import MOMENTUM_LINES
from .notes import momentum as notes_momentum


def _no_momentum(opt, rec):
    return opt.momentum == 0


class SGD(Optimizer):
    r"""torch.optim.SGD (with momentum / nesterov); form="notes": η inside the velocity, NAG
    look-ahead (see nnlab.engine.optim.notes).

        input: γ (lr), θ, f, λ (weight decay), μ (momentum), τ (dampening), nesterov
        for t = 1, 2, ...:
            g ← ∇f(θ)
            if λ ≠ 0:  g ← g + λθ
            if μ ≠ 0:
                b ← g                        if t = 1
                b ← μb + (1 − τ)g            otherwise
                g ← g + μb if nesterov else b
            θ ← θ − γg
    """

    name = "sgd"
    forms = FORMS
    FIELDS = ("p", "g0", "g", "b0", "b", "d", "v0", "v", "theta")
    LINES = (
        GIVEN, decayed_line(),
        Line("b", "{g}, the first step", lambda opt, rec: "b0" not in rec),
        Line("b", "{mu}·{b0} + {g}", lambda opt, rec: "b0" in rec and opt.dampening == 0),
        Line("b", "{mu}·{b0} + (1 − {dampening})·{g}",
             lambda opt, rec: "b0" in rec and opt.dampening != 0),
        Line("d", "{g} + {mu}·{b}"),
        Line("theta", "{p} − {lr}·{g}", _no_momentum),
        Line("theta", "{p} − {lr}·{b}", lambda opt, rec: opt.momentum != 0 and not opt.nesterov),
        Line("theta", "{p} − {lr}·{d}", lambda opt, rec: opt.nesterov),
    )

    def __init__(self, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
                 form="torch"):
        self.lr = check_lr(lr)
        self.momentum = check_unit("momentum", momentum)
        self.dampening = finite_number("dampening", dampening, minimum=0.0, maximum=1.0)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.nesterov = check_flag("nesterov", nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            fail("nesterov", "momentum > 0 and dampening = 0 (as torch.optim.SGD requires)",
                 self.nesterov)
        super().__init__(form)
        if self.form == "notes" and (self.dampening != 0 or self.weight_decay != 0):
            fail("form", "'torch' when dampening or weight_decay is set (the notes have neither)",
                 form)

    def uses_notes_momentum(self) -> bool:
        return self.form == "notes" and self.momentum != 0

    def constants(self) -> dict:
        return dict(super().constants(), mu=self.momentum, gamma=self.momentum,
                    dampening=self.dampening)

    def lines(self) -> tuple:
        return MOMENTUM_LINES if self.uses_notes_momentum() else self.LINES

    def lookahead(self, params):
        ps = [np.array(p, dtype=float) for p in params]
        if self.form == "notes" and self.nesterov and self.state:
            return [p - self.momentum * st.get("v", 0.0) for p, st in zip(ps, self.state)]
        return ps

    def update(self, p, g, st, xp):
        if self.form == "notes" and self.momentum != 0:   # see uses_notes_momentum
            v0, v, theta = notes_momentum(self, p, g, st, xp)
            return p, g, g, None, None, None, v0, v, theta
        g1 = g + p * self.weight_decay if self.weight_decay != 0 else g
        mu, d, b0, buf, nest = self.momentum, g1, None, None, None
        if mu != 0:
            b0 = st.get("b")
            buf = g1 * 1.0 if b0 is None else b0 * mu + g1 * (1 - self.dampening)
            st["b"] = d = buf
            if self.nesterov:
                d = nest = g1 + buf * mu
        return p, g, g1, b0, buf, nest, None, None, p + d * (-self.lr)


class GD(SGD):
    """Plain gradient descent θ = θ − η·∇J(θ) (the same rule serves GD, SGD and mini-batch GD:
    they differ only in which examples the gradient is computed from)."""

    name = "gd"

    def __init__(self, lr=1e-2, weight_decay=0.0, form="torch"):
        super().__init__(lr=lr, weight_decay=weight_decay, form=form)


def momentum_arg(momentum, gamma, default):
    """The momentum factor given as `momentum` or as the notes' `gamma` (not both), in (0, 1)."""
    if gamma is not None and momentum is not None:
        fail("gamma", "either momentum or gamma (the same thing), not both", gamma)
    value = gamma if gamma is not None else momentum
    name = "gamma" if gamma is not None else "momentum"
    value = default if value is None else value
    value = check_unit(name, value)
    if value <= 0:
        fail(name, "a number in (0, 1)", value)
    return value


class Momentum(SGD):
    """Gradient descent with momentum (γ = `momentum`, alias `gamma`): SGD(momentum=γ)."""

    name = "momentum"

    def __init__(self, lr=1e-2, momentum=None, weight_decay=0.0, form="torch", gamma=None):
        super().__init__(lr=lr, momentum=momentum_arg(momentum, gamma, 0.9),
                         weight_decay=weight_decay, form=form)


class NAG(SGD):
    """Nesterov accelerated gradient: SGD(momentum=γ, nesterov=True); form="notes": look-ahead form."""

    name = "nag"

    def __init__(self, lr=1e-2, momentum=None, weight_decay=0.0, form="torch", gamma=None):
        super().__init__(lr=lr, momentum=momentum_arg(momentum, gamma, 0.9),
                         weight_decay=weight_decay, nesterov=True, form=form)
