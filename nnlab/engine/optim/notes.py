"""The course notes' forms of the rules (form="notes"), where they differ from torch.optim.

- Momentum: v = γ·v + η·∇J(θ),  θ = θ − v   (η inside the velocity; torch keeps b = μ·b + g and
  steps θ − η·b. With a constant η, v = η·b: the two paths are the same.)
- NAG: v = γ·v + η·∇J(θ − γ·v),  θ = θ − v   (the look-ahead form: the gradient is taken at
  `lookahead(params)` = θ − γ·v. The notes drop the γ, writing v = v + η∇J(θ − v); that is a
  slip: with γ = 1 the velocity never decays. torch's nesterov=True is the same algorithm
  rewritten so that its parameters ARE the look-ahead points θ − γ·v of the notes' form.)
- Adagrad, RMSprop: θ = θ − η/√(G + ε) · g   (ε inside the square root; torch: η·g/(√G + ε)).
- Adam: m̂ = m/(1 − β1), v̂ = v/(1 − β2)  (the notes write the bias correction without the
  power t: a slip. It is right at t = 1 only; torch uses 1 − β1**t, 1 − β2**t.)
- Adamax: u = max(β2·u, |g|), θ = θ − η·m/u  (no bias correction, no ε).
- NAdam: Nesterov momentum with a constant μ = β1 (no momentum schedule); torch multiplies β1
  by 1 − 0.5·0.96**(t·momentum_decay).

Each function finishes one update from the quantities of the rule's shared opening (the
moments the two forms compute alike) and returns the intermediates it computed, θ last.
"""
from __future__ import annotations

from .explain import GIVEN, Line


def momentum(opt, p, g, st, xp):
    """v = γ·v + η·g, θ = θ − v (g is ∇J at the look-ahead point θ − γ·v for NAG): (v0, v, θ)."""
    v0 = st.get("v")
    if v0 is None:
        v0 = xp.zeros(p)
    v = opt.momentum * v0 + opt.lr * g
    st["v"] = v
    return v0, v, p - v


MOMENTUM_LINES = (
    Line("g0", "∇J(θ)", lambda opt, rec: not opt.nesterov),
    Line("g0", "∇J(θ − γ·v), at the look-ahead point", lambda opt, rec: opt.nesterov),
    Line("v", "{gamma}·{v0} + {lr}·{g0}"),
    Line("theta", "{p} − {v}"),
)


ROOT_DEN_LINE = Line("den", "√({G} + {eps})")  # Adagrad and RMSprop: ε inside the root


def adam(opt, p, m, v, xp):
    """m̂ = m/(1 − β1), v̂ = v/(1 − β2) (no power t), θ = θ − η·m̂/(√v̂ + ε): (m̂, v̂, den, θ)."""
    b1, b2 = opt.betas
    mh, vh = m / (1 - b1), v / (1 - b2)
    den = xp.sqrt(vh) + opt.eps
    return mh, vh, den, p - xp.quotient(opt.lr * mh, den)


ADAM_LINES = (Line("mhat", "{m}/(1 − {b1})"), Line("vhat", "{v}/(1 − {b2})"),
              Line("den", "√{vhat} + {eps}"), Line("theta", "{p} − {lr}·{mhat}/{den}"))


def adamax(opt, p, g, m, u0, st, xp):
    """u = max(β2·u, |g|), θ = θ − η·m/u (m/u taken as 0 while u = 0, i.e. while m = 0): (u, θ)."""
    u = st["u"] = xp.maximum(u0 * opt.betas[1], xp.abs(g))
    return u, p - opt.lr * xp.ratio(m, u)


ADAMAX_LINES = (Line("u", "max({b2}·{u0}, |{g}|)"), Line("theta", "{p} − {lr}·{m}/{u}"))


def nadam_momentum(opt):
    """The notes' NAdam keeps μ = β1 at every step: (μ_t, μ_(t+1))."""
    return opt.betas[0], opt.betas[0]


NOTES_FORMS = ("momentum", "nag", "adagrad", "rmsprop", "adam", "adamax", "nadam")
__all__ = ["momentum", "adam", "adamax", "nadam_momentum", "MOMENTUM_LINES",
           "ROOT_DEN_LINE", "ADAM_LINES", "ADAMAX_LINES", "GIVEN", "NOTES_FORMS"]
