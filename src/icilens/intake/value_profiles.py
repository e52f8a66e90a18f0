"""Profiling a column's values: whether they confirm or refuse what its header said (numbers in range, known
categories, unique ids)."""

from __future__ import annotations

import pandas as pd

from icilens.intake.units import choose_unit
from icilens.intake.values import (
    AMBIGUOUS,
    MISSING_TOKENS,
    category_of_cell,
    complete_codes,
    numeric_codes,
    read_number,
)
from icilens.schema import (
    IDENTIFIER,
    NUMERIC,
    TIME,
    Field,
)

SAMPLE_VALUES = 300
CATEGORY_SAMPLE = 50  # distinct values looked at to confirm a category


def profile_column(
    spec: Field, cells: pd.Series, codes: dict[str, str], decimal_comma: bool, sure: bool = False
) -> tuple[bool, str, dict]:
    """Return (values fit the field, why, extra facts such as the unit the values are in).

    sure: the header names the field outright, so a column with some unreadable cells is still it
    (those cells are reported one by one when the column is converted).
    """
    present = present_sample(cells)
    if not present:
        return True, "no values in the first rows", {}
    if spec.kind == IDENTIFIER:
        return profile_ids(cells)
    if spec.kind in (NUMERIC, TIME):
        return _profile_numbers(spec, present, decimal_comma, 0.5 if sure else 0.8)
    distinct = list(dict.fromkeys(present))[:CATEGORY_SAMPLE]
    if codes:
        codes = complete_codes(spec, codes, pd.Series(distinct, dtype="str"))
    elif spec.number_codes and numeric_codes(pd.Series(distinct, dtype="str")) <= dict(spec.number_codes).keys():
        codes = dict(spec.number_codes)
    labels = [category_of_cell(spec, value, codes) for value in distinct]
    readable = sum(label is not None and label != AMBIGUOUS for label in labels)
    share = readable / len(labels)
    if readable == 0 or (share < 0.5 and not spec.fallback):
        examples = ", ".join(map(str, distinct[:3]))
        return False, f"values such as {examples} are not {spec.label.lower()} values", {}
    return True, f"{share:.0%} of distinct values are known {spec.label.lower()} values", {}


def present_sample(cells: pd.Series) -> list[str]:
    """Return up to SAMPLE_VALUES non-missing cells from the top of a column."""
    return [v for v in cells.head(SAMPLE_VALUES * 4).tolist() if v.strip().lower() not in MISSING_TOKENS][
        :SAMPLE_VALUES
    ]


def _profile_numbers(spec: Field, present: list[str], decimal_comma: bool, least: float) -> tuple[bool, str, dict]:
    numbers = pd.Series([read_number(v, decimal_comma) for v in present], dtype="float64")
    share = numbers.notna().mean()
    if share < least:
        return False, f"only {share:.0%} of values are numbers", {}
    distinct = set(numbers.dropna().unique())
    if len(present) >= 8 and distinct <= {0.0, 1.0}:
        return False, "values are only 0 and 1: a yes/no code, not a measurement", {}
    unit, fits = choose_unit(spec, numbers)
    facts = {"unit": unit.name if unit else None, "fits": [u.name for u in fits]}
    return True, f"{share:.0%} of values are numbers", facts


def profile_ids(cells: pd.Series) -> tuple[bool, str, dict]:
    values = cells.str.strip()
    values = values[values != ""]
    distinct = values.nunique()
    if len(values) > 1 and distinct == 1:
        return False, f"the same value ({values.iloc[0]}) on every row: not a patient id", {}
    if distinct < 0.5 * len(values):
        return False, f"only {distinct} distinct values in {len(values)} rows: not a patient id", {}
    if distinct == len(values):
        return True, "every value unique", {"unique": True}
    return True, f"{len(values) - distinct} repeated values", {"unique": False}
