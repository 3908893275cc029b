# %% [metadata]
# {"nnlab": {"main": "nnlab.views.transformer_view:attention_factory"}}
# %% [markdown]
# # 11 · Transformers: attention, heads, positions, the encoder block
#
# Notes 001 end the chapter on recurrent networks with their limits — limited context, one
# vector per word (“bank” in *river bank* and in *I went to the bank to deposit money*) — and
# then:
#
# > **Enter Transformers!!!**
# > Transformers are a type of neural network that have a **unique ability to recognize
# > long-range connections within sequences**. They are particularly useful for **tasks like
# > generating text**, as the model needs to comprehend the preceding words in order to
# > produce the next one.
# >
# > Transformers – key capabilities: Transformers are able to learn long-range dependencies in
# > sequences. Transformers are able to be trained on very large datasets. Transformers are
# > able to be parallelized
#
# (The notes date transformers to 2018 and the seminal paper to 2017: the paper, Vaswani et
# al., “Attention Is All You Need”, is from 2017 — see notebook 08.) Notebook 08 computed one
# step of attention with fixed matrices. This notebook builds the transformer's **encoder
# block** in numpy, every line of its forward and backward pass written out and checked
# against PyTorch (`nn.MultiheadAttention`, `nn.TransformerEncoderLayer`) in the tests:
#
# 1. self-attention with learned Q, K, V projections and several heads, and masks;
# 2. why attention alone ignores word order, and the sinusoidal positional encoding;
# 3. layer norm, residual connections and the feed-forward network: the block;
# 4. a long-range task the GRU of notebook 08 finds hard, trained side by side;
# 5. “bank” again: the same static vector, two contextual ones;
# 6. what “parallelised” means, measured: dependent steps and the T² cost.
# %% [markdown]
# ## Setup
# %%
import numpy as np

from nnlab.core.environment import environment_report
from nnlab.core.gradcheck import central_difference, max_relative_error
from nnlab.engine import attention as A
from nnlab.engine import transformer as TF
from nnlab.engine.transformer import parallel as P
from nnlab.engine.transformer import train as TT
from nnlab.views import transformer_figures as TFIG

SEED = 0
print(environment_report(seed=SEED))
# %% [markdown]
# ## 1. Self-attention with learned projections, and heads
#
# Each token x_t (a row of X, width E = d_model) is projected three ways by learned matrices:
# a **query** q_t = W_q x_t (what it looks for), a **key** k_t = W_k x_t (what it offers) and a
# **value** v_t = W_v x_t (what it passes on). Token t's output is the average of every value,
# weighted by softmax(q_t · k_s / √d_k) over s. With h **heads** the E columns are split into
# h groups of d_k = E/h: each head has its own Q, K, V and its own weights — one head can
# follow position, another content — and their outputs are put side by side and mixed by
# W_out. PyTorch stores W_q, W_k, W_v stacked as `in_proj_weight` (3E × E); so does
# `TF.MultiHeadAttention`. Four tokens of width 4, two heads:
# %%
rng = np.random.default_rng(SEED)
mha = TF.MultiHeadAttention(embed_dim=4, num_heads=2, rng=rng)
x = rng.standard_normal((1, 4, 4))          # (batch N, tokens T, width E)
y = mha.forward(x)
t = mha.trace                               # every intermediate of the pass
print("Q, K, V per head:", t.Q.shape, "(N, heads, T, d_k)   scale 1/√d_k =", f"{t.scale:.4f}")
for h in range(2):
    print(f"head {h + 1} weights (rows: queries, each sums to 1):")
    print(np.array2string(t.weights[0, h], precision=3, suppress_small=True))
