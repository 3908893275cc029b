"""Every claim a notebook makes about an explorer holds at the settings it names.

Claims are found, not listed: every `nnlab.course.claims.Claims` defined at the top level of a
module of `nnlab.course`. For each claim a fresh explorer is made, put in the claim's preset and
its `state()` checked.
"""
from __future__ import annotations

import importlib
import pkgutil

import pytest

import nnlab.course
from nnlab.course.claims import Claim, Claims


def all_claims():
    found = []
    for info in pkgutil.iter_modules(nnlab.course.__path__):
        module = importlib.import_module(f"nnlab.course.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, Claims):
                found += [(f"{info.name}.{name}[{k}]", value.explorer, c) for k, c in enumerate(value)]
    return found


CLAIMS = all_claims()


def make(target: str):
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)()


@pytest.mark.parametrize("where, explorer, claim", CLAIMS, ids=[c[0] for c in CLAIMS])
def test_claim_holds_at_its_settings(where, explorer, claim: Claim):
    ex = make(explorer)
    try:
        ex.apply_preset(claim.preset)
        assert not ex.problem, f"{where}: {ex.problem}"
        state = ex.state()
        assert claim.holds(state), f"{where}: {claim.text!r} does not hold ({claim.why}); state: {state}"
    finally:
        ex.close()


def test_a_false_claim_fails():
    """The check can fail: a claim about notebook 00's neuron that is false at its settings."""
    false = Claim("with w = 0 the output is 1", "w=0.0", lambda s: s["y"] > 0.99)
    ex = make("nnlab.views.start_view:demo_explorer")
    try:
        ex.apply_preset(false.preset)
        assert not false.holds(ex.state())
    finally:
        ex.close()


def test_claims_render_with_their_presets():
    claims = Claims("nnlab.views.start_view:demo_explorer",
                    [Claim("w = 2 makes the curve steeper", "w=2.0", lambda s: True)])
    assert "`w=2.0`" in claims.markdown() and "w = 2 makes" in claims.markdown()
    with pytest.raises(ValueError, match="^explorer: "):
        Claims("no colon here")
