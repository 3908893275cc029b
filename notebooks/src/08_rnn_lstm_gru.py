# %% [metadata]
# {"nnlab": {"main": "nnlab.views.rnn_view:factory"}}
# %% [markdown]
# # 08 · RNN, GRU and LSTM step by step — and the road to attention
#
# Notes 001 (“RNN, LSTM and GRU”) introduce networks with a *state*: a recurrent connection
# loops the hidden layer back to itself, so each step of a sequence sees a summary of the
# steps before it. This notebook
#
# 1. writes the three cells — plain RNN, GRU, LSTM — with **exactly PyTorch's equations and
#    weight layouts**, and steps through a sequence gate by gate;
# 2. runs the course's three architectures (many-to-one, one-to-many, many-to-many) on small
#    made-up data;
# 3. shows why gradients vanish or explode through time, and why the gated cells remember
#    longer (with a task the plain RNN fails and the GRU and LSTM solve), and gradient clipping;
# 4. demonstrates the notes' activation table and hidden-size table (with parameter counts);
# 5. ends with the limits the notes list — one vector per word, the “bank” problem — and one
#    step of self-attention computed by hand.
#
# A note on a name: notes 001 expand RNN once as “Recursive Neural Network”. It is a
# **Recurrent** neural network (as the notes write everywhere else); *recursive* networks are
# a different model that combines vectors along a tree.
# %% [markdown]
# ## Setup
# %%
import numpy as np
import sympy as sp

from nnlab.core.environment import environment_report
from nnlab.course.rnn import BANK_CLAIMS, FLOW_CLAIMS, STEP_CLAIMS
from nnlab.engine import attention as A
from nnlab.engine import rnn as R
from nnlab.engine.optim import SGD, Adam
from nnlab.engine.rnn import symbolic as S
from nnlab.views import attention_view as AV
from nnlab.views import gradient_flow_view as GV
from nnlab.views import rnn_view as RV

SEED = 0
print(environment_report(seed=SEED))
# %% [markdown]
# ## 1. Three cells, PyTorch's equations
#
# Every cell takes the input x_t and the previous hidden state h_(t−1) (and, for the LSTM, the
# cell state c_(t−1)). Weights are stored as PyTorch stores them: `W_ih` of shape
# (gates·hidden, input) and `W_hh` of shape (gates·hidden, hidden), the gates stacked in
# PyTorch's order — GRU: **r, z, n**; LSTM: **i, f, g, o** — and two bias vectors `b_ih`,
# `b_hh`. Here are the equations of each cell for one hidden unit and one input (sympy, with
# PyTorch's weight names):
# %%
lines = []
for cell in R.CELLS:
    lines.append(cell.upper())
    for name, eq in S.gate_equations(cell):
        lines.append("    " + sp.pretty(eq, use_unicode=True).replace("\n", "\n    "))
print("\n".join(lines))
# %% [markdown]
# The GRU's last line is the course's line **h_t = (1 − z_t)·n_t + z_t·h_(t−1)**, exactly
# PyTorch's. Mind which state z weights: z_t multiplies the **old** state h_(t−1), so z is
# the share of the past that is *kept*, and 1 − z the share of the new candidate n_t that is
# written. (The notes' caption calls h_(t−1) the “to-forget old state”: it is the part
# kept, not forgotten — when z → 1 the GRU forgets nothing.) Also note the GRU's candidate:
# the reset gate multiplies (W_hn h + b_hn), bias included — PyTorch's form, which differs
# from the original GRU paper (r ⊙ h inside the product).
#
# The same line as LaTeX, for the GRU:
# %%
from IPython.display import Math, display

for tex in S.gate_latex("gru"):
    display(Math(tex))
