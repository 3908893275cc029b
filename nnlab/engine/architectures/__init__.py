"""The layer calculator and the architectures of notebook 07 (one file per family).

`from nnlab.engine import architectures as A` reads as before the split: every public name of
the submodules is here.
"""
from .classic import (  # noqa: F401
                      NOTES_FC_INPUTS,
                      PUBLISHED,
                      SHARE_WORDS,
                      VGG_CONFIGS,
                      alexnet,
                      fc_vs_conv,
                      lenet5,
                      published_comparison,
                      share_in_words,
                      vgg,
)
from .layers import (  # noqa: F401
                      BatchNorm,
                      Block,
                      Branches,
                      Conv,
                      Dense,
                      Dropout,
                      Flatten,
                      GlobalAvgPool,
                      Pool,
                      Row,
                      SqueezeExcite,
                      Summary,
                      expand,
                      out_len,
                      summarize,
)
