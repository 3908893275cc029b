"""The optimizers of the course, as update rules on lists of numpy arrays.

Every optimizer has `step(params, grads)`: `params` and `grads` are lists of numpy arrays of
matching shapes; it returns a NEW list of arrays and keeps its state (velocities, moments,
the step count) inside, keyed by position in the list. `reset()` forgets the state.

By default (`form="torch"`) each class follows the algorithm documented by torch.optim, with
the same names, hyperparameters and defaults (`SGD`, `Adagrad`, `RMSprop`, `Adam`, `Adamax`,
`NAdam`), and the arithmetic is done in the same order, so the numbers agree with PyTorch to
float64 rounding. `form="notes"` gives the form the course notes write:

- Momentum: v = γ·v + η·∇J(θ),  θ = θ − v   (η inside the velocity; torch keeps b = μ·b + g and
  steps θ − η·b. With a constant η, v = η·b: the two paths are the same.)
- NAG: v = γ·v + η·∇J(θ − γ·v),  θ = θ − v   (the look-ahead form: the gradient is taken at
  `lookahead(params)` = θ − γ·v. The notes drop the γ, writing v = v + η∇J(θ − v); that is a
  slip: with γ = 1 the velocity never decays. torch's nesterov=True is the same algorithm
  rewritten so that its parameters ARE the look-ahead points θ − γ·v of the notes' form.)
- Adagrad, RMSprop: θ = θ − η/√(G + ε) · g   (ε inside the square root; torch: η·g/(√G + ε)).
- Adam: m̂ = m/(1 − β1), v̂ = v/(1 − β2)  (the notes write the bias correction without the
  power t: a slip. It is right at t = 1 only; torch uses 1 − β1**t, 1 − β2**t.)
- Adamax: m = β1·m + (1 − β1)·g, u = max(β2·u, |g|), θ = θ − η·m/u  (no bias correction, no ε).
- NAdam: Nesterov momentum with a constant μ = β1 (no momentum schedule); torch multiplies β1
  by 1 − 0.5·0.96**(t·momentum_decay).

`run(optimizer, grad_fn, x0, steps)` follows one optimizer from x0 on a function whose
gradient is `grad_fn(x)` and returns the path; it evaluates the gradient where the optimizer
asks (`lookahead`), which matters only for the notes' NAG.

`explain(params, grads)` returns the next update written out line by line — (quantity,
formula, formula with numbers, value) — without changing the optimizer's state.
"""
from __future__ import annotations

import copy
import math

import numpy as np

from ..core.validate import fail, finite_array, finite_number

FORMS = ("torch", "notes")


def _fmt(v) -> str:
    a = np.asarray(v, dtype=float)
    if a.ndim == 0:
        return f"{float(a):.6g}"
    return np.array2string(a, separator=", ", max_line_width=120,
                           formatter={"float_kind": lambda v: f"{v:.4g}"})


def _sqrt(a):
    return math.sqrt(a) if type(a) is float else np.sqrt(a)


def _maximum(a, b):
    return (a if a >= b else b) if type(a) is float else np.maximum(a, b)


def _abs(a):
    return abs(a) if type(a) is float else np.abs(a)


def _zeros(p):
    """Zeros shaped like p: an array for arrays, 0.0 for the scalar fast path of `run`."""
    return 0.0 if type(p) is float else np.zeros_like(p)


def _form(form) -> str:
    if not isinstance(form, str) or form.strip().lower() not in FORMS:
        fail("form", "one of " + ", ".join(repr(f) for f in FORMS), form)
    return form.strip().lower()


def _lr(value) -> float:
    return finite_number("lr", value, minimum=0.0, strict_min=True)


def _unit(name, value) -> float:
    """A number in [0, 1) (betas, momentum, alpha)."""
    v = finite_number(name, value)
    if not 0.0 <= v < 1.0:
        fail(name, "a number in [0, 1)", value)
    return v


def _nonneg(name, value) -> float:
    return finite_number(name, value, minimum=0.0)


def _betas(value) -> tuple[float, float]:
    try:
        b1, b2 = value
    except (TypeError, ValueError):
        fail("betas", "a pair (beta1, beta2), each in [0, 1)", value)
    return _unit("betas[0]", b1), _unit("betas[1]", b2)


