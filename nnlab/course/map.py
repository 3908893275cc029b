"""The course map, kept once: the notebooks in order, what each teaches and which notes it follows.

README's notebook table (`markdown_table()`), notebook 00's map (`course_map()`) and the
notebooks' titles (`title_of(name)`) are all read from `COURSE`.
"""
from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Notebook:
    name: str       # the file's stem, notebooks/<name>.ipynb
    title: str      # the notebook's title (its heading after "NN · ")
    teaches: str
    follows: str    # the parts of course notes 000 and 001 it follows


COURSE = (
    Notebook("00_start_here", "Start here",
             "how the sliders and exercise checks work; environment check", "—"),
    Notebook("01_neuron", "The neuron",
             "y = mx + c, multiple regression, the neuron, step and sigmoid, the play-tennis "
             "table, decision boundaries", "000 start; 001 linear transformation + activation"),
    Notebook("02_backprop_by_hand", "Backpropagation by hand",
             "the hand-worked 2-2-1 example line by line, the notes check, three ways to a "
             "gradient", '000 "How to train a neural Network"'),
    Notebook("03_activations", "Activation functions",
             "sigmoid, tanh, ReLU and its kin, softmax, hard sigmoid, softplus; vanishing "
             "gradients", "000 activation functions"),
    Notebook("04_optimizers", "Optimizers",
             "GD, SGD, mini-batch, momentum, NAG, Adagrad, RMSprop, Adam, Adamax, Nadam",
             "000 optimizers; 001 learning rate"),
    Notebook("05_playground", "Playground: train a network and watch it learn",
             "a playground: train an MLP on 2-D data and watch the decision boundary", "001 demo"),
    Notebook("06_convolution", "Convolution: filters, padding and stride",
             "convolution, edge filters, padding and stride", "000 CNN; 001 convolution"),
    Notebook("07_pooling_and_cnn",
             "Pooling, a small CNN on handwritten digits, architectures, transfer learning",
             "pooling, a small CNN on handwritten digits, architectures, transfer learning",
             "000, 001"),
    Notebook("08_rnn_lstm_gru", "RNN, GRU and LSTM step by step — and the road to attention",
             "RNN, GRU and LSTM step by step, vanishing gradients, attention", "001"),
    Notebook("09_object_detection", "Object detection",
             "box regression, IoU, anchors, NMS, RoI pooling, selective search, YOLO labels",
             "000 R-CNN; 001 YOLO"),
    Notebook("10_autoencoders_and_gans", "Autoencoders and GANs",
             "autoencoders (bottleneck, latent map, denoising) and GANs (generator against "
             "discriminator, the two losses, mode collapse)", "000 network types"),
    Notebook("11_transformers", "Transformers: attention, heads, positions, the encoder block",
             "self-attention with learned projections, heads, positional encoding, the encoder "
             "block, contextual vectors, parallelism against the RNN", '001 "Enter Transformers"'),
)


def title_of(name: str) -> str:
    """The title of the notebook `name` ('02_backprop_by_hand' or its prefix '02')."""
    for nb in COURSE:
        if nb.name == name or nb.name.split("_")[0] == name:
            return nb.title
    known = ", ".join(nb.name for nb in COURSE)
    raise ValueError(f"name: expected a notebook of the course ({known}), got {name!r}")


def markdown_table() -> str:
    """README's table of the notebooks (GitHub Markdown), one row per notebook."""
    rows = ["| notebook | what it teaches | course notes |", "| --- | --- | --- |"]
    rows += [f"| `{nb.name}` | {nb.teaches} | {nb.follows} |" for nb in COURSE]
    return "\n".join(rows) + "\n"


class CourseMap:
    """The map as a notebook object: an HTML table in JupyterLab, aligned text for nbval."""

    def __repr__(self) -> str:
        w = max(len(nb.name) for nb in COURSE)
        return "\n".join(f"{nb.name.ljust(w)}  {nb.teaches}  [notes {nb.follows}]"
                         if nb.follows != "—" else f"{nb.name.ljust(w)}  {nb.teaches}"
                         for nb in COURSE)

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = "".join(f"<tr><td><code>{esc(nb.name)}</code></td>"
                       f"<td style='text-align:left'>{esc(nb.teaches)}</td>"
                       f"<td style='text-align:left'>{esc(nb.follows)}</td></tr>" for nb in COURSE)
        return ("<table><thead><tr><th>notebook</th><th>what it teaches</th><th>course notes</th>"
                f"</tr></thead><tbody>{rows}</tbody></table>")


def course_map() -> CourseMap:
    return CourseMap()
