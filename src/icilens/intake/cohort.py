"""The intake pipeline: a file's table to a canonical cohort, stage by stage, every change a finding."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from icilens.intake.columns import (
    MAPPED,
    SUGGESTED,
    UNUSED,
    ColumnMatch,
    mapping_of,
    match_columns,
    settle_conflicts,
)
from icilens.intake.errors import IntakeError
from icilens.intake.findings import INFO, SEVERITIES, WARNING, Findings
from icilens.intake.formats import read_table
from icilens.intake.identity import describe_id_choice, settle_ids
from icilens.intake.repeats import report_repeated_columns
from icilens.intake.source import read_source
from icilens.intake.table import RawTable
from icilens.intake.units import choose_unit, convert_units, reject_implausible, unit_named
from icilens.intake.values import decide_codes, parse_categories, parse_numbers
from icilens.schema import (
    BINARY,
    CANONICAL_COLUMNS,
    CATEGORY,
    COMPARED,
    EVENT,
    FEATURES,
    FIELD_BY_NAME,
    MODELLED,
    NUMERIC,
    OUTCOME,
    TIME,
)
from icilens.vocabulary import FindingCode


@dataclass
class IntakeResult:
    """A cohort in canonical form, with how each column was read and the findings to review."""

    frame: pd.DataFrame  # one row per patient, columns CANONICAL_COLUMNS
    columns: list[ColumnMatch]  # one per source column: field, state, confidence, reasons, unit
    findings: pd.DataFrame  # row, column, value, problem, action, severity
    source_rows: pd.Series  # 1-based file row of each patient
    table: RawTable = field(repr=False)
    set_values: dict[str, str] = field(default_factory=dict)  # field -> value set for every patient

    @property
    def mapping(self) -> dict[str, str | None]:
        """Return {source header: field used, or None}."""
        return mapping_of(self.columns)

    @property
    def suggestions(self) -> dict[str, str]:
        """Return {source header: suggested field} for the columns waiting for the user's word."""
        return {m.header: m.field for m in self.columns if m.state == SUGGESTED and m.field}

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


def read_cohort(
    source,
    name: str | None = None,
    sheet: str | None = None,
    mapping: dict[str, str | None] | None = None,
    units: dict[str, str] | None = None,
    set_values: dict[str, str] | None = None,
) -> IntakeResult:
    """Return the canonical cohort read from a path, bytes or a binary buffer.

    Raises IntakeError, with a message for the user, when the file cannot be used.
    """
    data, name = read_source(source, name)
    table = read_table(data, name, sheet)
    return build_cohort(table, mapping, units, set_values)


def canonical_dtypes() -> dict[str, object]:
    """Return the dtype of every canonical column."""
    dtypes: dict[str, object] = {}
    for name in CANONICAL_COLUMNS:
        spec = FIELD_BY_NAME[name]
        if spec.kind in (NUMERIC, TIME):
            dtypes[name] = "float64"
        elif spec.indicator:
            dtypes[name] = "Int8"
        elif spec.kind in (BINARY, CATEGORY):
            dtypes[name] = pd.CategoricalDtype(list(spec.categories))
        else:
            dtypes[name] = "str"
    return dtypes


