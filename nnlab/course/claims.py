"""What a notebook tells a learner to try, kept beside the check that proves it.

A `Claim` is one "Try" sentence of a notebook, the explorer settings it names (a preset line,
see `nnlab.views.ui.Explorer.preset`) and a function of the explorer's `state()` that is true
when the sentence is. A topic's claims are a `Claims` list naming the explorer they are about
(`"module:factory"`); the notebook shows the list (as Markdown, with each preset to paste), and
`tests/test_claims.py` finds every `Claims` in `nnlab.course`, puts the explorer in each
claim's settings and checks it. A sentence that stops being true fails the tests.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Claim:
    text: str                        # the sentence as the notebook shows it
    preset: str                      # the settings it names: "lr=0.5; optimizers=[\"GD\"]"
    holds: Callable[[dict], bool]    # true of explorer.state() when the sentence is true
    why: str = ""                    # what is checked, in words (for the failure message)


class Claims(list):
    """The claims about one explorer, `explorer` = "module:factory" (the factory takes no argument)."""

    def __init__(self, explorer: str, claims=()):
        super().__init__(claims)
        if ":" not in explorer:
            raise ValueError(f"explorer: expected 'module:factory', got {explorer!r}")
        self.explorer = explorer

    def markdown(self) -> str:
        lines = ["**Try this** (paste a preset into the explorer's preset box to get its settings):", ""]
        lines += [f"- {c.text}  \n  preset: `{c.preset}`" for c in self]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def __repr__(self) -> str:
        return "\n".join(f"- {c.text} [{c.preset}]" for c in self)
