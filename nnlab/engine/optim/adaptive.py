"""Per-coordinate learning rates from the squared gradients: torch.optim.Adagrad and RMSprop."""
from __future__ import annotations

from ...core.validate import fail
from .base import FORMS, Optimizer, check_flag, check_lr, check_nonneg, check_unit, lerp
from .explain import GIVEN, Line, decayed_line
from .notes import ROOT_DEN_LINE


class Adagrad(Optimizer):
    r"""torch.optim.Adagrad; form="notes": θ = θ − η·g/√(G + ε).

        input: γ (lr), θ, f, λ (weight decay), η (lr decay), τ (initial accumulator), ε
        G ← τ
        for t = 1, 2, ...:
            g ← ∇f(θ)
            γ̃ ← γ / (1 + (t − 1)η)
            if λ ≠ 0:  g ← g + λθ
            G ← G + g²
            θ ← θ − γ̃ g / (√G + ε)
    """

    name = "adagrad"
    SQUARED = "G"
    forms = FORMS
    FIELDS = ("p", "g0", "g", "clr", "G0", "G", "den", "theta")
    LINES_OPEN = (GIVEN, decayed_line(),
                  Line("clr", "{lr}/(1 + ({t} − 1)·{lr_decay})",
                       lambda opt, rec: opt.lr_decay != 0),
                  Line("G", "{G0} + {g}²"))
    LINES_THETA = (Line("theta", "{p} − {clr}·{g}/{den}", lambda opt, rec: opt.lr_decay != 0),
                   Line("theta", "{p} − {lr}·{g}/{den}", lambda opt, rec: opt.lr_decay == 0))
    LINES = LINES_OPEN + (Line("den", "√{G} + {eps}"),) + LINES_THETA

    def __init__(self, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                 eps=1e-10, form="torch"):
        self.lr = check_lr(lr)
        self.lr_decay = check_nonneg("lr_decay", lr_decay)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.initial_accumulator_value = check_nonneg("initial_accumulator_value",
                                                      initial_accumulator_value)
        self.eps = check_nonneg("eps", eps)
        super().__init__(form)

    def constants(self) -> dict:
        return dict(super().constants(), lr_decay=self.lr_decay, eps=self.eps)

    def lines(self) -> tuple:
        if self.form == "notes":
            return self.LINES_OPEN + (ROOT_DEN_LINE,) + self.LINES_THETA
        return self.LINES

    def update(self, p, g, st, xp):
        g1 = g + p * self.weight_decay if self.weight_decay != 0 else g
        clr = self.lr / (1 + (self.t - 1) * self.lr_decay)
        G0 = st.get("G")
        if G0 is None:
            G0 = xp.zeros(p) + self.initial_accumulator_value
        G = st["G"] = G0 + g1 * g1
        den = xp.sqrt(G + self.eps) if self.form == "notes" else xp.sqrt(G) + self.eps
        return p, g, g1, clr, G0, G, den, p + xp.quotient(g1, den) * (-clr)


class RMSprop(Optimizer):
    r"""torch.optim.RMSprop (alpha is the notes' β); form="notes": θ = θ − η·g/√(G + ε).

        input: γ (lr), θ, f, α (alpha), ε, λ (weight decay), μ (momentum), centered
        G ← 0, b ← 0, ḡ ← 0
        for t = 1, 2, ...:
            g ← ∇f(θ)
            if λ ≠ 0:  g ← g + λθ
            G ← αG + (1 − α)g²
            if centered:  ḡ ← αḡ + (1 − α)g,  den ← √(G − ḡ²) + ε
            else:         den ← √G + ε
            if μ > 0:  b ← μb + g/den,  θ ← θ − γb
            else:      θ ← θ − γ g/den
    """

    name = "rmsprop"
    SQUARED = "G"
    forms = FORMS
    FIELDS = ("p", "g0", "g", "G0", "G", "gbar0", "gbar", "den", "b0", "b", "theta")
    LINES_OPEN = (GIVEN, decayed_line(), Line("G", "{alpha}·{G0} + (1 − {alpha})·{g}²"))
    LINES = LINES_OPEN + (
        Line("gbar", "{gbar0} + (1 − {alpha})·({g} − {gbar0})"),
        Line("den", "√({G} − {gbar}²) + {eps}", lambda opt, rec: opt.centered),
        Line("den", "√{G} + {eps}", lambda opt, rec: not opt.centered),
        Line("b", "{mu}·{b0} + {g}/{den}"),
        Line("theta", "{p} − {lr}·{b}", lambda opt, rec: opt.momentum > 0),
        Line("theta", "{p} − {lr}·{g}/{den}", lambda opt, rec: opt.momentum == 0))

    def __init__(self, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False, form="torch"):
        self.lr = check_lr(lr)
        self.alpha = check_unit("alpha", alpha)
        self.eps = check_nonneg("eps", eps)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.momentum = check_unit("momentum", momentum)
        self.centered = check_flag("centered", centered)
        super().__init__(form)
        if self.form == "notes" and (self.centered or self.momentum or self.weight_decay):
            fail("form", "'torch' when centered, momentum or weight_decay is set "
                         "(the notes' RMSprop has none of them)", form)

    def constants(self) -> dict:
        return dict(super().constants(), alpha=self.alpha, eps=self.eps, mu=self.momentum)

    def lines(self) -> tuple:
        if self.form == "notes":
            return self.LINES_OPEN + (ROOT_DEN_LINE, self.LINES[-1])
        return self.LINES

    def update(self, p, g, st, xp):
        a, eps = self.alpha, self.eps
        g1 = g + p * self.weight_decay if self.weight_decay != 0 else g
        G0 = st.get("G")
        if G0 is None:
            G0 = xp.zeros(p)
        G = st["G"] = G0 * a + (g1 * g1) * (1 - a)
        if self.form == "notes":
            den = xp.sqrt(G + eps)
            return p, g, g1, G0, G, None, None, den, None, None, p - xp.quotient(self.lr * g1, den)
        m0 = m = b0 = b = None
        if self.centered:
            m0 = st.get("m")
            if m0 is None:
                m0 = xp.zeros(p)
            m = st["m"] = lerp(m0, g1, 1 - a)
            den = xp.sqrt(G + (m * m) * (-1)) + eps
        else:
            den = xp.sqrt(G) + eps
        if self.momentum > 0:
            b0 = st.get("b")
            if b0 is None:
                b0 = xp.zeros(p)
            b = st["b"] = b0 * self.momentum + xp.quotient(g1, den)
            theta = p + b * (-self.lr)
        else:
            theta = p + xp.quotient(g1, den) * (-self.lr)
        return p, g, g1, G0, G, m0, m, den, b0, b, theta
