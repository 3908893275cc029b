"""Adam and its two relatives in torch.optim: Adamax (infinity norm) and NAdam (Nesterov).

The three open alike (weight decay, then the first moment m), and Adam and NAdam share the
second moment v: `AdamFamily.opening` is that shared part, written once.
"""
from __future__ import annotations

from ...core.validate import fail
from .base import FORMS, Optimizer, check_betas, check_flag, check_lr, check_nonneg, lerp
from .explain import GIVEN, Line, decayed_line
from .notes import ADAM_LINES, ADAMAX_LINES
from .notes import adam as notes_adam
from .notes import adamax as notes_adamax
from .notes import nadam_momentum as notes_nadam_momentum

OPENING = (GIVEN, decayed_line(), Line("m", "{b1}·{m0} + (1 − {b1})·{g}"))
SECOND = Line("v", "{b2}·{v0} + (1 − {b2})·{g}²")


def _torch_form(opt, rec):
    return opt.form == "torch"


class AdamFamily(Optimizer):
    """What Adam, Adamax and NAdam share: betas, eps, weight decay and the opening of the rule."""

    forms = FORMS
    second = "v"   # the name of the second moment in the state (Adamax: "u")

    def __init__(self, lr, betas, eps, weight_decay, form):
        self.lr = check_lr(lr)
        self.betas = check_betas(betas)
        self.eps = check_nonneg("eps", eps)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        super().__init__(form)

    def constants(self) -> dict:
        b1, b2 = self.betas
        return dict(super().constants(), b1=b1, b2=b2, eps=self.eps)

    def opening(self, p, g, st, xp):
        """The shared opening: g ← g + λθ (weight decay), m ← β1·m + (1 − β1)·g (torch.lerp's
        arithmetic) and, for Adam and NAdam, v ← β2·v + (1 − β2)·g².
        Returns (g with decay, m0, m, the previous second moment, v or None)."""
        if self.weight_decay != 0:
            g = g + p * self.weight_decay
        b1, b2 = self.betas
        m0 = st.get("m")
        if m0 is None:
            m0 = s0 = xp.zeros(p)
        else:
            s0 = st[self.second]
        m = st["m"] = lerp(m0, g, 1 - b1)
        v = None
        if self.second == "v":
            v = st["v"] = s0 * b2 + (g * g) * (1 - b2)
        return g, m0, m, s0, v


class Adam(AdamFamily):
    r"""torch.optim.Adam; form="notes": bias correction m/(1 − β1), v/(1 − β2) without the power t.

        input: γ (lr), β1, β2, θ, f, λ (weight decay), amsgrad, ε
        m ← 0, v ← 0, v_max ← 0
        for t = 1, 2, ...:
            g ← ∇f(θ)
            if λ ≠ 0:  g ← g + λθ
            m ← β1 m + (1 − β1) g
            v ← β2 v + (1 − β2) g²
            if amsgrad:  v_max ← max(v_max, v),  v ← v_max  (in the denominator)
            θ ← θ − γ/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
    """

    name = "adam"
    SQUARED = "v"
    FIELDS = ("p", "g0", "g", "m0", "m", "v0", "v", "bc1", "bc2", "clr", "vmax0", "vmax", "mhat",
              "vhat", "den", "theta")
    LINES = OPENING + (
        SECOND,
        Line("bc1", "1 − {b1}^{t}"), Line("bc2", "1 − {b2}^{t}"),
        Line("clr", "{lr}/{bc1}"),
        Line("vmax", "max({vmax0}, {v})"),
        Line("den", "√{vmax}/√{bc2} + {eps}", lambda opt, rec: opt.amsgrad),
        Line("den", "√{v}/√{bc2} + {eps}", lambda opt, rec: not opt.amsgrad),
        Line("theta", "{p} − {clr}·{m}/{den}"))

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
                 form="torch"):
        self.amsgrad = check_flag("amsgrad", amsgrad)
        super().__init__(lr, betas, eps, weight_decay, form)
        if self.form == "notes" and (self.amsgrad or self.weight_decay):
            fail("form", "'torch' when amsgrad or weight_decay is set (not in the notes)", form)

    def lines(self) -> tuple:
        return OPENING + (SECOND,) + ADAM_LINES if self.form == "notes" else self.LINES

    def update(self, p, g, st, xp):
        g1, m0, m, v0, v = self.opening(p, g, st, xp)
        if self.form == "notes":
            mh, vh, den, theta = notes_adam(self, p, m, v, xp)
            return p, g, g1, m0, m, v0, v, None, None, None, None, None, mh, vh, den, theta
        (b1, b2), t = self.betas, self.t
        bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
        step_size = self.lr / bc1
        vv, vmax0 = v, None
        if self.amsgrad:
            vmax0 = st.get("vmax")
            if vmax0 is None:
                vmax0 = xp.zeros(p)
            vv = st["vmax"] = xp.maximum(vmax0, v)
        den = xp.sqrt(vv) / bc2 ** 0.5 + self.eps
        return (p, g, g1, m0, m, v0, v, bc1, bc2, step_size, vmax0, vv if self.amsgrad else None,
                None, None, den, p + xp.quotient(m, den) * (-step_size))