# %% [markdown]
# The numbers: one step of each cell on a batch of two samples, with PyTorch's
# initialisation (uniform in ±1/√hidden, seeded). Each cell also returns its gate values.
# The sympy formulas above, evaluated with a one-unit cell, give the same numbers as the
# numpy cells (the assert checks it).
# %%
rng = np.random.default_rng(SEED)
x = rng.standard_normal((2, 3))
h = rng.standard_normal((2, 4)) * 0.5
c = rng.standard_normal((2, 4)) * 0.5
P = {cell: R.init_params(cell, 3, 4, seed=SEED) for cell in R.CELLS}
h_rnn, g_rnn = R.rnn_cell(x, h, **P["rnn"])
h_gru, g_gru = R.gru_cell(x, h, **P["gru"])
(h_lstm, c_lstm), g_lstm = R.lstm_cell(x, (h, c), **P["lstm"])
np.set_printoptions(precision=4, suppress=True)
print(f"RNN  h' = {h_rnn[0]}\n"
      f"GRU  r = {g_gru['r'][0]}  z = {g_gru['z'][0]}  n = {g_gru['n'][0]}\n"
      f"GRU  h' = {h_gru[0]}\n"
      f"LSTM i = {g_lstm['i'][0]}  f = {g_lstm['f'][0]}\n"
      f"LSTM g = {g_lstm['g'][0]}  o = {g_lstm['o'][0]}\n"
      f"LSTM c' = {c_lstm[0]}  h' = {h_lstm[0]}")
# the course's GRU line, checked on the numbers
assert np.allclose(h_gru, (1 - g_gru["z"]) * g_gru["n"] + g_gru["z"] * h)
assert np.allclose(c_lstm, g_lstm["f"] * c + g_lstm["i"] * g_lstm["g"])
# the sympy forms agree with the numpy cells (one unit, one input)
p1 = R.init_params("lstm", 1, 1, seed=SEED)
sym = S.evaluate("lstm", S.scalar_values("lstm", p1, 0.7, -0.3, 0.4))
(h1, c1), _ = R.lstm_cell(np.array([0.7]), (np.array([-0.3]), np.array([0.4])), **p1)
assert abs(sym["h"] - h1[0]) < 1e-12 and abs(sym["c"] - c1[0]) < 1e-12
# %% [markdown]
# ### Parameter counts, as PyTorch counts them
# A cell with G gates has G·(h·i + h·h + 2h) parameters: G = 1 (RNN), 3 (GRU), 4 (LSTM), and
# 2h because PyTorch keeps **two** bias vectors per gate (b_ih and b_hh; a textbook cell
# with one bias has G·h fewer). For input 10 and hidden 64:
# %%
print("\n".join(f"{cell.upper():5s} {R.param_count(cell, 10, 64):6d} parameters" for cell in R.CELLS))
assert R.param_count("lstm", 10, 64) == 4 * (64 * 10 + 64 * 64 + 2 * 64)
# %% [markdown]
# ## 2. Step through a sequence
#
# The explorer runs a short sequence of 8 input values through a cell with 2 hidden units.
# **Move the time step t** (the main slider): the bars show every gate of that step, the
# cell state c (LSTM) and the hidden state h; the right panel shows h over the whole
# sequence; below, every formula with the numbers of step t. Pick a **weight** (for example
# `b_if[1]`, the LSTM forget gate's bias of unit 1) and set **its value**; change the
# **input x_t** of the step shown (the box *inputs* holds the whole sequence and takes a new
# one, 8 numbers from −2 to 2). Each sentence below is checked by the tests at its preset
# (paste the preset into the box under the explorer):
# %%
STEP_CLAIMS
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints the numbers it shows.
steps = RV.factory()
steps
# %%
print({k: v for k, v in steps.state().items() if k != "series"})
# %% [markdown]
# The explorer computes with the same cells as above. A second explorer (not displayed, so
# the one above keeps its settings), on the LSTM at step 4: the state it shows is the result
# of four single steps of `lstm_cell`:
# %%
demo = RV.TimeStepExplorer(cell="lstm")
demo.controls["t"].value = 4
shown = demo.state()
print({k: v for k, v in shown.items() if k != "series"})
h_, c_ = np.zeros(2), np.zeros(2)
for t in range(4):
    (h_, c_), _ = R.lstm_cell(np.array([demo.inputs[t]]), (h_, c_), **demo.params["lstm"])
