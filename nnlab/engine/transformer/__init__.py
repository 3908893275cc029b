"""A transformer encoder in numpy, written to be read: attention heads, positions, the block.

One concept per file, each forward pass keeping its intermediates (`trace`) and each backward
pass written out under its forward rule, in PyTorch's shapes and parameter layout:

    attention.py    multi-head self-attention with learned Q, K, V (nn.MultiheadAttention)
    positional.py   the sinusoidal positional encoding of "Attention Is All You Need"
    norm.py         layer normalisation (nn.LayerNorm)
    block.py        the encoder block (nn.TransformerEncoderLayer): attention, residuals,
                    layer norm, feed-forward
    model.py        a small trainable encoder (embedding, positions, blocks, read-out)
    train.py        the tasks of notebook 11 and the trained models, beside notebook 08's GRU
    parallel.py     what a forward pass costs: sequential steps, multiply-adds, wall time

`from nnlab.engine import transformer as TF`. The exercises are in nnlab.course.transformer.
"""
from .attention import HeadsTrace, MultiHeadAttention, additive_mask, multi_head_attention
from .block import PARAM_NAMES, BlockTrace, EncoderBlock, Tokenwise, param_count
from .model import ReadPosition, TransformerModel
from .norm import LayerNorm, NormTrace, layer_norm
from .positional import PositionalEncoding, frequencies, similarity, sinusoidal_encoding

__all__ = ["HeadsTrace", "MultiHeadAttention", "additive_mask", "multi_head_attention",
           "PARAM_NAMES", "BlockTrace", "EncoderBlock", "Tokenwise", "param_count",
           "ReadPosition", "TransformerModel", "LayerNorm", "NormTrace", "layer_norm",
           "PositionalEncoding", "frequencies", "similarity", "sinusoidal_encoding"]
