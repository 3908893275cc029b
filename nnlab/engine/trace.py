"""A training step written out: ordered records of every quantity the course notes write.

A `Trace` is what `Network.step` returns. Each `Record` holds one line of the derivation:
its symbol (z3, y3, e5, E, δ5, Δw13, w13', ...), its value and, once
`nnlab.engine.symbolic.attach_formulas` has run, its general formula and the formula with the
numbers substituted (as LaTeX and as plain text). With `exact=True` each record also holds
its exact value as a sympy expression string.

Renderings: `to_text()` (aligned, for a terminal), `to_markdown()`, `to_latex()` and
`to_json()` / `to_dict()` (the CLI's JSON, see the README).

The names of weights and biases (`weight_name`, `bias_name`) are defined here, below the
network: `nnlab.engine.network` imports this module, never the other way round. `build_trace`
reads only the network's attributes (numbers, weights, biases), so it needs no import of it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np


def weight_name(i: int, j: int) -> str:
    """The weight from neuron i to neuron j: 'w13', or 'w3_10' once a number is above 9."""
    return f"w{i}{j}" if i < 10 and j < 10 else f"w{i}_{j}"


def bias_name(j: int) -> str:
    return f"b{j}"


def listed(names, most: int = 12) -> str:
    """Names joined by commas, at most `most` of them (a message stays one short line)."""
    names = list(names)
    if len(names) <= most:
        return ", ".join(names)
    return ", ".join(names[:most - 2]) + f", …, {names[-1]} ({len(names)} names)"


KINDS = ("z", "y", "error", "loss", "delta", "dw", "w_new", "db", "b_new", "loss_after")


@dataclass
class Record:
    key: str            # unique: z3, y3, e5, E, d5, dw13, w13', db3, b3', E'
    kind: str           # one of KINDS
    ref: str            # neuron number ("3"), weight name ("w13"), bias name ("b3"), or ""
    value: float
    text_symbol: str    # how a terminal writes it: "δ5", "Δw13", "w13'"
    latex_symbol: str   # how LaTeX writes it: r"\delta_{5}"
    formula_latex: str | None = None
    formula_text: str | None = None
    substituted_latex: str | None = None
    substituted_text: str | None = None
    exact: str | None = None


def fmt(value: float, digits: int = 4) -> str:
    """A number with `digits` significant digits, never in scientific notation below 1e9."""
    if value == 0:
        return "0"
    if abs(value) < 1e-9 or abs(value) >= 1e9:
        return f"{value:.{digits}g}"
    return np.format_float_positional(value, precision=digits, unique=False,
                                      fractional=False, trim="-")


def value_text(value: float) -> str:
    return fmt(value, 6)


class Trace:
    """Every quantity of one backprop step, in the order the notes compute them."""

    def __init__(self, network, network_after, x, t, lr, records):
        self.network = network
        self.network_after = network_after
        self.x = np.asarray(x, dtype=float)
        self.t = np.asarray(t, dtype=float)
        self.lr = float(lr)
        self.records: list[Record] = records
        self._by_key = {r.key: r for r in records}
        self.exact_mode = False

    # -- access ---------------------------------------------------------------------------
    def __getitem__(self, key: str) -> float:
        return self._by_key[key].value

    def record(self, key: str) -> Record:
        return self._by_key[key]

    def __iter__(self):
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def of_kind(self, kind: str) -> dict[str, float]:
        return {r.ref: r.value for r in self.records if r.kind == kind}

    @property
    def loss(self) -> float:
        return self._by_key["E"].value

    @property
    def loss_after(self) -> float:
        return self._by_key["E'"].value

    # -- renderings -----------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The CLI's JSON object (numbers as floats; exact strings under 'exact' if computed)."""
        out = {
            "layers": list(self.network.layers),
            "activations": list(self.network.activations),
            "x": {str(i): float(v) for i, v in zip(self.network.input_numbers, self.x)},
            "lr": self.lr,
            "w": self.network.weight_dict(),
        }
        if self.network.biases is not None:
            out["b"] = self.network.bias_dict()
            out["biases_frozen"] = self.network.freeze_biases
        out.update({
            "z": self.of_kind("z"),
            "y": self.of_kind("y"),
            "target": {str(j): float(v) for j, v in zip(self.network.output_numbers, self.t)},
            "error": self.of_kind("error"),
            "loss": self.loss,
            "delta": self.of_kind("delta"),
            "dw": self.of_kind("dw"),
            "w_new": self.of_kind("w_new"),
        })
        if self.network.biases is not None:
            out["db"] = self.of_kind("db")
            out["b_new"] = self.of_kind("b_new")
        out["loss_after"] = self.loss_after
        if self.exact_mode:
            exact: dict = {}
            for r in self.records:
                if r.kind in ("loss", "loss_after"):
                    exact[r.kind] = r.exact
                else:
                    exact.setdefault(r.kind, {})[r.ref] = r.exact
            out["exact"] = exact
        return out

    def to_json(self, indent: int | None = 2) -> str:
        # allow_nan=False: NaN and Infinity are not JSON (a non-finite number is a ValueError)
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    def _parts(self, latex: bool):
        """Per record: [symbol, formula, formula with numbers, value] (absent parts left out)."""
        for r in self.records:
            sym, formula, numbers = ((r.latex_symbol, r.formula_latex, r.substituted_latex) if latex
                                     else (r.text_symbol, r.formula_text, r.substituted_text))
            parts = [sym] + ([formula] if formula else [])
            if numbers and numbers != formula:
                parts.append(numbers)
            yield r, parts + [value_text(r.value)]

    def to_text(self) -> str:
        """Aligned plain text: symbol = formula = numbers = value."""
        rows = [parts for _, parts in self._parts(latex=False)]
        width = [max((len(c[k]) for c in rows if len(c) > k + 1), default=0) for k in range(3)]
        lines = []
        for cells in rows:
            padded = [c.ljust(width[k]) for k, c in enumerate(cells[:-1])] + [cells[-1]]
            lines.append(" = ".join(padded).rstrip())
        head = (f"{self.network.shape_text()} network, activations "
                f"{', '.join(self.network.activations)}, η = {fmt(self.lr)}")
        return head + "\n" + "\n".join(lines)

    def to_latex(self) -> str:
        body = " \\\\\n".join(f"{p[0]} &= " + " = ".join(p[1:]) for _, p in self._parts(latex=True))
        return "\\begin{aligned}\n" + body + "\n\\end{aligned}"

    def to_markdown(self) -> str:
        sections = {"z": "Forward pass", "error": "Error and loss", "delta": "Backward pass (δ)",
                    "dw": "Weight updates", "loss_after": "After the update"}
        out, seen = [], set()
        for r, parts in self._parts(latex=True):
            title = sections.get(r.kind)
            if title and title not in seen:
                seen.add(title)
                out.append(f"\n**{title}**\n")
            out.append("- $" + " = ".join(parts) + "$")
        return "\n".join(out).strip() + "\n"

    # notebook display: the rich view is Markdown with LaTeX; nbval compares the plain text
    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __repr__(self) -> str:
        return self.to_text()


