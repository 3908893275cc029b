"""nnlab.engine.optim and nnlab.engine.surfaces against torch.optim, hand-worked numbers and
finite differences."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.engine import optim as O
from nnlab.engine import surfaces as S

RNG = np.random.default_rng(42)
A3 = RNG.normal(size=(3, 3))
A3 = A3 @ A3.T + np.eye(3)


def grads_of(params):
    """A smooth non-quadratic test loss over two parameter arrays of different shapes."""
    w, b = params
    return [A3 @ w + np.sin(w), 2.0 * b + np.cos(b)]


# Far from the minimum the rules are not chaotic, so the paths agree to rounding. (Near the
# minimum, adaptive methods with a large lr bounce chaotically and a 1-ulp difference — torch's
# CPU kernels may fuse a multiply-add — grows to any size: that is not a disagreement of rules.)
TORCH_CASES = [
    ("SGD", dict(lr=0.01)),
    ("SGD", dict(lr=0.01, momentum=0.9)),
    ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.02, momentum=0.8, dampening=0.3, weight_decay=0.05)),
    ("Adagrad", dict(lr=0.01)),
    ("Adagrad", dict(lr=0.01, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.2, eps=1e-6)),
    ("RMSprop", dict(lr=1e-3)),
    ("RMSprop", dict(lr=1e-3, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.01)),
    ("Adam", dict(lr=1e-3)),
    ("Adam", dict(lr=1e-3, betas=(0.8, 0.99), amsgrad=True, weight_decay=0.01, eps=1e-6)),
    ("Adamax", dict(lr=1e-3)),
    ("Adamax", dict(lr=1e-3, betas=(0.5, 0.9), weight_decay=0.1)),
    ("NAdam", dict(lr=1e-3)),
    ("NAdam", dict(lr=1e-3, betas=(0.85, 0.99), momentum_decay=0.01, weight_decay=0.01)),
]


@pytest.mark.torch
@pytest.mark.parametrize("name,hyper", TORCH_CASES)
def test_agrees_with_torch_optim_over_many_steps(torch, name, hyper):
    rng = np.random.default_rng(5)  # starts far from the minima (w* = 0, b* ≈ −0.45)
    x0 = [3.0 + np.abs(rng.normal(size=3)), 2.0 + np.abs(rng.normal(size=(2, 2)))]
    tp = [torch.tensor(a.copy(), requires_grad=True) for a in x0]
    topt = getattr(torch.optim, name)(tp, **hyper)
    opt = getattr(O, name)(**hyper)
    ours = [a.copy() for a in x0]
    for _ in range(300):
        tg = grads_of([p.detach().numpy() for p in tp])
        for p, g in zip(tp, tg):
            p.grad = torch.tensor(g)
        topt.step()
        ours = opt.step(ours, grads_of(ours))
    for a, p, a0 in zip(ours, tp, x0):
        assert np.max(np.abs(a - a0)) > 0.1  # it has moved: the comparison is not trivial
        np.testing.assert_allclose(a, p.detach().numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.torch
def test_course_classes_are_torch_sgd(torch):
    x0 = RNG.normal(size=3)
    for ours, hyper in ((O.GD(lr=0.05), dict(lr=0.05)),
                        (O.Momentum(lr=0.05, gamma=0.8), dict(lr=0.05, momentum=0.8)),
                        (O.NAG(lr=0.05), dict(lr=0.05, momentum=0.9, nesterov=True))):
        p = torch.tensor(x0.copy(), requires_grad=True)
        topt = torch.optim.SGD([p], **hyper)
        x = x0.copy()
        for _ in range(100):
            p.grad = torch.tensor(A3 @ p.detach().numpy())
            topt.step()
            x = ours.step([x], [A3 @ x])[0]
        np.testing.assert_allclose(x, p.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.torch
@settings(max_examples=25, deadline=None)
@given(b1=st.floats(0.0, 0.99), b2=st.floats(0.5, 0.9999), lr=st.floats(1e-4, 0.5),
       eps=st.floats(1e-10, 1e-2), g=st.lists(st.floats(-50, 50), min_size=5, max_size=5))
def test_adam_family_first_steps_match_torch(b1, b2, lr, eps, g):
    from tests.conftest import torch_or_skip

    torch = torch_or_skip()  # float64 default, or skipped without PyTorch
    for name in ("Adam", "Adamax", "NAdam"):
        p = torch.zeros(5, requires_grad=True)
        topt = getattr(torch.optim, name)([p], lr=lr, betas=(b1, b2), eps=eps)
        opt = getattr(O, name)(lr=lr, betas=(b1, b2), eps=eps)
        x = np.zeros(5)
        for k in range(3):
            grad = np.array(g) * (k + 1)
            p.grad = torch.tensor(grad)
            topt.step()
            x = opt.step([x], [grad])[0]
        np.testing.assert_allclose(x, p.detach().numpy(), rtol=1e-12, atol=1e-15)


# -- hand-worked first steps -------------------------------------------------------------------
def test_hand_worked_updates():
    th, g = [np.array([1.0, -2.0])], [np.array([0.5, 4.0])]
    assert O.GD(lr=0.1).step(th, g)[0] == pytest.approx([0.95, -2.4])
    # Adagrad (torch): G = g², θ − η g/(|g| + ε) = θ − η sign(g) on the first step
    assert O.Adagrad(lr=0.1, eps=0).step(th, g)[0] == pytest.approx([0.9, -2.1])
    # RMSprop: G = 0.01 g², step η g/(0.1|g|) = 10 η sign(g)
    assert O.RMSprop(lr=0.01, eps=0).step(th, g)[0] == pytest.approx([0.9, -2.1])
    # Adam: the first step is lr·sign(g) (up to ε)
    assert O.Adam(lr=0.1, eps=0).step(th, g)[0] == pytest.approx([0.9, -2.1])
    # Adamax: m = 0.1 g, u = |g| + ε; θ − lr/(1 − 0.9)·m/u = θ − lr sign(g)
    assert O.Adamax(lr=0.1, eps=0).step(th, g)[0] == pytest.approx([0.9, -2.1])
    # notes' momentum, two steps of constant gradient 1: v = 0.1, 0.19
    m = O.Momentum(lr=0.1, momentum=0.9, form="notes")
    x = m.step([np.array(0.0)], [np.array(1.0)])
    x = m.step(x, [np.array(1.0)])
    assert float(x[0]) == pytest.approx(-0.29)


def test_explain_ends_with_the_step_and_has_no_side_effect():
    for name in O.OPTIMIZERS:
        for form in ("torch", "notes"):
            try:
                opt = O.make_optimizer(name, lr=0.1, form=form)
            except ValueError:
                continue
            x = [np.array([1.0, -2.0])]
            for _ in range(3):
                x = opt.step(x, [np.array([0.3, -0.7])])
            rows = opt.explain(x, [np.array([0.2, 0.4])])
            t = opt.t
            new = opt.step(x, [np.array([0.2, 0.4])])
            assert t == 3 and rows[-1][0] == "θ"
            assert rows[-1][3] == O.fmt(new[0])
            assert all(len(r) == 4 for r in rows)


# -- the notes' forms and when they coincide -----------------------------------------------------
def path(opt, surf="rosenbrock", steps=200, start=None):
    s = S.surface(surf)
    return O.run(opt, s.gradient_fn(), s.start if start is None else start, steps)


def test_notes_momentum_equals_torch_momentum_with_constant_lr():
    a = path(O.Momentum(lr=1e-3, momentum=0.9))
    b = path(O.Momentum(lr=1e-3, momentum=0.9, form="notes"))
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_notes_nag_lookahead_points_are_torch_nesterov_params():
    """Notes: v = γv + η∇J(θ − γv), θ = θ − v. torch's nesterov parameters are the points θ − γv."""
    s = S.surface("bowl", condition=5)
    gamma, lr = 0.9, 0.05
    torch_form = O.run(O.NAG(lr=lr, momentum=gamma), s.gradient_fn(), s.start, 60)
    theta, v, looks = np.array(s.start), np.zeros(2), []
    for _ in range(60):  # the notes' form by hand, with the γ the notes lost
        look = theta - gamma * v
        looks.append(look)
        v = gamma * v + lr * s.grad(look)
        theta = theta - v
    looks.append(theta - gamma * v)
    np.testing.assert_allclose(torch_form, np.array(looks), atol=1e-12)
    notes = O.run(O.NAG(lr=lr, momentum=gamma, form="notes"), s.gradient_fn(), s.start, 60)
    assert np.max(np.abs(notes - torch_form)) > 1e-3  # different points along the way ...
    assert np.linalg.norm(notes[-1]) < 0.05 and np.linalg.norm(torch_form[-1]) < 0.05  # same end


