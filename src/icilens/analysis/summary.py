"""Plain numbers that describe a cohort at a glance."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from icilens.schema import FEATURES, FIELD_BY_NAME


@dataclass(frozen=True)
class CohortSummary:
    """Counts a clinician reads first: patients, outcomes, and how complete the features are."""

    patients: int
    with_response: int
    responders: int
    with_os: int
    with_pfs: int
    features_present: int
    complete_patients: int

    @property
    def response_rate(self) -> float | None:
        """Return the observed response rate, or None when no response is known."""
        return self.responders / self.with_response if self.with_response else None


def summarise_cohort(frame: pd.DataFrame) -> CohortSummary:
    """Return the headline counts of a canonical cohort frame."""
    features = frame[list(FEATURES)]
    return CohortSummary(
        patients=len(frame),
        with_response=int(frame["response"].notna().sum()),
        responders=int((frame["response"] == 1).sum()),
        with_os=int((frame["os_months"].notna() & frame["os_event"].notna()).sum()),
        with_pfs=int((frame["pfs_months"].notna() & frame["pfs_event"].notna()).sum()),
        features_present=int(features.notna().any().sum()),
        complete_patients=int(features.notna().all(axis=1).sum()),
    )


def missingness_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Return per feature: label, unit, patients missing and the share missing (%)."""
    missing = frame[list(FEATURES)].isna().sum()
    return pd.DataFrame(
        {
            "feature": [FIELD_BY_NAME[f].label for f in FEATURES],
            "unit": [FIELD_BY_NAME[f].unit for f in FEATURES],
            "missing": missing.values,
            "missing %": (missing.values / max(len(frame), 1) * 100).round(0).astype(int),  # as the chart shows it
        }
    )
