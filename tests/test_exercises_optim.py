"""Notebook 04's exercises, every seed against torch.optim (float64)."""
import pytest

from nnlab.course import optim as C

SEEDS = (0, 1, 5, 12, 99, 2**32 - 1)


def _torch_run(torch, make, theta, grad_of, steps):
    p = torch.tensor([float(theta)], dtype=torch.float64, requires_grad=True)
    opt = make([p])
    for _ in range(steps):
        opt.zero_grad()
        p.grad = torch.tensor([grad_of(float(p.detach()[0]))], dtype=torch.float64)
        opt.step()
    return float(p.detach()[0]), opt


@pytest.mark.parametrize("seed", SEEDS)
def test_answers_against_torch_optim(torch, seed):
    v, ex = C.variant_numbers(seed), C.exercise_set(seed)
    a, th0, lr = v["gd"]
    got, _ = _torch_run(torch, lambda ps: torch.optim.SGD(ps, lr=lr), th0, lambda t: 2 * a * t, 1)
    assert float(ex.expected(1)) == pytest.approx(got, abs=1e-12)
    ma, mth, gamma, mlr = v["mom"]   # torch's v = γv + g, θ −= ηv equals the notes' form for fixed η
    got, _ = _torch_run(torch, lambda ps: torch.optim.SGD(ps, lr=mlr, momentum=gamma), mth,
                        lambda t: ma * t, 2)
    assert float(ex.expected(2)) == pytest.approx(got, abs=1e-12)
    at, ag, alr = v["adam"]
    got, _ = _torch_run(torch, lambda ps: torch.optim.Adam(ps, lr=alr), at, lambda t: ag, 1)
    assert float(ex.expected(3)) == pytest.approx(got, abs=1e-12)
    b1, g1, g2 = v["mhat"]
    grads = iter([g1, g2])
    _, opt = _torch_run(torch, lambda ps: torch.optim.Adam(ps, lr=1e-3, betas=(b1, 0.999)), 0.0,
                        lambda t: next(grads), 2)
    m = float(next(iter(opt.state.values()))["exp_avg"][0])
    assert float(ex.expected(5)) == pytest.approx(m / (1 - b1 ** 2), abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_stable_learning_rate_against_torch_runs(torch, seed):
    """GD by torch.optim.SGD on ½(x² + κy²): converges just below the answer, diverges just above."""
    kappa, ex = C.variant_numbers(seed)["kappa"], C.exercise_set(seed)
    limit = float(ex.expected(4))

    def final(lr):
        p = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([p], lr=lr)
        for _ in range(1000):
            opt.zero_grad()
            (0.5 * (p[0] ** 2 + kappa * p[1] ** 2)).backward()
            opt.step()
        return float(p.detach().abs().max())

    assert final(limit * 0.99) < 1e-3 and final(limit * 1.01) > 1e3


def test_seed_zero_names_the_notes_slip():
    ex = C.exercise_set(0)
    assert "notes' slip" in ex.check(5, 5.8).message and ex.check(5, 3.0526)
    assert "against" in ex.check(1, 2.6).message