assert np.allclose(h_, shown["h"], atol=1e-4)
print("h_4 by four single steps:", np.round(h_, 4))
demo.close()
# %% [markdown]
# ## 3. Many-to-one, one-to-many, many-to-many
# The course's applications map onto three ways of unrolling a cell: a sentence in, one
# label out (sentiment classification); one input, a sequence out (music generation);
# a sequence in, one output per step (named-entity recognition, tagging). Machine
# translation and speech recognition are many-to-many with different lengths in and out
# (encoder–decoder), not shown here.
# %%
RV.show(RV.draw_architectures())
# %% [markdown]
# Each is trained below on small made-up data generated in code (seeded), with a
# `SequenceModel` — a cell plus a linear read-out — and `nnlab.engine.optim.Adam`.
#
# **Many-to-one**: “reviews” of 6 words from {great, good, plot, the, acting, bad, awful};
# the label is positive when the words' scores (+2, +1, 0, 0, 0, −1, −2) sum above zero. The
# network must add up evidence along the sentence.
# %%
xs, ys, vocab = R.sentiment_task(n=400, T=6, seed=SEED)
xt, yt, _ = R.sentiment_task(n=400, T=6, seed=SEED + 1)
m2o = R.SequenceModel("gru", len(vocab), 8, 2, mode="many_to_one", seed=SEED)
hist_m2o = m2o.fit(xs, ys, Adam(lr=0.05), steps=100, batch_size=32, seed=SEED)
acc_m2o = m2o.accuracy(xt, yt)
print(f"many-to-one (GRU): test accuracy {acc_m2o:.3f}")
# %% [markdown]
# **One-to-many**: one number a (the amplitude) at step 1, then nothing; the network must
# generate a·sin(2πt/8) for t = 1…10 — it must keep a in its state and count the steps.
# %%
xs, ys = R.wave_task(n=200, T=10, seed=SEED)
xt, yt = R.wave_task(n=100, T=10, seed=SEED + 1)
o2m = R.SequenceModel("gru", 1, 8, 1, mode="many_to_many", loss="mse", seed=SEED)
hist_o2m = o2m.fit(xs, ys, Adam(lr=0.03), steps=150, batch_size=32, seed=SEED)
pred = o2m.forward(xt)
mse_o2m = float(np.mean((pred - yt) ** 2))
print(f"one-to-many (GRU): test MSE {mse_o2m:.4f} (the targets' variance is {float(np.var(yt)):.4f})")
RV.show(RV.draw_sequences(xt, [yt[:, k, 0] for k in range(3)], [pred[:, k, 0] for k in range(3)],
                          "one-to-many: generated waves for three amplitudes"))
# %% [markdown]
# **Many-to-many**: tag each symbol of a sequence (3 kinds) with 1 when it repeats the
# previous one. One step of memory is enough, and a plain RNN learns it; we train it with
# each of the three activations of the notes' table (section 5).
# %%
xs, ys = R.repeat_tagging_task(n=300, T=10, seed=SEED)
xt, yt = R.repeat_tagging_task(n=300, T=10, seed=SEED + 1)
tagging, lines = {}, []   # (printed once at the end: one output, whatever the timing)
for act in ("tanh", "relu", "sigmoid"):
    m = R.SequenceModel("rnn", 3, 8, 2, mode="many_to_many", nonlinearity=act, seed=SEED)
    hist = m.fit(xs, ys, Adam(lr=0.05), steps=100, batch_size=32, seed=SEED)
    tagging[act] = (m.accuracy(xt, yt), hist)
    lines.append(f"many-to-many (RNN, {act:7s}): per-step test accuracy {tagging[act][0]:.3f}")
print("\n".join(lines))
# %% [markdown]
# ## 4. Vanishing and exploding gradients through time
#
# Backpropagation through time (BPTT) sends the loss's gradient back along the chain
# h_T → h_(T−1) → … → h_0. For a plain tanh RNN each step multiplies it by
# diag(1 − h_t²)·W_hh: with a recurrent weight of size below 1 the gradient reaching early
# steps shrinks geometrically (**vanishes**); above 1 it can grow geometrically
# (**explodes**, most easily with ReLU, which does not saturate).
#
# `nnlab.engine.rnn.bptt` returns ∂L/∂h_t for **every** earlier t. The explorer plots its norm,
# relative to ‖∂L/∂h_T‖, for a loss that reads only the last hidden state, with W_hh = scale ×
# an orthogonal matrix; the horizontal axis counts the steps back from the end (T − t), so
# the left end of each curve is h_T and the right end h_0. Move the **scale** (main slider),
# the **gate bias b** (with b = 0 the GRU and LSTM gates sit near 0.5; with b = 3 the GRU's
# update gate keeps σ(3) ≈ 0.95 of the old state and the LSTM's forget gate 0.95 of the old
# cell state: the “memory highway” that lets the gated cells learn long dependencies), the
# RNN's activation and the **sequence length T**. Checked by the tests at each preset:
# %%
FLOW_CLAIMS
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints the numbers it shows.
flow = GV.factory()
flow
# %%
print(flow.state())
# %% [markdown]
# The same explorer's numbers with gate bias 3 (a second instance: the one above keeps its settings):
# %%
demo = GV.GradientFlowExplorer(scale=1.0, T=30, gate_bias=3.0)
s3 = demo.state()
print(s3)
assert s3["gru_t0"] > 5 * s3["rnn_t0"] and s3["lstm_c_t0"] > 5 * s3["rnn_t0"]
demo.close()
# %% [markdown]
# The same numbers in a table: ‖∂L/∂h_0‖ / ‖∂L/∂h_T‖ after T = 30 steps.
# %%
lines = [f"{'scale':>6s} {'RNN tanh':>10s} {'RNN relu':>10s} {'GRU b=0':>10s} {'GRU b=3':>10s} "
         f"{'LSTM c b=0':>11s} {'LSTM c b=3':>11s}"]
