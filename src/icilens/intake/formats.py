"""Which reader a file needs, told from its first bytes: XLSX, Parquet or text; old and encrypted Excel refused."""

from __future__ import annotations

from icilens.intake.errors import IntakeError
from icilens.intake.limits import check_bytes
from icilens.intake.parquet import read_parquet_table
from icilens.intake.table import RawTable
from icilens.intake.text import read_text_table
from icilens.intake.workbook import read_xlsx_table


def read_table(data: bytes, name: str = "upload", sheet: str | None = None) -> RawTable:
    """Return the cells of a CSV, TSV, XLSX or Parquet file given as bytes."""
    check_bytes(len(data), name)
    if not data.strip():
        raise IntakeError(f"{name} is empty. Export the cohort again with a header row and one row per patient.")
    if data[:4] == b"PK\x03\x04":
        return read_xlsx_table(data, name, sheet)
    if data[:4] == b"PAR1":
        return read_parquet_table(data, name)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and "EncryptedPackage".encode("utf-16-le") in data:
        raise IntakeError(
            f"{name} is a password-protected Excel workbook, which cannot be read. Open it in Excel, remove the "
            "password (File > Info > Protect Workbook > Encrypt with Password) and save it, or export it as CSV."
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise IntakeError(
            f"{name} is an old Excel 97-2003 (.xls) workbook. Open it in Excel and save it as .xlsx or CSV, then upload again."
        )
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IntakeError(
            f"{name} is not a text table, an Excel .xlsx workbook or a Parquet file. "
            "Export the cohort as CSV, TSV, XLSX or Parquet and upload that."
        )
    return read_text_table(data, name)