class Optimizer:
    """Base class: validation of params/grads, per-position state, tracing for `explain`."""

    name = "optimizer"
    forms = ("torch",)

    def __init__(self, form="torch"):
        form = _form(form)
        if form not in self.forms:
            fail("form", f"{' or '.join(repr(f) for f in self.forms)} for {type(self).__name__}",
                 form)
        self.form = form
        self.reset()

    # -- state ------------------------------------------------------------------------------
    def reset(self) -> None:
        self.t = 0
        self.state: list[dict] = []
        self._rec = None

    @property
    def hyper(self) -> dict:
        return {k: v for k, v in self.__dict__.items()
                if not k.startswith("_") and k not in ("t", "state", "form")}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyper.items())
        extra = ", form='notes'" if self.form == "notes" else ""
        return f"{type(self).__name__}({args}{extra})"

    # -- checks -----------------------------------------------------------------------------
    def _check(self, params, grads):
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
        ps, gs = self._check(params, grads)
        if not self.state:
            self.state = [{"shape": p.shape} for p in ps]
        self.t += 1
        out = []
        for i, (p, g) in enumerate(zip(ps, gs)):
            out.append(self._update(p.copy(), g.copy(), self.state[i]))
        return out

    def explain(self, params, grads) -> list[tuple[str, str, str, str]]:
        """The next update, line by line: (quantity, formula, with numbers, value). No side effect."""
        twin = copy.deepcopy(self)
        rows: list = []
        twin._rec = rows
        twin.step(params, grads)
        return rows

    def _rows(self, rows) -> None:
        """Record the lines of an update while explaining: (quantity, formula, numbers, value).
        The rules compute first and build these strings only when `explain` asks."""
        self._rec.extend((a, b, c, _fmt(d)) for a, b, c, d in rows)

    def _update(self, p, g, st):  # pragma: no cover - every subclass overrides
        raise NotImplementedError


# ---------------------------------------------------------------------------------------------
class SGD(Optimizer):
    """torch.optim.SGD (with momentum / nesterov); form="notes": η inside the velocity, NAG look-ahead."""

    name = "sgd"
    forms = FORMS

    def __init__(self, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
                 form="torch"):
        self.lr = _lr(lr)
        self.momentum = _unit("momentum", momentum)
        self.dampening = finite_number("dampening", dampening, minimum=0.0, maximum=1.0)
        self.weight_decay = _nonneg("weight_decay", weight_decay)
        if not isinstance(nesterov, (bool, np.bool_)):
            fail("nesterov", "True or False", nesterov)
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            fail("nesterov", "momentum > 0 and dampening = 0 (as torch.optim.SGD requires)",
                 self.nesterov)
        super().__init__(form)
        if self.form == "notes" and (self.dampening != 0 or self.weight_decay != 0):
            fail("form", "'torch' when dampening or weight_decay is set (the notes have neither)",
                 form)

    def lookahead(self, params):
        ps = [np.array(p, dtype=float) for p in params]
        if self.form == "notes" and self.nesterov and self.state:
            return [p - self.momentum * st.get("v", 0.0) for p, st in zip(ps, self.state)]
        return ps

    def _update(self, p, g, st):
        lr, mu = self.lr, self.momentum
        if self.form == "notes" and mu != 0:
            v = st.get("v")
            if v is None:
                v = _zeros(p)
            v_new = mu * v + lr * g
            st["v"] = v_new
            out = p - v_new
            if self._rec is not None:
                gname = "∇J(θ − γv)" if self.nesterov else "∇J(θ)"
                self._rows([
                    ("g", gname, "given" + (" (at the look-ahead point)" if self.nesterov else ""), g),
                    ("v", f"γ·v + η·{gname}", f"{mu:g}·{_fmt(v)} + {lr:g}·{_fmt(g)}", v_new),
                    ("θ", "θ − v", f"{_fmt(p)} − {_fmt(v_new)}", out)])
            return out
        g0 = g
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        d, b0, buf = g, None, None
        if mu != 0:
            b0 = st.get("b")
            buf = g * 1.0 if b0 is None else b0 * mu + g * (1 - self.dampening)
            st["b"] = buf
            d = g + buf * mu if self.nesterov else buf
        out = p + d * (-lr)
        if self._rec is not None:
            rows = [("g", "∇J(θ)", "given", g0)]
            if self.weight_decay != 0:
                rows.append(("g", "g + λ·θ", f"{_fmt(g0)} + {self.weight_decay:g}·{_fmt(p)}", g))
            if mu != 0:
                if b0 is None:
                    rows.append(("b", "g (first step)", _fmt(g), buf))
                else:
                    rows.append(("b", "μ·b + (1 − dampening)·g",
                                 f"{mu:g}·{_fmt(b0)} + {1 - self.dampening:g}·{_fmt(g)}", buf))
                if self.nesterov:
                    rows.append(("d", "g + μ·b", f"{_fmt(g)} + {mu:g}·{_fmt(buf)}", d))
            name = "d" if self.nesterov else ("b" if mu != 0 else "g")
            rows.append(("θ", f"θ − η·{name}", f"{_fmt(p)} − {lr:g}·{_fmt(d)}", out))
            self._rows(rows)
        return out


class GD(SGD):
    """Plain gradient descent θ = θ − η·∇J(θ) (the same rule serves GD, SGD and mini-batch GD:
    they differ only in which examples the gradient is computed from)."""

    name = "gd"

    def __init__(self, lr=1e-2, weight_decay=0.0, form="torch"):
        super().__init__(lr=lr, weight_decay=weight_decay, form=form)


