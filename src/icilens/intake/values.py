"""Converting values: text cells to numbers in the canonical unit, and to the field's categories.

Every unit and value code comes from the `Field` in the data dictionary; nothing here names a field."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from icilens.intake.findings import INFO, WARNING, Findings
from icilens.schema import FIELD_BY_NAME, Field, normalise_name
from icilens.vocabulary import FindingCode, Severity

MISSING_TOKENS = frozenset(
    {
        "",
        "na",
        "n/a",
        "nan",
        "none",
        "null",
        "-",
        "--",
        ".",
        "?",
        "unknown",
        "unk",
        "missing",
        "not available",
        "not done",
        "nd",
        "not assessed",
        "not tested",
        "#n/a",
        "n.a.",
        "n.d.",
    }
)
_WITH_EXTRAS = re.compile(
    r"^(?P<cmp>[<>]=?|~|≤|≥)?\s*(?P<num>-?\d+(?:[.,]\d+)?)\s*(?P<rest>%|[a-zµμ][a-zµμ/^*\d\s.]*|[/][a-zµμ][a-zµμ/^*\d\s.]*)?$"
)
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_SPACED_THOUSANDS = re.compile(r"^-?\d{1,3}([ \u202f\u2009]\d{3})+([.,]\d+)?$")
_DATE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}([ t]\d{1,2}:\d{2}(:\d{2})?)?$")
_RANGE = re.compile(r"^\d+(?:[.,]\d+)?\s*(?:-|–|to)\s*\d+(?:[.,]\d+)?$")
_HEX = re.compile(r"^[-+]?0x[0-9a-f]+$")
_WHOLE_WITH_ZEROS = re.compile(r"^(-?\d+)\.0+$")  # 1.0 or 1.00, as R, pandas and Excel write a whole number
_INFINITE = re.compile(r"^[-+]?(inf|infinity|∞)$|^[-+]?\d+(\.\d+)?e\+?\d{3,}$")


MAX_DIGITS = 30  # more digits than any measurement has, even written with every decimal a float keeps
PLAIN_LENGTH = MAX_DIGITS  # a longer cell is read on its own, so an overlong number is named rather than lost
# Up to this many cells, reading each distinct one in Python beats pandas' fixed cost per string operation
# (a file's chunk, a cohort of hundreds); beyond it, pandas' vectorised operations win.
FEW_CELLS = 2_000


def shown_cell(text: str, most: int = 40) -> str:
    """Return a cell as a finding shows it: whole when short, else its start and its length."""
    return text if len(text) <= most else f"{text[:20]}... ({len(text):,} characters)"


def is_missing(cells: pd.Series) -> pd.Series:
    """Return where the cells are empty or say they are missing ('NA', 'n/a', 'unknown', ...)."""
    if len(cells) > FEW_CELLS:
        return cells.str.strip().str.lower().isin(MISSING_TOKENS)
    said = {cell for cell in cells.unique() if isinstance(cell, str) and cell.strip().lower() in MISSING_TOKENS}
    return cells.isin(said)


def read_cell(text: str, decimal_comma: bool) -> tuple[float | None, str, str, str]:
    """Return (number or None, problem, action, severity) for one cell; problem is '' for a plain number.

    A bound ('<1') and a unit in the cell ('3.8 g/dL') give their number; dates, ranges, hexadecimal,
    infinities and free text give None. Each outcome other than a plain number is named.
    """
    value = text.strip().replace("\u00a0", "")
    lowered = value.lower()
    if lowered in MISSING_TOKENS:
        return None, "", "", ""
    digits = sum(ch.isdigit() for ch in value)
    if digits > MAX_DIGITS:
        return None, f"a number of {digits:,} digits, too long to be a measurement", "set missing", WARNING
    if decimal_comma:
        value = value.replace(" ", "").replace("\u202f", "").replace(",", ".")
    elif _THOUSANDS.match(value):
        number = float(value.replace(",", ""))
        return number, "comma read as a thousands separator", f"read as {number:g}", INFO
    elif _SPACED_THOUSANDS.match(value):
        number = float(re.sub(r"[ \u202f\u2009]", "", value).replace(",", "."))
        return number, "digits grouped by spaces", f"read as {number:g}", INFO
    for pattern, problem in ((_DATE, "a date, not a number"), (_RANGE, "a range, not one value")):
        if pattern.match(lowered):
            return None, problem, "set missing", WARNING
    if _HEX.match(lowered):
        return None, "hexadecimal, not a measurement", "set missing", WARNING
    try:
        plain: float | None = float(value)
    except ValueError:
        plain = None
    if plain is not None:
        if np.isfinite(plain) and not _INFINITE.match(lowered):
            return plain, "", "", ""
        return None, "infinite or too large to be a measurement", "set missing", WARNING
    match = _WITH_EXTRAS.match(lowered)
    if match is None:
        return None, "text in a number column", "set missing", WARNING
    number = float(match["num"].replace(",", "."))
    if "," in match["num"] and not decimal_comma:
        return number, "decimal comma in a file that uses decimal points", f"read as {number:g}", INFO
    if match["cmp"]:
        return number, "a bound, not an exact value", f"read as {match['num']}", WARNING
    if match["rest"] and match["rest"].strip():
        return number, "unit written in the cell", f"read as {match['num']}", INFO
    return number, "", "", ""


def read_number(text: str, decimal_comma: bool) -> float | None:
    """Return one cell as a number the way parse_numbers reads it, else None."""
    return read_cell(text, decimal_comma)[0]


def parse_numbers(cells: pd.Series, rows: pd.Series, column: str, decimal_comma: bool, findings: Findings) -> pd.Series:
    """Return the cells as floats; what is not plainly a number is read cell by cell and reported."""
    text = cells.str.strip().str.replace("\u00a0", "", regex=False)
    text = text.where(~is_missing(text), "")
    separator = "," if decimal_comma else r"\."
    plain = text.str.fullmatch(rf"-?\d+({separator}\d+)?([eE][-+]?\d{{1,2}})?") & (text.str.len() <= PLAIN_LENGTH)
    numbers = text.str.replace(",", ".", regex=False) if decimal_comma else text
    values = pd.to_numeric(numbers.where(plain), errors="coerce").astype("float64")
    for index in text.index[~plain & (text != "")]:
        number, problem, action, severity = read_cell(cells.at[index], decimal_comma)
        values.at[index] = np.nan if number is None else number
        if problem:
            code = FindingCode.CELL_UNREADABLE if number is None else FindingCode.CELL_READ
            shown = shown_cell(cells.at[index])
            findings.add(rows.at[index], column, shown, problem, action, Severity(severity), code)
    return values


# --- categories -----------------------------------------------------------------------------

AMBIGUOUS = "\0ambiguous"  # a value that names several categories of a spec that has no combined one
NOT_EVALUABLE = "not evaluable"
_VALUE_PREFIXES = ("stage", "ajcc", "clinical", "tnm", "uicc", "stadium", "stade", "estadio", "type")


def _code_table(spec: Field) -> dict[str, str]:
    return _code_table_of(spec.name)


@lru_cache(maxsize=64)
def _code_table_of(name: str) -> dict[str, str]:
    spec = FIELD_BY_NAME[name]
    table: dict[str, str] = {}
    for spelling, label in spec.codes:
        table.setdefault(normalise_name(spelling), label)
        table.setdefault(normalise_name(spelling).replace(" ", ""), label)
    for label in spec.categories:
        table.setdefault(normalise_name(label), label)
    return table


def _stems(spec: Field) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    return _stems_of(spec.name)


@lru_cache(maxsize=64)
def _stems_of(name: str) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Return the field's keyword stems by first word, longest first."""
    spec = FIELD_BY_NAME[name]
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for stem, label in spec.keywords:
        words = tuple(normalise_name(stem).split())
        index.setdefault(words[0][:3], []).append((words, label))
    for entries in index.values():
        entries.sort(key=lambda entry: -len(" ".join(entry[0])))
    return index


