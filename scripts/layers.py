"""Draw ICI Lens's layers from the imports: each package, top layer first, with the packages it imports.

    python scripts/layers.py            # print the diagram
    python scripts/layers.py --write    # write it into the README, between its layer markers

The layers are the ones `tests/test_structure.py` holds; that test also fails when the README's diagram is not
what this script draws from today's code, so the diagram cannot go stale. An import that goes up or across a
layer is marked UPWARD (the same test fails on it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_structure import LAYER_OF, LAYERS, package_imports  # noqa: E402  (the test owns the layers)

README = ROOT / "README.md"
START, END = "<!-- layers: drawn by scripts/layers.py -->", "<!-- layers end -->"


def draw_layers() -> str:
    """Return the diagram: one line per package, top layer first, each with what it imports."""
    edges = package_imports()
    width = max(len(p) for layer in LAYERS for p in layer)
    lines = []
    for index in range(len(LAYERS) - 1, -1, -1):
        for position, package in enumerate(LAYERS[index]):
            used = sorted((b for a, b in edges if a == package), key=lambda b: (-LAYER_OF[b], b))
            marks = [f"{b} UPWARD" if LAYER_OF[b] >= index else b for b in used]
            layer = f"{index:>2}" if position == 0 else "  "
            lines.append(f"{layer}  {package:<{width}}  -> {', '.join(marks) if marks else '(nothing of icilens)'}")
    return "\n".join(lines)


def readme_block(diagram: str) -> str:
    """Return the README's block holding the diagram."""
    return f"{START}\n```text\n{diagram}\n```\n{END}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the diagram into the README")
    diagram = draw_layers()
    if not parser.parse_args().write:
        print(diagram)
        return
    text = README.read_text()
    start, end = text.index(START), text.index(END) + len(END)
    README.write_text(text[:start] + readme_block(diagram) + text[end:])


if __name__ == "__main__":
    main()