def build_cohort(
    table: RawTable,
    mapping: dict[str, str | None] | None = None,
    units: dict[str, str] | None = None,
    set_values: dict[str, str] | None = None,
    value_codes: dict[str, dict[str, str]] | None = None,
    read_headers: bool = True,
) -> IntakeResult:
    """Return the canonical cohort of a table.

    mapping: the user's choices, {header: field or None}, over what intake understood by itself;
    units: {header: unit name} for numeric columns; set_values: {field: value} for every patient;
    value_codes: {header: codes} decided before (on a file's first rows), read by as they are.
    read_headers=False takes every column as the mapping says without reading headers and values again: for a
    chunk read by the plan decided on a file's first rows, whose mapping names every column.
    """
    columns = _apply_user_choices(table, _columns_to_map(table, mapping, read_headers), mapping, units)
    for match in columns:
        match.value_codes = (value_codes or {}).get(match.header)
    findings = Findings()
    for note in table.notes:
        findings.add(note.row, "", note.value, note.problem, note.action, note.severity, note.code)
    rows = table.source_rows
    values: dict[str, pd.Series] = {}
    for match in columns:
        if match.state == MAPPED and match.field != "patient_id":
            converted = _convert_column(match, table, findings)
            if converted is not None:
                values[match.spec.name] = converted
    _report_columns(columns, findings)
    report_repeated_columns(columns, table, findings)
    _set_for_everyone(values, set_values or {}, len(table.cells), findings)
    _derive_features(values, {m.field: m.header for m in columns if m.state == MAPPED}, rows, findings)
    if not any(name in values for name in FEATURES):
        raise IntakeError(_nothing_recognised(table, columns))
    frame = _assemble(values, len(table.cells))
    id_column = next((m for m in columns if m.state == MAPPED and m.field == "patient_id"), None)
    ids = table.cells[id_column.header] if id_column else None
    frame["patient_id"] = settle_ids(ids, id_column.header if id_column else None, rows, findings)
    if id_column:
        others = [m.header for m in columns if m is not id_column and m.read_as == "patient_id"]
        describe_id_choice(id_column.header, id_column.why, others, findings)
    missing_features = [f for f in FEATURES if frame[f].isna().all()]
    if missing_features:
        findings.add(
            None,
            "",
            ", ".join(FIELD_BY_NAME[f].label for f in missing_features),
            "features absent from the cohort",
            "the model predicts without them; each patient page says what that did",
            INFO,
            FindingCode.FEATURES_ABSENT,
        )
    return IntakeResult(
        frame=frame,
        columns=columns,
        findings=findings.frame(),
        source_rows=rows,
        table=table,
        set_values=dict(set_values or {}),
    )


def _columns_to_map(table: RawTable, mapping, read_headers: bool) -> list[ColumnMatch]:
    """Return what intake reads in each column, or bare columns when a mapping of every column decides."""
    if read_headers:
        return match_columns(table.cells, table.descriptions, table.decimal_comma, table.row_names)
    unmapped = [header for header in table.cells.columns if header not in (mapping or {})]
    if unmapped:
        raise ValueError(f"read_headers=False needs a mapping of every column; it lacks {unmapped}")
    return [ColumnMatch(header=header) for header in table.cells.columns]


def _apply_user_choices(table: RawTable, columns: list[ColumnMatch], mapping, units) -> list[ColumnMatch]:
    """Return the columns with the user's mapping and units laid over what intake understood."""
    mapping, units = dict(mapping or {}), dict(units or {})
    headers = list(table.cells.columns)
    unknown = [h for h in (*mapping, *units) if h not in headers]
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
    chosen = set(targets)
    for match in columns:
        if match.header in mapping:
            target = mapping[match.header]
            if target is None:
                if match.state != UNUSED:
                    match.reasons.append("set aside by you")
                match.field, match.state = None, UNUSED
            elif target != match.field or match.state != MAPPED:
                was = match.spec.label if match.field else "nothing"
                match.reasons.append(f"mapped by you to {FIELD_BY_NAME[target].label} (intake read {was})")
                if target != match.field:
                    match.unit, match.unit_source = None, ""
                match.field, match.state, match.confidence = target, MAPPED, 100
        elif match.field in chosen:
            match.reasons.append(f"{match.spec.label} is read from the column you chose")
            match.field, match.state = None, UNUSED
        if units.get(match.header):
            match.unit, match.unit_source = units[match.header], "you"
    return settle_conflicts(columns)


def _convert_column(match: ColumnMatch, table: RawTable, findings: Findings) -> pd.Series | None:
    spec, header = match.spec, match.header
    cells, rows = table.cells[header], table.source_rows
    if spec.kind in (NUMERIC, TIME):
        numbers = parse_numbers(cells, rows, header, table.decimal_comma, findings)
        unit = _column_unit(match, spec, numbers, findings)
        if spec.units and unit is None:
            return None
        numbers = convert_units(
            spec,
            numbers,
            unit,
            "unit you chose:" if match.unit_source == "you" else f"unit from the {match.unit_source}:",
            rows,
            header,
            findings,
        )
        return reject_implausible(spec, numbers, rows, header, findings)
    if spec.kind in (BINARY, CATEGORY, EVENT):
        if match.value_codes is None:  # decided once; a file read in chunks passes the first rows' decision on
            match.value_codes = decide_codes(spec, cells, header, findings, match.codes or None)
        return parse_categories(spec, cells, rows, header, findings, codes=match.value_codes)
    return cells.str.strip()