for s in (0.5, 1.0, 1.5, 2.5):
    row = [R.gradient_flow("rnn", T=30, scale=s)[0],
           R.gradient_flow("rnn", T=30, scale=s, nonlinearity="relu")[0],
           R.gradient_flow("gru", T=30, scale=s)[0], R.gradient_flow("gru", T=30, scale=s, gate_bias=3)[0],
           R.gradient_flow("lstm", T=30, scale=s, wrt="c")[0],
           R.gradient_flow("lstm", T=30, scale=s, wrt="c", gate_bias=3)[0]]
    lines.append(f"{s:6.2f} " + " ".join(f"{v:10.2e}" for v in row[:4]) + " "
                 + " ".join(f"{v:11.2e}" for v in row[4:]))
print("\n".join(lines))
# %% [markdown]
# ### A task that needs long memory
# A symbol (one of 4, one-hot) is shown at step 1; then come 29 steps of random noise (two
# input channels, standard deviation 2); the network must say, at step 30, which symbol it
# saw. It must carry one piece of information across 29 steps while ignoring the noise.
#
# All three cells get the same budget: hidden size 16, 200 steps of Adam (lr 0.02), batches of
# 32, seed 0. The GRU and LSTM start with gate bias b = 3 (“keep the memory, write little”:
# GRU update gate +3; LSTM forget gate +3 and input gate −3 — the LSTM's keep and write gates
# are separate, the GRU couples them through z and 1 − z). Chance level is 0.250.
# %%
xs, ys = R.first_symbol_task(n=512, T=30, k=4, noise=2.0, seed=SEED)
xt, yt = R.first_symbol_task(n=512, T=30, k=4, noise=2.0, seed=SEED + 1)
memory, lines = {}, []
for cell in R.CELLS:
    m = R.SequenceModel(cell, xs.shape[2], 16, 4, seed=SEED, gate_bias=0.0 if cell == "rnn" else 3.0)
    hist = m.fit(xs, ys, Adam(lr=0.02), steps=200, batch_size=32, seed=SEED)
    memory[cell] = (m.accuracy(xs, ys), m.accuracy(xt, yt), hist)
    if cell == "rnn":   # at chance its exact accuracy is noise (it moves with the last bit of a sum)
        assert memory[cell][0] < 0.35 and memory[cell][1] < 0.35
        lines.append(f"{cell.upper():5s} at chance: train and test accuracy below 0.35 (chance 0.25)")
    else:
        lines.append(f"{cell.upper():5s} train accuracy {memory[cell][0]:.3f}   "
                     f"test accuracy {memory[cell][1]:.3f}")
print("\n".join(lines))
assert memory["gru"][1] > 0.9 and memory["lstm"][1] > 0.9
# %%
RV.show(RV.draw_training({c.upper(): memory[c][2] for c in R.CELLS},
                         "remember the first symbol (T = 30): training loss"))
