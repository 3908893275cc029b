# %% [metadata]
# {"nnlab": {"main": "nnlab.views.cnn_view:factory"}}
# %% [markdown]
# # 07 · Pooling, a small CNN on handwritten digits, architectures, transfer learning
#
# The slides (notes 001) list the layers of a CNN for digits: **convolution** (detects features
# such as edges), **max pooling** (reduces the size of the feature map, keeping the prominent
# features), **flattening**, **dense layers** and a **softmax** output giving the probability of
# each digit 0–9. This notebook builds exactly that with `nnlab`, trains it on real handwritten
# digits, looks inside it, lays out the famous architectures of the notes (LeNet-5, AlexNet,
# VGG) and tries transfer learning.
# %% [markdown]
# ## Setup
# %%
from nnlab.core.environment import environment_report

SEED = 0
print(environment_report(seed=SEED))
# %% [markdown]
# ## Pooling: the slides' 4×4 example
# "Purpose is to reduce dimensionality": a 2×2 window with stride 2 keeps one number per window.
# Max pooling keeps the largest, average pooling the mean. The notes (notes 000) say when to use
# which: max pooling "to get sharp edges", average pooling "when we want to retain more info".
# %%
import numpy as np

from nnlab.engine.conv import avg_pool2d, max_pool2d

image = np.array([[100, 0, 0, 0], [500, 10, 100, 0], [0, 100, 250, 0], [0, 0, 0, 250]])
print("max pooling:\n", max_pool2d(image, 2))
print("average pooling:\n", avg_pool2d(image, 2))
assert max_pool2d(image, 2).tolist() == [[500, 100], [100, 250]]   # the slides' result
# %% [markdown]
# ### The pooling explorer
# The red square on the left is the window of the output cell marked on the right; every cell
# carries its number, and one colour bar reads both pictures. The controls: **max** / **avg**,
# **kernel k** (the main slider), **stride s**, **padding p** (padded cells are the white ring
# around the image) and **output cell**. What to try is listed under the explorer, each with a
# preset to paste into its preset box; the tests check every sentence at its preset.
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state, which nbval cannot compare;
# the next cell prints the numbers it shows.
from nnlab.views.cnn_view import PoolingExplorer

pooling = PoolingExplorer()
pooling
# %%
print(pooling.state())
# %%
from nnlab.course.cnn import CLAIMS

CLAIMS
# %% [markdown]
# The same in code, on an explorer of its own (the one above keeps your settings):
# %%
averaging = PoolingExplorer(mode="avg")
print(averaging.state())
assert averaging.state()["output"] == [[152.5, 25.0], [25.0, 125.0]]
averaging.close()
# %% [markdown]
# ## Real handwritten digits
# The data: 1,797 handwritten digits of 8×8 pixels (values 0..16), the UCI "Optical Recognition
# of Handwritten Digits" set (Alpaydin & Kaynak 1998, CC BY 4.0; see `data/README.md`). We hold
# out a quarter of every class for testing, chosen by a seeded generator.
# %%
from nnlab.engine.cnn import CNN, load_digits, train_test_split

X, y = load_digits()
split = train_test_split(y, test_fraction=0.25, seed=SEED)
print(f"{len(X)} images of {X.shape[1]}×{X.shape[2]}; train {len(split.train)}, test {len(split.test)}")
print("class counts:", np.bincount(y).tolist())
# %% [markdown]
# ## The network, layer by layer
# conv 3×3 with 16 filters and "same" padding → ReLU → 2×2 max pooling → flatten → dense 10 →
# softmax. Each conv filter has 3·3 weights + 1 bias; the dense layer sees 16·4·4 = 256 features.
# %%
model = CNN(conv_channels=(16,), seed=SEED)
for name, shape, n in model.summary():
    print(f"{name:8} output {str(shape):12} parameters {n:5}")
print("total parameters:", model.n_params())
# %% [markdown]
# ## Training, with a progress bar
# Mini-batches of 32, Adam (`nnlab.engine.optim`, torch's defaults except lr = 0.005), 20 epochs,
# softmax cross-entropy. Every layer's backward pass is checked against finite differences in
# `tests/test_cnn.py`. Seeded: the same run every time.
# %%
import time

from nnlab.engine.cnn import progress_bar

EPOCHS = 20


def show(epoch, epochs, loss, acc):
    print(progress_bar(epoch, epochs, loss=loss, train_acc=acc))


t0 = time.perf_counter()
history = model.fit(X[split.train], y[split.train], epochs=EPOCHS, batch_size=32, lr=0.005,
                    callback=show)
seconds = time.perf_counter() - t0
# %%
# NBVAL_IGNORE_OUTPUT
# Why: the time depends on the machine.
print(f"training took {seconds:.1f} s")
# %%
test_accuracy = model.accuracy(X[split.test], y[split.test])
print(f"test accuracy on {len(split.test)} held-out digits: {test_accuracy:.3f}")
assert test_accuracy >= 0.95
# %% [markdown]
# ## What did it learn?
# Top left: a test digit and the network's guess. Top right: the 16 learned 3×3 filters (red
# positive, blue negative, on a scale centred on zero). Below: the 16 feature maps they produce
# after ReLU, and the same maps after 2×2 max pooling, which is what the dense layer sees; both
# on one colour scale, tile k belonging to filter k. Move the slider through the test digits and
# compare which tiles light up for which strokes.
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints its numbers.
from nnlab.views.cnn_view import FeatureMapExplorer

