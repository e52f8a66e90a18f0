"""Settling identity: every patient keeps the id the file gave it, or is told why not."""

from __future__ import annotations

import re

import pandas as pd

from icilens.intake.findings import INFO, WARNING, Findings
from icilens.vocabulary import FindingCode

# Characters that look like nothing or reorder text: two ids differing only by them are the same id.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")


def comparable_ids(ids: pd.Series) -> pd.Series:
    """Return the form of each id used to find duplicates: NFKC, invisible and bidi characters removed."""
    normalised = ids.str.normalize("NFKC").str.replace(_INVISIBLE, "", regex=True)
    return normalised.str.strip().str.casefold()


def settle_ids(ids: pd.Series | None, header: str | None, rows: pd.Series, findings: Findings) -> pd.Series:
    """Return one unique id per patient: the file's own, blanks and duplicates marked, each reported."""
    rows = rows.reset_index(drop=True)
    if ids is None:
        width = len(str(len(rows)))
        findings.add(
            None,
            "patient_id",
            "",
            "no patient id column",
            "ids generated from the row order (P1, P2, ...); map the id column on the Cohort page if the file has one",
            WARNING,
            FindingCode.NO_ID_COLUMN,
        )
        return pd.Series([f"P{i + 1:0{width}d}" for i in range(len(rows))], dtype="str")
    header = header or "patient_id"
    ids = ids.reset_index(drop=True).str.strip().str.removesuffix(".0")
    blank = ids == ""
    if blank.any():
        findings.add_cells(
            rows[blank],
            header,
            [""] * int(blank.sum()),
            "blank patient id",
            "id generated from the row number",
            WARNING,
            FindingCode.BLANK_ID,
        )
        ids = ids.where(~blank, "row-" + rows.astype(str))
    keys = comparable_ids(ids)
    duplicated = keys.duplicated(keep="first")
    if duplicated.any():
        occurrence = keys.groupby(keys).cumcount() + 1
        first_of = dict(zip(keys[~duplicated], ids[~duplicated], strict=True))
        findings.add_cells(
            rows[duplicated],
            header,
            [f"{ids[i]!r} (same as {first_of[keys[i]]!r})" for i in duplicated[duplicated].index],
            "duplicate patient id",
            "kept as a separate patient with a suffix (#2, #3, ...); check the export",
            WARNING,
            FindingCode.DUPLICATE_ID,
        )
        ids = ids.where(~duplicated, ids + "#" + occurrence.astype(str))
    return ids.astype("str")


def describe_id_choice(header: str | None, reasons: str, others: list[str], findings: Findings) -> None:
    """Record which column the patient ids come from, and which other id columns were left aside."""
    if header is None:
        return
    aside = f"; other id columns not used: {', '.join(others)}" if others else ""
    findings.add(
        None, header, "", "patient ids read from this column", f"{reasons}{aside}", INFO, FindingCode.ID_COLUMN
    )
