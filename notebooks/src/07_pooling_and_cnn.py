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
# VGG, then GoogLeNet, ResNet, DenseNet, MobileNet and EfficientNet), shows why ResNet's skip
# connections let a deep network train, and tries transfer learning.
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
# ## After VGG: GoogLeNet, ResNet, DenseNet, MobileNet, EfficientNet
# The notes (000) list five architectures after VGGNet. Each brought one idea:
#
# - **GoogLeNet** (Inception, 2014): an *inception module* runs four paths side by side — 1×1,
#   3×3 and 5×5 convolutions and a 3×3 max pool — and concatenates their maps along the channels;
#   1×1 convolutions first shrink the channels so that the larger kernels stay cheap. Global
#   average pooling replaces VGG's big dense layers.
# - **ResNet** (2015): *skip connections*. A block adds its input to its output,
#   `out = relu(F(x) + x)`; where the shape changes, the skip path is a 1×1 convolution.
# - **DenseNet** (2016): each layer's new maps (32 of them) are *concatenated* to all the maps
#   before it, so every layer sees every earlier one.
# - **MobileNet** (2017): *depthwise separable* convolutions, one 3×3 filter per channel followed
#   by a 1×1 convolution that mixes the channels; MobileNetV2 (2018) wraps them in "inverted
#   residual" blocks (expand with 1×1, depthwise 3×3, project back with 1×1; a skip connection
#   where input and output shapes agree).
# - **EfficientNet** (2019): MobileNetV2's blocks with squeeze-and-excitation (a per-channel
#   weighting computed from the whole map), the network's depth, width and input size scaled
#   together; B0 is the base network.
#
# The calculator builds each one layer by layer as torchvision builds it (`torchvision.models`,
# what most learners will run), with batch norm (2 parameters per channel, γ and β) after
# convolutions that then have no bias. Each total is checked against the number torchvision
# publishes on the model's page (`num_params`); the papers give rounded figures where they give
# one (MobileNetV2's Table 4: 3.4 million; EfficientNet's Table 2: 5.3 million for B0).
# %%
from nnlab.engine.architectures import MODERN, googlenet, modern_comparison, resnet

print(modern_comparison())
assert all(build().total == published for build, published, _, _ in MODERN.values())
# %% [markdown]
# Where torchvision differs from the papers: its GoogLeNet has batch norm and no conv biases,
# and its "5×5" branch has a 3×3 kernel (a known slip, pytorch/vision issue #906, kept for its
# pretrained weights); the paper's two auxiliary classifiers, used only in training, are left out
# of both counts.
# torchvision's ResNet-50 puts the stride on the 3×3 convolution of a bottleneck, the paper on
# the first 1×1 ("ResNet v1.5"): the same parameters, different compute.
# %%
paper = googlenet("paper")
print(f"GoogLeNet as in the paper (biases, no batch norm, 5×5): {paper.total:,}")
print(f"GoogLeNet as in torchvision:                            {googlenet().total:,}")
# %% [markdown]
# The GoogLeNet paper says it "uses 12× fewer parameters" than AlexNet; the count below says how
# many times fewer the paper's own network has.
# %%
print(f"AlexNet / GoogLeNet (paper form): {alexnet().total / paper.total:.1f}×")
# %% [markdown]
# ResNet-18 block by block: the first convolution, then four stages of two blocks; every stage
# after the first halves the size and doubles the channels. Global average pooling leaves 512
# numbers for the last dense layer, where VGG-16 flattened 7·7·512 = 25,088.
# %%
r18 = resnet(18)
print(r18.by_block())
# %% [markdown]
# One block layer by layer: `layer2.0` changes the shape (stride 2, 64 → 128 channels), so its
# skip path is a 1×1 convolution with batch norm; in `layer2.1` the skip is the identity and
# costs nothing.
# %%
print(r18.block("layer2.0"))
print()
print(r18.block("layer2.1"))
# %% [markdown]
# And one inception module of GoogLeNet, its four paths concatenated (64 + 128 + 32 + 32 = 256
# channels):
# %%
print(googlenet().block("inception 3a"))
# %% [markdown]
# ## Why skip connections: the gradient that reaches the first layer
# Notebook 03's depth explorer multiplies the gradient by w·f′(z) at every layer of the chain
# z_k = w·a_{k−1}, a_k = f(z_k): with sigmoid and w = 1 by at most 1/4 per layer, so it
# vanishes. A skip connection around each layer makes it a_k = a_{k−1} + f(w·a_{k−1}), and the
# chain rule gives each layer the factor 1 + w·f′(z_k): the identity path contributes the 1,
# which no layer can shrink. The table is ∂a_n/∂a_0, the factor by which the gradient at the top
# is multiplied on its way down to the first layer, with notebook 03's start x = 0.5 and w = 1
# (the numbers are checked against finite differences and PyTorch's autograd in
# `tests/test_architectures_modern.py`).
# %%
from nnlab.engine.architectures import first_layer_gradient, gradient_table