print("row sums:", np.round(t.weights.sum(axis=-1), 12).ravel())
print("output:", t.out.shape, "= heads side by side", t.context.shape, "times W_outᵀ")
# %% [markdown]
# A **mask** hides keys. A text generator must not look at the words it has yet to produce:
# the causal mask lets token t see tokens 1..t only (PyTorch: `is_causal=True`, or a boolean
# `attn_mask` that is **True where attending is not allowed** — the opposite sense of
# `scaled_dot_product_attention`'s mask used in notebook 08):
# %%
mha.set_mask(is_causal=True)
mha.forward(x)
print(np.array2string(mha.trace.weights[0, 0], precision=3, suppress_small=True))
print("weight on later tokens:", float(np.triu(mha.trace.weights[0, 0], 1).sum()))
mha.set_mask()
# %% [markdown]
# ## 2. Attention ignores order — positional encoding restores it
#
# Nothing in attention knows *where* a token sits: shuffle the tokens, and each output is the
# same vector as before, moved to the token's new place (the block is *permutation
# equivariant*). A sentence would be a bag of words. The test: one random encoder block, one
# random sequence, its tokens permuted — the outputs differ only by the same permutation, to
# rounding. Add the sinusoidal positional encoding first, and they no longer do:
# %%
perm = TT.permutation_test(T=6, d_model=8, nhead=2, seed=SEED)
print("permutation:", perm["perm"])
print(f"without positions: max |block(x[perm]) − block(x)[perm]| = {perm['without_pe']:.1e}"
      " (rounding: the same outputs, reordered)")
print(f"with positions:    max |block(x[perm]) − block(x)[perm]| = {perm['with_pe']:.3f}")
assert perm["without_pe"] < 1e-12 < perm["with_pe"]
# %% [markdown]
# The encoding of “Attention Is All You Need” (§3.5) adds to the token at position pos the
# vector PE[pos, 2i] = sin(pos / 10000^(2i/d_model)), PE[pos, 2i + 1] = cos(pos /
# 10000^(2i/d_model)): each pair of dimensions is a clock with its own speed, fast in the
# first columns, slow in the last. PE[p]·PE[q] = Σ_i cos((p − q)ω_i) depends only on how far
# apart p and q are, which is what lets attention learn “look k places back”:
# %%
pe = TF.sinusoidal_encoding(6, 8)
print(np.array2string(pe, precision=3, suppress_small=True))
print("PE[2]·PE[q]:", np.round(TF.similarity(pe, 2), 3), "  PE[3]·PE[q]:", np.round(TF.similarity(pe, 3), 3))
# %% [markdown]
# The positional-encoding explorer draws the whole table (left) and how alike position *pos*
# is to every other (right). Move the position, the number of dimensions and of positions.
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints the
# numbers it shows, which nbval compares.
from nnlab.views.transformer_view import PositionalEncodingExplorer

positions = PositionalEncodingExplorer(d_model=16, length=32, pos=8)
positions
# %%
print(positions.state())
# %%
from nnlab.course.transformer import positional_claims

positional_claims
# %% [markdown]
# ## 3. Layer norm, residuals, feed-forward: the encoder block
#
# **Layer norm** rescales each token on its own: subtract the token's mean over its E features,
# divide by their standard deviation (the biased one, /E, plus ε = 1e-5), then multiply by a
# learned γ and add a learned β. (Batch norm, notebook 07, averages over the batch instead.)
# %%
tr = TF.layer_norm(np.array([[2.0, 4.0, 6.0, 12.0]]))
print(f"mean {tr.mean[0, 0]:g}, variance {tr.var[0, 0]:g}, x̂ = {np.round(tr.xhat[0], 4)}")
print(f"x̂ has mean 0 (|mean| < 1e-12: {abs(tr.xhat.mean()) < 1e-12}) and variance {tr.xhat.var():.6f}"
      " (not quite 1: the ε)")
# %% [markdown]
# The block (`TF.EncoderBlock`, PyTorch's `nn.TransformerEncoderLayer` with its default
# `norm_first=False`, as in the paper):
#
#     a  = MultiHeadAttention(x)          tokens exchange information
#     x1 = LayerNorm1(x + a)              residual connection, then normalise
#     f  = W2 · relu(W1 · x1 + b1) + b2   the same small network on every token, separately
#     y  = LayerNorm2(x1 + f)
#
# Its backward pass is the chain rule through these four lines, in reverse; at each “+” of a
# residual connection the gradient goes **both** ways — straight back, unchanged, and through
# the sub-layer — so even a deep stack passes a gradient to its first layer (the cure for
# notebook 03's vanishing gradients, ResNet's idea). The written-out backward pass against
# central differences (`nnlab.core.gradcheck`), for L = Σ y ⊙ w:
# %%
block = TF.EncoderBlock(d_model=8, nhead=2, dim_feedforward=16, rng=np.random.default_rng(SEED))
xb = np.random.default_rng(1).standard_normal((2, 5, 8))
wb = np.random.default_rng(2).standard_normal((2, 5, 8))
yb = block.forward(xb)
gx = block.backward(wb)
grads = [g.copy() for g in block.grads]
loss = lambda: float(np.sum(block.forward(xb) * wb))  # noqa: E731
err_x = max_relative_error(gx, central_difference(loss, xb))
err_p = max(float(np.max(np.abs(g - central_difference(loss, p)))) for p, g in zip(block.params, grads))
print(f"{len(block.params)} parameter arrays, {sum(p.size for p in block.params)} numbers"
      f" (TF.param_count: {TF.param_count(8, 2, 16)})")
