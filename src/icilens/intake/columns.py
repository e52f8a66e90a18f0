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
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as default
from functools import lru_cache

import pandas as pd
from rapidfuzz import fuzz, process

from icilens.intake.values import (
    AMBIGUOUS,
    MISSING_TOKENS,
    category_of_cell,
    choose_unit,
    complete_codes,
    numeric_codes,
    read_number,
)
from icilens.intake.vocabularies import CATEGORY_LOOKALIKES, NUMERIC_LOOKALIKES
from icilens.intake.words import find_phrase, header_codings, header_words
from icilens.schema import (
    FIELD_BY_NAME,
    FIELDS,
    IDENTIFIER,
    NUMERIC,
    TIME,
    Field,
)

MAPPED = "mapped"
SUGGESTED = "suggested"
UNUSED = "not used"

SAMPLE_VALUES = 300
CATEGORY_SAMPLE = 50  # distinct values looked at to confirm a category
FUZZY_CUTOFF = 86
ROW_NAMES = "row names"

# Words that say when or how a value was taken, not what it is.
GENERIC_QUALIFIERS = (
    "baseline", "bl", "pre", "pretreatment", "pre treatment", "prior to treatment", "before treatment",
    "prior to ici", "before ici", "pre ici", "at ici start", "at start of ici", "at ici", "at start",
    "at baseline", "at treatment start", "at start of treatment", "at immunotherapy start", "ici start",
    "start of ici", "ici", "immunotherapy", "serum", "plasma", "level", "levels", "value", "values", "val",
    "result", "results", "status", "patient", "the", "of", "at", "in", "on", "for", "lab", "labs",
    "laboratory", "measured", "measurement", "latest", "last", "first", "initial", "screening", "c1d1",
    "cycle 1", "day 1", "clinical", "abs", "absolute", "count", "number", "data", "info", "variable", "var",
    "recorded", "reported", "observed", "de", "la", "le", "du", "del", "der", "die", "het", "van",
    "von", "bij start", "v1", "visit 1", "raw", "coded", "num", "txt", "text", "at last follow up",
    "last follow up", "at last contact", "y per n", "yes per no", "0 per 1", "1 per 0", "j per n",
    "m per f", "f per m", "male per female", "female per male", "therapy start", "at therapy start", "treatment start", "at treatment start", "start of therapy",
)  # fmt: skip


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


@dataclass
class _Reading:
    """What the header's words say, before the values are looked at."""

    field: str | None = None
    confidence: int = 0
    reasons: list[str] = default(default_factory=list)
    unit: str | None = None
    near: bool = False
    vetoed: bool = False


@lru_cache(maxsize=1)
def _phrases() -> dict[str, dict[str, list[tuple[str, ...]]]]:
    """Return every field's phrases as word tuples: concepts, near, lookalikes, qualifiers, units."""
    out: dict[str, dict[str, list[tuple[str, ...]]]] = {}
    for spec in FIELDS:
        lookalikes = spec.lookalikes + (NUMERIC_LOOKALIKES if spec.kind in (NUMERIC, TIME) else CATEGORY_LOOKALIKES)
        out[spec.name] = {
            "concepts": _word_tuples((spec.name.replace("_", " "), spec.label, *spec.concepts)),
            "near": _word_tuples(spec.near),
            "lookalikes": _word_tuples(lookalikes),
            "qualifiers": _word_tuples((*spec.qualifiers, *GENERIC_QUALIFIERS)),
        }
    return out


@lru_cache(maxsize=1)
def _unit_phrases() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Return every field's unit spellings as (words, unit name), longest first; 'g/dL' also as 'gdl'."""
    out = {}
    for spec in FIELDS:
        spellings = []
        for unit in spec.units:
            words = _word_tuples((unit.name, *unit.aliases))
            compact = {("".join(w for w in phrase if w != "per"),) for phrase in words if len(phrase) > 1}
            spellings += [(phrase, unit.name) for phrase in {*words, *compact}]
        out[spec.name] = sorted(spellings, key=lambda pair: len(pair[0]), reverse=True)
    return out


def _word_tuples(phrases) -> list[tuple[str, ...]]:
    tuples = {header_words(p) for p in phrases} - {()}
    return sorted(tuples, key=len, reverse=True)


@lru_cache(maxsize=1)
def _generic_qualifiers() -> list[tuple[str, ...]]:
    return _word_tuples(GENERIC_QUALIFIERS)


@lru_cache(maxsize=1)
def _fuzzy_choices() -> tuple[list[str], list[str]]:
    texts, owners = [], []
    for name, phrases in _phrases().items():
        for concept in phrases["concepts"]:
            if len(" ".join(concept)) >= 5:  # short codes (hb, os, alb) only ever match exactly
                texts.append(" ".join(concept))
                owners.append(name)
    return texts, owners