def _momentum_arg(momentum, gamma, default):
    if gamma is not None and momentum is not None:
        fail("gamma", "either momentum or gamma (the same thing), not both", gamma)
    value = gamma if gamma is not None else momentum
    name = "gamma" if gamma is not None else "momentum"
    value = default if value is None else value
    value = _unit(name, value)
    if value <= 0:
        fail(name, "a number in (0, 1)", value)
    return value


class Momentum(SGD):
    """Gradient descent with momentum (γ = `momentum`, alias `gamma`): SGD(momentum=γ)."""

    name = "momentum"

    def __init__(self, lr=1e-2, momentum=None, weight_decay=0.0, form="torch", gamma=None):
        super().__init__(lr=lr, momentum=_momentum_arg(momentum, gamma, 0.9),
                         weight_decay=weight_decay, form=form)


class NAG(SGD):
    """Nesterov accelerated gradient: SGD(momentum=γ, nesterov=True); form="notes": look-ahead form."""

    name = "nag"

    def __init__(self, lr=1e-2, momentum=None, weight_decay=0.0, form="torch", gamma=None):
        super().__init__(lr=lr, momentum=_momentum_arg(momentum, gamma, 0.9),
                         weight_decay=weight_decay, nesterov=True, form=form)


# ---------------------------------------------------------------------------------------------
class Adagrad(Optimizer):
    """torch.optim.Adagrad; form="notes": θ = θ − η/√(G + ε)·g."""

    name = "adagrad"
    forms = FORMS

    def __init__(self, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                 eps=1e-10, form="torch"):
        self.lr = _lr(lr)
        self.lr_decay = _nonneg("lr_decay", lr_decay)
        self.weight_decay = _nonneg("weight_decay", weight_decay)
        self.initial_accumulator_value = _nonneg("initial_accumulator_value",
                                                 initial_accumulator_value)
        self.eps = _nonneg("eps", eps)
        super().__init__(form)

    def _update(self, p, g, st):
        t, eps = self.t, self.eps
        g0 = g
        if self.weight_decay != 0:
            g = g + p * self.weight_decay
        clr = self.lr / (1 + (t - 1) * self.lr_decay)
        G0 = st.get("G")
        if G0 is None:
            G0 = _zeros(p) + self.initial_accumulator_value
        G = G0 + g * g
        st["G"] = G
        den = _sqrt(G + eps) if self.form == "notes" else _sqrt(G) + eps
        out = p + (g / den) * (-clr)
        if self._rec is not None:
            rows = [("g", "∇J(θ)", "given", g0)]
            if self.weight_decay != 0:
                rows.append(("g", "g + λ·θ", f"{_fmt(g0)} + {self.weight_decay:g}·{_fmt(p)}", g))
            if self.lr_decay:
                rows.append(("η_t", "η/(1 + (t − 1)·lr_decay)",
                             f"{self.lr:g}/(1 + {t - 1}·{self.lr_decay:g})", clr))
            rows.append(("G", "G + g²", f"{_fmt(G0)} + {_fmt(g)}²", G))
            if self.form == "notes":
                rows.append(("√(G+ε)", "√(G + ε)", f"√({_fmt(G)} + {eps:g})", den))
            else:
                rows.append(("√G+ε", "√G + ε", f"√{_fmt(G)} + {eps:g}", den))
            rows.append(("θ", "θ − η·g/den", f"{_fmt(p)} − {clr:g}·{_fmt(g)}/{_fmt(den)}", out))
            self._rows(rows)
        return out


