# %% [metadata]
# {"nnlab": {"main": "nnlab.views.conv_view:factory"}}
# %% [markdown]
# # 06 · Convolution: filters, padding and stride
#
# A fully connected layer looks at every pixel at once; a **convolution layer** looks at a small
# window, and slides the same small set of weights (a *kernel* or *filter*) over the whole image.
# The notes (notes 000, "CNN") say why: it is a *local* network, computationally much cheaper,
# and it learns spatial features by itself. The slides (notes 001) show what those features are:
# edges, textures, patterns.
#
# This notebook follows notes 000 (CNN, Convolution, Padding, Stride) and notes 001
# (Convolution, "Convolutional layers & filters", the 3×3 filter).
# %% [markdown]
# ## Setup
# %%
from nnlab.core.environment import environment_report

SEED = 0
print(environment_report(seed=SEED))
# %% [markdown]
# ## An image is a matrix of numbers
# The slides' first step: "image is represented as matrix of numbers". Our photograph is Grace
# Hopper's portrait, which matplotlib ships with its sample data. We turn it to grayscale
# (0.299 R + 0.587 G + 0.114 B, scaled to 0..1) and average every 4×4 block, giving 150×128
# numbers. Here is its top-left corner:
# %%
import numpy as np

from nnlab.views.conv_view import load_photo

photo = load_photo()
print("shape:", photo.shape)
print(np.array2string(photo[:4, :6], precision=2, floatmode="fixed"))
# %% [markdown]
# ## One output cell: element-wise product, then sum
# The notes' example: the feature (kernel) is $\begin{bmatrix} 1 & -1 \\ -1 & 1 \end{bmatrix}$,
# the image patch $\begin{bmatrix} 1 & 1 \\ 1 & 1 \end{bmatrix}$. Put the kernel on the patch,
# multiply entry by entry, and add up: $1 - 1 - 1 + 1 = 0$.
#
# Two remarks on the notes:
# - They call the entry-by-entry product "Kronecker". It is the **Hadamard** (element-wise)
#   product $\odot$; the Kronecker product of two 2×2 matrices is a 4×4 matrix.
# - They divide by 4 (the number of kernel entries): an *average*. PyTorch, Keras and every
#   framework use the plain **sum**; `form="notes"` gives the notes' average. The two differ only
#   by the factor 1/4 (the same as using the kernel divided by 4).
# %%
from nnlab.engine.conv import conv2d, output_cell

kernel = [[1, -1], [-1, 1]]
cell = output_cell(np.ones((2, 2)), kernel, 0, 0)
print("products:", cell["product"].tolist(), " sum:", cell["value"])
print("torch form (sum):", conv2d(np.ones((2, 2)), kernel)[0, 0],
      " notes form (average):", conv2d(np.ones((2, 2)), kernel, form="notes")[0, 0])
# %% [markdown]
# The notes' second line reuses the same patch $\begin{bmatrix} 1 & 1 \\ 1 & 1 \end{bmatrix}$ but
# writes $\frac{-1+1-1-1}{4} = -0.5$. The arithmetic is right, the patch is not: the same patch
# gives 0 again. Products $-1, +1, -1, -1$ (in reading order) come from the patch
# $\begin{bmatrix} -1 & -1 \\ 1 & -1 \end{bmatrix}$:
# %%
patch = np.array([[-1, -1], [1, -1]])
cell = output_cell(patch, kernel, 0, 0)
print("products:", cell["product"].ravel().tolist())
print("sum:", conv2d(patch, kernel)[0, 0], " average (notes):", conv2d(patch, kernel, form="notes")[0, 0])
assert conv2d(patch, kernel, form="notes")[0, 0] == -0.5
# %% [markdown]
# ## The explorer: a 3×3 kernel on the photograph
# Below, the nine sliders are the nine weights of a 3×3 kernel (from −5 to 5, enough for every
# filter of the menu); the menu sets them to a classic filter, for example **top edges**
# $\begin{bmatrix} 1&1&1\\0&0&0\\-1&-1&-1 \end{bmatrix}$. The right panel is the **feature map**:
# the kernel's response at every position, on a colour scale centred on zero (red positive, blue
# negative, white zero; the colour bar gives the values).
#
# - **stride s**: the kernel jumps s pixels. **padding p**: rings of zeros around the image. The
#   formula ⌊(n + 2p − f)/s⌋ + 1 is worked out above the figure.
# - **cell row / col** pick one output cell (green square; its window is the red square on the
#   photograph); below the figure it is computed as patch ⊙ kernel, summed.
#
# What to try is listed under the explorer, each with a preset line: paste it into the
# explorer's preset box to get its settings (**Reset** brings back the start). Every one of these
# sentences is checked by the tests at its preset (`tests/test_claims.py`).
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state, which nbval cannot compare;
# the next cell prints the numbers it shows.
from nnlab.views.conv_view import ConvExplorer

