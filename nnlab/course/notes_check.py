"""The notes check: every number of the course's hand-worked 2-2-1 example against the engine.

The example is in course notes 000, section "How to train a neural Network". Its inputs are
not all legible in the transcription; the arithmetic of the lines fixes them:

- "a1 = (0.1 × 0.35) + (0.8 × 0.8) = 0.755": 0.035 + 0.64 = 0.675, not 0.755. With x2 = 0.9
  the sum is 0.035 + 0.72 = 0.755, and "a2 = (0.4 × 0.35) + (0.9 × 0.6) = 0.68" agrees only
  with x2 = 0.9, w24 = 0.6 (x2 = 0.6, w24 = 0.9 would make a1 = 0.515). So x = (0.35, 0.9).
- w13 = 0.1, w23 = 0.8, w14 = 0.4, w24 = 0.6 (a1, a2); w35 = 0.3, w45 = 0.9 (a3, δ3, δ4);
  target t = 0.5 (Step-2); η = 1 (the Δw lines multiply by 1).

Each row compares the number the notes write with the engine's value at the notes' own
number of decimals and gives a verdict:

- `correct`: the exact value rounds to the notes' number;
- `rounding`: it does not, but the notes' number is what rounding or truncating gives when
  the notes' own rounded earlier values are carried forward (`carried`), or it is the exact
  value truncated instead of rounded;
- `erratum`: neither; `why` gives the likely cause. A cause is only claimed when its slip,
  worked out, reproduces the notes' number (`slip`); otherwise the cause is called unknown.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from ..core.functional import sigmoid
from ..engine.network import Network

LAYERS = (2, 2, 1)
X = (0.35, 0.9)
TARGET = (0.5,)
LR = 1.0
WEIGHTS = {"w13": 0.1, "w23": 0.8, "w14": 0.4, "w24": 0.6, "w35": 0.3, "w45": 0.9}


def example_network() -> Network:
    return Network.build(LAYERS, "sigmoid", WEIGHTS)


def decimals_of(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def at(value: float, decimals: int, mode=ROUND_HALF_UP) -> Decimal:
    q = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(value))).quantize(q, rounding=mode)


@dataclass
class Row:
    quantity: str
    where: str          # the line of the notes it comes from
    notes: str          # the number as the notes write it
    exact: float        # the engine's value (sympy, exact arithmetic, 30 digits)
    exact_rounded: str  # the engine's value at the notes' decimals
    verdict: str        # correct | rounding | erratum
    why: str


def _judge(quantity, where, notes, exact, carried=None, slip=None, slip_why="", unknown_why=""):
    d = decimals_of(notes)
    want = Decimal(notes)
    rounded = at(exact, d)
    if rounded == want:
        verdict, why = "correct", f"{exact:.6g} rounds to {notes}"
    elif carried is not None and (at(carried, d) == want or at(carried, d, ROUND_DOWN) == want):
        how = "rounds" if at(carried, d) == want else "truncates"
        verdict = "rounding"
        why = (f"the notes carry their rounded earlier values forward: that gives {carried:.6g}, "
               f"which {how} to {notes}; the exact value {exact:.6g} gives {rounded}")
    elif at(exact, d, ROUND_DOWN) == want:
        verdict, why = "rounding", f"{exact:.6g} truncated (not rounded) to {d} decimals"
    elif slip is not None and (at(slip, d) == want or at(slip, d, ROUND_DOWN) == want):
        verdict, why = "erratum", f"{slip_why} (that slip gives {slip:.6g}); the right value is {exact:.6g}"
    else:
        verdict = "erratum"
        why = (unknown_why or "cause unknown") + f"; the right value is {exact:.6g}"
    return Row(quantity, where, notes, exact, str(rounded), verdict, why)


def check() -> list[Row]:
    """The table: one row per number the notes write for the example."""
    from ..engine.symbolic import exact_trace

    net = example_network()
    tr = exact_trace(net, X, TARGET, LR)
    e = {r.key: r.value for r in tr.records}
    _, outs, _ = net.train(X, TARGET, LR, 20)
    errs = [float(TARGET[0] - o) for o in outs[:, 0]]
    err2, err3 = errs[1], errs[2]
    first = next(k for k, v in enumerate(errs, 1) if abs(v) <= 0.15)
    path = ", ".join(f"{v:.4f}" for v in errs[:3])

    # the notes' own rounded numbers, carried forward as they carry them
    y3n, y4n, z5n = 0.68, 0.6637, 0.8013
    y5n = 0.6902
    d5n = y5n * (1 - y5n) * (0.5 - y5n)
    rows = [
        _judge("z3 (a1)", "a1 = (0.1 × 0.35) + (0.8 × 0.8) = 0.755", "0.755", e["z3"]),
        _judge("x2 as printed in the a1 line", "a1 = (0.1 × 0.35) + (0.8 × 0.8)", "0.8", X[1],
               slip=0.8, slip_why="a transcription garble: 0.1×0.35 + 0.8×0.8 = 0.675, but the "
               "line's result 0.755 (and the a2 line) need x2 = 0.9"),
        _judge("y3", "y3 = 1/(1 + e^-0.755) = 0.68", "0.68", e["y3"]),
        _judge("z4 (a2)", "a2 = (0.4 × 0.35) + (0.9 × 0.6) = 0.68", "0.68", e["z4"]),
        _judge("y4", "y4 = 1/(1 + e^-0.68) = 0.6637", "0.6637", e["y4"]),
        _judge("z5 (a3)", "a3 = (0.68 × 0.3) + (0.6637 × 0.9) = 0.8013", "0.8013", e["z5"],
               carried=y3n * 0.3 + y4n * 0.9),
        _judge("y5", "y5 = 1/(1 + e^-0.8013) = 0.6902", "0.6902", e["y5"], carried=float(sigmoid(z5n))),
        _judge("error t5 - y5", "0.5 - 0.69 = -0.19", "-0.19", e["e5"]),
        _judge("δ5", "δ5 = 0.6902(1 - 0.6902)(0.5 - 0.6902) = -0.0406", "-0.0406", e["d5"],
               carried=d5n),
        _judge("δ3", "δ3 = 0.68(1 - 0.68)(0.3 × -0.0406) = -0.00265", "-0.00265", e["d3"],
               carried=y3n * (1 - y3n) * 0.3 * -0.0406),
        _judge("δ4", "δ4 = 0.6637(1 - 0.6637)(0.9 × -0.0406) = -0.00815", "-0.00815", e["d4"],
               carried=y4n * (1 - y4n) * 0.9 * -0.0406),
        _judge("Δw45", "Δw45 = 1 × -0.0406 × 0.6637 = -0.0269", "-0.0269", e["dw45"],
               carried=-0.0406 * y4n),
        _judge("w45 (new)", "w45 = -0.0269 + 0.9 = 0.8731", "0.8731", e["w45'"],
               carried=0.9 - 0.0269),
        _judge("Δw14", "Δw14 = η δ4 y4 = 1 × -0.0082 × 0.35 = -0.0287", "-0.0287", e["dw14"],
               carried=-0.0082 * 0.35, slip=10 * -0.0082 * 0.35,
               slip_why="a slipped decimal point: 1 × -0.0082 × 0.35 = -0.00287, and the new "
               "w14 = 0.3971 two lines below uses -0.00287. The line's formula also writes y4 "
               "where the input O1 = x1 = 0.35 belongs (the number used is x1)"),
        _judge("w14 (new)", "w14 = 0.3971", "0.3971", e["w14'"], carried=0.4 - 0.00287),
        _judge("Δw45 (summary)", "summary: Δw45 = -0.026", "-0.026", e["dw45"], carried=-0.0269),
        _judge("Δw14 (summary)", "summary: Δw14 = -0.0287", "-0.0287", e["dw14"],
               slip=10 * -0.0082 * 0.35, slip_why="the decimal slip of the Δw14 line, copied"),
        _judge("Δw35 (summary)", "summary: Δw35 = -0.0026", "-0.0026", e["dw35"],
               slip=-0.00265, slip_why="δ3 = -0.00265 written in place of "
               "Δw35 = η δ5 y3 = 1 × -0.0406 × 0.68 = -0.0276"),
        _judge("Δw24 (summary)", "summary: Δw24 = -0.000034", "-0.000034", e["dw24"],
               unknown_why="cause unknown: no product of the example's numbers gives it; "
               "Δw24 = η δ4 x2 = 1 × -0.00815 × 0.9 = -0.0073"),
        _judge("error, 2nd iteration", "2nd Iteration … Error -0.15", "-0.15", err2,
               unknown_why="not explained by rounding: with η = 1 the error shrinks slowly "
               f"({path}, ...) and is first within ±0.15 at forward pass {first}"),
        _judge("error, 3rd iteration", "3rd Iteration … Error = 0.09", "0.09", err3,
               unknown_why="not explained by rounding (and the sign is lost); possibly garbled "
               "in transcription"),
        _judge("error, 3rd iteration (second reading)", "Error = 0.1495", "0.1495", err3,
               unknown_why="not explained by rounding nor by a sign slip; possibly garbled in "
               "transcription"),
    ]
    return rows


def as_dicts(rows=None) -> list[dict]:
    return [asdict(r) for r in (rows if rows is not None else check())]


def to_json(rows=None) -> str:
    return json.dumps(as_dicts(rows), indent=2, ensure_ascii=False)


def to_text(rows=None) -> str:
    rows = rows if rows is not None else check()
    head = ("quantity", "notes", "exact", "verdict")
    body = [(r.quantity, r.notes, r.exact_rounded, r.verdict) for r in rows]
    width = [max(len(str(x[k])) for x in [head, *body]) for k in range(4)]
    lines = ["  ".join(str(c).ljust(width[k]) for k, c in enumerate(head)).rstrip()]
    for r, cells in zip(rows, body):
        lines.append("  ".join(str(c).ljust(width[k]) for k, c in enumerate(cells)).rstrip())
        if r.verdict != "correct":
            lines.append("    ↳ " + r.why)
    return "\n".join(lines)


class NotesCheck:
    """The table as a notebook object: HTML in JupyterLab, aligned text for nbval."""

    def __init__(self):
        self.rows = check()

    def counts(self) -> dict:
        out = {"correct": 0, "rounding": 0, "erratum": 0}
        for r in self.rows:
            out[r.verdict] += 1
        return out

    def __repr__(self) -> str:
        return to_text(self.rows)

    def _repr_html_(self) -> str:
        colour = {"correct": "#1b7a2e", "rounding": "#8a6d00", "erratum": "#b3261e"}
        esc = lambda s: str(s).replace("&", "&amp;").replace("<", "&lt;")  # noqa: E731
        cells = "".join(
            f"<tr><td>{esc(r.quantity)}</td><td><code>{esc(r.where)}</code></td>"
            f"<td>{esc(r.notes)}</td><td>{esc(r.exact_rounded)}</td>"
            f"<td style='color:{colour[r.verdict]}'><b>{r.verdict}</b></td>"
            f"<td style='text-align:left'>{esc(r.why)}</td></tr>" for r in self.rows)
        return ("<table><thead><tr><th>quantity</th><th>line of the notes</th><th>notes</th>"
                "<th>engine (same decimals)</th><th>verdict</th><th>why</th></tr></thead>"
                f"<tbody>{cells}</tbody></table>")