class RMSprop(Optimizer):
    """torch.optim.RMSprop (alpha is the notes' β); form="notes": θ = θ − η/√(G + ε)·g."""

    name = "rmsprop"
    forms = FORMS

    def __init__(self, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False, form="torch"):
        self.lr = _lr(lr)
        self.alpha = _unit("alpha", alpha)
        self.eps = _nonneg("eps", eps)
        self.weight_decay = _nonneg("weight_decay", weight_decay)
        self.momentum = _unit("momentum", momentum)
        if not isinstance(centered, (bool, np.bool_)):
            fail("centered", "True or False", centered)
        self.centered = bool(centered)
        super().__init__(form)
        if self.form == "notes" and (self.centered or self.momentum or self.weight_decay):
            fail("form", "'torch' when centered, momentum or weight_decay is set "
                         "(the notes' RMSprop has none of them)", form)

    def _update(self, p, g, st):
        a, lr, eps = self.alpha, self.lr, self.eps
        g0 = g
        if self.weight_decay != 0:
            g = g + p * self.weight_decay
        G0 = st.get("G")
        if G0 is None:
            G0 = _zeros(p)
        G = G0 * a + (g * g) * (1 - a)
        st["G"] = G
        m0 = m = b0 = b = None
        if self.form == "notes":
            den = _sqrt(G + eps)
            out = p - lr * g / den
        else:
            if self.centered:
                m0 = st.get("m")
                if m0 is None:
                    m0 = _zeros(p)
                m = _lerp(m0, g, 1 - a)
                st["m"] = m
                den = _sqrt(G + (m * m) * (-1)) + eps
            else:
                den = _sqrt(G) + eps
            if self.momentum > 0:
                b0 = st.get("b")
                if b0 is None:
                    b0 = _zeros(p)
                b = b0 * self.momentum + g / den
                st["b"] = b
                out = p + b * (-lr)
            else:
                out = p + (g / den) * (-lr)
        if self._rec is not None:
            rows = [("g", "∇J(θ)", "given", g0)]
            if self.weight_decay != 0:
                rows.append(("g", "g + λ·θ", f"{_fmt(g0)} + {self.weight_decay:g}·{_fmt(p)}", g))
            rows.append(("G", "α·G + (1 − α)·g²", f"{a:g}·{_fmt(G0)} + {1 - a:g}·{_fmt(g)}²", G))
            if self.form == "notes":
                rows += [("√(G+ε)", "√(G + ε)", f"√({_fmt(G)} + {eps:g})", den),
                         ("θ", "θ − η·g/√(G + ε)", f"{_fmt(p)} − {lr:g}·{_fmt(g)}/{_fmt(den)}", out)]
            else:
                if self.centered:
                    rows += [("ḡ", "ḡ + (1 − α)·(g − ḡ)",
                              f"{_fmt(m0)} + {1 - a:g}·({_fmt(g)} − {_fmt(m0)})", m),
                             ("den", "√(G − ḡ²) + ε", f"√({_fmt(G)} − {_fmt(m)}²) + {eps:g}", den)]
                else:
                    rows.append(("den", "√G + ε", f"√{_fmt(G)} + {eps:g}", den))
                if self.momentum > 0:
                    rows += [("b", "μ·b + g/den",
                              f"{self.momentum:g}·{_fmt(b0)} + {_fmt(g)}/{_fmt(den)}", b),
                             ("θ", "θ − η·b", f"{_fmt(p)} − {lr:g}·{_fmt(b)}", out)]
                else:
                    rows.append(("θ", "θ − η·g/den", f"{_fmt(p)} − {lr:g}·{_fmt(g)}/{_fmt(den)}",
                                 out))
            self._rows(rows)
        return out


def _lerp(a, b, w):
    """torch.lerp's formula (a + w·(b − a) for w < 0.5, else b − (b − a)·(1 − w))."""
    if w < 0.5:
        return a + w * (b - a)
    return b - (b - a) * (1 - w)


class Adam(Optimizer):
    """torch.optim.Adam; form="notes": bias correction m/(1 − β1), v/(1 − β2) without the power t."""

    name = "adam"
    forms = FORMS

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
                 form="torch"):
        self.lr = _lr(lr)
        self.betas = _betas(betas)
        self.eps = _nonneg("eps", eps)
        self.weight_decay = _nonneg("weight_decay", weight_decay)
        if not isinstance(amsgrad, (bool, np.bool_)):
            fail("amsgrad", "True or False", amsgrad)
        self.amsgrad = bool(amsgrad)
        super().__init__(form)
        if self.form == "notes" and (self.amsgrad or self.weight_decay):
            fail("form", "'torch' when amsgrad or weight_decay is set (not in the notes)", form)

    def _update(self, p, g, st):
        (b1, b2), t, lr, eps = self.betas, self.t, self.lr, self.eps
        g0 = g
        if self.weight_decay != 0:
            g = g + p * self.weight_decay
        m0, v0 = st.get("m"), st.get("v")
        if m0 is None:
            m0 = v0 = _zeros(p)
        m = _lerp(m0, g, 1 - b1)
        v = v0 * b2 + (g * g) * (1 - b2)
        st["m"], st["v"] = m, v
        vmax0 = vv = None
        if self.form == "notes":
            mh, vh = m / (1 - b1), v / (1 - b2)
            den = _sqrt(vh) + eps
            out = p - lr * mh / den
        else:
            bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
            step_size = lr / bc1
            vv = v
            if self.amsgrad:
                vmax0 = st.get("vmax")
                if vmax0 is None:
                    vmax0 = _zeros(p)
                vv = _maximum(vmax0, v)
                st["vmax"] = vv
            den = _sqrt(vv) / bc2 ** 0.5 + eps
            out = p + (m / den) * (-step_size)
        if self._rec is not None:
            rows = [("g", "∇J(θ)", "given", g0)]
            if self.weight_decay != 0:
                rows.append(("g", "g + λ·θ", f"{_fmt(g0)} + {self.weight_decay:g}·{_fmt(p)}", g))
            rows += [("m", "β1·m + (1 − β1)·g", f"{b1:g}·{_fmt(m0)} + {1 - b1:g}·{_fmt(g)}", m),
                     ("v", "β2·v + (1 − β2)·g²", f"{b2:g}·{_fmt(v0)} + {1 - b2:g}·{_fmt(g)}²", v)]
            if self.form == "notes":
                rows += [("m̂", "m/(1 − β1)", f"{_fmt(m)}/{1 - b1:g}", mh),
                         ("v̂", "v/(1 − β2)", f"{_fmt(v)}/{1 - b2:g}", vh),
                         ("den", "√v̂ + ε", f"√{_fmt(vh)} + {eps:g}", den),
                         ("θ", "θ − η·m̂/den", f"{_fmt(p)} − {lr:g}·{_fmt(mh)}/{_fmt(den)}", out)]
            else:
                rows += [("1−β1ᵗ", "1 − β1^t", f"1 − {b1:g}^{t}", bc1),
                         ("1−β2ᵗ", "1 − β2^t", f"1 − {b2:g}^{t}", bc2)]
                if self.amsgrad:
                    rows.append(("v_max", "max(v_max, v)", f"max({_fmt(vmax0)}, {_fmt(v)})", vv))
                rows += [("den", "√v/√(1 − β2^t) + ε", f"√{_fmt(vv)}/{bc2 ** 0.5:.6g} + {eps:g}", den),
                         ("θ", "θ − η/(1 − β1^t)·m/den",
                          f"{_fmt(p)} − {step_size:.6g}·{_fmt(m)}/{_fmt(den)}", out)]
            self._rows(rows)
        return out