def _keyword_labels(spec: Field, words: list[str]) -> list[str]:
    """Return the categories named in free text, leftmost-longest stems first, each word used once."""
    labels: list[str] = []
    index, stems = 0, _stems(spec)
    while index < len(words):
        matched = 0
        for stem, label in stems.get(words[index][:3], ()):
            size = len(stem)
            window = words[index : index + size]
            whole = len(window) == size and all(w == s for w, s in zip(window[:-1], stem[:-1], strict=True))
            if whole and window[-1].startswith(stem[-1]):
                labels.append(label)
                matched = size
                break
        index += matched or 1
    return labels


def category_of_cell(spec: Field, value: str, header_codes: dict[str, str] | None = None) -> str | None:
    """Return the category a cell names, None when unreadable, AMBIGUOUS when it names several."""
    whole = _WHOLE_WITH_ZEROS.match(value.strip())
    key = whole.group(1) if whole else value.strip()
    if header_codes and key in header_codes:
        value = header_codes[key]
    elif whole:
        value = key  # "1.0" is the code 1, never the words "1" and "0"
    words = normalise_name(value) or value.strip().lower()
    table = _code_table(spec)
    trimmed = words
    while trimmed.split(" ")[0] in _VALUE_PREFIXES and " " in trimmed:
        trimmed = trimmed.split(" ", 1)[1]
    for candidate in (words, words.replace(" ", ""), trimmed):
        if candidate in table:
            return table[candidate]
    head, _, rest = words.partition(" ")
    if head.isdigit() and rest in table:  # cBioPortal "1:DECEASED"
        return table[rest]
    labels = set(_keyword_labels(spec, words.split()))
    if spec.unclear_words and any(w.startswith(spec.unclear_words) for w in words.split()):
        return AMBIGUOUS  # "liver metastasis" names where a cancer spread, not where it started
    if len(labels) == 1:
        return labels.pop()
    if len(labels) > 1:
        return spec.combined_label or AMBIGUOUS
    return None


