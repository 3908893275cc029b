"""Notebook 00: the map of the course, the environment check and a first explorer."""
from __future__ import annotations

import math
import platform
import sys
from importlib import metadata

import ipywidgets as W
import numpy as np

from ..course.exercises import Exercise, ExerciseSet
from .ui import Explorer, FigureView, new_figure, slider

REQUIRED = {"numpy": "1.24", "sympy": "1.12", "matplotlib": "3.7", "ipywidgets": "8.0"}

# (notebook, topic, course notes it follows)
COURSE = [
    ("00_start_here", "How the suite works; environment check", "—"),
    ("01_neuron", "y = mx + c, multiple regression, the neuron, step and sigmoid, the play-tennis "
                  "table", "notes 000: start; notes 001: linear transformation + activation"),
    ("02_backprop_by_hand", "The hand-worked 2-2-1 sigmoid example line by line, the notes check",
     "notes 000: How to train a neural Network"),
    ("03_activations", "Sigmoid, tanh, ReLU and its kin, softmax, hard sigmoid, softplus; "
                       "vanishing gradients", "notes 000: Activation function"),
    ("04_optimizers", "GD, SGD, mini-batch, momentum, NAG, Adagrad, RMSprop, Adam, Adamax, Nadam",
     "notes 000: Optimizer; notes 001: learning rate"),
    ("05_playground", "A playground: train an MLP on 2-D data and watch the boundary",
     "notes 001: Demo (TensorFlow Playground)"),
    ("06_convolution", "Convolution, edge filters, padding and stride",
     "notes 000: CNN; notes 001: convolution, filters"),
    ("07_pooling_and_cnn", "Pooling, a small CNN on handwritten digits, architectures, transfer "
                           "learning", "notes 000: pooling, architectures; notes 001: CNN for digits"),
    ("08_rnn_lstm_gru", "RNN, GRU and LSTM step by step, vanishing gradients, attention",
     "notes 001: RNN, LSTM and GRU; transformers"),
    ("09_object_detection", "Box regression, IoU, anchors, NMS, RoI pooling, selective search, "
                            "YOLO labels", "notes 000: R-CNN; notes 001: Faster R-CNN, SSD, YOLO"),
]


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _at_least(have: str, need: str) -> bool:
    def parts(v):
        out = []
        for p in v.split(".")[:3]:
            digits = "".join(ch for ch in p if ch.isdigit())
            out.append(int(digits) if digits else 0)
        return out
    return parts(have) >= parts(need)


class Report(str):
    def __repr__(self) -> str:
        return str(self)


def environment_report(seed: int = 0) -> Report:
    """Versions (written as name==version, which the nbval sanitizer masks) and the check."""
    lines = [f"python=={platform.python_version()}"]
    problems = []
    if sys.version_info < (3, 10):
        problems.append("Python >= 3.10 is needed")
    for name, need in REQUIRED.items():
        have = _version(name)
        lines.append(f"{name}=={have}" if have else f"{name}: MISSING")
        if have is None:
            problems.append(f"{name} is not installed (run `make lab`)")
        elif not _at_least(have, need):
            problems.append(f"{name} {have} is older than the {need} nnlab needs")
    lines.append(f"nnlab=={_version('nnlab') or 'source tree'}")
    lines.append(f"seed: {seed}")
    lines.append("environment: OK" if not problems else "environment: PROBLEMS: " + "; ".join(problems))
    return Report("\n".join(lines))


class CourseMap:
    def __repr__(self) -> str:
        w = max(len(n) for n, _, _ in COURSE)
        return "\n".join(f"{n.ljust(w)}  {topic}  [{src}]" for n, topic, src in COURSE)

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td><code>{n}</code></td><td style='text-align:left'>{t}</td>"
                       f"<td style='text-align:left'>{s}</td></tr>" for n, t, s in COURSE)
        return ("<table><thead><tr><th>notebook</th><th>topic</th><th>follows</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>")