def test_eps_inside_the_root_coincides_when_eps_is_zero():
    for cls in (O.Adagrad, O.RMSprop):
        a = path(cls(lr=0.01, eps=0.0))
        b = path(cls(lr=0.01, eps=0.0, form="notes"))
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
        c = path(cls(lr=0.01, eps=1.0, form="notes"), surf="bowl")
        d = path(cls(lr=0.01, eps=1.0), surf="bowl")
        a = path(cls(lr=0.01, eps=0.0), surf="bowl")
        assert np.max(np.abs(c - a)) > 1e-4 and np.max(np.abs(c - d)) > 1e-4


def test_notes_rmsprop_by_hand():
    g, G, th = np.array([0.3, -2.0]), np.zeros(2), np.array([1.0, 1.0])
    opt = O.RMSprop(lr=0.1, alpha=0.9, eps=1e-3, form="notes")
    x = [th.copy()]
    for _ in range(4):
        G = 0.9 * G + 0.1 * g * g
        th = th - 0.1 * g / np.sqrt(G + 1e-3)
        x = opt.step(x, [g])
    np.testing.assert_allclose(x[0], th, rtol=1e-14)


def test_notes_adam_bias_correction_without_power_t():
    g = np.array([1.0])
    torch_form, notes = O.Adam(lr=0.1, eps=0), O.Adam(lr=0.1, eps=0, form="notes")
    a = torch_form.step([np.zeros(1)], [g])
    b = notes.step([np.zeros(1)], [g])
    assert a[0] == pytest.approx(b[0], rel=1e-14)  # the same at t = 1 ...
    a = torch_form.step(a, [g])
    b = notes.step(b, [g])
    # ... but at t = 2 with g = 1: m = 0.19, v = 0.001999; notes m̂ = 1.9, v̂ = 1.999
    step_notes = 0.1 * (0.19 / 0.1) / math.sqrt(0.001999 / 0.001)
    assert float(b[0][0]) == pytest.approx(-0.1 - step_notes, rel=1e-12)
    assert float(a[0][0]) == pytest.approx(-0.2, rel=1e-12)  # torch: m̂ = v̂ = 1, the step is lr