# -- construction from the numeric engine ---------------------------------------------------
def build_trace(net, new, x, t, lr, zs, ys, err, ds, dWs, dBs, loss_after) -> Trace:
    """The records of one step, read from the intermediates the step returned: z, y, the error
    t − y, δ, Δw, Δb per layer, the updated network `new` and E' (E is ½ Σ err²)."""
    recs: list[Record] = []
    for li, nums in enumerate(net.numbers[1:]):
        for k, j in enumerate(nums):
            recs.append(Record(f"z{j}", "z", str(j), float(zs[li][k]), f"z{j}", f"z_{{{j}}}"))
            recs.append(Record(f"y{j}", "y", str(j), float(ys[li][k]), f"y{j}", f"y_{{{j}}}"))
    for k, j in enumerate(net.output_numbers):
        recs.append(Record(f"e{j}", "error", str(j), float(err[k]), f"e{j}", f"e_{{{j}}}"))
    recs.append(Record("E", "loss", "", 0.5 * float(err @ err), "E", "E"))
    for li in range(len(ds) - 1, -1, -1):
        for k, j in enumerate(net.numbers[li + 1]):
            recs.append(Record(f"d{j}", "delta", str(j), float(ds[li][k]), f"δ{j}",
                               f"\\delta_{{{j}}}"))
    for li in range(len(dWs)):
        for b, j in enumerate(net.numbers[li + 1]):
            for a, i in enumerate(net.numbers[li]):
                name = weight_name(i, j)
                sub = name[1:] if "_" not in name else name[1:].replace("_", ",")
                recs.append(Record(f"d{name}", "dw", name, float(dWs[li][a, b]), f"Δ{name}",
                                   f"\\Delta w_{{{sub}}}"))
                recs.append(Record(f"{name}'", "w_new", name, float(new.weights[li][a, b]),
                                   f"{name}'", f"w'_{{{sub}}}"))
            if dBs is not None:
                bn = bias_name(j)
                recs.append(Record(f"d{bn}", "db", bn, float(dBs[li][b]), f"Δ{bn}",
                                   f"\\Delta b_{{{j}}}"))
                recs.append(Record(f"{bn}'", "b_new", bn, float(new.biases[li][b]), f"{bn}'",
                                   f"b'_{{{j}}}"))
    recs.append(Record("E'", "loss_after", "", float(loss_after), "E'", "E'"))
    return Trace(net, new, x, t, lr, recs)
