"""Intake: from an uploaded file to a canonical cohort, with every change reported.

`read_cohort(data, name)` is the one call most code needs. The steps are public too so a
page can let the user fix the column mapping without reading the file again:
`read_table` -> `suggest_mapping` -> `build_cohort`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from icilens.intake.columns import match_header, suggest_mapping
from icilens.intake.errors import IntakeError
from icilens.intake.files import RawTable, read_table
from icilens.intake.findings import INFO, SEVERITIES, WARNING, Findings
from icilens.intake.values import convert_units, parse_categories, parse_numbers, reject_implausible
from icilens.schema import (
    BINARY,
    CANONICAL_COLUMNS,
    CATEGORY,
    EVENT,
    FEATURES,
    FIELD_BY_NAME,
    NUMERIC,
    TIME,
    bracketed_unit,
)

__all__ = [
    "IntakeError",
    "IntakeResult",
    "RawTable",
    "build_cohort",
    "canonical_dtypes",
    "describe_mapping",
    "match_header",
    "read_cohort",
    "read_table",
    "suggest_mapping",
]


@dataclass
class IntakeResult:
    """A cohort in canonical form, with the mapping used and the findings to review."""

    frame: pd.DataFrame  # one row per patient, columns CANONICAL_COLUMNS
    mapping: dict[str, str | None]  # source header -> canonical field (None = not used)
    findings: pd.DataFrame  # row, column, value, problem, action, severity
    source_rows: pd.Series  # 1-based file row of each patient
    table: RawTable = field(repr=False)

    @property
    def unmapped(self) -> list[str]:
        """Return the source headers that no canonical field uses."""
        return [header for header, target in self.mapping.items() if target is None]

    @property
    def features_present(self) -> list[str]:
        """Return the model features with at least one value in the cohort."""
        return [f for f in FEATURES if self.frame[f].notna().any()]

    @property
    def has_response(self) -> bool:
        """Return whether any patient has an observed response."""
        return bool(self.frame["response"].notna().any())

    def severity_counts(self) -> dict[str, int]:
        """Return the number of findings per severity, every severity included."""
        counts = self.findings["severity"].value_counts()
        return {s: int(counts.get(s, 0)) for s in SEVERITIES}


def read_cohort(source, name: str | None = None, sheet: str | None = None, mapping=None) -> IntakeResult:
    """Return the canonical cohort read from a path, bytes or a binary buffer.

    Raises IntakeError, with a message for the user, when the file cannot be used.
    """
    data, name = _read_bytes(source, name)
    table = read_table(data, name, sheet)
    return build_cohort(table, mapping)


def _read_bytes(source, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            return path.read_bytes(), name or path.name
        except OSError as exc:
            raise IntakeError(f"{path} could not be opened ({exc.strerror}). Check the path and permissions.") from exc
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or "upload"
    if hasattr(source, "read"):
        return source.read(), name or getattr(source, "name", "upload")
    raise TypeError(f"read_cohort takes a path, bytes or a binary file object, not {type(source).__name__}")


def canonical_dtypes() -> dict[str, object]:
    """Return the dtype of every canonical column."""
    dtypes: dict[str, object] = {}
    for name in CANONICAL_COLUMNS:
        spec = FIELD_BY_NAME[name]
        if spec.kind in (NUMERIC, TIME):
            dtypes[name] = "float64"
        elif spec.kind == EVENT or name == "response":
            dtypes[name] = "Int8"
        elif spec.kind in (BINARY, CATEGORY):
            dtypes[name] = pd.CategoricalDtype(list(spec.categories))
        else:
            dtypes[name] = "str"
    return dtypes


def build_cohort(table: RawTable, mapping: dict[str, str | None] | None = None) -> IntakeResult:
    """Return the canonical cohort for a table and a header -> field mapping (suggested when None)."""
    mapping = _checked_mapping(table, mapping)
    findings = Findings()
    rows = table.source_rows
    by_field = {target: header for header, target in mapping.items() if target}
    values: dict[str, pd.Series] = {}
    for name, header in by_field.items():
        values[name] = _convert_column(FIELD_BY_NAME[name], table, header, findings)
    _derive_features(values, by_field, rows, findings)
    if not any(name in values for name in FEATURES):
        raise IntakeError(
            f"{table.name}: no column was recognised as a model feature (columns: {', '.join(list(table.cells.columns)[:12])}). "
            "Rename the columns as in the template (for example TMB, Albumin, NLR, Age, Cancer type) or map them by hand."
        )
    frame = _assemble(values, len(table.cells))
    frame["patient_id"] = _patient_ids(values.get("patient_id"), by_field.get("patient_id"), rows, findings)
    unused = [header for header, target in mapping.items() if target is None]
    if unused:
        findings.add(
            None,
            "",
            ", ".join(unused),
            f"{len(unused)} columns not used by ICI Lens",
            "ignored; map one to a field if it holds one",
            INFO,
        )
    missing_features = [f for f in FEATURES if frame[f].isna().all()]
    if missing_features:
        findings.add(
            None,
            "",
            ", ".join(missing_features),
            "features absent from the cohort",
            "the model predicts without them; each patient page says what that did",
            INFO,
        )
    return IntakeResult(frame=frame, mapping=mapping, findings=findings.frame(), source_rows=rows, table=table)


def _checked_mapping(table: RawTable, mapping) -> dict[str, str | None]:
    headers = list(table.cells.columns)
    if mapping is None:
        return suggest_mapping(headers)
    unknown = [h for h in mapping if h not in headers]
    if unknown:
        raise IntakeError(f"The mapping names columns that {table.name} does not have: {', '.join(unknown)}.")
    bad = [t for t in mapping.values() if t and t not in FIELD_BY_NAME]
    if bad:
        raise IntakeError(
            f"The mapping names unknown fields: {', '.join(bad)}. Choose fields from the data dictionary."
        )
    targets = [t for t in mapping.values() if t]
    doubled = sorted({t for t in targets if targets.count(t) > 1})
    if doubled:
        raise IntakeError(f"Each field can come from one column only; mapped twice: {', '.join(doubled)}.")
    return {h: mapping.get(h) for h in headers}


def _convert_column(spec, table: RawTable, header: str, findings: Findings) -> pd.Series:
    cells, rows = table.cells[header], table.source_rows
    if spec.kind in (NUMERIC, TIME):
        numbers = parse_numbers(cells, rows, header, table.decimal_comma, findings)
        numbers = convert_units(spec, numbers, bracketed_unit(header), rows, header, findings)
        return reject_implausible(spec, numbers, rows, header, findings)
    if spec.kind in (BINARY, CATEGORY, EVENT):
        return parse_categories(spec, cells, rows, header, findings)
    return cells.str.strip()


# Features computed from two source columns where the upload lacks them: target, sources, formula, how to say it.
DERIVATIONS = (
    ("nlr", ("neutrophils", "lymphocytes"), lambda n, lym: n / lym.where(lym > 0), "{0} / {1}"),
    ("bmi", ("weight", "height"), lambda w, h: w / (h / 100) ** 2, "{0} (kg) / ({1} (m))^2"),
)


def _derive_features(values: dict, by_field: dict, rows, findings: Findings) -> None:
    """Fill missing NLR and BMI from their source columns, each fill reported; sources are then dropped."""
    for target, sources, formula, wording in DERIVATIONS:
        if not all(source in values for source in sources):
            continue
        derived = formula(*(values.pop(source) for source in sources))
        current = values.get(target, pd.Series(np.nan, index=derived.index))
        fill = current.isna() & derived.notna()
        if fill.any():
            how = wording.format(*(by_field[source] for source in sources))
            findings.add(
                None, target, f"{int(fill.sum())} patients", f"{target.upper()} derived", f"computed as {how}", INFO
            )
            values[target] = reject_implausible(
                FIELD_BY_NAME[target], current.where(~fill, derived), rows, f"{target} (derived)", findings
            )


def _assemble(values: dict[str, pd.Series], n_rows: int) -> pd.DataFrame:
    columns = {}
    for name, dtype in canonical_dtypes().items():
        series = values.get(name)
        if series is None:
            series = pd.Series([None] * n_rows, dtype=object)
        if name in ("response", "os_event", "pfs_event"):
            series = series.map({"yes": 1, "no": 0})
        columns[name] = series.reset_index(drop=True).astype(dtype)
    return pd.DataFrame(columns)


def _patient_ids(ids: pd.Series | None, header: str | None, rows: pd.Series, findings: Findings) -> pd.Series:
    width = len(str(len(rows)))
    generated = pd.Series([f"P{i + 1:0{width}d}" for i in range(len(rows))])
    if ids is None:
        findings.add(
            None, "patient_id", "", "no patient id column", "ids generated from the row order (P1, P2, ...)", INFO
        )
        return generated
    ids = ids.reset_index(drop=True).str.strip().str.removesuffix(".0")
    blank = ids == ""
    if blank.any():
        findings.add_cells(
            rows.reset_index(drop=True)[blank],
            header,
            [""] * int(blank.sum()),
            "blank patient id",
            "id generated from the row number",
            WARNING,
        )
        ids = ids.where(~blank, "row-" + rows.reset_index(drop=True).astype(str))
    duplicated = ids.duplicated(keep="first")
    if duplicated.any():
        occurrence = ids.groupby(ids).cumcount() + 1
        findings.add_cells(
            rows.reset_index(drop=True)[duplicated],
            header,
            ids[duplicated],
            "duplicate patient id",
            "kept as a separate patient with a suffix (#2, #3, ...); check the export",
            WARNING,
        )
        ids = ids.where(~duplicated, ids + "#" + occurrence.astype(str))
    return ids.astype("str")


def usable(result: IntakeResult) -> bool:
    """Return whether the cohort can be scored: patients and at least one model feature."""
    return len(result.frame) > 0 and bool(result.features_present)


def describe_mapping(result: IntakeResult, examples: int = 3) -> pd.DataFrame:
    """Return one row per source column: its header, the field it maps to, and example values."""
    cells = result.table.cells
    rows = []
    for header, target in result.mapping.items():
        sample = [v for v in cells[header].head(200).unique() if str(v).strip()][:examples]
        label = FIELD_BY_NAME[target].label if target else ""
        rows.append(
            {
                "column in file": header,
                "maps to": target or "",
                "meaning": label,
                "examples": ", ".join(map(str, sample)),
            }
        )
    return pd.DataFrame(rows)
