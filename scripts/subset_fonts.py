"""Write the PDF report's fonts: DejaVu Sans (regular and bold) cut to the characters a report can hold.

A whole DejaVu Sans holds about 6,000 glyphs, and reading two of them took longer than building the rest of a
patient's PDF; the cut keeps Latin, Greek, punctuation, super- and subscripts, arrows, mathematical symbols and
a few shapes. Run on a Debian or Ubuntu machine with `fonts-dejavu-core`:

    .venv/bin/python scripts/subset_fonts.py [/usr/share/fonts/truetype/dejavu]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "icilens" / "bundled" / "fonts"
FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
UNICODES = (
    "U+0020-007E,U+00A0-017F,U+0370-03FF,U+2000-206F,U+2070-209F,U+20AC,U+2100-214F,U+2190-21FF,"
    "U+2200-22FF,U+2460-24FF,U+25A0-25FF"
)


def main(source: Path) -> None:
    for name in FONTS:
        subset.main(
            [str(source / name), f"--unicodes={UNICODES}", "--layout-features=*", f"--output-file={OUT / name}"]
        )
        print(f"{OUT / name}: {(OUT / name).stat().st_size:,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/usr/share/fonts/truetype/dejavu"))