def _column_unit(match: ColumnMatch, spec, numbers: pd.Series, findings: Findings):
    """Return the unit to read a column in, deciding from all its values when the header is silent."""
    if match.unit_source in ("", "values"):
        unit, fits = choose_unit(spec, numbers)
        if unit is not None:
            match.unit, match.unit_source = unit.name, "values"
        elif fits:
            findings.add(
                None,
                match.header,
                "",
                f"the values fit {' and '.join(u.name for u in fits)}",
                "column not used: choose its unit in the mapping table (or --unit on the command line)",
                WARNING,
                FindingCode.UNIT_UNDECIDED,
            )
            match.field, match.state = None, UNUSED
            return None
    unit = unit_named(spec, match.unit)
    if unit is None and match.unit_source == "you":
        choices = ", ".join(u.name for u in spec.units) or "none (it has no unit)"
        raise IntakeError(
            f"'{match.unit}' is not a unit of {spec.label} (column {match.header}); choose one of: {choices}."
        )
    if unit is None and spec.units:
        unit = spec.units[0]
        match.unit, match.unit_source = unit.name, "data dictionary (canonical)"
    return unit


def _report_columns(columns: list[ColumnMatch], findings: Findings) -> None:
    """Record how each column was read: every mapping that is not a template name, each suggestion."""
    for match in columns:
        if match.state == MAPPED and match.header != match.field:
            label = match.spec.label
            findings.add(None, match.header, "", f"read as {label}", match.why, INFO, FindingCode.COLUMN_READ)
        elif match.state == SUGGESTED:
            label = match.spec.label
            findings.add(
                None,
                match.header,
                "",
                f"suggested as {label}, not used until you accept it",
                f"{match.why}. Accept it in the mapping table (or --map on the command line)",
                WARNING,
                FindingCode.COLUMN_SUGGESTED,
            )
    unused = [m.header for m in columns if m.state == UNUSED]
    if unused:
        findings.add(
            None,
            "",
            ", ".join(unused),
            f"{len(unused)} column{'' if len(unused) == 1 else 's'} not used by ICI Lens",
            "the mapping table says why for each; map one to a field if it holds one",
            INFO,
            FindingCode.COLUMNS_UNUSED,
        )


def _set_for_everyone(values: dict[str, pd.Series], set_values: dict[str, str], n_rows: int, findings) -> None:
    """Give every patient the value the user set for a field, checked like a cell of the file."""
    for name, raw in set_values.items():
        if name not in FIELD_BY_NAME or FIELD_BY_NAME[name].role not in (MODELLED, COMPARED, OUTCOME):
            raise IntakeError(f"'{name}' cannot be set for the whole cohort; choose a field that is read or compared.")
        spec = FIELD_BY_NAME[name]
        cells = pd.Series([str(raw)] * n_rows, dtype="str")
        rows = pd.Series(range(1, n_rows + 1))
        check = Findings()
        if spec.kind in (NUMERIC, TIME):
            series = reject_implausible(spec, parse_numbers(cells, rows, name, False, check), rows, name, check)
        else:
            series = parse_categories(spec, cells, rows, name, check)
        if series.isna().all():
            expected = ", ".join(spec.categories) or spec.plausible_range
            raise IntakeError(f"'{raw}' is not a valid {spec.label.lower()} (expected {expected}).")
        replaced = " (replacing the file's column)" if name in values else ""
        values[name] = series
        findings.add(
            None,
            name,
            raw,
            f"{spec.label} set for every patient{replaced}",
            "set by you",
            INFO,
            FindingCode.SET_FOR_EVERYONE,
        )


def _nothing_recognised(table: RawTable, columns: list[ColumnMatch]) -> str:
    shown = ", ".join(list(table.cells.columns)[:12])
    waiting = [f"{m.header} ({m.spec.label})" for m in columns if m.state == SUGGESTED]
    hint = f" Suggested, waiting for you to accept: {', '.join(waiting)}." if waiting else ""
    return (
        f"{table.name}: no column was recognised as a model feature (columns: {shown}).{hint} "
        "Rename the columns as in the template (for example TMB, Albumin, NLR, Age, Cancer type) or map them by hand."
    )


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
                None,
                target,
                f"{int(fill.sum())} patients",
                f"{target.upper()} derived",
                f"computed as {how}",
                INFO,
                FindingCode.DERIVED,
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
        if FIELD_BY_NAME[name].indicator:
            series = series.map({"yes": 1, "no": 0})
        columns[name] = series.reset_index(drop=True).astype(dtype)
    return pd.DataFrame(columns)


def usable(result: IntakeResult) -> bool:
    """Return whether the cohort can be scored: patients and at least one model feature."""
    return len(result.frame) > 0 and bool(result.features_present)
