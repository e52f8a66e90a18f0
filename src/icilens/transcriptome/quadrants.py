"""TMB and the T-cell-inflamed GEP read together (Cristescu et al., Science 2018): the two are independent and
jointly stratify response, so patients fall into four quadrants, each with its count and response rate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from icilens.transcriptome.reference_cohorts import load_reference_pool

TMB_CUT = 10.0  # mut/Mb, the FDA tissue-agnostic threshold
MIN_QUADRANT_PATIENTS = 10  # patients with both measured before the chart means anything
QUADRANTS = ("TMB high, GEP high", "TMB high, GEP low", "TMB low, GEP high", "TMB low, GEP low")


def reference_gep_cut() -> float:
    """Return the GEP cut-off: the median GEP of the treated reference patients (Cristescu's -0.318 is on the
    NanoString scale, not on RNA-seq's), the same fixed reference the transcriptome model ranks against."""
    return float(load_reference_pool()["signature_gep"].median())


def place_in_quadrant(tmb: float, gep: float, gep_cut: float) -> str | None:
    """Return a patient's quadrant, or None when TMB or GEP is missing."""
    if pd.isna(tmb) or pd.isna(gep):
        return None
    return f"TMB {'high' if tmb >= TMB_CUT else 'low'}, GEP {'high' if gep >= gep_cut else 'low'}"


def count_quadrants(tmb: pd.Series, gep: pd.Series, response: pd.Series | None, gep_cut: float) -> pd.DataFrame:
    """Return one row per quadrant: patients, responders and response rate among those with an observed response
    (missing without responses); patients lacking TMB or GEP are not placed."""
    placed = pd.Series(
        [place_in_quadrant(t, g, gep_cut) for t, g in zip(tmb, gep, strict=True)], index=tmb.index, dtype=object
    )
    rows = []
    for quadrant in QUADRANTS:
        members = (placed == quadrant).to_numpy()
        known = response[members].dropna() if response is not None else pd.Series(dtype=float)
        rows.append(
            {
                "quadrant": quadrant,
                "patients": int(members.sum()),
                "with response": len(known),
                "responders": int((known == 1).sum()),
                "response rate": float((known == 1).mean()) if len(known) else np.nan,
            }
        )
    return pd.DataFrame(rows)