def test_notes_adamax_and_nadam_by_hand():
    b1, b2, lr, eps = 0.9, 0.999, 0.01, 1e-8
    gs = [np.array([0.5, -1.0]), np.array([0.0, 2.0]), np.array([-3.0, 0.25]), np.array([1.0, 1.0])]
    ax, nd = O.Adamax(lr=lr, form="notes"), O.NAdam(lr=lr, form="notes")
    xa = xn = [np.array([1.0, 2.0])]
    th_a, th_n = np.array([1.0, 2.0]), np.array([1.0, 2.0])
    m, u, mn, vn = np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2)
    for t, g in enumerate(gs, 1):
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g))
        th_a = th_a - lr * m / u
        mn = b1 * mn + (1 - b1) * g
        vn = b2 * vn + (1 - b2) * g * g
        # Dozat's Nadam with a constant μ = β1: m̄ = β1 m̂_{t+1} + (1 − β1) g / (1 − β1^t)
        mbar = b1 * mn / (1 - b1 ** (t + 1)) + (1 - b1) * g / (1 - b1 ** t)
        th_n = th_n - lr * mbar / (np.sqrt(vn / (1 - b2 ** t)) + eps)
        xa = ax.step(xa, [g])
        xn = nd.step(xn, [g])
    np.testing.assert_allclose(xa[0], th_a, rtol=1e-13)
    np.testing.assert_allclose(xn[0], th_n, rtol=1e-13)


