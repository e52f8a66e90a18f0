"""Turning text cells into canonical values: numbers, units and labelled categories."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from icilens.intake.findings import INFO, WARNING, Findings
from icilens.schema import CANCER_TYPES, OTHER_CANCER, Field, normalise_name

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
_WITH_EXTRAS = re.compile(r"^(?P<cmp>[<>]=?|~|≤|≥)?\s*(?P<num>-?\d+(?:[.,]\d+)?)\s*(?P<rest>%|[a-zµμ/^*\d\s.]*)$")
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def _is_missing(cells: pd.Series) -> pd.Series:
    return cells.str.strip().str.lower().isin(MISSING_TOKENS)


def parse_numbers(cells: pd.Series, rows: pd.Series, column: str, decimal_comma: bool, findings: Findings) -> pd.Series:
    """Return the cells as floats; text that is not a number becomes NaN with a finding."""
    text = cells.str.strip().str.replace("\u00a0", "", regex=False)
    missing = _is_missing(text)
    text = text.where(~missing, "")
    if decimal_comma:
        text = text.str.replace(" ", "", regex=False).str.replace(",", ".", regex=False)
    else:
        thousands = text.str.match(_THOUSANDS)
        text = text.where(~thousands, text.str.replace(",", "", regex=False))
    values = pd.to_numeric(text.where(text != ""), errors="coerce").astype("float64")
    failed = values.isna() & (text != "")
    for index in failed[failed].index:
        raw = cells.at[index]
        match = _WITH_EXTRAS.match(raw.strip().lower())
        if match is None:
            findings.add(rows.at[index], column, raw, "text in a number column", "set missing", WARNING)
            continue
        values.at[index] = float(match["num"].replace(",", "."))
        if match["cmp"]:
            findings.add(rows.at[index], column, raw, "a bound, not an exact value", f"read as {match['num']}", WARNING)
        elif match["rest"].strip():
            findings.add(rows.at[index], column, raw, "unit written in the cell", f"read as {match['num']}", INFO)
    values[~np.isfinite(values.fillna(0.0))] = np.nan
    return values


# --- unit conversions -------------------------------------------------------------------


def _scale_cells(values: pd.Series, selected: pd.Series, factor: float, rows, column, problem, findings) -> pd.Series:
    """Multiply the selected cells by factor; one finding for a whole column, else one per cell."""
    if not selected.any():
        return values
    present = values.notna()
    action = f"{'multiplied by' if factor > 1 else 'divided by'} {factor if factor > 1 else 1 / factor:g}"
    if selected[present].all():
        example = values[selected].iloc[0]
        findings.add(None, column, f"e.g. {example:g}", f"{problem} (all {int(selected.sum())} values)", action, INFO)
    else:
        findings.add_cells(rows[selected], column, values[selected].map("{:g}".format), problem, action, INFO)
    values = values.copy()
    values[selected] = values[selected] * factor
    return values


def convert_units(field: Field, values: pd.Series, unit: str, rows, column: str, findings: Findings) -> pd.Series:
    """Return values in the field's canonical unit, converting what the header or the values show."""
    unit = unit.replace(" ", "")
    present = values.notna()
    name = field.name
    if name in ("albumin", "hgb"):
        if unit in ("g/l", "gl"):
            return _scale_cells(values, present, 0.1, rows, column, "header says g/L", findings)
        low, high = (20, 60) if name == "albumin" else (50, 200)
        in_gl = values.between(low, high)
        return _scale_cells(values, in_gl, 0.1, rows, column, f"value {low}-{high} looks like g/L", findings)
    if name == "platelets":
        if unit in ("/ul", "perul", "cells/ul", "/µl", "/mm3", "/mm^3"):
            return _scale_cells(values, present, 0.001, rows, column, "header says per microlitre", findings)
        return _scale_cells(
            values, values > 2000, 0.001, rows, column, "value above 2,000 looks like per microlitre", findings
        )
    if name == "pdl1_tps":
        fraction = unit in ("fraction", "0-1") or (
            present.any() and values[present].between(0, 1).all() and not values[present].isin([0, 1]).all()
        )
        if fraction:
            return _scale_cells(values, present, 100, rows, column, "values 0-1 look like a fraction", findings)
    if name == "fcna":
        percent = unit in ("%", "percent") or (present.any() and (values > 1).any() and values.max() <= 100)
        if percent:
            return _scale_cells(values, present, 0.01, rows, column, "values above 1 look like a percentage", findings)
    if name == "height":
        metres = unit == "m" or (present.any() and values[present].max() <= 3)
        if metres:
            return _scale_cells(values, present, 100, rows, column, "values look like metres", findings)
    return values