class Adamax(Optimizer):
    """torch.optim.Adamax; form="notes": u = max(β2·u, |g|), θ = θ − η·m/u (no bias correction)."""

    name = "adamax"
    forms = FORMS

    def __init__(self, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, form="torch"):
        self.lr = _lr(lr)
        self.betas = _betas(betas)
        self.eps = _nonneg("eps", eps)
        self.weight_decay = _nonneg("weight_decay", weight_decay)
        super().__init__(form)
        if self.form == "notes" and self.weight_decay:
            fail("form", "'torch' when weight_decay is set (not in the notes)", form)

    def _update(self, p, g, st):
        (b1, b2), t, lr, eps = self.betas, self.t, self.lr, self.eps
        g0 = g
        if self.weight_decay != 0:
            g = g + p * self.weight_decay
        m0, u0 = st.get("m"), st.get("u")
        if m0 is None:
            m0 = u0 = _zeros(p)
        m = _lerp(m0, g, 1 - b1)
        if self.form == "notes":
            u = _maximum(u0 * b2, _abs(g))
            if type(u) is float:
                ratio = m / u if u > 0 else 0.0  # u = 0 only while every gradient was 0 (m = 0)
            else:
                ratio = np.where(u > 0, m / np.where(u > 0, u, 1.0), 0.0)
            out = p - lr * ratio
        else:
            u = _maximum(u0 * b2, _abs(g) + eps)
            clr = lr / (1 - b1 ** t)
            out = p + (m / u) * (-clr)
        st["m"], st["u"] = m, u
        if self._rec is not None:
            rows = [("g", "∇J(θ)", "given", g0)]
            if self.weight_decay != 0:
                rows.append(("g", "g + λ·θ", f"{_fmt(g0)} + {self.weight_decay:g}·{_fmt(p)}", g))
            rows.append(("m", "β1·m + (1 − β1)·g", f"{b1:g}·{_fmt(m0)} + {1 - b1:g}·{_fmt(g)}", m))
            if self.form == "notes":
                rows += [("u", "max(β2·u, |g|)", f"max({b2:g}·{_fmt(u0)}, |{_fmt(g)}|)", u),
                         ("θ", "θ − η·m/u", f"{_fmt(p)} − {lr:g}·{_fmt(m)}/{_fmt(u)}", out)]
            else:
                rows += [("u", "max(β2·u, |g| + ε)",
                          f"max({b2:g}·{_fmt(u0)}, |{_fmt(g)}| + {eps:g})", u),
                         ("η_t", "η/(1 − β1^t)", f"{lr:g}/(1 − {b1:g}^{t})", clr),
                         ("θ", "θ − η_t·m/u", f"{_fmt(p)} − {clr:.6g}·{_fmt(m)}/{_fmt(u)}", out)]
            self._rows(rows)
        return out


