"""Recurrent cells (RNN, GRU, LSTM) with PyTorch's equations, backpropagation through time.

The three cells use exactly the equations, weight shapes and gate order of PyTorch's
`nn.RNNCell`, `nn.GRUCell` and `nn.LSTMCell`, so a learner's numbers agree with PyTorch.
One concept per file:

    cells.py        the cell equations (raw steps and checked cells), parameters, gate layout
    sequence.py     a cell over a sequence (`run_sequence`, `SequenceRun.step`), BPTT, clipping
    model.py        the trainable `SequenceModel`: a `Recurrent` layer and a `Dense` head
    experiments.py  `gradient_flow`: the gradient reaching each earlier step
    tasks.py        the toy data sets of notebook 08
    symbolic.py     the sympy forms of the gates (import it as nnlab.engine.rnn.symbolic)

`from nnlab.engine import rnn as R` gives every public name below. The exercises are in
nnlab.course.rnn.
"""
from .cells import (
                    CELLS,
                    GATE_NAMES,
                    GATES,
                    NONLINEARITIES,
                    PARAM_NAMES,
                    gate_slice,
                    gru_cell,
                    gru_step,
                    init_params,
                    lstm_cell,
                    lstm_step,
                    n_gates,
                    param_count,
                    rnn_cell,
                    rnn_step,
                    set_gate_bias,
)
from .experiments import gradient_flow
from .model import Recurrent, SequenceModel
from .sequence import (
                    BPTTGrads,
                    SequenceRun,
                    Step,
                    bptt,
                    bptt_unchecked,
                    clip_grad_norm,
                    run_sequence,
                    run_unchecked,
)
from .tasks import first_symbol_task, repeat_tagging_task, sentiment_task, wave_task

__all__ = ["CELLS", "GATES", "GATE_NAMES", "NONLINEARITIES", "PARAM_NAMES", "n_gates", "rnn_cell",
           "gru_cell", "lstm_cell", "rnn_step", "gru_step", "lstm_step", "param_count",
           "init_params", "gate_slice", "set_gate_bias", "SequenceRun", "Step", "run_sequence",
           "run_unchecked", "BPTTGrads", "bptt", "bptt_unchecked", "clip_grad_norm", "Recurrent",
           "SequenceModel", "gradient_flow", "first_symbol_task", "sentiment_task", "wave_task",
           "repeat_tagging_task"]
