"""Draw assets/icon.png, the app's favicon: a lens over a cell, in the app's colours (run to refresh it)."""

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
SIZE = 256
TEAL, DEEP, CELL = (0, 128, 128, 255), (0, 77, 96, 255), (230, 126, 34, 255)


def draw_icon() -> Image.Image:
    """Return the icon: a ring (the lens) with a handle, a cell with its nucleus inside."""
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.line([(168, 168), (236, 236)], fill=DEEP, width=34)  # the handle
    pen.ellipse([16, 16, 184, 184], fill=(255, 255, 255, 255), outline=TEAL, width=22)  # the lens
    pen.ellipse([62, 62, 138, 138], fill=CELL)  # a tumour cell
    pen.ellipse([86, 86, 114, 114], fill=DEEP)  # its nucleus
    return image


if __name__ == "__main__":
    target = ROOT / "assets" / "icon.png"
    draw_icon().save(target, optimize=True)
    print(f"wrote {target}")