print(gradient_table())
g30 = first_layer_gradient(depths=(30,))
plain, skip = g30[("sigmoid", 30)]
print(f"\n30 sigmoid layers: the gradient reaching the first layer is multiplied by {plain:.1e} "
      f"without skip connections, by {skip:.2f} with them")
assert plain <= 0.25 ** 30 and skip >= 1
# %% [markdown]
# ReLU at w = 1 shows the other side: the plain chain passes the gradient unchanged, while the
# residual chain doubles the signal and the gradient at every layer (2ⁿ). Real residual networks
# keep the residual branch's share in check (batch norm after its last convolution; some recipes,
# torchvision's `zero_init_residual=True` among them, start that batch norm's scale γ at zero).
# With a weak branch, w = 0.1, the plain chain vanishes as 0.1ⁿ while the residual one grows only
# as 1.1ⁿ:
# %%
print(gradient_table(names=("relu",), w=0.1))
weak = first_layer_gradient(names=("relu",), depths=(30,), w=0.1)[("relu", 30)]
assert weak[0] < 1e-29 and 1 < weak[1] < 20
# %% [markdown]
# ### The skip-connection explorer
# Notebook 03's depth explorer with one more control, **skip connections**: *without*, each curve
# is notebook 03's product of w·f′(z_k); *with*, the product of 1 + w·f′(z_k). **layers** is the
# main slider; **input x** and **weight w** as in notebook 03 (log10 scale, the axis follows the
# lines). What to try is listed under it, each with its preset.
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints its numbers.
from nnlab.views.residual_view import factory as skip_connection_explorer

skips = skip_connection_explorer()
skips
# %%
print(skips.state())
# %%
from nnlab.course.architectures import RESIDUAL_CLAIMS

RESIDUAL_CLAIMS
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
# %% [markdown]
# ## Exercises
# Seven exercises; the numbers come from `SEED` (set in the setup cell; your instructor may give
# you another one, and every seed draws other layer settings, images and weights). Replace `None`
# with your answer and run the cell; `ex.solution(n)` shows the worked answer when you call it.
# %%
from nnlab.course.cnn import exercise_set

ex = exercise_set(SEED)   # SEED is set in the setup cell; your instructor may give you another
print(ex.show(1))
# %%
answer = None  # the number of parameters of the convolution layer
ex.check(1, answer)
# %%
print(ex.show(2))
# %%
answer = None  # the output width in pixels
ex.check(2, answer)
# %%
print(ex.show(3))
# %%
answer = None  # the number of parameters of the dense layer
ex.check(3, answer)
# %%
print(ex.show(4))
# %%
answer = None  # the mean of the four max-pooled values
ex.check(4, answer)
# %%
print(ex.show(5))
# %%
answer = None  # the number of parameters of the residual block
ex.check(5, answer)
# %%
print(ex.show(6))
# %%
answer = None  # the number of weights of the depthwise and pointwise pair
ex.check(6, answer)
# %%
print(ex.show(7))
# %%
answer = None  # ∂a₂/∂a₀
ex.check(7, answer)
