"""Layer 0: validation, data loading, BLAS control, the numeric primitives (functional) and
central differences (gradcheck). Imports nothing else from nnlab."""
