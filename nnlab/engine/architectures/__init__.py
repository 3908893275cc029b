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
from .modern import (  # noqa: F401
                      DENSENET_CONFIGS,
                      EFFICIENTNET_B0,
                      INCEPTION,
                      MOBILENET_V2,
                      MODERN,
                      RESNET_CONFIGS,
                      conv_bn,
                      densenet,
                      efficientnet_b0,
                      googlenet,
                      inverted_residual,
                      mobilenet_v2,
                      modern_comparison,
                      residual_block,
                      resnet,
)
from .residual import chain, first_layer_gradient, gradient_factors, gradient_table  # noqa: F401