class Adamax(AdamFamily):
    r"""torch.optim.Adamax; form="notes": u = max(β2·u, |g|), θ = θ − η·m/u (no bias correction).

        input: γ (lr), β1, β2, θ, f, λ (weight decay), ε
        m ← 0, u ← 0
        for t = 1, 2, ...:
            g ← ∇f(θ)
            if λ ≠ 0:  g ← g + λθ
            m ← β1 m + (1 − β1) g
            u ← max(β2 u, |g| + ε)
            θ ← θ − γ/(1 − β1ᵗ) · m/u
    """

    name = "adamax"
    second = "u"
    FIELDS = ("p", "g0", "g", "m0", "m", "u0", "u", "clr", "theta")
    LINES = OPENING + (Line("u", "max({b2}·{u0}, |{g}| + {eps})"),
                       Line("clr", "{lr}/(1 − {b1}^{t})"), Line("theta", "{p} − {clr}·{m}/{u}"))

    def __init__(self, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, form="torch"):
        super().__init__(lr, betas, eps, weight_decay, form)
        if self.form == "notes" and self.weight_decay:
            fail("form", "'torch' when weight_decay is set (not in the notes)", form)

    def lines(self) -> tuple:
        return OPENING + ADAMAX_LINES if self.form == "notes" else self.LINES

    def update(self, p, g, st, xp):
        g1, m0, m, u0, _ = self.opening(p, g, st, xp)
        if self.form == "notes":
            u, theta = notes_adamax(self, p, g1, m, u0, st, xp)
            return p, g, g1, m0, m, u0, u, None, theta
        u = st["u"] = xp.maximum(u0 * self.betas[1], xp.abs(g1) + self.eps)
        clr = self.lr / (1 - self.betas[0] ** self.t)
        return p, g, g1, m0, m, u0, u, clr, p + xp.quotient(m, u) * (-clr)


class NAdam(AdamFamily):
    r"""torch.optim.NAdam (momentum schedule μ_t); form="notes": constant μ = β1 (no schedule).

        input: γ (lr), β1, β2, θ, f, λ (weight decay), ψ (momentum decay), ε
        m ← 0, v ← 0, Πμ ← 1
        for t = 1, 2, ...:
            g ← ∇f(θ)
            if λ ≠ 0:  g ← g + λθ
            μ_t ← β1 (1 − ½·0.96^(tψ)),  μ_(t+1) ← β1 (1 − ½·0.96^((t+1)ψ))
            Πμ ← Πμ · μ_t
            m ← β1 m + (1 − β1) g
            v ← β2 v + (1 − β2) g²
            den ← √(v/(1 − β2ᵗ)) + ε
            θ ← θ − γ(1 − μ_t)/(1 − Πμ) · g/den − γ μ_(t+1)/(1 − Πμ·μ_(t+1)) · m/den
    """

    name = "nadam"
    SQUARED = "v"
    FIELDS = ("p", "g0", "g", "m0", "m", "v0", "v", "mu_t", "mu_next", "prod0", "prod", "bc2", "den",
              "c1", "c2", "theta")
    SCALAR_STATE = ("mu_product",)
    LINES = OPENING + (
        SECOND,
        Line("mu_t", "{b1}·(1 − 0.5·0.96^({t}·{psi}))", _torch_form),
        Line("mu_next", "{b1}·(1 − 0.5·0.96^(({t} + 1)·{psi}))", _torch_form),
        Line("mu_t", "{b1}", lambda opt, rec: opt.form == "notes"),
        Line("mu_next", "{b1}", lambda opt, rec: opt.form == "notes"),
        Line("prod", "{prod0}·{mu_t}"),
        Line("bc2", "1 − {b2}^{t}"),
        Line("den", "√({v}/{bc2}) + {eps}"),
        Line("c1", "−{lr}·(1 − {mu_t})/(1 − {prod})"),
        Line("c2", "−{lr}·{mu_next}/(1 − {prod}·{mu_next})"),
        Line("theta", "{p} + {c1}·{g}/{den} + {c2}·{m}/{den}"))

    def __init__(self, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 momentum_decay=4e-3, form="torch"):
        self.momentum_decay = check_nonneg("momentum_decay", momentum_decay)
        super().__init__(lr, betas, eps, weight_decay, form)
        if self.form == "notes" and self.weight_decay:
            fail("form", "'torch' when weight_decay is set (not in the notes)", form)

    def constants(self) -> dict:
        return dict(super().constants(), psi=self.momentum_decay)

    def momentum_schedule(self) -> tuple[float, float]:
        """(μ_t, μ_(t+1)) at the current step t."""
        if self.form == "notes":
            return notes_nadam_momentum(self)
        b1, t, psi = self.betas[0], self.t, self.momentum_decay
        return (b1 * (1.0 - 0.5 * (0.96 ** (t * psi))),
                b1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi))))

    def update(self, p, g, st, xp):
        g1, m0, m, v0, v = self.opening(p, g, st, xp)
        lr = self.lr
        mu, mu_next = self.momentum_schedule()
        prod0 = st.get("mu_product", 1.0)
        prod = st["mu_product"] = prod0 * mu
        bc2 = 1 - self.betas[1] ** self.t
        den = xp.sqrt(v / bc2) + self.eps
        c1 = -lr * (1.0 - mu) / (1.0 - prod)
        c2 = (-lr * mu_next) / (1.0 - prod * mu_next)
        return (p, g, g1, m0, m, v0, v, mu, mu_next, prod0, prod, bc2, den, c1, c2,
                (p + xp.quotient(g1, den) * c1) + xp.quotient(m, den) * c2)
