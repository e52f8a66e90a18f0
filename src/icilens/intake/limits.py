"""Limits on the work one file may cause, checked before the expensive step; set by environment variables.

A file over a limit is refused with the limit named and how to split or trim it, so one upload can
never take the memory or the time of the server that other users share.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from icilens.intake.errors import IntakeError


@dataclass(frozen=True)
class Limits:
    """The largest file intake reads; each field has an ICILENS_MAX_* environment variable."""

    max_bytes: int = 200 * 1024 * 1024  # ICILENS_MAX_BYTES
    max_unpacked_bytes: int = 500 * 1024 * 1024  # ICILENS_MAX_UNPACKED_BYTES: an XLSX once unzipped
    max_rows: int = 1_000_000  # ICILENS_MAX_ROWS
    max_columns: int = 2_000  # ICILENS_MAX_COLUMNS
    max_cells: int = 20_000_000  # ICILENS_MAX_CELLS: rows x columns
    max_sheet_cells: int = 1_500_000  # ICILENS_MAX_SHEET_CELLS: an XLSX sheet, whose cells cost far more to parse


def current_limits() -> Limits:
    """Return the limits, each default replaced by its environment variable when set."""
    values = {}
    for name in Limits.__dataclass_fields__:
        raw = os.environ.get(f"ICILENS_{name.upper()}")
        if raw:
            try:
                values[name] = int(raw)
            except ValueError:
                raise IntakeError(f"ICILENS_{name.upper()}={raw!r} is not a whole number; fix the setting.") from None
    return Limits(**values)


SHEET_HINT = (
    " If the cohort is smaller, a stray cell far below or right of it makes Excel declare this size: delete the "
    "rows and columns after the data and save, or export the sheet as CSV."
)


def check_shape(rows: int, columns: int, name: str, sheet: str | None = None) -> None:
    """Raise IntakeError when a table of rows x columns is over a limit; a sheet's size reaches its farthest cell."""
    limits = current_limits()
    try:
        _check_shape(rows, columns, name, limits)
        if sheet is not None and rows * columns > limits.max_sheet_cells:
            raise IntakeError(
                f"{name} has {rows:,} rows x {columns:,} columns = {rows * columns:,} cells; the limit for a "
                f"workbook sheet is {limits.max_sheet_cells:,} (ICILENS_MAX_SHEET_CELLS). Save the sheet as CSV, "
                "which is read much faster, or split it."
            )
    except IntakeError as refusal:
        if sheet is None:
            raise
        message = str(refusal).replace(f"{name} has", f"{name} (sheet {sheet!r}) declares", 1)
        raise IntakeError(message + SHEET_HINT) from None


def _check_shape(rows: int, columns: int, name: str, limits: Limits) -> None:
    place = name
    if rows > limits.max_rows:
        raise IntakeError(
            f"{place} has {rows:,} rows; the limit is {limits.max_rows:,}. Split the cohort into files of at most "
            f"{limits.max_rows:,} patients (the limit is set by ICILENS_MAX_ROWS)."
        )
    if columns > limits.max_columns:
        raise IntakeError(
            f"{place} has {columns:,} columns; the limit is {limits.max_columns:,}. Keep only the columns "
            "ICI Lens uses (the template lists them) and upload again."
        )
    if rows * columns > limits.max_cells:
        raise IntakeError(
            f"{place} has {rows:,} rows x {columns:,} columns = {rows * columns:,} cells; the limit is "
            f"{limits.max_cells:,}. Keep only the columns ICI Lens uses, or split the rows into several files."
        )


MB = 1024 * 1024  # as Streamlit counts server.maxUploadSize, so both limits read the same


def _size(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n:,} bytes"


def check_bytes(size: int, name: str) -> None:
    """Raise IntakeError when a file is larger than the byte limit."""
    limit = current_limits().max_bytes
    if size > limit:
        raise IntakeError(
            f"{name} is {_size(size)}; the limit is {_size(limit)}. "
            "Split the cohort into smaller files or keep only the columns ICI Lens uses."
        )
