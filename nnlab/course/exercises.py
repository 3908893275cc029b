"""Check-your-answer helpers for the exercises at the end of every notebook.

A topic module builds an `ExerciseSet` of `Exercise` objects. The expected answer of each
exercise is *computed* (by the engine, from the exercise's own data), never typed in, so
that an instructor who changes the data gets a correct answer key for free.

In a notebook:

    from nnlab.course.backprop import exercises as ex
    ex.show(1)                 # the question
    ex.check(1, -0.0406)       # feedback: correct, or what is wrong
    ex.solution(1)             # the worked solution

`check` is tolerance-aware and recognises common slips (a wrong sign, a factor of ten,
a forgotten learning rate ...) through each exercise's `mistakes`, a list of
(wrong value, explanation) pairs computed the same way as the answer.
"""
from __future__ import annotations

import math
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


class ExerciseSet:
    """The numbered exercises of one notebook."""

    def __init__(self, title: str, exercises: Sequence[Exercise], seed: int = 0):
        self.title = title
        self.exercises = list(exercises)
        self.seed = seed            # the variant: 0 is the committed notebook's numbers

    def __len__(self) -> int:
        return len(self.exercises)

    def _get(self, number) -> Exercise:
        if isinstance(number, bool) or not isinstance(number, (int, np.integer)) \
                or not 1 <= number <= len(self.exercises):
            n = len(self.exercises)
            raise ValueError(f"number: expected an exercise number from 1 to {n} (this notebook "
                             f"has {n} exercise{'s' if n != 1 else ''}), got {number!r}")
        return self.exercises[number - 1]

    def show(self, number) -> "Text":
        return Text(f"Exercise {number}. {self._get(number).question}")

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
        for wrong, why in ex.mistakes():  # a slip is recognised with twice the tolerance
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

    def solution(self, number) -> "Text":
        return Text(self._get(number).solution())

    def answer_key(self) -> list[dict]:
        """The instructor's key: every question with its computed answer."""
        out = []
        for i, ex in enumerate(self.exercises, 1):
            val = np.asarray(ex.expected(), dtype=float)
            out.append({"number": i, "question": ex.question,
                        "answer": val.tolist(), "solution": ex.solution()})
        return out


class Text(str):
    """A question or solution text that prints without quotes in a notebook."""

    def __repr__(self) -> str:
        return str(self)
