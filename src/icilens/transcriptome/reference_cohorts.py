"""The bundled reference ICB transcriptome cohorts, and descriptors put on one scale across cohorts.

The transcriptome model reads each signature as its percentile among the pooled reference patients
(`rank_against_reference`), which the signatures' fixed units allow (log2 TPM): a fixed scale, so a patient's
number is the patient's own. Per-gene z-scores and targeted panels have no such unit; they are ranked within
their upload (`rank_within_cohort`), which needs MIN_COHORT_SAMPLES patients. The pool holds whole transcriptomes
only, and a reference cohort measured on a panel is ranked within itself, as its upload would be (`place_cohort`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from icilens import BUNDLED
from icilens.transcriptome.descriptors import FRACTION_PREFIX, SIGNATURE_PREFIX
from icilens.transcriptome.scale import MIN_TRANSCRIPTOME_GENES
from icilens.transcriptome.signatures import MIN_COHORT_SAMPLES

REFERENCE = BUNDLED / "reference_cohorts"
MIN_SAME_TYPE = 30  # reference values of one cancer type needed to place a patient among that type alone
# How a reader names the cohorts whose source file names are not their study's name.
COHORT_LABELS = {
    "Miao1": "Miao",
    "Jerby_Arnon": "Jerby-Arnon",
    "Limagne2": "Limagne 2",
    "Van_Allen": "Van Allen",
    "VanDenEnde": "van den Ende",
}


@lru_cache(maxsize=1)
def load_reference_cohorts() -> pd.DataFrame:
    """Return one row per reference patient: cohort, ids, cancer type, drug class, RECIST response, descriptors."""
    table = pd.read_csv(REFERENCE / "descriptors.csv", dtype={"patient": str, "sample": str, "recist": str})
    return table


@lru_cache(maxsize=1)
def describe_reference_cohorts() -> pd.DataFrame:
    """Return one row per reference cohort: source, study, accession, patients, responders, genes, scale."""
    return pd.read_csv(REFERENCE / "cohorts.csv")


@lru_cache(maxsize=1)
def list_panel_cohorts() -> frozenset[str]:
    """Return the reference cohorts measured on a targeted panel (fewer than MIN_TRANSCRIPTOME_GENES genes), whose
    values are in the panel's own unit."""
    cohorts = describe_reference_cohorts()
    return frozenset(cohorts.loc[cohorts["genes"] < MIN_TRANSCRIPTOME_GENES, "cohort"].astype(str))


@lru_cache(maxsize=1)
def load_reference_pool() -> pd.DataFrame:
    """Return the reference patients every upload is placed among: those of whole-transcriptome cohorts."""
    reference = load_reference_cohorts()
    return reference[~reference["cohort"].isin(list_panel_cohorts())]


def place_cohort(values: pd.DataFrame, cohort: str, cancer_type: str | None = None) -> pd.DataFrame:
    """Return the percentiles of one reference cohort's values as its upload would get them: within the cohort
    for a targeted panel, else among the other cohorts' pooled patients (see rank_against_reference)."""
    if cohort in list_panel_cohorts():
        return rank_within_cohort(values)
    return rank_against_reference(values, leave_out=cohort, cancer_type=cancer_type)


def label_cohort(cohort: object) -> str:
    """Return the name a reader knows a reference cohort by (its first author), not its source file's."""
    return COHORT_LABELS.get(str(cohort), str(cohort))


def descriptor_columns(table: pd.DataFrame) -> list[str]:
    """Return the descriptor columns of a table, signatures first, in table order."""
    return [c for c in table.columns if c.startswith((SIGNATURE_PREFIX, FRACTION_PREFIX))]


def rank_within_cohort(values: pd.DataFrame, cohorts: pd.Series | None = None) -> pd.DataFrame:
    """Return each value's percentile (0 to 1, ties averaged) among the non-missing values of its cohort.

    A cohort with fewer than MIN_COHORT_SAMPLES values in a column gets missing ranks in that column.
    """
    groups = cohorts if cohorts is not None else pd.Series("cohort", index=values.index)
    ranked = values.groupby(groups.to_numpy(), group_keys=False).rank(pct=True, method="average")
    counts = values.notna().groupby(groups.to_numpy()).transform("sum")
    return ranked.where(counts >= MIN_COHORT_SAMPLES)


def rank_against_reference(
    values: pd.DataFrame, leave_out: str | None = None, cancer_type: str | None = None
) -> pd.DataFrame:
    """Return each value's percentile among the pooled reference patients' values of the same descriptor; leave_out
    names a reference cohort left out of the pool (to validate on that cohort as on a new upload); cancer_type
    narrows the pool to that cancer type wherever it holds at least MIN_SAME_TYPE values of the descriptor."""
    reference = load_reference_pool()
    if leave_out is not None:
        reference = reference[reference["cohort"] != leave_out]
    same_type = reference[reference["cancer_type"] == cancer_type] if cancer_type is not None else reference.iloc[:0]
    ranked = pd.DataFrame(np.nan, index=values.index, columns=values.columns)
    for column in values.columns:
        if column not in reference:
            continue
        narrow = same_type[column].dropna()
        pool = np.sort((narrow if len(narrow) >= MIN_SAME_TYPE else reference[column].dropna()).to_numpy())
        if pool.size == 0:
            continue
        below = np.searchsorted(pool, values[column].to_numpy(), side="left")
        at_or_below = np.searchsorted(pool, values[column].to_numpy(), side="right")
        ranked[column] = np.where(values[column].notna(), (below + at_or_below) / 2 / pool.size, np.nan)
    return ranked
