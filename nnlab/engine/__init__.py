"""Layer 1: the math of every topic, numpy and sympy only. Imports nnlab.core only."""