# -- run(): the fast path is the same rule -------------------------------------------------------
@pytest.mark.parametrize("name", list(O.OPTIMIZERS))
@pytest.mark.parametrize("form", ["torch", "notes"])
def test_run_fast_path_equals_step_loop(name, form):
    s = S.surface("himmelblau")
    opt = O.make_optimizer(name, lr=1e-3, form=form)
    fast = O.run(opt, s.gradient_fn(), s.start, 150)
    slow = O.run(opt, lambda p: s.grad(p), s.start, 150)  # a plain function: the array path
    twin = O.make_optimizer(name, lr=1e-3, form=form)
    x, by_step = [np.array(s.start)], [np.array(s.start)]
    for _ in range(150):
        x = twin.step(x, [s.grad(twin.lookahead(x)[0])])
        by_step.append(x[0])
    np.testing.assert_array_equal(fast, slow)
    np.testing.assert_allclose(fast, np.array(by_step), rtol=0, atol=0)


def test_run_marks_divergence_with_nan():
    s = S.surface("bowl", condition=10)
    p = O.run(O.GD(lr=0.5), s.gradient_fn(), s.start, 2000)
    assert np.isnan(p[-1]).all() and np.isfinite(p[0]).all()


def test_stable_learning_rate_limit_on_the_bowl():
    for kappa in (2.0, 10.0, 40.0):
        s = S.surface("bowl", condition=kappa)
        lim = O.stable_lr_limit(kappa)
        assert lim == s.stable_lr() == pytest.approx(2 / kappa)
        ok = O.run(O.GD(lr=0.97 * lim), s.gradient_fn(), s.start, 3000)[-1]
        bad = O.run(O.GD(lr=1.03 * lim), s.gradient_fn(), s.start, 3000)[-1]
        assert np.linalg.norm(ok) < 1e-6
        assert not np.all(np.isfinite(bad)) or np.linalg.norm(bad) > 1e6


# -- bad input --------------------------------------------------------------------------------
def test_bad_input_names_the_argument():
    cases = [
        (lambda: O.make_optimizer("adamw"), r"^name: expected one of gd, sgd, momentum, nag"),
        (lambda: O.SGD(lr=0), r"^lr: "), (lambda: O.Adam(lr=-1e-3), r"^lr: "),
        (lambda: O.Adam(betas=(1.0, 0.9)), r"^betas\[0\]: expected a number in \[0, 1\)"),
        (lambda: O.NAdam(betas=(0.9, -0.1)), r"^betas\[1\]: "),
        (lambda: O.Adam(betas=0.9), r"^betas: "),
        (lambda: O.Adagrad(eps=-1e-8), r"^eps: "),
        (lambda: O.RMSprop(alpha=1.0), r"^alpha: "),
        (lambda: O.SGD(momentum=0, nesterov=True), r"^nesterov: "),
        (lambda: O.Adam(form="keras"), r"^form: expected one of 'torch', 'notes'"),
        (lambda: O.RMSprop(centered=True, form="notes"), r"^form: "),
        (lambda: O.make_optimizer("adam", gamma=0.9), r"^hyper: "),
        (lambda: O.Momentum(momentum=0.9, gamma=0.9), r"^gamma: "),
        (lambda: O.GD().step([np.zeros(2)], [np.zeros(3)]), r"^grads\[0\]: expected shape \(2,\)"),
        (lambda: O.GD().step([np.zeros(2)], []), r"^grads: expected a list of 1 arrays"),
        (lambda: O.GD().step(np.zeros(2), [np.zeros(2)]), r"^params: expected a list"),
        (lambda: O.GD().step([np.array([np.nan])], [np.zeros(1)]), r"^params\[0\]: "),
        (lambda: O.stable_lr_limit(0), r"^max_eigenvalue: "),
        (lambda: S.surface("sphere"), r"^name: expected one of bowl"),
        (lambda: S.surface("bowl", condition=0.5), r"^condition: "),
        (lambda: S.surface("rosenbrock", a=2), r"^a: "),
    ]
    for fn, pattern in cases:
        with pytest.raises(ValueError, match=pattern):
            fn()
    opt = O.Adam()
    opt.step([np.zeros(2)], [np.ones(2)])
    with pytest.raises(ValueError, match=r"^params: expected the same list of shapes"):
        opt.step([np.zeros(3)], [np.ones(3)])