explorer = ConvExplorer(image=photo)
explorer
# %%
print(explorer.state())
# %%
from nnlab.course.conv import CLAIMS

CLAIMS
# %% [markdown]
# Everything the sliders do can be done in code, on an explorer of its own (the one above keeps
# the settings you give it). Left edges, stride 2, no padding, and the cell (10, 7):
# %%
demo = ConvExplorer(image=photo)
demo.apply_preset('filter="left edges"; stride=2; padding=0; row=10; col=7')
state = demo.state()
print(state)
# the cell is the element-wise product of the kernel with the patch at rows 20..22, columns 14..16
by_hand = float(np.sum(photo[20:23, 14:17] * np.array([[1, 0, -1]] * 3)))
print(f"by hand: {by_hand:.4f}")
assert abs(state["cell_value"] - by_hand) < 1e-4
demo.close()
# %% [markdown]
# ## Output size: ⌊(n + 2p − f)/s⌋ + 1
# For an 8×8 image and a 3×3 kernel, the three paddings the notes name:
# %%
from nnlab.engine.conv import output_size

for name, p in (("valid", 0), ("same", 1), ("full", 2)):
    shape = conv2d(np.ones((8, 8)), np.ones((3, 3)), padding=name).shape
    print(f"{name:5}  p = {p}:  ({8} + 2·{p} − 3)/1 + 1 = {output_size(8, 3, 1, p)}   map {shape}")
    assert shape == (output_size(8, 3, 1, p),) * 2
# %% [markdown]
# A stride of s keeps every s-th cell of the stride-1 map: striding is *subsampling* the
# stride-1 feature map (which is why a strided convolution is cheaper).
# %%
full_map = conv2d(photo, np.ones((3, 3)) / 9)
strided = conv2d(photo, np.ones((3, 3)) / 9, stride=3)
print(strided.shape, "=", full_map[::3, ::3].shape)
assert np.allclose(strided, full_map[::3, ::3])
# %% [markdown]
# ## The slides' 3×3 filter
# The slides ("3 × 3 Convolutional Filter") show a *learned* filter: its numbers are not a neat
# edge pattern, they are whatever training found useful. On a constant image every cell is the
# sum of the filter's weights:
# %%
from nnlab.engine.conv import filter_kernel

slides = filter_kernel("slides' 3×3 filter")
print(slides)
print(f"sum of the weights: {slides.sum():.2f}")
print(np.round(conv2d(np.ones((4, 4)), slides), 2))
# %% [markdown]
# ## Why convolution, not a fully connected layer?
# The notes: a fully connected network on a 1080×1080 colour photo is "computationally
# expensive". The notes write |1080 × 1080 × 3| = 3,900,000; the product is **3,499,200** inputs
# (a slip). A dense layer of 1,000 units on them has about 3.5 billion weights; a convolution
# layer with 64 filters of 3×3×3 has 1,792 parameters, whatever the image size.
# %%
from nnlab.engine.architectures import fc_vs_conv

r = fc_vs_conv()
print(f"inputs 1080·1080·3 = {r['inputs']:,} (the notes: {r['notes_inputs']:,})")
print(f"dense layer, 1000 units: {r['dense_params']:,} parameters")
print(f"conv layer, 64 filters 3×3: {r['conv_params']:,} parameters")
# %% [markdown]
# ## Exercises
# Type your answer in place of `None` and run the cell: the check says whether it is right, and
# recognises the usual slips (the forgotten + 1, rounding up, the notes' average, a flipped
# sign). `ex.solution(n)` shows the worked answer when you want it.
# %%
from nnlab.course.conv import exercise_set

ex = exercise_set(SEED)   # SEED is set in the setup cell; your instructor may give you another
print(ex.show(1))
# %%
answer = None  # rows of the feature map
ex.check(1, answer)
# %%
print(ex.show(2))
# %%
answer = None  # rows with padding and stride
ex.check(2, answer)
# %%
print(ex.show(3))
# %%
answer = None  # the output cell
ex.check(3, answer)
# %%
print(ex.show(4))
# %%
answer = None  # the top-left cell with padding 1
ex.check(4, answer)
