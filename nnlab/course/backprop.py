"""Notebook 02's topic module: the course example, the three-way gradient check, the exercises.

`gradient_check(network, x, t)` computes ∂E/∂w for every weight three ways:
1. central finite differences of the loss (no calculus at all),
2. backprop: −Δw_ij/η = −δ_j·O_i from `Network.step`,
3. sympy: `diff` of E written out in the weights, evaluated at the point.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.gradcheck import central_difference
from ..engine.network import Network
from .claims import Claim, Claims
from .exercises import Exercise, ExerciseSet, grid, variant_rng, variant_seed
from .notes_check import LAYERS, LR, TARGET, WEIGHTS, X, example_network


@dataclass
class GradientRow:
    weight: str
    finite_difference: float
    backprop: float
    sympy: float

    @property
    def max_gap(self) -> float:
        return max(abs(self.finite_difference - self.backprop), abs(self.sympy - self.backprop))


GAP_FLOOR = 1e-9   # central differences with h = 1e-6 agree to about 1e-10: smaller gaps are rounding


def gap_text(gap: float) -> str:
    """The gap between two routes to a gradient as printed: its last digits below GAP_FLOOR are
    rounding noise (they change with the last bit of the loss), so only the bound is shown."""
    return f"< {GAP_FLOOR:.0e}" if gap < GAP_FLOOR else f"{gap:.1e}"


class GradientCheck(list):
    def __repr__(self) -> str:
        head = f"{'weight':<7} {'finite diff.':>14} {'backprop':>14} {'sympy':>14} {'largest gap':>12}"
        lines = [head]
        for r in self:
            lines.append(f"{r.weight:<7} {r.finite_difference:>14.8f} {r.backprop:>14.8f} "
                         f"{r.sympy:>14.8f} {gap_text(r.max_gap):>12}")
        return "\n".join(lines)


def gradient_check(network: Network | None = None, x=X, t=TARGET, h: float = 1e-6) -> GradientCheck:
    import sympy as sp

    from ..engine.symbolic import loss_expression, symbol

    net = network or example_network()
    x, t, _ = net.check_inputs(x, t)
    trace = net.step(x, t, 1.0)
    E = loss_expression(net)
    point = {symbol(f"x{i}"): float(v) for i, v in zip(net.input_numbers, x)}
    point.update({symbol(f"t{j}"): float(v) for j, v in zip(net.output_numbers, t)})
    point.update({symbol(k): v for k, v in net.weight_dict().items()})
    point.update({symbol(k): v for k, v in net.bias_dict().items()})
    work = net.copy()  # its weights are moved by ±h one at a time, and put back
    fd = [central_difference(lambda: work.loss(x, t), W, h) for W in work.weights]
    rows = GradientCheck()
    for name in net.weight_index():
        li, a, b = net.resolve_weight(name)
        sym = float(sp.diff(E, symbol(name)).evalf(subs=point))
        rows.append(GradientRow(name, float(fd[li][a, b]), -trace["d" + name], sym))
    return rows


# -- exercises --------------------------------------------------------------------------------
NAMES = ("w13", "w23", "w14", "w24", "w35", "w45")


def variant_numbers(seed: int) -> dict:
    """The 2-2-1 network of the variant `seed`: seed 0 is the course example with the target 0.6
    (the forward pass is the course's, the backward pass new); other seeds draw every number."""
    if seed == 0:
        return {"x": tuple(X), "weights": dict(WEIGHTS), "t": 0.6, "lr": LR}
    rng = variant_rng(seed)
    x = (grid(rng, 0.1, 0.9, 0.05), grid(rng, 0.1, 0.9, 0.05))
    weights = {name: grid(rng, -1.0, 1.0, 0.1, avoid=(0.0,)) for name in NAMES}
    return {"x": x, "weights": weights, "t": grid(rng, 0.05, 0.95, 0.05),
            "lr": float(rng.choice([0.5, 1.0, 2.0]))}


def _setting(v: dict) -> str:
    w = ", ".join(f"{k} = {val:g}" for k, val in v["weights"].items())
    return (f"The 2-2-1 sigmoid network of the course (inputs 1, 2; hidden 3, 4; output 5; no "
            f"biases) with x = ({v['x'][0]:g}, {v['x'][1]:g}), {w}, target t = {v['t']:g}, "
            f"η = {v['lr']:g}.")


def exercise_set(seed: int = 0) -> ExerciseSet:
    """Notebook 02's exercises in the variant `seed` (0: the numbers the notebook shows)."""
    v = variant_numbers(variant_seed(seed))
    tr = Network.build(LAYERS, "sigmoid", v["weights"]).step(v["x"], [v["t"]], v["lr"])
    lr, x2, w24, t, y5 = v["lr"], v["x"][1], v["weights"]["w24"], v["t"], tr["y5"]
    setting, new_w24 = _setting(v), tr["w24'"]
    no_lr = [] if lr == 1 else [(tr["d5"] * tr["y3"], f"that is δ5·y3: multiply by η = {lr:g}.")]
    return ExerciseSet("Backprop by hand", [
        Exercise(
            question=f"{setting} What is δ5 = y5(1 − y5)(t − y5)? (5 decimals)",
            answer=lambda: tr["d5"],
            solution=lambda: (f"z3 = {tr['z3']:.6f}, y3 = {tr['y3']:.6f}; z4 = {tr['z4']:.6f}, "
                              f"y4 = {tr['y4']:.6f}; z5 = w35·y3 + w45·y4 = {tr['z5']:.6f}, "
                              f"y5 = {y5:.6f}. δ5 = {y5:.4f}·(1 − {y5:.4f})·({t:g} − {y5:.4f}) "
                              f"= {tr['d5']:.6f}"),
            rel_tol=2e-3, abs_tol=2e-5,
            mistakes=lambda: [(t - y5, "that is the error t − y5; multiply it by the sigmoid's "
                                       "slope y5(1 − y5)."),
                              (y5 * (1 - y5), "that is only the slope y5(1 − y5); multiply by "
                                              "(t − y5)."),
                              (y5 * (1 - y5) * (y5 - t), "that is y5(1 − y5)(y5 − t) = −δ5: the "
                                                         "course's δ uses t − y5.")],
        ),
        Exercise(
            question=f"{setting} What is Δw35 = η·δ5·y3? (The notes' summary once wrote δ3 in "
                     "this line: do not.) (5 decimals)",
            answer=lambda: tr["dw35"],
            solution=lambda: (f"δ5 = {tr['d5']:.6f}, y3 = {tr['y3']:.6f};  Δw35 = η·δ5·y3 = "
                              f"{lr:g}·({tr['d5']:.6f})·{tr['y3']:.6f} = {tr['dw35']:.6f}"),
            rel_tol=5e-3, abs_tol=5e-6,
            mistakes=lambda: [(tr["d3"], "that is δ3 — the slip in the notes' summary. Δw35 "
                                         "uses δ5 (the neuron the weight goes into) and y3."),
                              (tr["dw45"], "that is Δw45 (it uses y4); Δw35 uses y3."),
                              (tr["d5"], "that is δ5: multiply by η and by y3, the output of "
                                         "neuron 3 that the weight carries.")] + no_lr,
        ),
        Exercise(
            question=f"{setting} What is the new weight w24 after the first update? (5 decimals)",
            answer=lambda: tr["w24'"],
            solution=lambda: (f"δ4 = y4(1 − y4)·w45·δ5 = {tr['d4']:.6f};  Δw24 = η·δ4·x2 = "
                              f"{lr:g}·({tr['d4']:.6f})·{x2:g} = {tr['dw24']:.6f};  w24' = "
                              f"{w24:g} + Δw24 = {new_w24:.6f}"),
            rel_tol=1e-5, abs_tol=5e-6,
            mistakes=lambda: [(w24 + lr * tr["d4"] * tr["y4"],
                               f"Δw24 multiplies δ4 by the output of neuron 2 — the input x2 = "
                               f"{x2:g} — not by y4."),
                              (w24 - tr["dw24"], "the update adds Δw (Δw = −η ∂E/∂w already "
                                                 "carries the minus sign)."),
                              (w24 + lr * tr["d5"] * x2, "Δw24 uses δ4 (the neuron the weight "
                                                        "goes into), not δ5.")],
        ),
    ], seed=seed)


exercises = exercise_set(0)


def _falls(losses) -> bool:
    return all(b < a for a, b in zip(losses, losses[1:]))


# what notebook 02 tells the learner to try with its explorer (checked by tests/test_claims.py);
# `iteration=k` is where pressing *Next iteration* k − 1 times brings the explorer
claims = Claims("nnlab.views.backprop_view:main_explorer", [
    Claim("Press *Next iteration* four times (iteration 5): with η = 1, E falls at every "
          "iteration, but slowly: from 0.0181 to 0.0125.",
          "iteration=5", lambda s: _falls(s["losses"]) and 0.0124 < s["loss"] < 0.0126
          and 0.0180 < s["losses"][0] < 0.0182, "E falls at each iteration, 0.0181 → 0.0125"),
    Claim("Even after 20 iterations with η = 1, E is still above 0.0026.",
          "iteration=20", lambda s: _falls(s["losses"]) and s["loss"] > 0.0026,
          "E falls at each iteration and ends above 0.0026"),
    Claim("Set η to 5 and go to iteration 5: the same descent in fewer steps, E = 0.0019 "
          "already, below what η = 1 reaches in 20 iterations.",
          "lr=5.0; iteration=5", lambda s: _falls(s["losses"]) and s["loss"] < 0.0020,
          "E falls at each iteration and is below 0.0020 at iteration 5"),
    Claim("Set the target to 0.69 (the output is 0.6903): δ5 and with it every Δw nearly "
          "vanish (below 1e-4, against δ5 = −0.0407 at t = 0.5): the output is already right.",
          "t=0.69", lambda s: abs(s["delta5"]) < 1e-4 and s["max_abs_dw"] < 1e-4,
          "|δ5| < 1e-4 and every |Δw| < 1e-4"),
])
