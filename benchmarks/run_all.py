"""Run every benchmark script in this folder, one after the other (figures go to README.md by hand)."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for script in sorted(HERE.glob("bench_*.py")):
    print(f"\n## {script.name}\n", flush=True)
    subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
