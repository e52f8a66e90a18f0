"""Which expression sample belongs to which patient of the cohort, by id, with every loose end named."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class SampleLinks:
    """sample -> patient for the samples linked, and what could not be linked."""

    patient_of: dict[str, str]
    by: str  # which cohort column the samples matched
    unlinked_samples: list[str] = field(default_factory=list)
    patients_without: list[str] = field(default_factory=list)
    repeated: dict[str, list[str]] = field(default_factory=dict)  # patient -> its extra samples (not used)
    loosely: int = 0  # samples matched only after case, spaces and punctuation were set aside
    by_prefix: int = 0  # samples matched by a patient id followed by a sample suffix (TCGA-XX-XXXX-01A)
    by_other_name: int = 0  # samples matched through another name the file gives them (a GEO title)


def _loose(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


# A sample barcode is its patient's id then a sample suffix: TCGA-AB-1234-01A, PT12_T, PT12-tumor, PT12.pre
PREFIX_SUFFIX = re.compile(r"^[-_. ]+[0-9A-Za-z]{1,8}([-_. ][0-9A-Za-z]{1,8})*$")


def link_samples(
    samples: pd.Index,
    patients: pd.Series,
    candidates: dict[str, pd.Series] | None = None,
    other_names: dict[str, list[str]] | None = None,
) -> SampleLinks:
    """Return the links of expression samples to patients.

    patients holds the cohort's patient ids; candidates maps other cohort columns (sample ids, a mapping
    column) to their values, row by row with patients. The column matching the most samples is used; a match
    is exact first, then ignoring case, spaces and punctuation when that is unambiguous, then through another
    name the file gives the sample (other_names: a GEO series matrix's titles), then by the one patient id the
    sample's name starts with before a sample suffix (TCGA barcodes).
    """
    columns = {"patient id": patients.astype(str)} | {k: v.astype(str) for k, v in (candidates or {}).items()}
    best = max(columns, key=lambda name: _count_matches(samples, columns[name]))
    keys = columns[best]
    exact = dict(zip(keys, patients.astype(str), strict=True))
    loose_keys: dict[str, set[str]] = {}
    for key, patient in zip(keys, patients.astype(str), strict=True):
        loose_keys.setdefault(_loose(key), set()).add(patient)
    patient_of: dict[str, str] = {}
    unlinked, loosely, by_other, by_prefix = [], 0, 0, 0
    for sample in samples.astype(str):
        if sample in exact:
            patient_of[sample] = exact[sample]
            continue
        found = loose_keys.get(_loose(sample), set())
        if len(found) == 1:
            patient_of[sample] = next(iter(found))
            loosely += 1
            continue
        other = {exact[n] for n in (other_names or {}).get(sample, []) if n in exact}
        if len(other) == 1:
            patient_of[sample] = next(iter(other))
            by_other += 1
            continue
        prefixed = {
            p for key, p in exact.items() if key and sample.startswith(key) and PREFIX_SUFFIX.match(sample[len(key) :])
        }
        if len(prefixed) == 1:
            patient_of[sample] = next(iter(prefixed))
            by_prefix += 1
        else:
            unlinked.append(sample)
    repeated: dict[str, list[str]] = {}
    first: dict[str, str] = {}
    for sample, patient in list(patient_of.items()):
        if patient in first:
            repeated.setdefault(patient, []).append(sample)
            del patient_of[sample]
        else:
            first[patient] = sample
    without = [p for p in patients.astype(str) if p not in first]
    return SampleLinks(patient_of, best, unlinked, without, repeated, loosely, by_prefix, by_other)


def _count_matches(samples: pd.Index, keys: pd.Series) -> int:
    exact = set(keys)
    loose = {_loose(k) for k in keys if k}
    return sum(s in exact or _loose(s) in loose for s in samples.astype(str))
