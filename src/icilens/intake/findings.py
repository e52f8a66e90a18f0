"""What intake noticed, cell by cell: the findings table a user reviews."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from icilens.vocabulary import FindingCode, Severity

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
SEVERITIES = tuple(Severity)
COLUMNS = ("row", "column", "value", "problem", "action", "severity", "code")
# The word a reader sees for each severity: an "info" finding is a note.
SEVERITY_WORDS = {ERROR: "error", WARNING: "warning", INFO: "note"}


def describe_finding_counts(counts, separator: str = ", ") -> str:
    """Return findings counted in words, by severity: "0 errors, 1 warning, 28 notes"."""
    return separator.join(f"{counts[s]} {word}{'' if counts[s] == 1 else 's'}" for s, word in SEVERITY_WORDS.items())


class Findings:
    """Collects findings; `frame()` returns them as a table sorted by severity then row.

    People read `problem` and `action`; programs read `code` (a `FindingCode`), never the words.
    """

    def __init__(self) -> None:
        self._rows: list[tuple] = []

    def add(
        self,
        row: int | None,
        column: str,
        value: object,
        problem: str,
        action: str,
        severity: Severity,
        code: FindingCode,
    ) -> None:
        """Record one finding; row is the 1-based row in the file, None for a whole column."""
        shown = "" if value is None else str(value)
        self._rows.append((row, column, shown[:200], problem, action, str(severity), str(code)))

    def add_cells(
        self,
        rows: Iterable,
        column: str,
        values: Iterable,
        problem: str,
        action: str,
        severity: Severity,
        code: FindingCode,
    ) -> None:
        """Record the same finding for many cells."""
        for row, value in zip(rows, values, strict=True):
            self.add(int(row), column, value, problem, action, severity, code)

    def frame(self) -> pd.DataFrame:
        """Return the findings as a DataFrame with the columns of COLUMNS."""
        frame = pd.DataFrame(self._rows, columns=list(COLUMNS))
        frame["row"] = frame["row"].astype("Int64")
        order = frame["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
        return (
            frame.assign(_order=order)
            .sort_values(["_order", "row"], kind="stable")
            .drop(columns="_order")
            .reset_index(drop=True)
        )