class NAdam(Optimizer):
    """torch.optim.NAdam (momentum schedule μ_t); form="notes": constant μ = β1 (no schedule)."""

    name = "nadam"
    forms = FORMS

    def __init__(self, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 momentum_decay=4e-3, form="torch"):
        self.lr = _lr(lr)
        self.betas = _betas(betas)
        self.eps = _nonneg("eps", eps)
        self.weight_decay = _nonneg("weight_decay", weight_decay)
        self.momentum_decay = _nonneg("momentum_decay", momentum_decay)
        super().__init__(form)
        if self.form == "notes" and self.weight_decay:
            fail("form", "'torch' when weight_decay is set (not in the notes)", form)

    def _update(self, p, g, st):
        (b1, b2), t, lr, eps = self.betas, self.t, self.lr, self.eps
        g0 = g
        if self.weight_decay != 0:
            g = g + p * self.weight_decay
        bc2 = 1 - b2 ** t
        psi = self.momentum_decay
        if self.form == "notes":
            mu = mu_next = b1
        else:
            mu = b1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
            mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
        prod = st.get("mu_product", 1.0) * mu
        st["mu_product"] = prod
        m0, v0 = st.get("m"), st.get("v")
        if m0 is None:
            m0 = v0 = _zeros(p)
        m = _lerp(m0, g, 1 - b1)
        v = v0 * b2 + (g * g) * (1 - b2)
        st["m"], st["v"] = m, v
        den = _sqrt(v / bc2) + eps
        c1 = -lr * (1.0 - mu) / (1.0 - prod)
        c2 = (-lr * mu_next) / (1.0 - prod * mu_next)
        out = (p + (g / den) * c1) + (m / den) * c2
        if self._rec is not None:
            rows = [("g", "∇J(θ)", "given", g0)]
            if self.weight_decay != 0:
                rows.append(("g", "g + λ·θ", f"{_fmt(g0)} + {self.weight_decay:g}·{_fmt(p)}", g))
            if self.form != "notes":
                rows.append(("μ_t", "β1·(1 − 0.5·0.96^(t·ψ))",
                             f"{b1:g}·(1 − 0.5·0.96^({t}·{psi:g}))", mu))
            rows += [("m", "β1·m + (1 − β1)·g", f"{b1:g}·{_fmt(m0)} + {1 - b1:g}·{_fmt(g)}", m),
                     ("v", "β2·v + (1 − β2)·g²", f"{b2:g}·{_fmt(v0)} + {1 - b2:g}·{_fmt(g)}²", v),
                     ("den", "√(v/(1 − β2^t)) + ε", f"√({_fmt(v)}/{bc2:.6g}) + {eps:g}", den),
                     ("θ", "θ − η(1 − μ_t)/(1 − Πμ)·g/den − η·μ_{t+1}/(1 − Πμ·μ_{t+1})·m/den",
                      f"{_fmt(p)} + ({c1:.6g})·{_fmt(g)}/{_fmt(den)} + ({c2:.6g})·{_fmt(m)}/{_fmt(den)}",
                      out)]
            self._rows(rows)
        return out


# ---------------------------------------------------------------------------------------------
OPTIMIZERS = {"gd": GD, "sgd": SGD, "momentum": Momentum, "nag": NAG, "adagrad": Adagrad,
              "rmsprop": RMSprop, "adam": Adam, "adamax": Adamax, "nadam": NAdam}


def make_optimizer(name, **hyper) -> Optimizer:
    """Build an optimizer by name (case-insensitive): gd, sgd, momentum, nag, adagrad, rmsprop,
    adam, adamax, nadam. Hyperparameters are those of the class (torch names)."""
    if not isinstance(name, str) or name.strip().lower() not in OPTIMIZERS:
        fail("name", "one of " + ", ".join(OPTIMIZERS), name)
    cls = OPTIMIZERS[name.strip().lower()]
    try:
        return cls(**hyper)
    except TypeError as exc:
        import inspect

        allowed = [k for k in inspect.signature(cls).parameters]
        bad = sorted(set(hyper) - set(allowed))
        fail("hyper", f"hyperparameters of {cls.__name__} among {', '.join(allowed)}",
             ", ".join(bad) if bad else str(exc))


def run(optimizer: Optimizer, grad_fn, x0, steps: int) -> np.ndarray:
    """Follow `optimizer` from x0 for `steps` steps; returns the path, shape (steps + 1, dim).

    `grad_fn(x)` returns ∇J at x (a 1-D array like x). The optimizer is reset first.
    """
    from ..core.validate import positive_int

    steps = positive_int("steps", steps, minimum=0)
    x = finite_array("x0", x0, ndim=1)
    optimizer.reset()
    path = np.empty((steps + 1, x.size))
    path[0] = x
    optimizer._check([x], [x])
    optimizer.state = [{"shape": x.shape}]
    plain = not (isinstance(optimizer, SGD) and optimizer.form == "notes" and optimizer.nesterov)
    scalar = getattr(grad_fn, "scalar", None)
    with np.errstate(over="ignore", invalid="ignore"):
        if scalar is not None and plain and x.size == 2:
            _run_scalar(optimizer, scalar, path, steps)
        else:
            st, upd = optimizer.state[0], optimizer._update
            for k in range(steps):
                at = x if plain else optimizer.lookahead([x])[0]
                g = np.asarray(grad_fn(at), dtype=float)
                if g.shape != x.shape:
                    fail("grad_fn", f"a gradient of shape {x.shape}", f"shape {g.shape}")
                optimizer.t += 1
                x = upd(x, g, st)  # the same rule as step(), without re-validating every step
                path[k + 1] = x
    bad = ~np.all(np.isfinite(path), axis=1)
    if bad.any():
        path[int(np.argmax(bad)):] = np.nan  # diverged: the rest of the path is undefined
    return path


