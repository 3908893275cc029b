"""The `nnlab` command (also `python -m nnlab`).

    nnlab backprop --layers 2,2,1 --x 0.35,0.9 --target 0.5 \\
        --weights w13=0.1,w23=0.8,w14=0.4,w24=0.6,w35=0.3,w45=0.9 --lr 1 --format text
    nnlab notes-check --format json

Bad input never gives a traceback: one line naming the argument and what was expected,
on standard error, and exit status 2. Also refused, never silently resolved: an option given
twice (`--lr 1 --lr 2`) and an empty value (`--biases ""`). A negative first value is read as
a value (`--x -0.35,0.9`), as a learner types it. Without a command, the help goes to standard
error (exit 2). Output that cannot be written (`> /dev/full`) is one line and exit status 1.
Every size has a limit checked before the work starts (the network's layers and iterations,
the formulas of the text formats, exact arithmetic), and the JSON never holds NaN or Infinity.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys

FORMATS = ("text", "markdown", "latex", "json")
MESSAGE = 300          # characters of an error message printed at most


class UsageError(Exception):
    pass


def _given_once(action, namespace, option_string) -> None:
    seen = namespace.__dict__.setdefault("given_options", set())
    if action.dest in seen:
        raise UsageError(f"{option_string or action.dest}: given more than once; give it once")
    seen.add(action.dest)


class Once(argparse.Action):
    """An option's value, refused when the option is repeated or the value is empty."""

    def __call__(self, parser, namespace, values, option_string=None):
        _given_once(self, namespace, option_string)
        if isinstance(values, str) and not values.strip():
            raise UsageError(f"{option_string or self.dest}: expected a value, got an empty string")
        setattr(namespace, self.dest, values)