def reject_implausible(field: Field, values: pd.Series, rows, column: str, findings: Findings) -> pd.Series:
    """Return values with those outside the field's plausible range set missing, each reported."""
    if field.low is None:
        return values
    outside = values.notna() & ~values.between(field.low, field.high)
    if outside.any():
        findings.add_cells(
            rows[outside],
            column,
            values[outside].map("{:g}".format),
            f"outside the plausible range {field.plausible_range} {field.unit}".rstrip(),
            "set missing",
            WARNING,
        )
        values = values.mask(outside)
    return values


# --- categories ---------------------------------------------------------------------------


def _words(value: str) -> str:
    return normalise_name(value)


YES = {"yes", "y", "1", "true", "t", "positive", "pos", "present", "+"}
NO = {"no", "n", "0", "false", "f", "negative", "neg", "absent"}


def _yes_no(value: str) -> str | None:
    word = _words(value) or value.strip()
    if word in YES or value.strip() == "+":
        return "yes"
    if word in NO:
        return "no"
    return None


def _sex(value: str) -> str | None:
    word = _words(value)
    return {
        "f": "female",
        "female": "female",
        "woman": "female",
        "w": "female",
        "0": "female",
        "m": "male",
        "male": "male",
        "man": "male",
        "1": "male",
    }.get(word)


def _msi(value: str) -> str | None:
    word = _words(value).replace(" ", "")
    if word in {"msih", "msihigh", "dmmr", "unstable", "msi", "1", "yes", "positive", "mmrdeficient", "high"}:
        return "MSI-H"
    if word in {
        "mss",
        "msil",
        "msilow",
        "pmmr",
        "stable",
        "indeterminate",
        "0",
        "no",
        "negative",
        "mmrproficient",
        "low",
    }:
        return "MSS"
    return None


_ROMAN_IV = {"iv", "4", "iva", "ivb", "ivc", "4a", "4b", "4c", "m1", "metastatic"}
_ROMAN_EARLY = {
    "i",
    "ii",
    "iii",
    "1",
    "2",
    "3",
    "ia",
    "ib",
    "iia",
    "iib",
    "iiia",
    "iiib",
    "iiic",
    "1a",
    "1b",
    "2a",
    "2b",
    "3a",
    "3b",
    "3c",
    "i iii",
    "1 3",
    "early",
    "locally advanced",
    "localized",
}


def _stage(value: str) -> str | None:
    word = _words(value)
    word = word.removeprefix("stage ").removeprefix("ajcc ").strip()
    if word in _ROMAN_IV:
        return "IV"
    if word in _ROMAN_EARLY:
        return "I-III"
    return None


_PD1 = (
    "pembrolizumab",
    "keytruda",
    "pembro",
    "nivolumab",
    "opdivo",
    "nivo",
    "atezolizumab",
    "tecentriq",
    "atezo",
    "durvalumab",
    "imfinzi",
    "durva",
    "cemiplimab",
    "libtayo",
    "avelumab",
    "bavencio",
    "dostarlimab",
    "jemperli",
    "toripalimab",
    "tislelizumab",
    "sintilimab",
    "camrelizumab",
    "retifanlimab",
    "pd1",
    "pdl1",
    "antipd1",
    "antipdl1",
    "pd 1",
    "pd l1",
)
_CTLA4 = ("ipilimumab", "yervoy", "ipi", "tremelimumab", "imjudo", "treme", "ctla4", "antictla4", "ctla 4")
_COMBO = ("combination", "combo", "dual", "pd1 ctla4")


def _drug_class(value: str) -> str | None:
    words = _words(value)
    tokens = set(words.split()) | {words.replace(" ", "")} | {t.replace("anti", "") for t in words.split()}
    joined = " " + words + " "
    has_pd1 = any(d in tokens or f" {d} " in joined for d in _PD1)
    has_ctla4 = any(d in tokens or f" {d} " in joined for d in _CTLA4)
    if (has_pd1 and has_ctla4) or words in _COMBO:
        return "Combination"
    if has_ctla4:
        return "CTLA-4"
    if has_pd1:
        return "PD-1/PD-L1"
    return None