maps = FeatureMapExplorer(model, X[split.test], y[split.test])
maps
# %%
print(maps.state())
# %% [markdown]
# The mistakes are worth a look: the first few test digits the network gets wrong.
# %%
wrong = np.flatnonzero(model.predict(X[split.test]) != y[split.test])
print(f"{len(wrong)} mistakes; the first ones (index: label → prediction):")
print(", ".join(f"{i}: {y[split.test][i]} → {model.predict(X[split.test][i:i + 1])[0]}"
                for i in wrong[:6]))
# %% [markdown]
# ## The architectures of the notes
# The same calculator gives each layer's output shape (height × width × channels) and parameters.
# **LeNet-5** (1998) as LeCun et al. describe it: C3 sees only some of S2's maps (60 of the 96
# possible map pairs), the subsampling layers have a trainable coefficient and bias per map, C5 is
# a 5×5 convolution on a 5×5 map (a dense layer in all but name). The paper (§II-B) gives the
# trainable parameters of every layer: 156, 12, 1,516, 32, 48,120 and 10,164 — 60,000 in all, the
# figure usually quoted for LeNet-5. The calculator gets each of them.
#
# The notes describe it as "2 conv layers (5,5), tanh, 2 avg. pooling, 2 fully connected with
# softmax" on (32, 32, 1): the paper has three convolution layers (C1, C3, C5) and two dense ones
# (F6 and the output); counting C5 as dense, the modern reading has three dense layers
# (120, 84, 10): 61,706 parameters.
# %%
from nnlab.engine.architectures import alexnet, lenet5, published_comparison, vgg

print(lenet5("paper"))
print()
print("modern LeNet-5 total:", f"{lenet5('modern').total:,}")
# %% [markdown]
# **AlexNet** (2012, ImageNet challenge), as the notes list it: 5 convolution layers with ReLU on
# [224, 224, 3], 3 max-pooling layers, 3 dense layers, 2 dropouts. Its paper quotes "60 million
# parameters". (With a 224 input, an 11×11 kernel at stride 4 gives (224 − 11)/4 + 1 = 54.25:
# the paper's known slip; padding 2 — or a 227 input — gives the 55×55 of its figure.) The paper
# split conv2, conv4 and conv5 over two GPUs, each half seeing half the channels; counted as one
# ungrouped network the total is 62,378,344.
# %%
print(alexnet())
# %% [markdown]
# **VGG-16** (2014): only 3×3 convolutions ("same" padding) and 2×2 max pools, 13 convolution
# and 3 dense layers, 16 weight layers in all; VGG-19, the "19 layers" of the notes, has 16
# convolution and 3 dense layers. Their paper's Table 2: 138 and 144 million parameters. Most of
# them sit in the first dense layer (7·7·512 = 25,088 inputs × 4,096); the cell below says how
# many.
# %%
from nnlab.engine.architectures import share_in_words

v16 = vgg(16)
print(v16)
first_dense = [r for r in v16.rows if r.layer.startswith("dense")][0]
share = first_dense.params / v16.total
print(f"\nfirst dense layer: {share:.1%} of all parameters, {share_in_words(share)}")
# %%
print(published_comparison())
# %% [markdown]
# ## Transfer learning
# The notes: transfer learning reuses a trained network, either as a **feature extractor** (keep
# its convolution layers frozen, train a new classifier on their features) or by **fine-tuning**,
# *full* (train every layer, starting from the trained weights) or *partial* (freeze the first
# layers, train the rest); because it reduces training time, avoids overfitting, needs less data
# and can perform better.
#
# An experiment on the digits: a CNN with two convolution layers (8 and 16 filters) is trained on
# the digits 0–4; the new task is the digits 5–9 with only **10 training images per class**. Four
# ways are compared on 225 held-out images of 5–9.
# %%
from nnlab.engine.transfer import transfer_experiment

result = transfer_experiment(per_class=10, epochs=30, pretrain_epochs=8, seed=SEED)
print(f"source task (0–4) test accuracy: {result.source_accuracy:.3f}")
print(f"new task: {result.n_train} training images, {result.n_test} test images")
print(result.table())
runs = {r.strategy: r for r in result.runs}
assert runs["feature extractor"].trainable < runs["fine-tune partial"].trainable < runs["scratch"].trainable
# %%
# NBVAL_IGNORE_OUTPUT
# Why: times depend on the machine.
print(result.table(with_time=True))
# %% [markdown]
# What it shows, honestly: the **feature extractor** trains only the 1,285 weights of the new head
# on features computed once, so it is an order of magnitude faster — the notes' "reduce training
# time" — and its accuracy is on a par with the others. Whether it lands a little above or below
# training from scratch depends on the seed. We repeated the experiment with the seeds 0, 1 and 2
# and with 2, 3, 5 and 10 training images per class: on average, scratch was 1–2 points *ahead*
# of the feature extractor and 2–5 points ahead of fine-tuning. 8×8 digits are simple, and the
# few filters a tiny network needs are learned again from a few dozen images. The accuracy gains
# of transfer learning appear when the pretrained network is large and was trained on far more
# data than the new task has (an ImageNet-trained VGG or ResNet reused on a few hundred
# photographs), which is how the notes use it in R-CNN.
# ## Exercises
# %%
from nnlab.course.cnn import exercises as ex

print(ex.show(1))
ex.check(1, None)
# %%
print(ex.show(2))
ex.check(2, None)
# %%
print(ex.show(3))
ex.check(3, None)
# %% [markdown]
# A common slip, recognised:
# %%
ex.check(1, 72)
# %%
ex.solution(2)
