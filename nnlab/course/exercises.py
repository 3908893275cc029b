"""Check-your-answer helpers for the exercises at the end of every notebook.

A topic module builds an `ExerciseSet` of `Exercise` objects. The expected answer of each
exercise is *computed* (by the engine, from the exercise's own data), never typed in, so
that an instructor who changes the data gets a correct answer key for free.

In a notebook (SEED is set in the setup cell; 0 gives the numbers the committed notebook shows):

    from nnlab.course.backprop import exercise_set
    ex = exercise_set(SEED)    # the variant: other seeds draw other numbers, the same everywhere
    print(ex.show(1))          # the question (it names the variant's seed when it is not 0)
    ex.check(1, -0.0406)       # feedback: correct, or what is wrong
    ex.solution(1)             # the worked solution, when the learner asks for it
    ex.grade(1, answer)        # an autograder test cell: raises AssertionError when wrong
                               # (under nbgrader, or with strict=True)
    ex.key(1)                  # the instructor's view: the answer and every slip recognised

`check` is tolerance-aware and recognises common slips (a wrong sign, a factor of ten,
a forgotten learning rate ...) through each exercise's `mistakes`, a list of
(wrong value, explanation) pairs computed the same way as the answer.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np


@dataclass
class Feedback:
    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return ("✔ " if self.ok else "✘ ") + self.message

    def _repr_html_(self) -> str:
        colour = "#1b7a2e" if self.ok else "#b3261e"
        mark = "✔" if self.ok else "✘"
        text = self.message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<div style="color:{colour}"><b>{mark}</b> {text}</div>'


@dataclass
class Exercise:
    question: str
    answer: Callable[[], object]            # computes the expected answer
    solution: Callable[[], str]             # computes the worked solution text
    rel_tol: float = 1e-3
    abs_tol: float = 5e-4
    unit: str = ""
    mistakes: Callable[[], Sequence[tuple[object, str]]] = field(default=lambda: ())

    def expected(self):
        return self.answer()


def _close(a, b, rel_tol, abs_tol) -> bool:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    return bool(np.all(np.abs(a - b) <= np.maximum(abs_tol, rel_tol * np.abs(b))))


def _as_number_or_array(name, value):
    if isinstance(value, str):
        raise ValueError(f"{name}: expected a number (or a list of numbers), got the text {value!r}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a number (or a list of numbers), got {value!r}") from None
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: expected finite numbers, got {value!r}")
    return arr


SEED_MAX = 2 ** 32 - 1


def variant_seed(seed) -> int:
    """The seed of a variant checked: a whole number from 0 to 2**32 - 1 (numpy's seeds)."""
    ok = not isinstance(seed, bool) and isinstance(seed, (int, np.integer)) and 0 <= seed <= SEED_MAX
    if not ok:
        raise ValueError(f"seed: expected a whole number from 0 to {SEED_MAX}, got {seed!r}")
    return int(seed)


def variant_rng(seed) -> np.random.Generator:
    """The generator a variant draws its numbers from (the same numbers on every machine)."""
    return np.random.default_rng(variant_seed(seed))


def grid(rng: np.random.Generator, low: float, high: float, step: float, avoid=()) -> float:
    """A number from low to high in steps of `step` (numbers one can work with by hand),
    never one of `avoid`."""
    count = int(round((high - low) / step)) + 1
    choices = [round(low + k * step, 10) for k in range(count)]
    choices = [c for c in choices if all(abs(c - a) > 1e-12 for a in avoid)]
    return float(choices[int(rng.integers(len(choices)))])


class ExerciseSet:
    """The numbered exercises of one notebook, in one variant (`seed`)."""

    def __init__(self, title: str, exercises: Sequence[Exercise], seed: int = 0):
        self.title = title
        self.exercises = list(exercises)
        self.seed = variant_seed(seed)   # the variant: 0 is the committed notebook's numbers

    def __len__(self) -> int:
        return len(self.exercises)

    def __repr__(self) -> str:
        n = len(self.exercises)
        return f"{self.title}: {n} exercise{'s' if n != 1 else ''}, variant seed {self.seed}"

    def _get(self, number) -> Exercise:
        if isinstance(number, bool) or not isinstance(number, (int, np.integer)) \
                or not 1 <= number <= len(self.exercises):
            n = len(self.exercises)
            raise ValueError(f"number: expected an exercise number from 1 to {n} (this notebook "
                             f"has {n} exercise{'s' if n != 1 else ''}), got {number!r}")
        return self.exercises[number - 1]

    def show(self, number) -> "Text":
        question = self._get(number).question
        if self.seed:
            return Text(f"Exercise {number} (variant seed {self.seed}). {question}")
        return Text(f"Exercise {number}. {question}")

    def expected(self, number):
        """The computed answer of exercise `number` in this variant."""
        return self._get(number).expected()

    def check(self, number, answer) -> Feedback:
        """Right or wrong, and why, as one line (a wrong exercise number too: never a traceback)."""
        try:
            ex = self._get(number)
        except ValueError as err:
            return Feedback(False, str(err).replace("number: expected", "No such exercise: "
                                                    "expected", 1) + ".")
        if answer is None or answer is Ellipsis:
            return Feedback(False, "No answer yet: replace None with your answer and run the cell again.")
        try:
            given = _as_number_or_array("answer", answer)
        except ValueError as err:
            return Feedback(False, str(err))
        want = np.asarray(ex.expected(), dtype=float)
        if given.shape != want.shape:
            return Feedback(False, f"Expected {want.size} number(s) in shape {want.shape}, "
                                   f"you gave shape {given.shape}.")
        if _close(given, want, ex.rel_tol, ex.abs_tol):
            return Feedback(True, "Correct.")
        for wrong, why in _slips(ex):  # a slip is recognised with twice the tolerance
            if _close(given, wrong, 2 * ex.rel_tol, 2 * ex.abs_tol):
                return Feedback(False, f"Not quite: {why}")
        if want.size == 1 and not math.isclose(float(want), 0.0, abs_tol=1e-15):
            ratio = float(given.ravel()[0]) / float(want.ravel()[0])
            if math.isclose(ratio, -1.0, rel_tol=ex.rel_tol * 2):
                return Feedback(False, "Not quite: the size is right but the sign is wrong.")
            for power in (10.0, 100.0, 0.1, 0.01):
                if math.isclose(ratio, power, rel_tol=ex.rel_tol * 2):
                    return Feedback(False, "Not quite: the digits are right but the decimal point "
                                           f"is off by a factor of {power:g}.")
        return Feedback(False, "Not quite: check each step of your working, then try again "
                               "(`solution(n)` shows the worked answer).")

    def grade(self, number, answer, strict: bool | None = None) -> Feedback:
        """An autograder test cell's check: the feedback of `check`; when the answer is wrong
        (or missing) it raises AssertionError with that feedback, so nbgrader takes the
        exercise's points. It raises while nbgrader runs the notebook (autograde, validate: the
        variable NBGRADER_EXECUTION is set) or with strict=True; in a notebook run by hand
        (strict=None) it shows the feedback, never a traceback."""
        fb = self.check(number, answer)
        if strict is None:
            strict = bool(os.environ.get("NBGRADER_EXECUTION"))
        if not fb.ok and strict:
            raise AssertionError(f"Exercise {number}: {fb.message}")
        verdict = "full marks" if fb.ok else "no marks yet"
        return Feedback(fb.ok, f"Exercise {number} (autograded, {verdict}): {fb.message}")

    def solution(self, number) -> "Text":
        return Text(self._get(number).solution())

    def slips(self, number) -> list[tuple[object, str]]:
        """The wrong answers `check` recognises for exercise `number`, with its explanation."""
        return [(np.asarray(wrong, dtype=float).tolist(), why) for wrong, why in _slips(self._get(number))]

    def key(self, number) -> "Text":
        """The instructor's view of one exercise: the answer, the worked solution, the slips."""
        ex = self._get(number)
        lines = [f"Exercise {number} (variant seed {self.seed}): answer {_fmt(ex.expected())}",
                 f"Worked: {ex.solution()}"]
        slips = self.slips(number)
        lines.append("Slips recognised:" if slips else "Slips recognised: none listed (a wrong "
                     "sign or a misplaced decimal point is recognised for every exercise)")
        lines += [f"  {_fmt(wrong)} -> {why}" for wrong, why in slips]
        return Text("\n".join(lines))

    def answer_key(self) -> list[dict]:
        """The instructor's key: every question with its computed answer and the slips."""
        out = []
        for i, ex in enumerate(self.exercises, 1):
            val = np.asarray(ex.expected(), dtype=float)
            out.append({"number": i, "seed": self.seed, "question": ex.question,
                        "answer": val.tolist(), "solution": ex.solution(),
                        "slips": [{"answer": w, "why": why} for w, why in self.slips(i)]})
        return out


def _slips(ex: Exercise) -> list[tuple[object, str]]:
    """The exercise's mistakes, less any that a variant's numbers make equal to the answer
    (such a value is accepted as correct, so it cannot be a slip)."""
    want = np.asarray(ex.expected(), dtype=float)
    return [(w, why) for w, why in ex.mistakes()
            if np.shape(w) != want.shape or not _close(w, want, 2 * ex.rel_tol, 2 * ex.abs_tol)]


def _fmt(value) -> str:
    arr = np.asarray(value, dtype=float)
    if arr.size == 1:
        return f"{float(arr.ravel()[0]):.6g}"
    return "[" + ", ".join(f"{v:.6g}" for v in arr.ravel()) + "]"


class Text(str):
    """A question or solution text that prints without quotes in a notebook."""

    def __repr__(self) -> str:
        return str(self)
