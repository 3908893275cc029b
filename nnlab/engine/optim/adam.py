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

    def opening(self, p, g, st, xp) -> dict:
        """g ← g + λθ; m ← β1·m + (1 − β1)·g (torch.lerp's arithmetic); the previous second
        moment under "v0" (or "u0"), and for Adam and NAdam the new one v ← β2·v + (1 − β2)·g²."""
        rec = {}
        g = self.decayed(p, g, rec)
        b1, b2 = self.betas
        m0 = st.get("m")
        if m0 is None:
            m0 = xp.zeros(p)
            s0 = m0
        else:
            s0 = st[self.second]
        rec["m0"], rec[self.second + "0"] = m0, s0
        rec["m"] = st["m"] = lerp(m0, g, 1 - b1)
        if self.second == "v":
            rec["v"] = st["v"] = s0 * b2 + (g * g) * (1 - b2)
        return rec


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
        rec = self.opening(p, g, st, xp)
        if self.form == "notes":
            return notes_adam(self, rec, xp)
        (b1, b2), t = self.betas, self.t
        bc1, bc2 = rec["bc1"], rec["bc2"] = 1 - b1 ** t, 1 - b2 ** t
        step_size = rec["clr"] = self.lr / bc1
        vv = rec["v"]
        if self.amsgrad:
            vmax0 = st.get("vmax")
            if vmax0 is None:
                vmax0 = xp.zeros(p)
            rec["vmax0"] = vmax0
            vv = st["vmax"] = rec["vmax"] = xp.maximum(vmax0, vv)
        den = rec["den"] = xp.sqrt(vv) / bc2 ** 0.5 + self.eps
        rec["theta"] = p + (rec["m"] / den) * (-step_size)
        return rec


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
    LINES = OPENING + (Line("u", "max({b2}·{u0}, |{g}| + {eps})"),
                       Line("clr", "{lr}/(1 − {b1}^{t})"), Line("theta", "{p} − {clr}·{m}/{u}"))

    def __init__(self, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, form="torch"):
        super().__init__(lr, betas, eps, weight_decay, form)
        if self.form == "notes" and self.weight_decay:
            fail("form", "'torch' when weight_decay is set (not in the notes)", form)

    def lines(self) -> tuple:
        return OPENING + ADAMAX_LINES if self.form == "notes" else self.LINES

    def update(self, p, g, st, xp):
        rec = self.opening(p, g, st, xp)
        if self.form == "notes":
            return notes_adamax(self, rec, st, xp)
        (b1, b2), t = self.betas, self.t
        u = st["u"] = rec["u"] = xp.maximum(rec["u0"] * b2, xp.abs(rec["g"]) + self.eps)
        clr = rec["clr"] = self.lr / (1 - b1 ** t)
        rec["theta"] = p + (rec["m"] / u) * (-clr)
        return rec


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
        rec = self.opening(p, g, st, xp)
        lr = self.lr
        mu, mu_next = rec["mu_t"], rec["mu_next"] = self.momentum_schedule()
        rec["prod0"] = st.get("mu_product", 1.0)
        prod = st["mu_product"] = rec["prod"] = rec["prod0"] * mu
        bc2 = rec["bc2"] = 1 - self.betas[1] ** self.t
        den = rec["den"] = xp.sqrt(rec["v"] / bc2) + self.eps
        c1 = rec["c1"] = -lr * (1.0 - mu) / (1.0 - prod)
        c2 = rec["c2"] = (-lr * mu_next) / (1.0 - prod * mu_next)
        rec["theta"] = (p + (rec["g"] / den) * c1) + (rec["m"] / den) * c2
        return rec