# %% [markdown]
# The plain RNN stays near chance: the gradient that would teach it to keep the symbol has
# to cross 29 multiplications by diag(1 − h²)·W_hh, and the noise keeps overwriting its
# state. The gated cells learn to shut their input (LSTM input gate, GRU 1 − z) after step 1
# and to keep the state. (Seed 0 is shown. With seeds 1 and 2 for the weights and batches,
# same data, the test accuracies were RNN 0.504 and 0.422, GRU 1.000 and 1.000, LSTM 0.998
# and 0.873. Without the gate bias, b = 0, seeds 0 and 1 gave LSTM 0.248 and 0.471 and GRU
# 0.248 and 1.000: with gates near 0.5 the gradient along the memory decays by ~0.5 per
# step, as the explorer above shows, and learning becomes a matter of luck.)
#
# ### Gradient clipping
# Exploding gradients are usually handled by **clipping**: when the norm of all gradients
# together exceeds a maximum, scale them down to that norm (the direction is kept).
# `R.clip_grad_norm` is `torch.nn.utils.clip_grad_norm_`. Below, a ReLU RNN whose recurrent
# weights are 4× PyTorch's initialisation is trained with plain SGD (lr 0.05) on the same
# task, once without and once with clipping to norm 1:
# %%
lines = []
for clip in (None, 1.0):
    m = R.SequenceModel("rnn", xs.shape[2], 16, 4, nonlinearity="relu", seed=SEED)
    m.params[1] = 4.0 * m.params[1]
    hist = m.fit(xs, ys, SGD(lr=0.05), steps=30, batch_size=32, clip=clip, seed=SEED)
    where = "never" if hist["diverged_at"] is None else f"at step {hist['diverged_at']}"
    last = f"{hist['loss'][-1]:.4g}" if hist["loss"] else "-"
    lines.append(f"clip={clip}: first gradient norm {hist['grad_norm'][0]:.3e}, overflow {where}, "
                 f"last finite loss {last}")
grads = [np.array([3.0, 4.0]), np.array([12.0])]
clipped, total = R.clip_grad_norm(grads, max_norm=1.0)
lines.append(f"norm before {total:.4f} after {np.sqrt(sum(np.sum(g ** 2) for g in clipped)):.4f} "
             f"clipped: {[np.round(g, 4).tolist() for g in clipped]}")
print("\n".join(lines))
# %% [markdown]
# Without clipping, one step with a gradient of norm ~10⁸ throws the weights so far that the
# loss explodes (its last finite value above) and the next forward pass overflows. With
# clipping the step has norm at most lr × 1 and training continues (clipping does not make
# this badly initialised network good; it keeps it alive).
#
# ## 5. The notes' hyperparameter tables
#
# **Activation function** (notes 001):
#
# | activation | where to use | pros | cons |
# |---|---|---|---|
# | ReLU | RNNs (shallow or deep) | faster training, helps mitigate vanishing gradients | exploding gradients possible, no negative values |
# | tanh | RNNs (classic) & LSTMs | keeps values balanced | slower training, vanishing gradients |
# | sigmoid | rarely used | useful for probabilities | strong vanishing gradient |
#
# Each line, measured on a plain RNN (hidden 8) over a random input sequence: the range of
# the hidden state, and the gradient reaching 20 steps back at recurrent scales 1 and 2.
# %%
xr = np.random.default_rng(SEED).uniform(-1, 1, (20, 2))
lines = [f"{'act':8s} {'min h':>7s} {'max h':>7s} {'grad 20 back, scale 1':>22s} {'scale 2':>10s}  tagging acc"]
for act in ("relu", "tanh", "sigmoid"):
    run = R.run_sequence("rnn", xr, R.init_params("rnn", 2, 8, seed=SEED, scale=2.0), nonlinearity=act)
    g1 = R.gradient_flow("rnn", T=20, scale=1.0, nonlinearity=act)[0]
    g2 = R.gradient_flow("rnn", T=20, scale=2.0, nonlinearity=act)[0]
    lines.append(f"{act:8s} {run.hs.min():7.3f} {run.hs.max():7.3f} {g1:22.2e} {g2:10.2e}  {tagging[act][0]:.3f}")
