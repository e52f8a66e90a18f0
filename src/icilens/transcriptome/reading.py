"""One reading per patient: the clinical and the transcriptome predictions side by side on one scale, each with
its validation in a line, and a sentence saying whether they agree and, when not, what drives each side and
what measurement would settle it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from icilens.schema import FIELD_BY_NAME
from icilens.transcriptome.rna_predictions import HIGH, LOW, PROBABILITY, REASON
from icilens.transcriptome.signature_model import SignatureModel
from icilens.transcriptome.wording import (
    base_probability,
    describe_transcriptome_drivers,
    mean_percentile,
    ordinal,
    where_percentiles,
)


@dataclass(frozen=True)
class Reading:
    """What the one-reading panel shows: one line per model, and the sentence that reconciles them."""

    clinical: str
    transcriptome: str
    verdict: str


def _clinical_line(explanation, card: dict) -> str:
    auc = card.get("validation", {}).get("overall", {}).get("ICI Lens model", {}).get("roc_auc")
    validation = (
        f" Validated on {card['validation']['patients']} patients treated in 2018: ROC AUC {auc[0]:.2f} "
        f"(95% CI {auc[1]:.2f} to {auc[2]:.2f})."
        if auc
        else ""
    )
    if explanation.not_estimable:
        return f"Clinical model: not estimable ({explanation.not_estimable}).{validation}"
    spread = (
        ""
        if round(explanation.range_low * 100) == round(explanation.range_high * 100)
        else f", {explanation.range_low:.0%} to {explanation.range_high:.0%} had the missing inputs been measured"
    )
    return f"Clinical model: {explanation.probability:.0%}{spread}.{validation}"


def _transcriptome_line(row: pd.Series, model: SignatureModel) -> str:
    table = model.card.get("validation", {}).get("table", [])
    aucs = [r["ICI Lens transcriptome model"][0] for r in table if r.get("ICI Lens transcriptome model")]
    validation = (
        f" Validated leaving one cohort out: mean ROC AUC {np.mean(aucs):.2f} over {len(aucs)} cohorts; a ranking, "
        "not a chance."
        if aucs
        else ""
    )
    if pd.isna(row.get(PROBABILITY)):
        return f"Tumour transcriptome: not estimable ({row.get(REASON) or 'no expression sample'}).{validation}"
    standing = mean_percentile(row, model)
    spread = (
        ""
        if round(row[LOW] * 100) == round(row[HIGH] * 100)
        else f", {row[LOW]:.0%} to {row[HIGH]:.0%} had the missing signatures been measured"
    )
    group = "treated reference patients" if where_percentiles(row) == "the reference cohorts" else "this upload"
    return (
        f"Tumour transcriptome: {row[PROBABILITY]:.0%}{spread}; its signatures, on average, at the "
        f"{ordinal(round(standing * 100))} percentile of {group}.{validation}"
    )


def read_patient(explanation, card: dict, row: pd.Series | None, model: SignatureModel) -> Reading | None:
    """Return the patient's one reading where the patient has both predictions' inputs, else None.

    Each model is placed against its own average patient: the clinical model's training response rate, and
    for the transcriptome a patient at the middle of every signature (its base probability). They agree when both
    place the patient on the same side; otherwise the verdict names each side's largest measured driver and what
    would settle it.
    """
    if row is None:
        return None
    clinical, transcriptome = _clinical_line(explanation, card), _transcriptome_line(row, model)
    rate = card.get("training", {}).get("response_rate")
    has_rna = not pd.isna(row.get(PROBABILITY))
    if explanation.not_estimable and not has_rna:
        verdict = "Neither prediction is estimable for this patient: no reading can be given."
    elif explanation.not_estimable:
        missing = ", ".join(FIELD_BY_NAME[f].label for f in explanation.missing[:4])
        verdict = (
            "Only the transcriptome reading stands: the clinical inputs cannot carry a number. Measuring "
            f"{missing} would let the two be compared."
        )
    elif not has_rna or rate is None:
        verdict = "Only the clinical reading stands for this patient."
    else:
        base = base_probability(model)
        clinical_high = explanation.probability >= rate
        rna_high = row[PROBABILITY] >= base
        side = "above" if clinical_high else "below"
        if clinical_high == rna_high:
            verdict = (
                f"The two agree: both place this patient {side} their average patient (the clinical model's is "
                f"{rate:.0%}; the transcriptome's, a patient at the middle of every signature, {base:.0%})."
            )
        else:
            drivers = [d for d in explanation.drivers if "missing" not in d.lower()]
            rna = describe_transcriptome_drivers(row, model, top=1)
            other = "below" if clinical_high else "above"
            missing = ", ".join(FIELD_BY_NAME[f].label for f in explanation.missing[:3])
            settle = (
                f" Measuring {missing} would narrow the clinical side."
                if missing
                else " Both are measured in full: the tumour board weighs them."
            )
            verdict = (
                f"The two disagree: the clinical model places this patient {side} its average ({rate:.0%}), the "
                f"tumour's RNA {other} its average ({base:.0%}, a patient at the middle of every signature). "
                "Clinical side: "
                f"{_sentence(drivers[0]) if drivers else 'no single driver.'} Transcriptome side: "
                f"{_sentence(rna[0]) if rna else 'no single signature.'}{settle}"
            )
    return Reading(clinical, transcriptome, verdict)


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."
