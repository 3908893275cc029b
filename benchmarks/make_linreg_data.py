"""Write data/linreg.csv: SYNTHETIC linear-regression data for GD vs SGD vs mini-batch GD.

x ~ U(-2, 2), y = 3·x + 2 + N(0, 1), 200 rows, seed 0 (nnlab.engine.surfaces.make_linreg).
Run from the repository root: python benchmarks/make_linreg_data.py
"""
from pathlib import Path

from nnlab.engine.surfaces import make_linreg

x, y = make_linreg(seed=0, n=200, w=3.0, b=2.0, noise=1.0)
out = Path(__file__).resolve().parent.parent / "data" / "linreg.csv"
lines = ["# synthetic: x ~ U(-2, 2), y = 3x + 2 + N(0, 1); seed 0; benchmarks/make_linreg_data.py",
         "x,y"] + [f"{a:.6f},{b:.6f}" for a, b in zip(x, y)]
out.write_text("\n".join(lines) + "\n")
print(f"wrote {out} ({len(x)} rows)")
