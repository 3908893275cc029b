"""What notebook 01 tells the learner its perceptron and line-fit explorers show.

Each sentence is a `Claim` checked by tests/test_claims.py against the explorer's `state()` at
the preset it names (`nnlab.views.perceptron_view`). The notebook displays the two lists.
"""
from __future__ import annotations

from .claims import Claim, Claims

PLAY_SETTLED = [0.0, 0.0, 0.0, 2.0, 0.0, -2.0, 0.0, 0.0, -1.0, 1.0]   # read off the rule by hand

perceptron_claims = Claims("nnlab.views.perceptron_view:perceptron_explorer", [
    Claim("Update 1: every weight starts at 0, so z = 0, the step says ŷ = 1, which is row 1's "
          "target: nothing changes.",
          "update=0", lambda s: s["z"] == 0 and s["y_hat"] == 1 and s["error"] == 0
          and s["w_after"] == [0.0] * 10, "z = 0, ŷ = 1 = t, weights still 0"),
    Claim("Update 2: row 2 (target 0) also gets ŷ = 1, an error of −1, so Δw = −η·x: the bias w0 "
          "and the weight of every column row 2 has go down by 1.",
          "update=1", lambda s: s["error"] == -1 and s["dw"] == [-1.0, 0.0, -1.0, 0.0, -1.0,
                                                                 0.0, 0.0, -1.0, -1.0, 0.0],
          "Δw = −x for row 2 (R, L, H, H)"),
    Claim("On the play-tennis table the rule settles: pass 5 changes nothing, so after 4 passes "
          "every row is right, with the weights Temp=H +2, Temp=G −2, Wind=H −1, Wind=L +1 and "
          "all others 0.",
          "data=\"play tennis\"; update=19",
          lambda s: s["settled"] and s["passes"] == 5 and s["rows_right_after"] == 4
          and s["w_after"] == PLAY_SETTLED, "settled at pass 5 with those weights"),
    Claim("With η = 2 every weight is twice as large but no prediction changes: it still settles "
          "at pass 5.",
          "lr=2; update=19", lambda s: s["passes"] == 5 and s["settled"]
          and s["w_after"] == [2 * v for v in PLAY_SETTLED], "pass 5, weights doubled"),
    Claim("AND settles too (pass 6 changes nothing, w = (−3, 2, 1)), OR at pass 4 "
          "(w = (−1, 1, 1)).",
          "data=\"AND\"; update=23", lambda s: s["settled"] and s["passes"] == 6
          and s["w_after"] == [-3.0, 2.0, 1.0], "AND: pass 6, w = (−3, 2, 1)"),
    Claim("(OR: pass 4 changes nothing, w = (−1, 1, 1).)",
          "data=\"OR\"; update=15", lambda s: s["settled"] and s["passes"] == 4
          and s["w_after"] == [-1.0, 1.0, 1.0], "OR: pass 4, w = (−1, 1, 1)"),
    Claim("XOR never settles: the weights at the start of pass 4 are those at the start of pass 3, "
          "so the same pass repeats for ever; after its last update only 2 of the 4 rows are "
          "right.",
          "data=\"XOR\"; update=11", lambda s: not s["settled"] and s["cycle"] == [3, 1]
          and s["rows_right_after"] == 2, "a cycle of period 1 from pass 3"),
])

line_claims = Claims("nnlab.views.perceptron_view:line_fit_explorer", [
    Claim("At the start (m = 1, c = 0) the line runs far below the points: mean squared error "
          "17.98, against 0.0198 for the least-squares line (m = 1.99, c = 1.03).",
          "m=1; c=0", lambda s: s["mse"] == 17.98 and s["mse_ls"] == 0.0198
          and s["m_ls"] == 1.99 and s["c_ls"] == 1.03, "17.98 and 0.0198"),
    Claim("The right slope alone is not enough: m = 2, c = 0 still gives 1.02.",
          "m=2; c=0", lambda s: s["mse"] == 1.02, "1.02 at m = 2, c = 0"),
    Claim("m = 2, c = 1 comes within 0.001 of the least-squares error; no setting gets below it.",
          "m=2; c=1", lambda s: 0 <= s["excess"] < 0.001, "0 ≤ excess < 0.001"),
])
