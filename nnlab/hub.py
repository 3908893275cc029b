"""`nnlab hub-link`: the nbgitpuller link that opens this course on a class's JupyterHub (issue 12).

(Being written: the command is wired into `nnlab` and refuses to run until it is.)
"""
from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("--hub", required=True, help="the hub's address, such as https://hub.example.edu")


def run(a) -> str:
    raise ValueError("hub-link: not available yet")
