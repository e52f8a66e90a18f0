"""A cohort's transcriptome predictions: expression samples linked to patients, described, ranked and scored.

Each signature is placed against the pooled reference cohorts, a fixed scale, so a patient's number depends on
that patient's sample alone, not on who else was uploaded. Per-gene z-scores and targeted panels are the
exceptions: relative by nature or in the panel's own unit, they are ranked within the upload (MIN_COHORT_SAMPLES
or more), and the table says so (`transcriptome_percentiles`). A patient without a linked sample, or with fewer than three signatures measured,
gets no transcriptome prediction and a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from icilens.intake.findings import INFO, WARNING, Findings
from icilens.transcriptome.catalogue import percentile_column, select_descriptors
from icilens.transcriptome.descriptors import compute_descriptors, describe_descriptor
from icilens.transcriptome.expression import ExpressionIntake
from icilens.transcriptome.linking import SampleLinks, link_samples
from icilens.transcriptome.reference_cohorts import rank_against_reference, rank_within_cohort
from icilens.transcriptome.signature_model import (
    MIN_SIGNATURES,
    SignatureModel,
    explain_response,
    fit_signature_model,
    load_signature_model,
    predict_response,
)
from icilens.transcriptome.signatures import MIN_COHORT_SAMPLES
from icilens.vocabulary import Column, FindingCode

PROBABILITY = Column.TRANSCRIPTOME_PROBABILITY
LOW = Column.TRANSCRIPTOME_RANGE_LOW
HIGH = Column.TRANSCRIPTOME_RANGE_HIGH
PERCENTILES = "transcriptome_percentiles"
SAMPLE = "expression_sample"
REASON = "transcriptome_missing_reason"
WITHIN = "within this upload"
AGAINST_REFERENCE = "against the reference cohorts"


def descriptor_column(name: str) -> str:
    """Return the prediction table's column for a descriptor: 'descriptor_gep', 'descriptor_fraction_t_cells_cd8'."""
    return "descriptor_" + name.removeprefix("signature_").lower().replace(".", "_")


def shap_transcriptome_column(signature: str) -> str:
    """Return the prediction table's column for a signature's share of the transcriptome log-odds."""
    return "shap_transcriptome_" + signature.removeprefix("signature_")


@dataclass(frozen=True)
class TranscriptomePredictions:
    """Per patient (or per sample without a cohort): prediction, range, descriptors; and what linking found."""

    table: pd.DataFrame
    findings: pd.DataFrame
    links: SampleLinks | None
    percentiles: str


def predict_transcriptome(
    intake: ExpressionIntake,
    patient_ids: pd.Series | None = None,
    id_columns: dict[str, pd.Series] | None = None,
    model: SignatureModel | None = None,
) -> TranscriptomePredictions:
    """Return the transcriptome predictions of the expression's samples, one row per patient of the cohort
    (patient_ids, in order) or, without a cohort, one row per sample."""
    model = model or load_signature_model()
    findings = Findings()
    links = None
    if patient_ids is not None:
        links = link_samples(intake.samples, patient_ids, id_columns, intake.sample_names)
        _report_links(links, intake.name, findings)
        order = [links.patient_of[s] for s in intake.samples.astype(str) if s in links.patient_of]
        samples = [s for s in intake.samples.astype(str) if s in links.patient_of]
    else:
        samples = list(intake.samples.astype(str))
        order = samples
    if not samples:
        empty = pd.DataFrame({"patient_id": patient_ids.astype(str) if patient_ids is not None else []})
        return TranscriptomePredictions(
            empty.assign(**{PROBABILITY: np.nan, REASON: "no expression sample"}), findings.frame(), links, ""
        )
    tpm = intake.tpm.loc[:, samples]
    descriptors = compute_descriptors(tpm, intake.genes_measured.reindex(samples), intake.relative)
    values = descriptors.values[select_descriptors(in_candidates=True)]
    within = intake.ranks_within_upload
    ranks = rank_within_cohort(values) if within else rank_against_reference(values)
    if within and len(samples) < MIN_COHORT_SAMPLES:
        kind = "z-scores" if intake.relative else "a targeted panel's signatures"
        findings.add(
            None,
            "",
            "",
            f"{kind} rank only within the upload, which needs {MIN_COHORT_SAMPLES} samples; got {len(samples)}",
            "No transcriptome prediction; upload whole-transcriptome TPM or counts, or more samples",
            WARNING,
            FindingCode.DESCRIPTOR_MISSING,
        )
    ranked = ranks.add_prefix("rank_")
    predicted = predict_response(model, ranked)
    shares = explain_response(model, ranked)
    rows = pd.DataFrame(
        {
            "patient_id": order,
            SAMPLE: samples,
            PROBABILITY: predicted["probability"].to_numpy(),
            LOW: predicted["low"].to_numpy(),
            HIGH: predicted["high"].to_numpy(),
            PERCENTILES: WITHIN if within else AGAINST_REFERENCE,
            REASON: [
                _reason(n, r)
                for n, r in zip(predicted["signatures_measured"], descriptors.reasons.to_dict("records"), strict=True)
            ],
        }
    )
    rows["transcriptome_log_odds"] = np.log(rows[PROBABILITY] / (1 - rows[PROBABILITY]))
    rows["shap_transcriptome_base"] = np.where(rows[PROBABILITY].notna(), model.intercept, np.nan)
    rows = pd.concat(
        [
            rows,
            descriptors.values.rename(columns=descriptor_column).reset_index(drop=True),
            ranks.rename(columns=percentile_column).reset_index(drop=True),
            shares.rename(columns=shap_transcriptome_column).reset_index(drop=True),
        ],
        axis=1,
    )
    _report_reasons(descriptors.reasons, findings)
    if patient_ids is not None:
        rows = pd.DataFrame({"patient_id": patient_ids.astype(str).to_numpy()}).merge(rows, on="patient_id", how="left")
        rows[REASON] = rows[REASON].fillna("no expression sample linked to this patient")
    return TranscriptomePredictions(rows, findings.frame(), links, WITHIN if within else AGAINST_REFERENCE)