def _remove(words: tuple[str, ...], phrases: list[tuple[str, ...]]) -> tuple[tuple[str, ...], list[str]]:
    """Return words without every phrase found in them (longest first), and the phrases removed."""
    removed = []
    for phrase in phrases:
        while (start := find_phrase(words, phrase)) >= 0:
            words = words[:start] + words[start + len(phrase) :]
            removed.append(" ".join(phrase))
    return words, removed


@lru_cache(maxsize=1)
def _phrase_index() -> dict[str, list[tuple[tuple[str, ...], str, bool]]]:
    """Return every concept and near phrase by its first word: (phrase, field, near)."""
    index: dict[str, list[tuple[tuple[str, ...], str, bool]]] = {}
    for name, phrases in _phrases().items():
        for kind in ("near", "concepts"):
            for phrase in phrases[kind]:
                index.setdefault(phrase[0], []).append((phrase, name, kind == "near"))
    return index


def _best_hits(words: tuple[str, ...]) -> list[tuple[int, str, tuple[str, ...], bool]]:
    """Return the longest concept or near phrase of each field found in words: (length, field, phrase, near)."""
    best: dict[str, tuple[int, str, tuple[str, ...], bool]] = {}
    index = _phrase_index()
    for start, word in enumerate(words):
        for phrase, name, near in index.get(word, ()):
            if words[start : start + len(phrase)] != phrase:
                continue
            current = best.get(name)
            if current is None or len(phrase) > current[0] or (len(phrase) == current[0] and near):
                best[name] = (len(phrase), name, phrase, near)
    return sorted(best.values(), key=lambda hit: -hit[0])


def read_header(header: str) -> _Reading:
    """Return what a header's words say it is: a field with a confidence and reasons, or nothing."""
    cached = _read_header(header)
    return _Reading(cached.field, cached.confidence, list(cached.reasons), cached.unit, cached.near, cached.vetoed)


@lru_cache(maxsize=16384)
def _read_header(header: str) -> _Reading:
    words = header_words(header)
    if not words:
        return _Reading(reasons=["no words in the header"])
    redcap = _redcap_reason(header)
    if redcap:
        return _Reading(reasons=[redcap], vetoed=True)
    threshold = _THRESHOLD.search(header)
    if threshold:
        return _Reading(reasons=[f"'{threshold.group(0)}' marks a yes/no indicator, not a measurement"], vetoed=True)
    core, _ = _remove(words, _generic_qualifiers())
    phrases_only, _ = _remove(words, [q for q in _generic_qualifiers() if len(q) > 1])
    hits = _best_hits(core) or _best_hits(phrases_only)
    whole = _best_hits(words)
    if not hits or (whole and whole[0][0] > hits[0][0]):
        hits = whole  # "overall survival status" is more than "overall survival" with a qualifier
    if not hits:
        return _fuzzy_reading(core or words)
    length, name, phrase, near = hits[0]
    rivals = [h for h in hits[1:] if h[0] == length and h[1] != name]
    if rivals:
        named = ", ".join(FIELD_BY_NAME[n].label for n in (name, *(h[1] for h in rivals)))
        return _Reading(reasons=[f"the header names more than one field ({named})"], vetoed=True)
    return _explain_hit(name, phrase, near, words)


def _explain_hit(name: str, phrase: tuple[str, ...], near: bool, words: tuple[str, ...]) -> _Reading:
    phrases = _phrases()[name]
    start = find_phrase(words, phrase)
    rest = words[:start] + words[start + len(phrase) :]
    matched = " ".join(phrase)
    label = FIELD_BY_NAME[name].label
    rest, units = _remove_unit(name, rest)
    units = units or _remove_unit(name, phrase)[1]  # "os months" names the field and its unit
    lookalikes = [
        " ".join(p) for p in phrases["lookalikes"] if find_phrase(words, p) >= 0 and " ".join(p) not in matched
    ]
    if lookalikes:
        return _Reading(
            field=name,
            reasons=[f"'{lookalikes[0]}' marks a different measure than {label} (a look-alike)"],
            vetoed=True,
        )
    rest, qualifiers = _remove(rest, phrases["qualifiers"])
    rest, _ = _remove(rest, phrases["concepts"])  # "tmb mut/Mb" names TMB twice
    others = [h for h in _best_hits(rest) if h[1] != name]
    if others:
        other = FIELD_BY_NAME[others[0][1]].label
        return _Reading(reasons=[f"the header names both {label} and {other}"], vetoed=True)
    reasons = [f"header words '{matched}' name {label}"]
    if units:
        reasons.append(f"unit {units[0]} from the header")
    if qualifiers:
        reasons.append(
            "qualifier" + ("s" if len(qualifiers) > 1 else "") + " '" + "', '".join(qualifiers) + "' set aside"
        )
    confidence = 100 if not (qualifiers or units) else 97
    if name == "patient_id" and {"sample", "specimen", "barcode"} & set(phrase):
        confidence = 92  # a sample id stands in for the patient id only when no patient id is found
        reasons[0] = f"header words '{matched}' name a sample id, used as the patient id"
    if rest:
        confidence = max(60, 85 - 10 * len(rest))
        reasons.append(f"words not understood: '{' '.join(rest)}'")
    if near:
        confidence = min(confidence, 70)
        reasons[0] = f"header words '{matched}' name a measure close to {label}, not the same"
    return _Reading(field=name, confidence=confidence, reasons=reasons, unit=units[0] if units else None, near=near)