# -- surfaces ---------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(x=st.floats(-2, 2), y=st.floats(-2, 2), name=st.sampled_from(["bowl", "rosenbrock",
                                                                      "himmelblau", "saddle"]))
def test_surface_gradients_match_central_differences(x, y, name):
    s = S.surface(name)
    h = 1e-6
    fd = [(s.value([x + h, y]) - s.value([x - h, y])) / (2 * h),
          (s.value([x, y + h]) - s.value([x, y - h])) / (2 * h)]
    np.testing.assert_allclose(s.grad([x, y]), fd, rtol=1e-5, atol=1e-4)


def test_surface_minima():
    for name in ("bowl", "rosenbrock", "himmelblau", "saddle"):
        s = S.surface(name)
        for m in s.minima:
            assert np.linalg.norm(s.grad(m)) < 1e-4, (name, m)
    assert S.surface("saddle").grad([0.0, 0.0]) == pytest.approx([0, 0])  # the saddle point


def test_noisy_gradients_are_seeded_and_unbiased():
    s = S.surface("noisy_bowl", condition=4, noise=0.5)
    g1, g2 = s.gradient_fn(seed=7), s.gradient_fn(seed=7)
    p = np.array([1.0, -1.0])
    a = np.array([g1(p) for _ in range(4000)])
    b = np.array([g2(p) for _ in range(4000)])
    np.testing.assert_array_equal(a, b)
    assert a.mean(axis=0) == pytest.approx([1.0, -4.0], abs=0.05)
    assert a.std(axis=0) == pytest.approx([0.5, 0.5], rel=0.05)


# -- linear regression data --------------------------------------------------------------------
def test_linreg_file_is_the_seeded_synthetic_data():
    x, y = S.load_linreg()
    assert x.shape == y.shape == (200,)
    rng = np.random.default_rng(0)                       # regenerate independently
    xr = rng.uniform(-2.0, 2.0, 200)
    yr = 3.0 * xr + 2.0 + rng.standard_normal(200)
    np.testing.assert_allclose(x, xr, atol=1e-6)
    np.testing.assert_allclose(y, yr, atol=1e-6)
    w, b = np.polyfit(x, y, 1)
    assert S.linreg_solution(x, y) == pytest.approx([w, b], rel=1e-10)


def test_linreg_gradient_and_full_batch_path():
    x, y = S.load_linreg()
    th = np.array([0.7, -0.3])
    h = 1e-6
    fd = [(S.linreg_loss(th[0] + h, th[1], x, y) - S.linreg_loss(th[0] - h, th[1], x, y)) / (2 * h),
          (S.linreg_loss(th[0], th[1] + h, x, y) - S.linreg_loss(th[0], th[1] - h, x, y)) / (2 * h)]
    np.testing.assert_allclose(S.linreg_grad(th, x, y), fd, rtol=1e-6)
    p = S.linreg_path(x, y, batch_size=200, lr=0.1, steps=300)
    assert p[-1] == pytest.approx(S.linreg_solution(x, y), abs=1e-6)
    sgd = S.linreg_path(x, y, batch_size=1, lr=0.1, steps=300, seed=1)
    assert np.linalg.norm(sgd[-1] - p[-1]) > 1e-3    # noisy: does not sit on the minimum
    with pytest.raises(ValueError, match="^batch_size: "):
        S.linreg_path(x, y, batch_size=0)


def test_no_warnings_in_a_normal_race():
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        for name in O.OPTIMIZERS:
            for surf in ("bowl", "rosenbrock", "himmelblau", "saddle"):
                O.run(O.make_optimizer(name, lr=1e-3), S.surface(surf).gradient_fn(),
                      S.surface(surf).start, 200)


# the exercises (every seed against torch.optim) are tested in tests/test_exercises_optim.py