print("∂L/∂x: relative error below 1e-6:", err_x < 1e-6)
print("∂L/∂parameters: largest absolute error below 1e-7:", err_p < 1e-7)
print("each output token has mean 0 and variance 1 (γ = 1, β = 0 at the start):",
      bool(np.allclose(yb.mean(-1), 0, atol=1e-12) and np.allclose(yb.var(-1), 1, atol=1e-4)))
# %% [markdown]
# ## 4. A long-range task: the transformer beside the GRU
#
# The **pointer task**: eight symbols (A–D) and then a pointer “→p”; the answer is the symbol
# at position p. A recurrent network reads left to right: when the pointer arrives it is too
# late to look back, so its hidden state must have carried **all eight** symbols. Attention
# looks back directly: the pointer's query can match the key of position p. Both models read
# the same one-hot sequences and answer at the last step, with about the same number of
# parameters, the same optimizer (Adam, learning rate 0.01), 300 steps of the same batches.
# The transformer: embedding (a Dense layer), positional encoding, two encoder blocks (d_model
# 16, 2 heads, feed-forward 32), a read-out of the last token. The GRU: notebook 08's
# `SequenceModel("gru", ...)` with 32 hidden units. A third model is the same transformer
# without positional encoding. (A few seconds of training.)
# %%
xs, ys, _, _ = TT.pointer_data(SEED)
print("one sequence:", " ".join(chr(65 + int(np.argmax(v[:4]))) for v in xs[0, :8]),
      f"→{int(np.argmax(xs[0, 8, 4:]))}", " target:", chr(65 + int(ys[0])))
result = TT.compare_on_pointer(SEED)
for name in ("transformer", "no positions", "gru"):
    print(f"{name:>13}: {result['params'][name]:5d} parameters, test accuracy "
          f"{result['accuracy'][name]:.3f}")
print(f"chance: {result['chance']:.3f}")
# %%
TFIG.show(TFIG.draw_training(result))
# %% [markdown]
# The transformer solves the task; the GRU, with as many parameters and the same training,
# is far from it (more steps help it only slowly: it must squeeze eight symbols through one
# hidden state). Without positional encoding the transformer is stuck too — it cannot tell
# *which* A is at position p, only how many A's there are, which already beats chance.
#
# ### Where the heads look
# The attention-map explorer shows the trained transformer's weights on test sequences:
# choose a sequence, a layer, a head, and a query position (the last one, 8, is the pointer).
# The orange bar is the position the pointer names.
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints the
# numbers it shows, which nbval compares.
from nnlab.views.transformer_view import AttentionMapExplorer

attention = AttentionMapExplorer(example=0, layer=2, head=1)
attention
# %%
print(attention.state())
# %%
from nnlab.course.transformer import claims

claims
# %% [markdown]
# ## 5. “bank”, static and contextual
#
# The notes' complaint: a static embedding gives “bank” one vector in both sentences. Here is
# one encoder block (d_model = 3, one head, no positional encoding) reading notebook 08's
# made-up 3-D vectors (axes money, nature, grammar; `data/bank_vectors.csv`), trained to say
# whether a bank is about money or about a river (random sentences of filler words with
# “deposit”/“money” or “river”/“water” somewhere). Its output at bank's position is bank's
# **contextual** vector. The input — the static vector — is the same in both sentences; the
# output is not, and the attention weights show why: bank looks at the words around it.
# %%
reader, losses = TT.trained_bank_reader(SEED)
money = reader.contextual(A.MONEY_SENTENCE)
river = reader.contextual(A.RIVER_SENTENCE)
km, kr = money["words"].index("bank"), river["words"].index("bank")
print("static bank, money sentence:", money["static"][km], " river sentence:", river["static"][kr])
print(f"cos(static, static) = {A.cosine_similarity(money['static'][km], river['static'][kr]):.3f}")
print(f"cos(contextual, contextual) = "
      f"{A.cosine_similarity(money['contextual'][km], river['contextual'][kr]):.3f}")