def _remove_unit(name: str, words: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    """Return words without the field's unit, and the unit's name when the header gives one."""
    for phrase, unit in _unit_phrases()[name]:  # longest first: the first found is the best
        start = find_phrase(words, phrase)
        if start >= 0:
            return words[:start] + words[start + len(phrase) :], [unit]
    return words, []


def _fuzzy_reading(words: tuple[str, ...]) -> _Reading:
    text = " ".join(words)
    compact = text.replace(" ", "")
    texts, owners = _fuzzy_choices()
    for index, concept in enumerate(texts):
        if concept.replace(" ", "") == compact:
            return _Reading(
                field=owners[index], confidence=95, reasons=[f"header '{text}' is '{concept}' run together"]
            )
    found = process.extractOne(text, texts, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if found is None:
        return _Reading(reasons=["no field of the data dictionary is named in the header"])
    concept, score, index = found
    name = owners[index]
    if any(len(w) <= 3 and w not in concept.split() for w in words):
        return _Reading(reasons=[f"header '{text}' is spelled like '{concept}' but a short code differs"])
    return _Reading(
        field=name,
        confidence=min(80, int(score) - 10),
        reasons=[f"header '{text}' is spelled like '{concept}' ({score:.0f}% alike), {FIELD_BY_NAME[name].label}"],
    )


# --- values confirm or refuse the reading ---------------------------------------------------------


def profile_column(
    spec: Field, cells: pd.Series, codes: dict[str, str], decimal_comma: bool, sure: bool = False
) -> tuple[bool, str, dict]:
    """Return (values fit the field, why, extra facts such as the unit the values are in).

    sure: the header names the field outright, so a column with some unreadable cells is still it
    (those cells are reported one by one when the column is converted).
    """
    present = _present_sample(cells)
    if not present:
        return True, "no values in the first rows", {}
    if spec.kind == IDENTIFIER:
        return _profile_ids(cells)
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


def _present_sample(cells: pd.Series) -> list[str]:
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


def _profile_ids(cells: pd.Series) -> tuple[bool, str, dict]:
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


# --- all columns together -----------------------------------------------------------------------------

_THRESHOLD = re.compile(r"[<>≤≥]\s*=?\s*\d")
_REDCAP_CHOICE = re.compile(r"\(choice\s*=", re.IGNORECASE)
_REDCAP_SYSTEM = re.compile(r"^(redcap_\w+|\w+_complete|\w+_timestamp)$")
_REDCAP_CHECKBOX = re.compile(r"^(?P<base>\w+?)___(?P<choice>\w+)$")


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
    match.filled = len(_present_sample(cells))
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
    fits, why, _ = _profile_ids(cells)
    match.reasons = ["row names written with an empty first header cell", why]
    if fits:
        match.field, match.state, match.confidence = "patient_id", MAPPED, 90
    return match


def _redcap_reason(header: str) -> str:
    if _REDCAP_CHOICE.search(header):
        return (
            "REDCap checkbox (one choice of a question, Checked/Unchecked): an unticked choice does not say no "
            "to the field, so it is not used; map it by hand if it is the whole field"
        )
    if _REDCAP_SYSTEM.match(header):
        return "REDCap system column (events, repeats, form status): not patient data"
    checkbox = _REDCAP_CHECKBOX.match(header)
    if checkbox:
        return (
            f"REDCap checkbox: choice {checkbox['choice']} of '{checkbox['base']}'; what the choice means is in the "
            "project's data dictionary, so map it by hand when it is one of the fields"
        )
    return ""


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


def match_header(header: object) -> str | None:
    """Return the field a header alone names with confidence ('TMB (mut/Mb)' -> 'tmb'), or None."""
    reading = read_header(str(header))
    return reading.field if reading.confidence >= 90 and not reading.near and not reading.vetoed else None


def count_known_headers(row: Sequence[object]) -> int:
    """Return how many cells of a row read as headers of known fields."""
    return sum(match_header(cell) is not None for cell in row if str(cell).strip())


def suggest_mapping(headers: list[str]) -> dict[str, str | None]:
    """Return {header: field or None} from the headers alone; each field taken by its first header."""
    mapping: dict[str, str | None] = {}
    taken: set[str] = set()
    for header in headers:
        name = match_header(header)
        mapping[header] = name if name and name not in taken else None
        taken |= {name} if name else set()
    return mapping
