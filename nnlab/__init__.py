"""nnlab: the foundations of deep learning, step by step, every number traceable.

Importing nnlab is cheap: numpy only. sympy and matplotlib are imported by the modules
that need them (nnlab.engine.symbolic, the *_view modules), when they are first used.
"""
__version__ = "0.1.0"

from .engine.network import Network  # noqa: E402  (numpy only)

__all__ = ["Network", "__version__"]