class OnceTrue(argparse.Action):
    """A flag (store_true), refused when repeated."""

    flags: set[str] = set()   # every flag's option strings (never joined with a value)

    def __init__(self, option_strings, dest, default=False, required=False, help=None):
        OnceTrue.flags.update(option_strings)
        super().__init__(option_strings, dest, nargs=0, const=True, default=default,
                         required=required, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        _given_once(self, namespace, option_string)
        setattr(namespace, self.dest, True)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (None, "store"):
            self.register("action", name, Once)
        self.register("action", "store_true", OnceTrue)

    def error(self, message):  # one line, exit 2 (argparse prints the whole usage otherwise)
        raise UsageError(message)


NEGATIVE = re.compile(r"-(\d|\.\d|inf|nan)", re.IGNORECASE)


def negative_values(argv: list[str]) -> list[str]:
    """`--x -0.35,0.9` -> `--x=-0.35,0.9`: a value that starts with a minus sign stays a value
    (argparse takes '-0.35,0.9' for an option: only plain numbers such as -0.35 pass)."""
    out, k = [], 0
    while k < len(argv):
        tok = argv[k]
        if (tok.startswith("--") and "=" not in tok and tok != "--" and tok not in OnceTrue.flags
                and k + 1 < len(argv) and NEGATIVE.match(argv[k + 1])):
            out.append(f"{tok}={argv[k + 1]}")
            k += 2
            continue
        out.append(tok)
        k += 1
    return out


def _numbers(option: str, text: str) -> list[float]:
    parts = [p.strip() for p in str(text).split(",")]
    out = []
    for p in parts:
        try:
            v = float(p)
        except ValueError:
            raise UsageError(f"{option}: expected comma-separated numbers such as 0.35,0.9, "
                             f"got {short(text)}") from None
        if not math.isfinite(v):
            raise UsageError(f"{option}: expected finite numbers, got {short(p)}")
        out.append(v)
    return out


def _assignments(option: str, text: str, prefix: str) -> dict[str, float]:
    out = {}
    if not str(text).strip():
        return out
    for part in [p.strip() for p in str(text).split(",")]:
        m = re.fullmatch(rf"({prefix}[0-9_]+)\s*=\s*(\S+)", part)
        if not m:
            raise UsageError(f"{option}: expected name=value pairs such as {prefix}13=0.1, "
                             f"got {short(part) if part else 'an empty entry'}")
        try:
            v = float(m.group(2))
        except ValueError:
            raise UsageError(f"{option}: expected a number after '{short(m.group(1), 20)[1:-1]}=', "
                             f"got {short(m.group(2))}") from None
        if not math.isfinite(v):
            raise UsageError(f"{option}: expected a finite number for {m.group(1)}, "
                             f"got {short(m.group(2))}")
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


def short(value, limit: int = 60) -> str:
    """repr of a value, cut to `limit` characters: a message never echoes a whole argument."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def _int(option, text, minimum, maximum=None):
    """A whole number; maximum None: the caller checks the upper limit (it depends on more)."""
    span = f"from {minimum} to {maximum}" if maximum is not None else f">= {minimum}"
    try:
        v = int(str(text)) if len(str(text)) <= 30 else None
    except ValueError:
        v = None
    if v is None:
        raise UsageError(f"{option}: expected a whole number {span}, got {short(text)}")
    if maximum is None:
        if v < minimum:
            raise UsageError(f"{option}: expected a whole number {span}, got {v}")
        return v
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
        raise UsageError(f"--format: expected one of {', '.join(FORMATS)}, got {short(a.format)}")
    x = _numbers("--x", a.x)
    t = _numbers("--target", a.target)
    lr = _numbers("--lr", a.lr)
    if len(lr) != 1 or lr[0] < 0:
        raise UsageError(f"--lr: expected one number >= 0, got {short(a.lr)}")
    iterations = _int("--iterations", a.iterations, 1)   # its limit depends on the network
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
    # every limit before any work: iterations, the formulas of the text formats, exact arithmetic
    try:
        net.check_iterations(iterations)
    except ValueError as err:
        raise UsageError(f"--{err}") from None
    if a.exact or fmt_ != "json":
        from .engine import symbolic

        if a.exact:
            symbolic.check_exact_size(net)
        if fmt_ != "json":
            try:
                symbolic.check_formula_size(net)
            except ValueError as err:
                raise UsageError(f"--format: {fmt_}: {str(err).partition(': ')[2]}") from None
    if a.exact:
        trace = symbolic.exact_trace(net, x, t, lr[0])
    else:
        trace = net.step(x, t, lr[0])
        if fmt_ != "json":
            symbolic.attach_formulas(trace)
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
        # compact: the C encoder, fast for long histories; allow_nan=False: NaN is not JSON
        try:
            return json.dumps(out, ensure_ascii=False, allow_nan=False)
        except ValueError:
            raise UsageError("--format: json: a result is not a finite number (NaN or "
                             "infinite); lower the learning rate or use smaller inputs") from None
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
        raise UsageError(f"--format: expected text or json, got {short(a.format)}")
    return notes_check.to_json() if fmt_ == "json" else notes_check.to_text()


def _run(args) -> str:
    if args.command == "backprop":
        return run_backprop(args)
    if args.command == "notes-check":
        return run_notes_check(args)
    from . import editions, hub

    return {"exercises": editions.run, "hub-link": hub.run}[args.command](args)


def one_line(message: str) -> str:
    """A message as one line of at most MESSAGE characters."""
    text = " ".join(str(message).split())
    return text if len(text) <= MESSAGE else text[:MESSAGE - 1] + "…"


def _say(text: str) -> None:
    try:
        print(text, file=sys.stderr)
    except (OSError, ValueError):
        pass


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so that Python's own flush at exit fails no more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def main(argv=None) -> int:
    parser = build_parser()
    raw = list(sys.argv[1:] if argv is None else argv)
    try:
        if not raw:
            parser.print_help(sys.stderr)
            return 2
        args = parser.parse_args(negative_values(raw))
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        out = _run(args)
    except UsageError as err:
        prog = "nnlab" + (f" {raw[0]}" if argv is None and raw and not raw[0].startswith("-") else "")
        _say(f"{prog}: error: {one_line(err)}")
        return 2
    except (ValueError, OverflowError) as err:  # a check inside the library: one line, exit 2
        _say(f"nnlab: error: {one_line(_option_name(str(err)))}")
        return 2
    except MemoryError:
        _say("nnlab: error: out of memory; ask for a smaller network or fewer iterations")
        return 1
    except KeyboardInterrupt:
        _say("nnlab: interrupted")
        return 130
    try:
        sys.stdout.write(out + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `nnlab ... | head`: the reader has what it wanted
        _quiet_stdout()
    except OSError as err:   # `> /dev/full`, a closed terminal
        _quiet_stdout()
        _say(f"nnlab: error: cannot write the output ({err.strerror or err})")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
