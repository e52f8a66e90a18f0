"""Cells every file writer makes safe: text a spreadsheet would run as a formula is kept as text.

Low in the house on purpose: the tables of scores and the exports of every page both write through it.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """Return a copy where text cells that a spreadsheet would run as a formula start with an apostrophe.

    Numbers stay numbers: only text cells beginning with =, +, -, @, tab or carriage return change, or with
    a character a spreadsheet may fold into one of them (full-width ＝, small ﹦, minus sign −: NFKC is
    applied to the first character before the check).
    """
    out = table.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            out[column] = values.map(lambda v: "'" + v if _runs_as_formula(v) else v)
    out.columns = [("'" + c) if _runs_as_formula(c) else c for c in out.columns]
    return out


def _runs_as_formula(value) -> bool:
    if not isinstance(value, str) or value in ("", "-", "+"):  # a lone sign is text to every spreadsheet
        return False
    first = unicodedata.normalize("NFKC", value[0]).replace("\u2212", "-")
    return first.startswith(FORMULA_STARTS)