def predict_for_cohort(
    intake: ExpressionIntake, result, model: SignatureModel | None = None
) -> TranscriptomePredictions:
    """Return the transcriptome predictions of a cohort's intake result (icilens.intake.IntakeResult): samples
    linked by patient id or by whichever of the file's columns holds the sample ids."""
    ids = result.frame["patient_id"].astype(str).reset_index(drop=True)
    return predict_transcriptome(intake, ids, id_columns_of(result), model)


def id_columns_of(result) -> dict[str, pd.Series]:
    """Return every source column of a cohort's file as text, row by row with its patients (where sample ids
    or a mapping column may be); patients entered by hand have none."""
    table = getattr(result, "table", None)
    if table is None or table.cells.empty:
        return {}
    cells = table.cells.set_axis(table.source_rows.to_numpy())
    rows = result.source_rows.to_numpy()
    return {str(c): cells[c].reindex(rows).fillna("").astype(str).reset_index(drop=True) for c in cells.columns}


def _reason(measured: int, reasons: dict[str, str]) -> str:
    if measured >= MIN_SIGNATURES:
        return ""
    missing = [
        f"{name.removeprefix('signature_')}: {why}"
        for name, why in reasons.items()
        if why and name.startswith("signature_")
    ]
    total = len(select_descriptors(in_model=True))
    return f"only {measured} of {total} signatures measured ({MIN_SIGNATURES} needed); " + "; ".join(missing[:3])


def _report_links(links: SampleLinks, name: str, findings: Findings) -> None:
    findings.add(
        None,
        "",
        "",
        f"{name}: {len(links.patient_of)} samples linked to patients by {links.by}",
        "",
        INFO,
        FindingCode.EXPRESSION_READ,
    )
    if links.by_other_name:
        findings.add(
            None,
            "",
            "",
            f"{links.by_other_name} samples linked through the names the file gives them (GEO's sample "
            "titles, accessions or characteristics)",
            "Check a few of them",
            INFO,
            FindingCode.EXPRESSION_READ,
        )
    if links.by_prefix:
        findings.add(
            None,
            "",
            "",
            f"{links.by_prefix} samples linked by the patient id their name starts with, before a "
            "sample suffix (as TCGA barcodes such as TCGA-AB-1234-01A)",
            "Check a few of them",
            INFO,
            FindingCode.EXPRESSION_READ,
        )
    if links.loosely:
        findings.add(
            None,
            "",
            "",
            f"{links.loosely} samples matched only when case, spaces and punctuation were set aside",
            "Check a few of them",
            INFO,
            FindingCode.EXPRESSION_READ,
        )
    for sample in links.unlinked_samples:
        findings.add(
            None,
            sample,
            sample,
            "this sample matches no patient of the cohort",
            "Not used; check its id",
            WARNING,
            FindingCode.SAMPLE_UNLINKED,
        )
    for patient, extra in links.repeated.items():
        findings.add(
            None,
            extra[0],
            ", ".join(extra),
            f"patient {patient} has more than one sample",
            "The first sample is used",
            WARNING,
            FindingCode.SAMPLE_UNLINKED,
        )
    if links.patients_without:
        shown = ", ".join(links.patients_without[:10]) + (" ..." if len(links.patients_without) > 10 else "")
        findings.add(
            None,
            "",
            shown,
            f"{len(links.patients_without)} patients have no expression sample",
            "Their transcriptome prediction is left empty",
            INFO,
            FindingCode.NO_EXPRESSION,
        )


