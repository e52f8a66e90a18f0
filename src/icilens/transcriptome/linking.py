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


def _loose(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def link_samples(samples: pd.Index, patients: pd.Series, candidates: dict[str, pd.Series] | None = None) -> SampleLinks:
    """Return the links of expression samples to patients.

    patients holds the cohort's patient ids; candidates maps other cohort columns (sample ids, a mapping
    column) to their values, row by row with patients. The column matching the most samples is used; a match
    is exact first, then ignoring case, spaces and punctuation when that is unambiguous.
    """
    columns = {"patient id": patients.astype(str)} | {k: v.astype(str) for k, v in (candidates or {}).items()}
    best = max(columns, key=lambda name: _count_matches(samples, columns[name]))
    keys = columns[best]
    exact = dict(zip(keys, patients.astype(str), strict=True))
    loose_keys: dict[str, set[str]] = {}
    for key, patient in zip(keys, patients.astype(str), strict=True):
        loose_keys.setdefault(_loose(key), set()).add(patient)
    patient_of: dict[str, str] = {}
    unlinked, loosely = [], 0
    for sample in samples.astype(str):
        if sample in exact:
            patient_of[sample] = exact[sample]
            continue
        found = loose_keys.get(_loose(sample), set())
        if len(found) == 1:
            patient_of[sample] = next(iter(found))
            loosely += 1
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
    return SampleLinks(patient_of, best, unlinked, without, repeated, loosely)


def _count_matches(samples: pd.Index, keys: pd.Series) -> int:
    exact = set(keys)
    loose = {_loose(k) for k in keys}
    return sum(s in exact or _loose(s) in loose for s in samples.astype(str))
