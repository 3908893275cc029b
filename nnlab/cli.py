"""The `nnlab` command (also `python -m nnlab`).

    nnlab backprop --layers 2,2,1 --x 0.35,0.9 --target 0.5 \\
        --weights w13=0.1,w23=0.8,w14=0.4,w24=0.6,w35=0.3,w45=0.9 --lr 1 --format text
    nnlab notes-check --format json

Bad input never gives a traceback: one line naming the argument and what was expected,
on standard error, and exit status 2.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys

FORMATS = ("text", "markdown", "latex", "json")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse prints the whole usage otherwise)
        raise UsageError(message)


def _numbers(option: str, text: str) -> list[float]:
    parts = [p.strip() for p in str(text).split(",")]
    out = []
    for p in parts:
        try:
            v = float(p)
        except ValueError:
            raise UsageError(f"{option}: expected comma-separated numbers such as 0.35,0.9, "
                             f"got {text!r}") from None
        if not math.isfinite(v):
            raise UsageError(f"{option}: expected finite numbers, got {p!r}")
        out.append(v)
    return out


def _assignments(option: str, text: str, prefix: str) -> dict[str, float]:
    out = {}
    for part in [p.strip() for p in str(text).split(",") if p.strip()]:
        m = re.fullmatch(rf"({prefix}[0-9_]+)\s*=\s*(\S+)", part)
        if not m:
            raise UsageError(f"{option}: expected name=value pairs such as {prefix}13=0.1, "
                             f"got {part!r}")
        try:
            v = float(m.group(2))
        except ValueError:
            raise UsageError(f"{option}: expected a number after '{m.group(1)}=', "
                             f"got {m.group(2)!r}") from None
        if not math.isfinite(v):
            raise UsageError(f"{option}: expected a finite number for {m.group(1)}, got {m.group(2)!r}")
        if m.group(1) in out:
            raise UsageError(f"{option}: {m.group(1)} is given twice")
        out[m.group(1)] = v
    return out


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="nnlab", description="nnlab: the foundations of deep learning, step by step")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    b = sub.add_parser("backprop", help="one backprop step written out line by line (and more iterations)")
    b.add_argument("--layers", default="2,2,1", help="layer sizes, inputs first (default 2,2,1)")
    b.add_argument("--x", required=True, help="the inputs, comma-separated: 0.35,0.9")
    b.add_argument("--target", required=True, help="the targets of the output neurons: 0.5")
    b.add_argument("--weights", default="", help="w13=0.1,w23=0.8,... (missing ones are drawn)")
    b.add_argument("--biases", default=None,
                   help="b3=0.35,... (missing ones drawn) or 'random'; without it: no biases")
    b.add_argument("--freeze-biases", action="store_true", help="keep the biases fixed")
    b.add_argument("--activation", default="sigmoid",
                   help="sigmoid, tanh, relu or linear; or one per non-input layer: tanh,sigmoid")
    b.add_argument("--lr", default="1", help="learning rate η >= 0 (default 1)")
    b.add_argument("--iterations", default="1", help="training iterations on the example (default 1)")
    b.add_argument("--exact", action="store_true", help="exact arithmetic (sympy) for the traced step")
    b.add_argument("--seed", default="0", help="seed of the generator for missing weights (default 0)")
    b.add_argument("--format", default="text", help="text, markdown, latex or json (default text)")
    n = sub.add_parser("notes-check", help="the course's 2-2-1 example checked line by line")
    n.add_argument("--format", default="text", help="text or json (default text)")
    from . import editions, hub

    editions.add_arguments(sub.add_parser(
        "exercises", help="a notebook's student edition with one seed's numbers, and its answer key"))
    hub.add_arguments(sub.add_parser(
        "hub-link", help="the nbgitpuller link that opens notebook 00 on a class's JupyterHub"))
    return p


def _int(option, text, minimum, maximum):
    try:
        v = int(str(text))
    except ValueError:
        raise UsageError(f"{option}: expected a whole number from {minimum} to {maximum}, "
                         f"got {text!r}") from None
    if not minimum <= v <= maximum:
        raise UsageError(f"{option}: expected a whole number from {minimum} to {maximum}, got {v}")
    return v


def _history_text(outputs, losses, outs_numbers) -> str:
    n = len(losses)
    show = list(range(n)) if n <= 20 else list(range(10)) + [None] + list(range(n - 10, n))
    lines = ["iteration  " + "  ".join(f"y{j:<9}" for j in outs_numbers) + "  loss"]
    for k in show:
        if k is None:
            lines.append("…")
            continue
        ys = "  ".join(f"{v:<10.6f}" for v in outputs[k])
        lines.append(f"{k + 1:<9}  {ys}  {losses[k]:.6g}")
    return "\n".join(lines)


def run_backprop(a) -> str:
    from .engine.network import Network

    fmt_ = a.format.strip().lower()
    if fmt_ not in FORMATS:
        raise UsageError(f"--format: expected one of {', '.join(FORMATS)}, got {a.format!r}")
    x = _numbers("--x", a.x)
    t = _numbers("--target", a.target)
    lr = _numbers("--lr", a.lr)
    if len(lr) != 1 or lr[0] < 0:
        raise UsageError(f"--lr: expected one number >= 0, got {a.lr!r}")
    iterations = _int("--iterations", a.iterations, 1, 10_000_000)
    seed = _int("--seed", a.seed, 0, 2**32 - 1)
    weights = _assignments("--weights", a.weights, "w")
    if a.biases is None:
        biases = None
    elif a.biases.strip().lower() == "random":
        biases = True
    else:
        biases = _assignments("--biases", a.biases, "b") or True
    if a.freeze_biases and biases is None:
        raise UsageError("--freeze-biases: the network has no biases; give --biases too")
    try:
        net = Network.build(a.layers, a.activation, weights, biases, a.freeze_biases, seed)
    except ValueError as err:
        raise UsageError(_option_name(str(err))) from None
    if len(x) != net.layers[0]:
        raise UsageError(f"--x: expected {net.layers[0]} input value(s) for a "
                         f"{net.shape_text()} network, got {len(x)}")
    if len(t) != net.layers[-1]:
        raise UsageError(f"--target: expected {net.layers[-1]} target value(s) for a "
                         f"{net.shape_text()} network, got {len(t)}")
    if a.exact:
        from .engine.symbolic import exact_trace

        trace = exact_trace(net, x, t, lr[0])
    else:
        trace = net.step(x, t, lr[0])
        if fmt_ != "json":
            from .engine.symbolic import attach_formulas

            attach_formulas(trace)
    history = None
    if iterations > 1:
        _, outputs, losses = net.train(x, t, lr[0], iterations)
        history = (outputs, losses)
    if fmt_ == "json":
        out = trace.to_dict()
        if history is not None:
            outs = net.output_numbers
            out["history"] = [{"iteration": k + 1,
                               "y": {str(j): float(v) for j, v in zip(outs, history[0][k])},
                               "loss": float(history[1][k])} for k in range(iterations)]
        return json.dumps(out, ensure_ascii=False)  # compact: the C encoder, fast for long histories
    body = {"text": trace.to_text, "markdown": trace.to_markdown, "latex": trace.to_latex}[fmt_]()
    if history is not None:
        table = _history_text(*history, net.output_numbers)
        if fmt_ == "markdown":
            table = "```\n" + table + "\n```"
        elif fmt_ == "latex":
            table = "% " + table.replace("\n", "\n% ")
        body = body.rstrip("\n") + f"\n\nIterations (forward pass before each update):\n{table}"
    return body


def _option_name(message: str) -> str:
    """Library messages name arguments ('layers: ...'); the CLI names options ('--layers: ...')."""
    head, _, rest = message.partition(":")
    mapping = {"layers": "--layers", "activation": "--activation", "seed": "--seed",
               "x": "--x", "target": "--target", "lr": "--lr", "iterations": "--iterations",
               "exact": "--exact"}
    key = head.split("[")[0]
    if key in ("weights", "biases"):
        return f"--{key}{head[len(key):]}:{rest}"
    return f"{mapping.get(key, head)}:{rest}"


def run_notes_check(a) -> str:
    from .course import notes_check

    fmt_ = a.format.strip().lower()
    if fmt_ not in ("text", "json"):
        raise UsageError(f"--format: expected text or json, got {a.format!r}")
    return notes_check.to_json() if fmt_ == "json" else notes_check.to_text()


def _run(args) -> str:
    if args.command == "backprop":
        return run_backprop(args)
    if args.command == "notes-check":
        return run_notes_check(args)
    from . import editions, hub

    return {"exercises": editions.run, "hub-link": hub.run}[args.command](args)


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        out = _run(args)
    except UsageError as err:
        prog = "nnlab" + (f" {sys.argv[1]}" if argv is None and len(sys.argv) > 1 else "")
        print(f"{prog}: error: {err}", file=sys.stderr)
        return 2
    except ValueError as err:  # a check inside the library: still one line, still exit 2
        print(f"nnlab: error: {_option_name(str(err))}", file=sys.stderr)
        return 2
    try:
        print(out)
    except BrokenPipeError:  # `nnlab ... | head`
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
