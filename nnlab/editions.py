"""Student and instructor editions of the notebooks, and `nnlab exercises` (issue 13).

(Being written: the command is wired into `nnlab` and refuses to run until it is.)
"""
from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("notebook", help="the notebook's number, such as 04")
    p.add_argument("--seed", default=None, help="the variant's seed (a whole number)")
    p.add_argument("--students", default=None, help="a roster CSV with an id column")
    p.add_argument("--out", default="dist/exercises", help="the folder to write into")


def run(a) -> str:
    raise ValueError("exercises: not available yet")