def course_map() -> CourseMap:
    return CourseMap()


# -- a first explorer: one sigmoid neuron -----------------------------------------------------
def neuron_output(x: float, w: float, b: float) -> float:
    z = w * x + b
    return 0.5 + 0.5 * math.tanh(0.5 * z)


def neuron_curve(w: float, b: float, xs=None):
    xs = np.linspace(-5, 5, 201) if xs is None else xs
    return xs, 0.5 + 0.5 * np.tanh(0.5 * (w * xs + b))


class NeuronDemo(Explorer):
    """Sliders x, w, b; shows z = w·x + b, y = σ(z) and the curve σ(w·x + b) over x."""

    def __init__(self, x=1.0, w=1.0, b=0.0):
        self.controls = {"x": slider("input x", x, -5, 5, 0.1),
                         "w": slider("weight w", w, -4, 4, 0.1),
                         "b": slider("bias b", b, -4, 4, 0.1)}
        self.mark_main(self.controls["w"])
        fig, ax = new_figure(480, 260)
        xs, ys = neuron_curve(w, b)
        (self._line,) = ax.plot(xs, ys, color="#1f77b4", label="y = σ(w·x + b)")
        (self._dot,) = ax.plot([x], [neuron_output(x, w, b)], "o", color="#d62728",
                               label="the input x")
        ax.set_xlabel("input x")
        ax.set_ylabel("output y")
        ax.set_ylim(-0.05, 1.05)
        ax.set_title("One sigmoid neuron")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=8)
        fig.tight_layout()
        self.view = FigureView(fig, "the neuron's output as a function of x",
                               animated=[self._line, self._dot])
        self.views = [self.view]
        self.readout = W.HTML()
        self.readout.add_class("nnlab-readout")
        for c in self.controls.values():
            c.observe(self._on_change, names="value")
        self.widget = W.VBox([W.HBox(list(self.controls.values())[:2]),
                              W.HBox([list(self.controls.values())[2]]),
                              self.readout, self.view.image])
        self.update()

    def _on_change(self, _change=None):
        self.update()

    def values(self):
        return {k: float(c.value) for k, c in self.controls.items()}

    def state(self) -> dict:
        v = self.values()
        z = v["w"] * v["x"] + v["b"]
        return {"x": round(v["x"], 4), "w": round(v["w"], 4), "b": round(v["b"], 4),
                "z": round(z, 4), "y": round(neuron_output(v["x"], v["w"], v["b"]), 4)}

    def update(self) -> None:
        s = self.state()
        xs, ys = neuron_curve(s["w"], s["b"])
        self._line.set_data(xs, ys)
        self._dot.set_data([s["x"]], [s["y"]])
        self.view.refresh()
        self.readout.value = (f"z = w·x + b = {s['w']:.2f}·{s['x']:.2f} + {s['b']:.2f} = "
                              f"<b>{s['z']:.4f}</b> &nbsp;→&nbsp; y = σ(z) = <b>{s['y']:.4f}</b>")


def demo_explorer(**kw) -> NeuronDemo:
    return NeuronDemo(**kw)


def _sigmoid_answer():
    return neuron_output(1.0, 2.0, -1.0)


exercises = ExerciseSet("Start here", [
    Exercise(
        question="A sigmoid neuron has weight w = 2, bias b = -1 and input x = 1. "
                 "What is its output y = σ(w·x + b)? (4 decimals)",
        answer=_sigmoid_answer,
        solution=lambda: ("z = w·x + b = 2·1 + (-1) = 1;  y = σ(1) = 1/(1 + e^-1) = "
                          f"{_sigmoid_answer():.4f}"),
        mistakes=lambda: [(1.0, "that is z = w·x + b; now apply the sigmoid σ(z) = 1/(1 + e^-z)."),
                          (neuron_output(1.0, 2.0, 1.0), "the bias is -1, not +1."),
                          (neuron_output(1.0, 2.0, 0.0), "you left out the bias b = -1.")],
    ),
])