def _run_scalar(optimizer, scalar_grad, path, steps):
    """The 2-D fast path of `run`: the rules are elementwise, so each coordinate is updated with
    Python floats (the same IEEE operations as numpy's, about ten times faster on 2 numbers)."""
    a, b = float(path[0, 0]), float(path[0, 1])
    sa, sb = {}, {}
    upd = optimizer._update
    for k in range(steps):
        ga, gb = scalar_grad(a, b)
        optimizer.t += 1
        a = upd(a, float(ga), sa)
        b = upd(b, float(gb), sb)
        path[k + 1, 0] = a
        path[k + 1, 1] = b
        if not (math.isfinite(a) and math.isfinite(b)):
            path[k + 1:] = np.nan
            break
    for key in set(sa) | set(sb):  # leave the state as step() would: arrays of shape (2,)
        if key in sa and key in sb:
            optimizer.state[0][key] = np.array([sa[key], sb[key]], dtype=float)


def stable_lr_limit(max_eigenvalue) -> float:
    """Plain GD on a quadratic with Hessian eigenvalues ≤ λ_max converges iff 0 < η < 2/λ_max."""
    lam = finite_number("max_eigenvalue", max_eigenvalue, minimum=0.0, strict_min=True)
    return 2.0 / lam


__all__ = ["SGD", "GD", "Momentum", "NAG", "Adagrad", "RMSprop", "Adam", "Adamax", "NAdam",
           "OPTIMIZERS", "make_optimizer", "run", "stable_lr_limit", "Optimizer", "FORMS"]


# ---- exercises ------------------------------------------------------------------------------
def _exercises():
    from ..course.exercises import Exercise, ExerciseSet

    def gd_step():
        return float(GD(lr=0.1).step([np.array(2.0)], [np.array(2 * 2.0)])[0])

    def momentum_two():
        opt, th = Momentum(lr=0.1, momentum=0.9, form="notes"), [np.array(0.0)]
        for _ in range(2):
            th = opt.step(th, [np.array(1.0)])
        return float(th[0])

    def adam_first(form="torch"):
        return float(Adam(lr=1e-3, form=form).step([np.array(1.0)], [np.array(5.0)])[0])

    def adam_mhat(t=2):
        b1, m = 0.9, 0.0
        for _ in range(t):
            m = b1 * m + (1 - b1) * 1.0
        return m / (1 - b1 ** t), m / (1 - b1)

    return ExerciseSet("Optimizers", [
        Exercise(
            question="J(θ) = θ², θ = 2, learning rate η = 0.1. What is θ after one step of "
                     "gradient descent?",
            answer=gd_step,
            solution=lambda: f"∇J = 2θ = 4;  θ − η∇J = 2 − 0.1·4 = {gd_step():g}",
            mistakes=lambda: [(2.4, "you added the gradient: descent goes against it."),
                              (1.8, "the gradient of θ² is 2θ = 4, not θ = 2.")]),
        Exercise(
            question="Momentum in the notes' form (v = γv + η∇J, θ = θ − v) with γ = 0.9, η = 0.1, "
                     "from θ = 0, v = 0, and the gradient 1 at both steps. What is θ after two "
                     "steps?",
            answer=momentum_two,
            solution=lambda: ("v₁ = 0.1, θ₁ = −0.1;  v₂ = 0.9·0.1 + 0.1 = 0.19, θ₂ = −0.1 − 0.19 "
                              f"= {momentum_two():g}"),
            mistakes=lambda: [(-0.2, "that is plain GD: the velocity keeps 0.9 of the last step."),
                              (-0.19, "−0.19 is v₂; θ₂ = θ₁ − v₂.")]),
        Exercise(
            question="Adam (torch defaults: lr = 0.001, β1 = 0.9, β2 = 0.999, ε = 1e-8), θ = 1, "
                     "first gradient 5. What is θ after the first step? (6 decimals)",
            answer=adam_first,
            rel_tol=1e-7, abs_tol=5e-7,
            solution=lambda: ("m = 0.1·5 = 0.5, v = 0.001·25 = 0.025; m̂ = 0.5/(1 − 0.9) = 5, "
                              "v̂ = 0.025/(1 − 0.999) = 25;  θ = 1 − 0.001·5/(√25 + 1e-8) = "
                              f"{adam_first():.6f}: Adam's first step is ±lr whatever the "
                              "gradient's size."),
            mistakes=lambda: [(1 - 1e-3 * 0.5 / (0.025 ** 0.5 + 1e-8),
                               "you left out the bias correction (m and v start at 0).")]),
        Exercise(
            question="GD on the bowl ½(x² + 25y²) (Hessian eigenvalues 1 and 25): below which "
                     "learning rate does it converge?",
            answer=lambda: stable_lr_limit(25.0),
            solution=lambda: "Each step multiplies the error along eigenvector i by 1 − ηλᵢ; "
                             f"|1 − 25η| < 1 needs η < 2/25 = {stable_lr_limit(25.0):g}.",
            mistakes=lambda: [(1 / 25, "η = 1/λ_max is the fastest for that direction; divergence "
                                       "starts at 2/λ_max."),
                              (2.0, "the limit is set by the largest eigenvalue, 25.")]),
        Exercise(
            question="Adam with β1 = 0.9 and a constant gradient 1: at step t = 2, m = 0.19. What "
                     "is the bias-corrected m̂ (the right one, as torch computes it)?",
            answer=lambda: adam_mhat()[0],
            solution=lambda: ("m̂ = m/(1 − β1^t) = 0.19/(1 − 0.81) = "
                              f"{adam_mhat()[0]:g}: the correction undoes the start at 0 exactly. "
                              "The notes write 1 − β1 without the power t, which gives 1.9."),
            mistakes=lambda: [(adam_mhat()[1], "that is the notes' slip m/(1 − β1): the power t "
                                               "is missing.")]),
    ])


