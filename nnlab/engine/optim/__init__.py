"""The optimizers of the course, as update rules on lists of numpy arrays.

Every optimizer has `step(params, grads)`: `params` and `grads` are lists of numpy arrays of
matching shapes; it returns a NEW list of arrays and keeps its state (velocities, moments,
the step count) inside, keyed by position in the list. `reset()` forgets the state.

By default (`form="torch"`) each class follows the algorithm documented by torch.optim (written
as pseudo-code in its docstring), with the same names, hyperparameters and defaults (`SGD`,
`Adagrad`, `RMSprop`, `Adam`, `Adamax`, `NAdam`), and the arithmetic is done in the same order,
so the numbers agree with PyTorch to float64 rounding. `form="notes"` gives the form the course
notes write (see `notes`).

Numbers at the edges: a step whose numbers leave the float range (g² overflowing for
|g| ≥ 1.34e154 in the squared-gradient rules, θ overflowing for a huge lr, a nonzero m over a
denominator of 0 with eps = 0) is refused with one ValueError naming the cause, and the optimizer
is left as it was. With eps = 0 and a gradient that has been exactly 0, the step is 0 (the limit
of the rule as eps → 0; torch computes 0/0 = nan there). `run` marks a path as diverged (nan
from that step on) when θ or the optimizer's state leaves the float range.

Each step records its intermediates (`optimizer.records`, one dict per parameter: the moments
m, v, the bias corrections, the denominator, the new θ); `trace(params, grads)` returns those of
the next step without taking it, and `explain(params, grads)` prints them line by line —
(quantity, formula, formula with numbers, value) — from the rule's `Line` templates.

Files: `base` (the shared machinery), `sgd`, `adaptive` (Adagrad, RMSprop), `adam` (Adam,
Adamax, NAdam), `notes` (the notes' forms), `explain` (the line-by-line explanation), `run`
(paths, the 2-D fast path, make_optimizer).
"""
from .adam import Adam, Adamax, AdamFamily, NAdam
from .adaptive import Adagrad, RMSprop
from .base import ARRAY, FORMS, SCALAR, Optimizer, lerp
from .explain import SYMBOLS, Line, fmt, literal_text, placeholders
from .run import (
                  OPTIMIZERS,
                  diverged_at,
                  make_optimizer,
                  needs_lookahead,
                  run,
                  run_2d,
                  run_arrays,
                  stable_lr_limit,
)
from .sgd import GD, NAG, SGD, Momentum

__all__ = ["SGD", "GD", "Momentum", "NAG", "Adagrad", "RMSprop", "Adam", "Adamax", "NAdam",
           "AdamFamily", "OPTIMIZERS", "diverged_at", "make_optimizer", "run", "run_arrays", "run_2d",
           "needs_lookahead", "stable_lr_limit", "Optimizer", "FORMS", "ARRAY", "SCALAR", "lerp",
           "fmt", "Line", "SYMBOLS", "placeholders", "literal_text"]
