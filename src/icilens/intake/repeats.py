"""Two columns that hold the same field: the one read, and a warning where the other says something else.

A join or a copy-paste leaves `TMB,TMB` or `Albumin (g/dL),Albumin`. Intake reads one of them (the one
with values, then the surer header, then the fuller); the other is set aside. That is silent only when
the two agree: where the set-aside column disagrees, or holds values the read one lacks, a warning names
both columns, how many patients differ and the first example, so the user can choose the other one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from icilens.intake.columns import MAPPED, ColumnMatch
from icilens.intake.findings import WARNING, Findings
from icilens.intake.table import RawTable
from icilens.intake.values import MISSING_TOKENS, read_number, shown_cell
from icilens.schema import FIELD_BY_NAME, NUMERIC, TIME
from icilens.vocabulary import FindingCode


def report_repeated_columns(columns: list[ColumnMatch], table: RawTable, findings: Findings) -> None:
    """Add a warning for every set-aside column whose values differ from the column read for its field."""
    read = {m.header: m for m in columns if m.state == MAPPED}
    for match in columns:
        winner = read.get(match.lost_to or "")
        if winner is None or match.state == MAPPED or winner.field != match.read_as or winner.field is None:
            continue
        kept, other = table.cells[winner.header], table.cells[match.header]
        differ, only_other = _differences(kept, other, winner.field, table.decimal_comma)
        if not differ.any() and not only_other.any():
            continue
        parts = []
        if differ.any():
            first = int(np.flatnonzero(differ)[0])
            parts.append(
                f"disagrees with '{winner.header}' for {int(differ.sum())} patients (first at row "
                f"{table.source_rows.iat[first]}: {shown_cell(kept.iat[first])} against {shown_cell(other.iat[first])})"
            )
        if only_other.any():
            parts.append(f"holds {int(only_other.sum())} values where '{winner.header}' is empty")
        label = FIELD_BY_NAME[winner.field].label
        findings.add(
            None,
            match.header,
            "",
            f"'{match.header}' also holds {label} and " + " and ".join(parts),
            f"{label} is read from '{winner.header}'; if '{match.header}' is the right one, map it instead in the "
            "mapping table (or --map on the command line)",
            WARNING,
            FindingCode.COLUMNS_DISAGREE,
        )


def _differences(kept: pd.Series, other: pd.Series, field: str, decimal_comma: bool) -> tuple[np.ndarray, np.ndarray]:
    """Return (rows where both hold values that differ, rows where only the set-aside column holds one)."""
    kept_text, other_text = kept.str.strip(), other.str.strip()
    kept_present = ~kept_text.str.lower().isin(MISSING_TOKENS).to_numpy()
    other_present = ~other_text.str.lower().isin(MISSING_TOKENS).to_numpy()
    both = kept_present & other_present
    unequal = both & (kept_text.str.lower() != other_text.str.lower()).to_numpy()
    differ = np.zeros(len(kept), dtype=bool)
    for row in np.flatnonzero(unequal):  # only cells whose text differs: '4.3' and '4.30' are the same number
        differ[row] = not _same(kept_text.iat[row], other_text.iat[row], field, decimal_comma)
    return differ, other_present & ~kept_present


def _same(a: str, b: str, field: str, decimal_comma: bool) -> bool:
    if FIELD_BY_NAME[field].kind in (NUMERIC, TIME):
        x, y = read_number(a, decimal_comma), read_number(b, decimal_comma)
        return x is not None and y is not None and bool(np.isclose(x, y, rtol=1e-9, atol=0))
    return False
