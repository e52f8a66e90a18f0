"""The mapping table a user reviews and edits: one row per column of the file."""

from __future__ import annotations

import pandas as pd

from icilens.intake.columns import MAPPED, SUGGESTED
from icilens.schema import FIELD_BY_NAME, FIELDS

NOT_USED = "(not used)"
NO_UNIT = "–"  # shown for fields that have no unit
MAPPING_COLUMNS = ("column in file", "maps to", "accept", "suggested", "unit", "confidence", "why", "examples")


def field_options() -> list[str]:
    """Return the choices of the 'maps to' column: not used, then every field of the data dictionary."""
    return [NOT_USED, *(f.name for f in FIELDS)]


def unit_options() -> list[str]:
    """Return every unit name of the data dictionary, for the 'unit' column."""
    return [NO_UNIT, *dict.fromkeys(u.name for f in FIELDS for u in f.units)]


def describe_option(name: str) -> str:
    """Return how a field option reads in a list: its label, 'Tumour mutational burden'."""
    return name if name in (NOT_USED, "") else FIELD_BY_NAME[name].label


def mapping_table(result, examples: int = 3) -> pd.DataFrame:
    """Return one row per source column: where it maps, the suggestion waiting, confidence, why, examples, unit."""
    cells = result.table.cells
    rows = []
    for match in result.columns:
        sample = [v for v in cells[match.header].head(200).unique() if str(v).strip()][:examples]
        rows.append(
            {
                "column in file": match.header,
                "maps to": match.field if match.state == MAPPED else NOT_USED,
                "accept": False,
                "suggested": match.field if match.state == SUGGESTED else "",
                "confidence": f"{match.confidence}%" if match.field else "",
                "why": match.why,
                "examples": ", ".join(map(str, sample)),
                "unit": match.unit or NO_UNIT,
            }
        )
    return pd.DataFrame(rows, columns=list(MAPPING_COLUMNS))


def read_edits(before: pd.DataFrame, after: pd.DataFrame) -> tuple[dict[str, str | None], dict[str, str]]:
    """Return (mapping, units) the user changed in the table: accepted suggestions, new targets, new units."""
    mapping: dict[str, str | None] = {}
    units: dict[str, str] = {}
    for (_, old), (_, new) in zip(before.iterrows(), after.iterrows(), strict=True):
        header = old["column in file"]
        if bool(new["accept"]) and old["suggested"]:
            mapping[header] = old["suggested"]
        elif new["maps to"] != old["maps to"]:
            mapping[header] = None if new["maps to"] in (NOT_USED, "", None) else new["maps to"]
        if new["unit"] != old["unit"] and new["unit"] not in (NO_UNIT, "", None):
            units[header] = new["unit"]
    return mapping, units


def accept_all(result) -> dict[str, str]:
    """Return the mapping that accepts every waiting suggestion."""
    return dict(result.suggestions)
