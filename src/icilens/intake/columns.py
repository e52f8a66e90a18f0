"""Understanding columns: what each column of a file means, how sure intake is, and why.

A header is read as words (`words.header_words`); the words that name a field (its concepts in the
data dictionary) are found, the unit and harmless qualifiers set aside, and whatever is left decides
how sure the match is. Look-alikes (PD-L1 CPS for the TPS, a mutation count for TMB, age at death
for age) veto a field outright. The column's values then confirm or refuse the reading. Each
column ends in one of three states, with its reasons: mapped, suggested (one click to accept) or
not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as default

import pandas as pd

from icilens.intake.headers import read_header
from icilens.intake.value_profiles import present_sample, profile_column, profile_ids
from icilens.intake.values import (
    MISSING_TOKENS,
)
from icilens.intake.words import header_codings
from icilens.schema import (
    FIELD_BY_NAME,
    NUMERIC,
    TIME,
    Field,
)

MAPPED = "mapped"
SUGGESTED = "suggested"
UNUSED = "not used"

ROW_NAMES = "row names"


@dataclass
class ColumnMatch:
    """What one column of a file is taken to mean, how sure intake is, and why."""

    header: str
    field: str | None = None  # the field mapped or suggested; None when nothing fits
    state: str = UNUSED
    confidence: int = 0  # 0-100
    reasons: list[str] = default(default_factory=list)
    unit: str | None = None  # the unit the values are in (numeric fields)
    unit_source: str = ""  # "header", "values", "the only unit", "you"
    codes: dict[str, str] = default(default_factory=dict)  # value codes written in the header
    value_codes: dict[str, str] | None = None  # the codes the values were read by ({}: none), once decided
    filled: int = 0  # non-missing cells in the sample
    read_as: str | None = None  # the field the column was read as before conflicts were settled
    lost_to: str | None = None  # the column read for that field instead, when two claimed it

    @property
    def why(self) -> str:
        """Return the reasons as one sentence."""
        return "; ".join(self.reasons)

    @property
    def spec(self) -> Field:
        """Return the Field the column is read as or suggested for; raises ValueError when it has none."""
        if self.field is None:
            raise ValueError(f"column {self.header!r} is not read as any field")
        return FIELD_BY_NAME[self.field]


# --- all columns together -----------------------------------------------------------------------------


def match_columns(
    cells: pd.DataFrame,
    descriptions: dict[str, str] | None = None,
    decimal_comma: bool = False,
    row_names: str | None = None,
) -> list[ColumnMatch]:
    """Return one ColumnMatch per column: header meaning confirmed by values, conflicts settled.

    A repeated header ('TMB' twice, the second renamed 'TMB (2)' by the reader) is read by its words alone,
    so both columns claim the field and their values decide between them.
    """
    originals = repeated_header_originals(list(cells.columns))
    matches = [
        _match_one(
            header,
            cells[header],
            (descriptions or {}).get(header, ""),
            decimal_comma,
            header == row_names,
            originals.get(header, header),
        )
        for header in cells.columns
    ]
    _count_claimants(matches, cells)
    return settle_conflicts(matches)


def repeated_header_originals(headers: list[str]) -> dict[str, str]:
    """Return {'TMB (2)': 'TMB'} for each header the table reader renamed because it repeated another."""
    present = set(headers)
    originals = {}
    for header in headers:
        found = re.fullmatch(r"(.+) \((\d+)\)", header)
        if found and found.group(1) in present and int(found.group(2)) >= 2:
            originals[header] = found.group(1)
    return originals


def count_filled(cells: pd.Series) -> int:
    """Return the number of cells of a column that hold a value (missing-value words count as empty)."""
    return int((~cells.str.strip().str.lower().isin(MISSING_TOKENS)).sum())


def _count_claimants(matches: list[ColumnMatch], cells: pd.DataFrame) -> None:
    """Count every value of the columns that claim the same field, so the whole column weighs, not its top."""
    claims: dict[str, list[ColumnMatch]] = {}
    for match in matches:
        if match.field and match.state in (MAPPED, SUGGESTED):
            claims.setdefault(match.field, []).append(match)
    for claimants in claims.values():
        if len(claimants) > 1:
            for match in claimants:
                match.filled = count_filled(cells[match.header])


def _match_one(
    header: str, cells: pd.Series, description: str, decimal_comma: bool, row_names: bool, words: str
) -> ColumnMatch:
    match = ColumnMatch(header=header, codes=header_codings(words))
    match.filled = len(present_sample(cells))
    if row_names:
        return _match_row_names(match, cells)
    reading = read_header(words)
    if description and description != header:
        other = read_header(description)
        if other.confidence > reading.confidence:
            reading = other
            reading.reasons = [f"from the description '{description}': {reading.reasons[0]}", *reading.reasons[1:]]
    match.field, match.confidence, match.reasons = reading.field, reading.confidence, list(reading.reasons)
    match.read_as = None if reading.vetoed else reading.field
    if reading.vetoed or reading.field is None:
        match.field = None
        return match
    spec = FIELD_BY_NAME[reading.field]
    fits, why, facts = profile_column(spec, cells, match.codes, decimal_comma, reading.confidence >= 95)
    match.reasons.append(why)
    if not fits:
        match.field = None
        return match
    if spec.name == "patient_id" and not facts.get("unique", True):
        match.confidence -= 10  # a sample id that is unique beats a patient id that repeats
    _settle_unit(match, spec, reading.unit, facts)
    if match.state != SUGGESTED:
        match.state = MAPPED if match.confidence >= 90 and not reading.near else SUGGESTED
    if match.codes:
        match.reasons.append("codes from the header: " + ", ".join(f"{k} = {v}" for k, v in match.codes.items()))
    return match


def _settle_unit(match: ColumnMatch, spec: Field, header_unit: str | None, facts: dict) -> None:
    if not spec.units or spec.kind not in (NUMERIC, TIME):
        return
    if header_unit:
        match.unit, match.unit_source = header_unit, "header"
        if facts.get("unit") and facts["unit"] != header_unit:
            match.reasons.append(f"values look like {facts['unit']}, not the header's {header_unit}: check the unit")
            match.state = SUGGESTED
        return
    if len(spec.units) == 1:
        match.unit, match.unit_source = spec.units[0].name, "the only unit"
        return
    if facts.get("unit"):
        match.unit, match.unit_source = facts["unit"], "values"
        if facts["unit"] != spec.units[0].name:
            match.reasons.append(f"the header gives no unit; the values are in {facts['unit']}")
        return
    if facts.get("fits"):
        match.state = SUGGESTED
        match.reasons.append(f"the values fit {' and '.join(facts['fits'])}: choose the unit")


def _match_row_names(match: ColumnMatch, cells: pd.Series) -> ColumnMatch:
    values = cells.str.strip()
    if values.eq(pd.Series(range(1, len(values) + 1), index=values.index).astype(str)).all():
        match.reasons = ["row numbers written by R (an empty first header cell): not data"]
        return match
    fits, why, _ = profile_ids(cells)
    match.reasons = ["row names written with an empty first header cell", why]
    if fits:
        match.field, match.state, match.confidence = "patient_id", MAPPED, 90
    return match


def settle_conflicts(matches: list[ColumnMatch]) -> list[ColumnMatch]:
    """Return matches with each field taken by one column: the one with values, then the surest."""
    by_field: dict[str, list[ColumnMatch]] = {}
    for match in matches:
        if match.field and match.state in (MAPPED, SUGGESTED):
            by_field.setdefault(match.field, []).append(match)
    for name, claims in by_field.items():
        if len(claims) < 2:
            continue
        ranked = sorted(claims, key=lambda m: (m.state == MAPPED, m.filled > 0, m.confidence, m.filled), reverse=True)
        winner = ranked[0]
        for loser in ranked[1:]:
            loser.lost_to = winner.header
            loser.reasons.append(
                f"{FIELD_BY_NAME[name].label} is read from '{winner.header}' "
                f"({'surer match' if winner.confidence > loser.confidence else 'more values'})"
            )
            loser.field, loser.state = None, UNUSED
    return matches


def mapping_of(matches: list[ColumnMatch]) -> dict[str, str | None]:
    """Return {header: field} for the mapped columns (the others map to None)."""
    return {m.header: (m.field if m.state == MAPPED else None) for m in matches}
