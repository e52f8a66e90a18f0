"""The cohort template users download: the canonical header, and the data dictionary."""

from __future__ import annotations

import io

import pandas as pd

from icilens.schema import CANONICAL_COLUMNS, describe_fields


def build_template_csv() -> bytes:
    """Return a CSV with the canonical header and no rows, ready to fill in."""
    return (",".join(CANONICAL_COLUMNS) + "\n").encode("utf-8")


def build_template_xlsx() -> bytes:
    """Return an XLSX with a 'cohort' sheet (the header) and a 'data dictionary' sheet."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame(columns=list(CANONICAL_COLUMNS)).to_excel(writer, sheet_name="cohort", index=False)
        pd.DataFrame(describe_fields()).to_excel(writer, sheet_name="data dictionary", index=False)
        for sheet in writer.sheets.values():
            for column in sheet.columns:
                sheet.column_dimensions[column[0].column_letter].width = 22
    return buffer.getvalue()
