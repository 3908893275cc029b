# %% [metadata]
# {"nnlab": {"main": "nnlab.views.start_view:demo_explorer"}}
# %% [markdown]
# # 00 · Start here
#
# Welcome to **nnlab**, a step-by-step course in the foundations of deep learning. Every number
# in these notebooks can be followed line by line: as algebra (sympy) and as numbers (numpy).
# Move a slider and every line that depends on it is recomputed at once.
#
# This notebook is the map of the suite, shows how the sliders and the check-your-answer cells
# work, and checks that your environment is ready.
# %% [markdown]
# ## Setup
# Every notebook opens with the same cell: the versions it was executed with, and the seed of
# every random generator, so that your numbers are the numbers printed here.
# %%
from nnlab.core.environment import environment_report

SEED = 0
print(environment_report(seed=SEED))
# %% [markdown]
# ## The map of the course
# The course follows two sets of lecture notes (numbered 000 and 001; they are not part of
# this repository). Each notebook says which part it follows and quotes what it needs.
# %%
from nnlab.course.map import course_map

course_map()
# %% [markdown]
# ## How the sliders work
# Each interactive figure is an *explorer* built by a function of `nnlab`. Move a slider and
# the numbers and the plot below it are recomputed. The explorer below evaluates one
# sigmoid neuron, y = σ(w·x + b): try moving **w** (the list under it says what you will see;
# paste a preset into the explorer's preset box to get its settings, **Reset** brings back
# these defaults).
#
# The numbers shown inside a widget are not stored in the notebook file; the cell after it
# prints the same numbers as plain text, so you can compare yours with it.
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state, which nbval cannot compare
# meaningfully; the next cell prints the numbers it shows.
from nnlab.views.start_view import demo_explorer

demo = demo_explorer()
demo
# %%
print(demo.state())
# %%
from nnlab.course.start import claims

claims
# %% [markdown]
# Everything a slider does can also be done in code: set the slider's `value` and the explorer
# recomputes. This is also how the tests check every widget without a browser. (This cell
# makes an explorer of its own, so the one above keeps showing what the cell under it printed.)
# %%
code_demo = demo_explorer()
code_demo.controls["w"].value = 2.0
print(code_demo.state())
# %% [markdown]
# ## How the exercises work
# Every notebook ends with exercises like these two.
# Type your answer in place of `None` and run the cell: the check says whether it is right
# and, if it is not, which slip it looks like. `ex.solution(n)` shows the worked answer when
# you call it (no cell here prints it). The numbers come from `SEED` in the setup cell: your
# instructor may give you another seed, and then every number of the exercises changes.
# %%
from nnlab.course.start import exercise_set

ex = exercise_set(SEED)   # SEED is set in the setup cell; your instructor may give you another
print(ex.show(1))
# %%
answer = None  # the output y, 4 decimals
ex.check(1, answer)
# %%
print(ex.show(2))
# %%
answer = None  # the input x where y = 0.5
ex.check(2, answer)
