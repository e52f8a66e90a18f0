"""Patients entered by hand, one at a time: read through the same intake as a cohort file.

The entered values are written, in memory only, as a CSV with the canonical headers and read by
`icilens.intake` with every column mapped and every unit given, so a value is checked by exactly the
rules a cohort file meets. Unlike a file, an entered value is never adjusted: any conversion intake
would make to a single cell (a value that looks like another unit) or any value it would set aside is
refused at its field, with intake's reason, for the user to correct.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace

import pandas as pd

from icilens.intake.cohort import IntakeResult, build_cohort
from icilens.intake.formats import read_table
from icilens.schema import FEATURES, FIELD_BY_NAME
from icilens.vocabulary import TMB_HIGH_LABEL, describe_range_cell

ENTRY_PREFIX = "entered-"
FORM_GROUPS = {
    "Tumour and treatment": ("cancer_type", "stage", "drug_class", "prior_systemic_therapy", "pdl1_tps"),
    "Genomics": ("tmb", "msi", "fcna", "hed", "hla_loh"),
    "Blood values": ("albumin", "nlr", "platelets", "hgb"),
    "Body": ("age", "sex", "bmi"),
}
REQUIRED = {
    "cancer_type": (
        "response rates differ several-fold between cancer types, and the range from missing inputs is drawn from "
        "training patients of the same type; choose Other for a type outside the 16 of the training cohort"
    )
}
CHANGED_CELL = "this cell converted"  # intake's action when it re-reads one cell in another unit


@dataclass
class EntryCheck:
    """An entered patient read through intake: the canonical row, or the problem found at each field."""

    result: IntakeResult | None
    problems: dict[str, str]


def _as_csv(patients: list[dict[str, str]]) -> bytes:
    headers = ["patient_id", *FEATURES]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, headers, extrasaction="raise", lineterminator="\n")
    writer.writeheader()
    writer.writerows({h: patient.get(h, "") for h in headers} for patient in patients)
    return buffer.getvalue().encode("utf-8")


def check_patient(patient: dict[str, str], units: dict[str, str] | None = None) -> EntryCheck:
    """Return one entered patient ({field: text}, units {field: unit name}) read by intake, or its problems."""
    unknown = set(patient) - {"patient_id", *FEATURES}
    if unknown:
        raise ValueError(f"check_patient takes model features only; unknown: {', '.join(sorted(unknown))}")
    problems = {
        name: f"{FIELD_BY_NAME[name].label} is required: {why}."
        for name, why in REQUIRED.items()
        if not str(patient.get(name, "")).strip()
    }
    table = read_table(_as_csv([patient]), "entered patient.csv")
    headers = ["patient_id", *FEATURES]
    chosen = {name: unit for name, unit in (units or {}).items() if unit}
    result = build_cohort(table, mapping={h: h for h in headers}, units=chosen)
    for _, finding in result.findings[result.findings["row"].notna()].iterrows():
        name = finding["column"]
        if name in FIELD_BY_NAME and finding["severity"] != "info":
            problems.setdefault(name, _reason(finding, chosen.get(name) or FIELD_BY_NAME[name].unit))
    return EntryCheck(None if problems else result, problems)


def _reason(finding: pd.Series, unit: str) -> str:
    """Return intake's finding as a reason to correct an entered value."""
    if CHANGED_CELL in str(finding["action"]):
        looks = str(finding["problem"]).split(",")[0]
        return f"{finding['value']} {unit}: {looks}, not {unit}; choose the unit the value is in."
    return f"{finding['value']}: {finding['problem']}."


def next_entry_id(existing) -> str:
    """Return the first 'entered-N' id not among the existing ids."""
    taken = set(map(str, existing))
    number = 1
    while f"{ENTRY_PREFIX}{number}" in taken:
        number += 1
    return f"{ENTRY_PREFIX}{number}"


def parse_patient_option(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """Return ({field: value}, {field: unit}) from 'tmb=12.5,albumin=39 g/L,cancer_type=NSCLC'.

    A value may carry its unit after a space; a field name may be any model feature.
    """
    values, units = {}, {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        name = name.strip().lower()
        if not sep or name not in FEATURES:
            raise ValueError(
                f"--patient: {part!r} is not FEATURE=VALUE with a model feature; features are {', '.join(FEATURES)}"
            )
        number, _, unit = value.strip().partition(" ")
        spec = FIELD_BY_NAME[name]
        if unit and spec.units:
            known = {u.name.lower(): u.name for u in spec.units} | {
                a.lower(): u.name for u in spec.units for a in u.aliases
            }
            if unit.strip().lower() not in known:
                raise ValueError(
                    f"--patient: {name} takes the units {', '.join(u.name for u in spec.units)}, not {unit!r}"
                )
            units[name] = known[unit.strip().lower()]
            value = number
        values[name] = value.strip()
    return values, units


def append_patients(result: IntakeResult, entered: IntakeResult, from_file: bool) -> IntakeResult:
    """Return result with the entered patients added at the end.

    from_file: result was read from a file, so the added patients get no file row (0); otherwise the
    entered set is numbered 1, 2, ... in the order of entry.
    """
    frame = pd.concat([result.frame, entered.frame], ignore_index=True).astype(result.frame.dtypes.to_dict())
    rows = pd.Series([0] * len(entered.frame)) if from_file else entered.source_rows + len(result.frame)
    source_rows = pd.concat([result.source_rows, rows], ignore_index=True)
    return replace(result, frame=frame, source_rows=source_rows)


def entered_side_by_side(explanations: list) -> pd.DataFrame:
    """Return hand-entered patients side by side: prediction, range, references, missing inputs, main driver."""
    return pd.DataFrame(
        [
            {
                "Patient": e.patient_id,
                # whole percents, as the Patient page shows the same numbers
                "Predicted response": f"{e.probability:.0%}",
                "Range if measured": describe_range_cell(e.probability, e.range_low, e.range_high, len(e.missing)),
                "LORIS (recalibrated)": "n/a" if pd.isna(e.loris) else f"{e.loris:.0%}",
                TMB_HIGH_LABEL: {None: "unknown", True: "yes", False: "no"}[e.tmb_high],
                "Missing inputs": len(e.missing),
                "Main driver": e.drivers[0] if e.drivers else "",
            }
            for e in explanations
        ]
    )