print("\n".join(lines))
# %% [markdown]
# - **ReLU**: states are never negative and unbounded above (“no negative values”), and once
#   the recurrent weights are large the gradient grows (“exploding gradients possible”). Its
#   “helps mitigate vanishing gradients” holds for the units that are on (derivative 1); a
#   unit that is off (h = 0) passes no gradient at all, and in this measurement, at scale 1,
#   ReLU's gradient 20 steps back is smaller than tanh's.
# - **tanh**: centred and bounded in (−1, 1) (“keeps values balanced”); its derivative
#   1 − h² ≤ 1 shrinks the gradient at every step where it saturates.
# - **sigmoid**: states in (0, 1), derivative at most 1/4, so the gradient shrinks at least 4×
#   per step unless the weights are large — the strongest vanishing of the three. (Sigmoids
#   are everywhere inside the GRU and LSTM, as *gates*, where a value in (0, 1) is what is
#   wanted; “rarely used” is about the recurrent activation itself.)
#
# On the short tagging task of section 3 all three learn; the table is about long sequences.
#
# **Number of hidden units** (notes 001): vanilla RNN 50–200, LSTM/GRU 128–512, deep
# (stacked) LSTM 256–1024. These are rules of thumb. Their cost, for word vectors of size 300
# (input 300), in parameters of one layer:
# %%
lines = [f"{'hidden':>7s} {'RNN':>10s} {'GRU':>10s} {'LSTM':>10s} {'2-layer LSTM':>13s}"]
for hsz in (50, 128, 200, 256, 512, 1024):
    two = R.param_count("lstm", 300, hsz) + R.param_count("lstm", hsz, hsz)
    lines.append(f"{hsz:7d} {R.param_count('rnn', 300, hsz):10,d} {R.param_count('gru', 300, hsz):10,d} "
                 f"{R.param_count('lstm', 300, hsz):10,d} {two:13,d}")
print("\n".join(lines))
ratio = R.param_count("lstm", 300, 512) / R.param_count("rnn", 300, 1024)
print(f"LSTM 512 / RNN 1024: {ratio:.2f}×;  LSTM 512 / RNN 512: "
      f"{R.param_count('lstm', 300, 512) / R.param_count('rnn', 300, 512):.2f}×")
# %% [markdown]
# An LSTM of hidden size 512 has 4× the parameters of an RNN of the same size, and about 1.2×
# those of an RNN of hidden size 1024 (printed above) — and the h·h term makes every doubling of the hidden
# size roughly quadruple the recurrent weights. The notes' remark that LSTMs and GRUs “allow
# for higher hidden sizes than vanilla RNNs because they prevent vanishing gradients” needs
# two corrections: gates **mitigate** vanishing gradients (section 4: with gates near 0.5
# they vanish too), they do not prevent it; and the vanilla RNN's limit in the table is given
# as *exploding* gradients, which clipping, not gating, addresses.
#
# **When to use what** (notes 001): the RNN is simplest and has the fewest parameters; the GRU
# (3 gates) sits between; the LSTM (4 gates plus a separate cell state) is the most complex,
# with an explicit memory trace.
#
# ## 6. The limits of RNNs, and attention
#
# The notes list the limits of RNNs and LSTMs: limited ability to process context (limited
# memory); vanishing and exploding gradients; long, sequential and costly training (each step
# waits for the previous one); and, for language, **one vector per word**.
#
# ### Words as vectors
# The slides' toy table turns “The Cardinals will win the world series” into 3-D vectors
# (`data/word_vectors.csv`). Cosine similarity, cos θ = a·b / (‖a‖‖b‖), compares directions:
# %%
wv = A.load_word_vectors()
words, M = A.similarity_matrix(wv)
lines = [" " * 10 + "".join(f"{w:>10s}" for w in words)]
lines += [f"{w:>10s}" + "".join(f"{v:10.3f}" for v in row) for w, row in zip(words, M)]
print("\n".join(lines))
# %% [markdown]
# In the table “The” and “the” are different tokens with different vectors: a tokenizer that
# keeps capitals treats them as two words.
# %%
print(f"cos(The, the) = {A.cosine_similarity(wv['The'], wv['the']):.3f}")
# %% [markdown]
# ### The “bank” problem
# “I went to the bank to deposit money” and “we sat on the river bank”: a static embedding
# (Word2Vec, GloVe) gives “bank” **one** vector in both. With made-up 3-D vectors whose axes
# mean money, nature and grammar (`data/bank_vectors.csv`), bank sits halfway between money
# and river:
# %%
bv = A.bank_vectors()
print("bank =", bv["bank"], f" cos(bank, money) = {A.cosine_similarity(bv['bank'], bv['money']):.3f}",
      f" cos(bank, river) = {A.cosine_similarity(bv['bank'], bv['river']):.3f}")
