"""A notebook with its outputs, execution counts and saved widget state removed."""
from __future__ import annotations

import json
from pathlib import Path


def clear_outputs(src: Path, dst: Path) -> None:
    nb = json.loads(Path(src).read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb["metadata"].pop("widgets", None)
    Path(dst).write_text(json.dumps(nb, indent=1))
