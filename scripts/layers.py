"""Print the imports between ICI Lens's packages, layer by layer, as the code has them today.

    python scripts/layers.py

The layers are the ones `tests/test_structure.py` holds (and the README gives); an import that goes up or
across a layer is marked UPWARD, which that test fails on.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_structure import LAYER_OF, LAYERS, package_imports  # noqa: E402  (the test owns the layers)


def main() -> None:
    edges = package_imports()
    for index in range(len(LAYERS) - 1, -1, -1):
        print(f"layer {index}: {' '.join(LAYERS[index])}")
        for package in LAYERS[index]:
            for (importer, imported), lines in sorted(edges.items()):
                if importer == package:
                    mark = "  UPWARD" if LAYER_OF[imported] >= LAYER_OF[importer] else ""
                    print(f"    {importer} -> {imported} ({len(lines)} imports){mark}")


if __name__ == "__main__":
    main()