def numeric_codes(cells: pd.Series) -> set[str]:
    """Return the distinct cells that are whole numbers ('1', '0.0' -> '0'), missing excluded."""
    values = {_WHOLE_WITH_ZEROS.sub(r"\1", c.strip()) for c in cells.unique()} - {""}
    return {v for v in values if v.lstrip("-").isdigit()}


def complete_codes(spec: Field, codes: dict[str, str], present: pd.Series) -> dict[str, str]:
    """Return header codes completed for a two-category field: 'Stage (IV=1)' makes the other code I-III."""
    if len(spec.categories) != 2 or len(codes) != 1:
        return codes
    (code, text), others = next(iter(codes.items())), numeric_codes(present) - set(codes)
    named = category_of_cell(spec, text)
    if named not in spec.categories or len(others) != 1:
        return codes
    other_label = next(c for c in spec.categories if c != named)
    return {code: text, others.pop(): other_label}


def decide_codes(
    spec: Field, cells: pd.Series, column: str, findings: Findings, header_codes: dict[str, str] | None = None
) -> dict[str, str]:
    """Return the value codes a column is read by: the header's, else the MSK number coding (reported), else none."""
    stripped = cells.str.strip()
    present = stripped[~is_missing(stripped)]
    codes = complete_codes(spec, header_codes, present) if header_codes else None
    return codes or _number_coding(spec, present, column, findings) or {}


def parse_categories(
    spec: Field,
    cells: pd.Series,
    rows,
    column: str,
    findings: Findings,
    header_codes: dict[str, str] | None = None,
    codes: dict[str, str] | None = None,
) -> pd.Series:
    """Return the cells as the field's labels (object Series, None when missing or unreadable).

    codes, when given, are the value codes decided already (for the whole file); otherwise they are decided here.
    """
    if codes is None:
        codes = decide_codes(spec, cells, column, findings, header_codes)
    stripped = cells.str.strip()
    missing = is_missing(stripped)
    distinct = stripped[~missing].unique()
    labels_by_value = {value: category_of_cell(spec, value, codes) for value in distinct}
    labels = stripped.map(labels_by_value).where(~missing, None)
    _report_unreadable(spec, labels, missing, cells, rows, column, findings)
    usable = labels.notna() & ~labels.isin([AMBIGUOUS, NOT_EVALUABLE])
    if spec.fallback:
        usable |= labels.isna() & ~missing
        labels = labels.where(labels.notna() | missing, spec.fallback)
    return labels.astype(object).where(usable, None)


def _number_coding(spec: Field, present: pd.Series, column: str, findings: Findings) -> dict[str, str] | None:
    """Return the MSK number coding when a column holds only its codes (reported), else None."""
    codes = numeric_codes(present)
    coding = dict(spec.number_codes)
    if not coding or not codes or not codes <= set(coding):
        return None
    wording = ", ".join(f"{code} {coding[code]}" for code in sorted(codes))
    severity = WARNING if spec.number_codes_are_a_guess else INFO
    findings.add(
        None,
        column,
        ", ".join(sorted(codes)),
        "numeric codes",
        f"read as the MSK coding: {wording}",
        severity,
        FindingCode.NUMBER_CODES,
    )
    return coding


def _report_unreadable(
    spec: Field, labels: pd.Series, missing: pd.Series, cells: pd.Series, rows, column: str, findings
) -> None:
    def report(where: pd.Series, problem: str, action: str, severity: Severity, code: FindingCode) -> None:
        if where.any():
            findings.add_cells(rows[where], column, cells[where], problem, action, severity, code)

    unreadable = labels.isna() & ~missing
    report(
        labels == AMBIGUOUS,
        f"names more than one {spec.label.lower()}",
        "set missing; write the one that applies in the file or set it on the Cohort page",
        WARNING,
        FindingCode.AMBIGUOUS_VALUE,
    )
    if spec.fallback:
        known = len(spec.categories) - 1
        action = f"set to {spec.fallback} (the model treats it as a {spec.label.lower()} unseen in training)"
        problem = f"{spec.label.lower()} not among the {known} known ones"
        report(unreadable, problem, action, WARNING, FindingCode.UNKNOWN_CATEGORY)
        return
    report(labels == NOT_EVALUABLE, "response not evaluable", "set missing", INFO, FindingCode.NOT_EVALUABLE)
    expected = ", ".join(spec.categories) if spec.categories else "yes/no or 1/0"
    report(
        unreadable,
        f"not a recognised value (expected {expected})",
        "set missing",
        WARNING,
        FindingCode.UNRECOGNISED_VALUE,
    )