# %% [markdown]
# ### Self-attention, one step by hand
# Self-attention replaces each word's vector by a weighted average of the (projected) vectors
# of all words of its sentence, the weights measuring how well its *query* matches their
# *keys*: Q = X W_q, K = X W_k, V = X W_v; scores = Q Kᵀ / √d_k; weights = softmax of each row;
# output = weights · V. Here W_k = W_v = I and W_q = 3·I (d_k = 3), on the money sentence;
# the row of “bank”, step by step:
# %%
sent = A.MONEY_SENTENCE
X = A.embed(sent, bv)
att = A.self_attention(X, W_q=3 * np.eye(3))
k = sent.index("bank")
lines = [f"query q_bank = x_bank · W_q = {np.round(att.Q[k], 4)}", "scores q_bank · k_j / √3:"]
lines += [f"   {w:>8s}  {s_:7.4f}" for w, s_ in zip(sent, att.scores[k])]
e = np.exp(att.scores[k] - att.scores[k].max())
weights = e / e.sum()
lines.append("softmax weights: " + " ".join(f"{w}={v:.3f}" for w, v in zip(sent, weights)))
out = weights @ att.V
lines.append(f"new bank = Σ weight_j · v_j = {np.round(out, 4)}")
print("\n".join(lines))
assert np.allclose(out, att.output[k])
assert np.allclose(att.output, A.scaled_dot_product_attention(X @ (3 * np.eye(3)), X, X))
# %%
river = A.self_attention(A.embed(A.RIVER_SENTENCE, bv), W_q=3 * np.eye(3))
out_r = river.output[A.RIVER_SENTENCE.index("bank")]
lines = []
for name, v in (("static bank", bv["bank"]), ("bank, money sentence", out), ("bank, river sentence", out_r)):
    lines.append(f"{name:22s} {np.round(v, 3)}  cos to money {A.cosine_similarity(v, bv['money']):.3f}  "
                 f"cos to river {A.cosine_similarity(v, bv['river']):.3f}")
print("\n".join(lines))
# %% [markdown]
# After one attention step, “bank” in the money sentence leans towards money and in the
# river sentence towards river: its representation now depends on its context. (In a real
# transformer W_q, W_k, W_v are learned, there are many heads and layers, and positions are
# encoded; and every word is updated at once, in parallel — no step waits for the previous
# one, which answers the RNN's slow sequential training.)
#
# The explorer uses the short sentence “the ⟨w⟩ bank”, ⟨w⟩ = (1 − context)·river +
# context·money. **Slide the context word** from river (0) to money (1) and watch the
# attention weights of “bank” (the numbers in the heatmap's bottom row) and its new vector.
# The weights do **not** move: bank's vector is as close to river as to money (bank·river =
# bank·money), so its query matches either context word equally; what changes is the vector
# they average, and so bank's new vector. **Sharpness** scales the queries. Checked by the
# tests at each preset:
# %%
BANK_CLAIMS
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints the numbers it shows.
bank = AV.factory()
bank
# %%
print(bank.state())
money_side = AV.AttentionExplorer(context=1.0, sharpness=3.0)   # its own instance
print(money_side.state())
money_side.close()
# %% [markdown]
# A last slip in the notes: they date the introduction of transformers to 2018 and, a line
# later, the seminal paper to 2017. The paper (Vaswani et al., “Attention Is All You Need”)
# appeared in 2017; 2018 is the year of the first big pre-trained transformers (GPT, BERT).
#
# ## Exercises
# Type your answer in place of `None` and run the cell: the check says whether it is right and
# recognises the usual slips (tanh left out, z and 1 − z swapped, h_t for c_t, one bias vector
# instead of two). `ex.solution(n)` shows the worked answer when you want it.
# %%
from nnlab.course.rnn import exercise_set

ex = exercise_set(SEED)   # SEED is set in the setup cell; your instructor may give you another
print(ex.show(1))
# %%
answer = None  # h_t of the one-unit RNN cell
ex.check(1, answer)
# %%
print(ex.show(2))
# %%
answer = None  # h_t of the one-unit GRU
ex.check(2, answer)
# %%
print(ex.show(3))
# %%
answer = None  # c_t of the one-unit LSTM
ex.check(3, answer)
# %%
print(ex.show(4))
# %%
answer = None  # parameters of the LSTMCell
ex.check(4, answer)
# %%
print(ex.show(5))
# %%
answer = None  # the cosine similarity
ex.check(5, answer)