def _report_reasons(reasons: pd.DataFrame, findings: Findings) -> None:
    for column in reasons.columns:
        why = reasons[column][reasons[column] != ""]
        if len(why):
            findings.add(
                None,
                column,
                "",
                f"{describe_descriptor(column)} left missing for {len(why)} sample{'' if len(why) == 1 else 's'}: "
                f"{why.iloc[0]}",
                "Not computed on too few genes",
                INFO,
                FindingCode.DESCRIPTOR_MISSING,
            )


def add_transcriptome_columns(
    predictions: pd.DataFrame, transcriptome: pd.DataFrame, explain: bool = False
) -> pd.DataFrame:
    """Return the clinical prediction table with the transcriptome's columns beside it, patient by patient:
    probability, range, how percentiles were taken, the sample, the reason when missing, one column per
    descriptor and, with explain, each signature's percentile and share of the log-odds."""
    keep = [
        c
        for c in transcriptome.columns
        if c != "patient_id" and (explain or not c.startswith(("percentile_", "shap_")))
    ]
    right = transcriptome.drop_duplicates("patient_id").set_index("patient_id")[keep]
    return predictions.join(right, on="patient_id")


def summarise_transcriptome(intake: ExpressionIntake, predictions: TranscriptomePredictions) -> dict:
    """Return the expression intake and its link to the cohort as plain data (for JSON): format decisions,
    samples, linking, how percentiles were taken, each descriptor's share of patients computed, findings."""
    table = predictions.table
    descriptors = [c for c in table.columns if c.startswith("descriptor_")]
    links = predictions.links
    findings = pd.concat([intake.findings, predictions.findings], ignore_index=True)
    return {
        "file": intake.name,
        "orientation": intake.orientation,
        "gene_ids": intake.gene_kind,
        "scale": intake.scale.kind,
        "scale_evidence": intake.scale.evidence,
        "samples": len(intake.samples),
        "genes_measured_median": int(intake.genes_measured.median()),
        "linked_by": links.by if links else None,
        "samples_linked": len(links.patient_of) if links else None,
        "unlinked_samples": links.unlinked_samples if links else [],
        "patients_without_expression": links.patients_without if links else [],
        "percentiles": predictions.percentiles,
        "with_prediction": int(table[PROBABILITY].notna().sum()),
        "descriptor_computed_share": {
            c.removeprefix("descriptor_"): round(float(table[c].notna().mean()), 3) for c in descriptors
        },
        "findings": findings.astype(object).where(findings.notna(), None).to_dict("records"),
    }


def train_on_cohort(
    predictions: TranscriptomePredictions, responses: pd.Series, cohort_name: str, model: SignatureModel | None = None
) -> SignatureModel:
    """Return the transcriptome model (the bundled one unless given) refitted on one's own cohort: the same five
    signatures' percentiles with the same weights, calibrated to the cohort's RECIST responses (responses: 1, 0 or
    missing, row by row with the table)."""
    weights = (model or load_signature_model()).weights
    table = predictions.table.reset_index(drop=True)
    labelled = table.assign(response=responses.reset_index(drop=True).to_numpy())
    labelled = labelled[labelled["response"].notna() & labelled[PROBABILITY].notna()]
    ranked = labelled.rename(
        columns=lambda c: "rank_signature_" + c.removeprefix("percentile_") if c.startswith("percentile_") else c
    )
    y = ranked["response"].to_numpy(dtype=int)
    card = {
        "name": f"Transcriptome model refitted on {cohort_name}",
        "training": {"patients": len(ranked), "responders": int(y.sum()), "cohort": cohort_name},
        "validation": {"design": "none: fitted and judged on the same patients; validate it on another cohort"},
    }
    return fit_signature_model(ranked, card, weights)
