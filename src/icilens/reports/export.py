"""Turning tables and charts into files users take away, built in memory (nothing touches the disk)."""

from __future__ import annotations

import io
import re
import shutil
import threading
import zipfile

import pandas as pd
import plotly.graph_objects as go

from icilens.plots.style import printable
from icilens.spreadsheet_cells import neutralise_formulas

# The blank border round an exported picture, in pixels: a chart pasted into slides or a letter must not start
# at its edge.
EXPORT_MARGIN = 36

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
_image_server_lock = threading.Lock()
_image_server_started = False


class ExportUnavailable(RuntimeError):
    """A static image cannot be made here; the message says why and what still works."""


def _xlsx_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Return the table with control characters XLSX cannot hold replaced by U+FFFD (openpyxl refuses them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # openpyxl is needed only for XLSX

    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v)
    out.columns = [ILLEGAL_CHARACTERS_RE.sub("\ufffd", c) if isinstance(c, str) else c for c in out.columns]
    return out


def write_csv(table: pd.DataFrame, destination) -> None:
    """Write a table as CSV (full float precision) to a path or binary buffer, fast for large tables."""
    import pyarrow as pa  # pyarrow loads only for Parquet
    import pyarrow.csv as pacsv  # pyarrow loads only for Parquet

    arrow = pa.Table.from_pandas(neutralise_formulas(table), preserve_index=False)
    pacsv.write_csv(arrow, destination, pacsv.WriteOptions(quoting_style="needed"))


def table_to_csv(table: pd.DataFrame) -> bytes:
    """Return the table as CSV bytes, formulas neutralised."""
    buffer = io.BytesIO()
    write_csv(table, buffer)
    return buffer.getvalue()


def table_to_xlsx(
    table: pd.DataFrame, sheet: str = "data", note: str = "", percent_columns: tuple[str, ...] = ()
) -> bytes:
    """Return the table as an XLSX workbook fit to hand over, with an optional "about" sheet.

    Formulas are neutralised; the header is bold and frozen; columns are as wide as their content (up to a
    limit); percent_columns hold fractions shown as percentages, so the cell keeps the exact value.
    """
    from openpyxl.styles import Font  # openpyxl is needed only for XLSX

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe = _xlsx_safe(neutralise_formulas(table))
        safe.to_excel(writer, sheet_name=sheet[:31], index=False)
        worksheet = writer.sheets[sheet[:31]]
        worksheet.freeze_panes = "A2"
        for index, column in enumerate(safe.columns, start=1):
            cells = worksheet.cell(row=1, column=index)
            cells.font = Font(bold=True)
            # a column with no value (a descriptor nobody has) has no length: it is as wide as its header
            longest = safe[column].head(200).astype(str).str.len().max()
            width = max(len(str(column)), 0 if pd.isna(longest) else int(longest)) + 2
            letter = cells.column_letter
            worksheet.column_dimensions[letter].width = min(width, 50)
            if column in percent_columns:
                for (cell,) in worksheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = "0.0%"
        if note:
            pd.DataFrame({"note": [note]}).to_excel(writer, sheet_name="about", index=False)
            writer.sheets["about"].column_dimensions["A"].width = 100
    return buffer.getvalue()


def figure_to_html(figure: go.Figure, caption: str | None = None) -> bytes:
    """Return a self-contained interactive HTML file of the figure (plotly.js inlined, works offline)."""
    return printable(figure, caption).to_html(include_plotlyjs=True, full_html=True).encode("utf-8")


def find_chromium() -> str | None:
    """Return the path of a Chromium-family browser for static images, or None."""
    for path in CHROMIUM_PATHS:
        if shutil.which(path):
            return path
    return shutil.which("chromium") or shutil.which("chrome")


def _start_image_server() -> None:
    """Start kaleido's browser once per process; every later image reuses it."""
    global _image_server_started
    with _image_server_lock:
        if _image_server_started:
            return
        if find_chromium() is None:
            raise ExportUnavailable(
                "PNG and SVG need Chromium on the server (Debian: apt-get install chromium); HTML downloads still work."
            )
        import kaleido  # kaleido starts a browser; only static chart export needs it

        kaleido.start_sync_server(silence_warnings=True)
        _image_server_started = True


def figure_to_image(
    figure: go.Figure, image_format: str = "png", scale: float = 2.0, caption: str | None = None
) -> bytes:
    """Return the figure as PNG (white background, scale 2 by default) or SVG bytes, rendered by Chromium.

    The picture keeps its chart's width and has a blank border of EXPORT_MARGIN pixels all round (plotly's
    automatic margins put long axis labels at the very edge); caption, when given, names in the picture whom it
    shows (the cohort, the patient).
    """
    if image_format not in ("png", "svg"):
        raise ValueError("image_format must be 'png' or 'svg'")
    _start_image_server()
    exported = printable(figure, caption)
    width = exported.layout.width or (exported.layout.meta or {}).get("export_width", 1100)
    height = exported.layout.height or 500
    import kaleido  # kaleido starts a browser; only static chart export needs it

    options = {"format": image_format, "scale": scale, "width": width - 2 * EXPORT_MARGIN, "height": height}
    drawn = kaleido.calc_fig_sync(exported.to_dict(), opts=options)
    return _with_border(drawn, image_format, scale)


def _with_border(drawn: bytes, image_format: str, scale: float) -> bytes:
    """Return the rendered picture inside a white border of EXPORT_MARGIN pixels (times scale for a PNG)."""
    return _png_with_border(drawn, scale) if image_format == "png" else _svg_with_border(drawn)


def _png_with_border(drawn: bytes, scale: float) -> bytes:
    from PIL import Image, ImageOps  # Pillow only for a PNG export, not on every page

    with Image.open(io.BytesIO(drawn)) as picture:
        framed = ImageOps.expand(picture.convert("RGB"), border=round(EXPORT_MARGIN * scale), fill="white")
    buffer = io.BytesIO()
    framed.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _svg_with_border(drawn: bytes) -> bytes:
    text = drawn.decode("utf-8")
    opening = re.match(r"\s*(<\?xml[^>]*>\s*)?<svg\b[^>]*?width=\"([\d.]+)\"[^>]*?height=\"([\d.]+)\"", text)
    if opening is None:  # an unexpected SVG is handed over as drawn rather than broken
        return drawn
    body = text[opening.end(1) if opening.group(1) else 0 :].lstrip()
    width, height = (float(opening.group(i)) + 2 * EXPORT_MARGIN for i in (2, 3))
    inner = body.replace("<svg", f'<svg x="{EXPORT_MARGIN}" y="{EXPORT_MARGIN}"', 1)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}">'
        f'<rect width="100%" height="100%" fill="white"/>{inner}</svg>'
    ).encode()


def zip_files(files, progress=None) -> bytes:
    """Return a ZIP archive of (name, bytes or callable returning bytes) pairs, built in memory.

    progress, when given, is called with the fraction done after each file.
    """

    items = list(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, (name, content) in enumerate(items, start=1):
            archive.writestr(name, content() if callable(content) else content)
            if progress is not None:
                progress(done / len(items))
    return buffer.getvalue()