exercises = _exercises()


# ---- what the notes say about each optimizer (quoted; slips listed separately) ----------------
NOTES_FACTS = {
    "gd": {"use": ["small datasets"], "pros": ["Simple & effective on convex problem"],
           "cons": ["slow convergences & computationally expensive on large dataset"]},
    "sgd": {"use": ["Suitable for large datasets"],
            "pros": ["Fast processing & efficient on large dataset"],
            "cons": ["Noisy update, may not reach global minima."]},
    "minibatch": {"use": ["hybrid SGD & GD for large dataset, more stable than SGD"],
                  "pros": ["Reduce Noise & variance SGD", "Faster than GD"], "cons": []},
    "momentum": {"use": ["useful in training deep network"],
                 "pros": ["Speeds the convergence", "Reducing the oscillation"],
                 "cons": ["Overshoot if momentum is high", "Requires tuning of γ"]},
    "nag": {"use": ["it looks ahead before computing the gradient"],
            "pros": ["better than momentum", "prevent overshooting"], "cons": ["more complex."]},
    "adagrad": {"use": ["Suitable for sparse data like NLP, image"],
                "pros": ["Adapting learning rate based on freq. of parameter"],
                "cons": ["Learning rate keeps decaying."]},
    "rmsprop": {"use": ["Good for non-stationary prob. like in RNN's"],
                "pros": ["Addressing the adagrad decay prob."], "cons": ["Sensitive to β value"]},
    "adam": {"use": ["widely used in almost scenario."],
             "pros": ["Combining adaptive learning & momentum learning",
                      "Efficiently works with large datasets & noisy data.", "Faster convergence"],
             "cons": ["Multiple tunable parameters", "it can overshoot sometimes"]},
    "adamax": {"use": ["very large dataset", "Better for model that sparse updates"],
               "pros": ["more stable updates", "more stable than Adam"],
               "cons": ["slightly slower than Adam."]},
    "nadam": {"use": ["adaptive learning of adam + fast convergence nature of NAG"],
              "pros": ["adaptive learning of adam + fast convergence nature of NAG"],
              "cons": ["More sensitive to tuning η parameters"]},
}

NOTES_SLIPS = [
    "NAG: the notes write v = v + η∇J(θ − v); the momentum factor γ is missing twice. The rule is "
    "v = γv + η∇J(θ − γv) (with γ = 1 the velocity would never decay).",
    "Adam: the bias correction is written m/(1 − β1), v/(1 − β2); it is m/(1 − β1^t), "
    "v/(1 − β2^t) — without the power t it is right only at the first step.",
    "Adam: m_t = β1·m_t + …, v_t = β2·v_t + … should use the previous moments m_{t−1}, v_{t−1}; "
    "and '∇²J(θ)' in v_t means the squared gradient (∇J)², not a second derivative.",
    "Adam: the update is written without ε: θ − η·m̂/√v̂ divides by zero while v̂ = 0.",
    "Nadam: the formula shown, θ − η·m_t/(√v_t + ε), has no Nesterov look-ahead and no bias "
    "correction: as written it is Adam without bias correction, not Nadam.",
    "Adamax: the update θ − η·m_t/v_t has no bias correction for m (torch divides η by 1 − β1^t) "
    "and no ε.",
    "RMSprop: the notes' decay rate β = 0.9 is torch's alpha (default 0.99), not Adam's β1.",
]