_RESPONDER = {
    "cr",
    "pr",
    "complete response",
    "partial response",
    "responder",
    "response",
    "yes",
    "y",
    "1",
    "true",
    "r",
    "orr",
    "complete",
    "partial",
    "cr pr",
    "objective response",
}
_NON_RESPONDER = {
    "sd",
    "pd",
    "stable disease",
    "progressive disease",
    "non responder",
    "nonresponder",
    "no",
    "n",
    "0",
    "false",
    "nr",
    "no response",
    "stable",
    "progression",
    "progressive",
    "sd pd",
}
_NOT_EVALUABLE = {"ne", "not evaluable", "nae", "inevaluable", "not assessed"}


def _response(value: str) -> str | None:
    word = _words(value)
    if word in _RESPONDER:
        return "yes"
    if word in _NON_RESPONDER:
        return "no"
    return None


def _event(value: str) -> str | None:
    word = _words(value)
    head = word.split(" ")[0] if word else ""
    if (
        word in {"1", "yes", "y", "true", "event", "dead", "deceased", "died", "death", "progressed", "progression"}
        or head == "1"
    ):
        return "yes"
    if word in {"0", "no", "n", "false", "censored", "alive", "living", "censor", "no event"} or head == "0":
        return "no"
    return None


# Exact (normalised) synonyms first; keyword rules after, in an order where longer names win.
_CANCER_SYNONYMS = {
    "nsclc": "NSCLC",
    "non small cell lung cancer": "NSCLC",
    "non small cell lung carcinoma": "NSCLC",
    "lung adenocarcinoma": "NSCLC",
    "lung squamous cell carcinoma": "NSCLC",
    "luad": "NSCLC",
    "lusc": "NSCLC",
    "sclc": "SCLC",
    "small cell lung cancer": "SCLC",
    "small cell lung carcinoma": "SCLC",
    "melanoma": "Melanoma",
    "skcm": "Melanoma",
    "cutaneous melanoma": "Melanoma",
    "rcc": "Renal",
    "renal cell carcinoma": "Renal",
    "kidney": "Renal",
    "kirc": "Renal",
    "ccrcc": "Renal",
    "bladder": "Bladder",
    "urothelial carcinoma": "Bladder",
    "urothelial": "Bladder",
    "blca": "Bladder",
    "hnscc": "Head & Neck",
    "scchn": "Head & Neck",
    "head and neck": "Head & Neck",
    "hnsc": "Head & Neck",
    "crc": "Colorectal",
    "colon": "Colorectal",
    "rectal": "Colorectal",
    "coad": "Colorectal",
    "hcc": "Hepatobiliary",
    "hepatocellular carcinoma": "Hepatobiliary",
    "cholangiocarcinoma": "Hepatobiliary",
    "ucec": "Endometrial",
    "uterine": "Endometrial",
    "pdac": "Pancreatic",
    "tnbc": "Breast",
    "brca": "Breast",
    "esca": "Esophageal",
    "stad": "Gastric",
    "ov": "Ovarian",
}
_CANCER_KEYWORDS = (
    ("non small cell", "NSCLC"),
    ("nonsmall cell", "NSCLC"),
    ("small cell", "SCLC"),
    ("lung", "NSCLC"),
    ("melanom", "Melanoma"),
    ("renal", "Renal"),
    ("kidney", "Renal"),
    ("urothel", "Bladder"),
    ("bladder", "Bladder"),
    ("head and neck", "Head & Neck"),
    ("oral", "Head & Neck"),
    ("oropharyn", "Head & Neck"),
    ("laryn", "Head & Neck"),
    ("colorectal", "Colorectal"),
    ("colon", "Colorectal"),
    ("rect", "Colorectal"),
    ("endometri", "Endometrial"),
    ("uter", "Endometrial"),
    ("oesophag", "Esophageal"),
    ("esophag", "Esophageal"),
    ("gastr", "Gastric"),
    ("stomach", "Gastric"),
    ("hepat", "Hepatobiliary"),
    ("liver", "Hepatobiliary"),
    ("biliar", "Hepatobiliary"),
    ("cholangio", "Hepatobiliary"),
    ("gallbladder", "Hepatobiliary"),
    ("mesothel", "Mesothelioma"),
    ("ovar", "Ovarian"),
    ("pancrea", "Pancreatic"),
    ("sarcoma", "Sarcoma"),
    ("breast", "Breast"),
)