print(f"P(river sense): money sentence {money['sense_probability_river'][km]:.3f}, "
      f"river sentence {river['sense_probability_river'][kr]:.3f}")
# %%
TFIG.show(TFIG.draw_bank([money, river]))
# %% [markdown]
# In the money sentence bank gives weight to “deposit” and “money”, in the river sentence to
# “river”; the block mixes those values into bank's vector. Its output no longer reads as
# money, nature and grammar (the projections and the layer norms rescale every axis), but the
# two banks, identical at the input, now point in almost opposite directions (the cosine
# above), which is what lets the read-out tell the two senses apart. Notebook 08 made the same
# point with fixed matrices; here the projections were learned from the task.
#
# ## 6. “Able to be parallelized”, measured
#
# A GRU computes h_t from h_(t−1): over T tokens that is T steps, each waiting for the one
# before. Self-attention computes all T outputs with a fixed number of big products (the
# projections, QKᵀ, AV), which a GPU spreads over thousands of cores: that is what makes
# training on very large data sets possible. The price is the T × T matrix of scores: its
# multiply-adds grow as T²·E, while the projections and the GRU grow as T. Counted for
# width 64 (GRU: hidden = input = 64):
# %%
lengths = [16, 64, 256, 1024, 4096]
gru_c = [P.gru_cost(T, 64, 64) for T in lengths]
att_c = [P.attention_cost(T, 64) for T in lengths]
print(f"{'T':>5} {'GRU steps':>10} {'GRU mult-adds':>14} {'attn steps':>11} {'attn proj':>11} "
      f"{'QKᵀ + AV':>13}")
for T, g, a in zip(lengths, gru_c, att_c):
    print(f"{T:>5} {g['sequential_steps']:>10} {g['multiply_adds']:>14,} {a['sequential_steps']:>11} "
          f"{a['projections']:>11,} {a['scores_and_sum']:>13,}")
# %%
TFIG.show(TFIG.draw_costs(lengths, gru_c, att_c))
# %% [markdown]
# The score-and-sum work 2·T²·E passes the projections' 4·T·E² once T > 2E (here 128); from
# then on, doubling the length nearly quadruples the work. That is why long documents are a
# transformer's weak point, and why so much research goes into cheaper attention.
#
# And the wall-clock time of one forward pass here (a batch of 8 sequences, width 32, one
# BLAS thread for both), in numpy on this machine's CPU. Expect the GRU's time to grow in proportion to T — T Python
# steps — and attention's to bend upwards once the T² part dominates. On a CPU with numpy the
# attention layer is not necessarily faster: what it saves is *waiting*, which pays off on
# hardware that computes a big product at once (a GPU); `benchmarks/bench_transformer.py`
# records this machine's figures in `benchmarks/README.md`.
# %%
# NBVAL_IGNORE_OUTPUT
# Why: wall-clock times depend on the machine and on its load.
times = P.time_forward([8, 16, 32, 64, 128, 256], width=32, batch=8, repeat=3, seed=SEED)
for T, g, a in zip(times["lengths"], times["gru"], times["attention"]):
    print(f"T = {T:>4}: GRU {g * 1e3:8.2f} ms   attention {a * 1e3:8.2f} ms")
TFIG.show(TFIG.draw_times(times))
# %% [markdown]
# ## Exercises
# Type your answer in place of `None` and run the cell; `ex.check` says whether it is right or
# which slip it looks like. `ex.solution(n)` shows the worked answer when you call it.
# %%
from nnlab.course.transformer import exercise_set

ex = exercise_set(SEED)   # SEED is set in the setup cell; your instructor may give you another
print(ex.show(1))
# %%
answer = None  # attention weight
ex.check(1, answer)
# %%
print(ex.show(2))
# %%
answer = None  # PE[pos, dim]
ex.check(2, answer)
# %%
print(ex.show(3))
# %%
answer = None  # layer-norm output component
ex.check(3, answer)
# %%
print(ex.show(4))
# %%
answer = None  # number of parameters
ex.check(4, answer)
# %%
print(ex.show(5))
# %%
answer = None  # multiply-adds of QKᵀ and AV
ex.check(5, answer)