def _cancer_type(value: str) -> str | None:
    words = _words(value)
    for known in CANCER_TYPES:
        if words == _words(known):
            return known
    if words in _CANCER_SYNONYMS:
        return _CANCER_SYNONYMS[words]
    for keyword, cancer in _CANCER_KEYWORDS:
        if keyword in words:
            return cancer
    return None


_MSK_CODES = {
    "drug_class": {"0": "PD-1/PD-L1", "1": "Combination", "2": "CTLA-4"},
    "stage": {"0": "I-III", "1": "IV"},
}
_MSK_CODE_NOTES = {
    "drug_class": "codes 0/1/2 read as the MSK coding: 0 PD-1/PD-L1, 1 combination, 2 CTLA-4",
    "stage": "codes 0/1 read as the MSK coding: 1 stage IV, 0 stage I-III",
    "sex": "codes 0/1 read as the MSK coding: 1 male, 0 female",
}

PARSERS: dict[str, Callable[[str], str | None]] = {
    "prior_systemic_therapy": _yes_no,
    "hla_loh": _yes_no,
    "sex": _sex,
    "msi": _msi,
    "stage": _stage,
    "drug_class": _drug_class,
    "cancer_type": _cancer_type,
    "response": _response,
    "os_event": _event,
    "pfs_event": _event,
}


def _numeric_codes(cells: pd.Series) -> set[str]:
    return {c.strip().removesuffix(".0") for c in cells.unique()} - {""}


def parse_categories(field: Field, cells: pd.Series, rows, column: str, findings: Findings) -> pd.Series:
    """Return the cells as the field's labels (object Series, None when missing or unreadable)."""
    parser = PARSERS[field.name]
    stripped = cells.str.strip()
    missing = _is_missing(stripped)
    codes = _numeric_codes(stripped[~missing])
    lookup: dict[str, str | None] = {}
    msk_codes = _MSK_CODES.get(field.name)
    if msk_codes and codes and codes <= set(msk_codes) and (field.name != "stage" or codes <= {"0", "1"}):
        findings.add(None, column, ", ".join(sorted(codes)), "numeric codes", _MSK_CODE_NOTES[field.name], INFO)
        lookup = {value: msk_codes[value.removesuffix(".0")] for value in stripped[~missing].unique()}
    elif field.name == "sex" and codes and codes <= {"0", "1"}:
        findings.add(None, column, "0, 1", "numeric codes", _MSK_CODE_NOTES["sex"], WARNING)
    labels_by_value = {}
    for value in stripped[~missing].unique():
        labels_by_value[value] = lookup.get(value) or parser(value)
    labels = stripped.map(labels_by_value).where(~missing, None)
    unreadable = labels.isna() & ~missing
    if field.name == "cancer_type":
        labels[unreadable] = OTHER_CANCER
        action = "set to Other (the model treats it as a type unseen in training)"
        findings.add_cells(
            rows[unreadable], column, cells[unreadable], "cancer type not among the 16 known types", action, WARNING
        )
    elif field.name == "response" and unreadable.any():
        not_evaluable = stripped[unreadable].map(lambda v: _words(v) in _NOT_EVALUABLE)
        for flag, problem, severity in (
            (True, "response not evaluable", INFO),
            (False, "unrecognised response", WARNING),
        ):
            chosen = unreadable & not_evaluable.reindex(unreadable.index, fill_value=False).eq(flag)
            findings.add_cells(rows[chosen], column, cells[chosen], problem, "set missing", severity)
    elif unreadable.any():
        expected = ", ".join(field.categories) if field.categories else "a known value"
        findings.add_cells(
            rows[unreadable],
            column,
            cells[unreadable],
            f"not a recognised value (expected {expected})",
            "set missing",
            WARNING,
        )
    return labels.astype(object).where(labels.notna(), None)
