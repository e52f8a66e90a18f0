"""Expression intake: from uploaded files to TPM of the descriptor genes, with every decision reported.

Stages, each adding findings: read the files (`expression_files`), set aside annotation columns
(`annotation`), orient genes and samples (`orientation`), leave out damaged samples (`damage`), map gene ids
(`genes`), decide the scale (`scale`) and bring it to TPM. What is kept is bounded: the genes a descriptor
reads, plus one row holding the rest of each sample's total (quanTIseq divides by the total over every gene).
Per-gene z-scores are kept as they are, marked relative: their signatures rank within the upload only. So are a
targeted panel's (NanoString and the like): its values are in the panel's own unit, not on the reference cohorts'.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from icilens.intake.errors import IntakeError
from icilens.intake.findings import INFO, WARNING, Findings
from icilens.transcriptome.damage import MILLION, leave_out_damaged
from icilens.transcriptome.expression_files import read_tables
from icilens.transcriptome.genes import describe_mangled, descriptor_genes, map_gene_ids
from icilens.transcriptome.orientation import Matrix, join_samples, orient
from icilens.transcriptome.scale import (
    COUNTS,
    FPKM,
    MIN_TRANSCRIPTOME_GENES,
    TPM,
    ZSCORE,
    Scale,
    ScaleError,
    decide_scale,
    to_tpm,
)
from icilens.transcriptome.signatures import MIN_COHORT_SAMPLES
from icilens.vocabulary import FindingCode

OTHER_GENES = "(all other genes)"


@dataclass(frozen=True)
class ExpressionIntake:
    """An expression matrix as read: TPM of descriptor genes x samples, and what reading it found."""

    tpm: pd.DataFrame  # descriptor genes (HGNC symbols) + OTHER_GENES x samples; z-scores when relative
    genes_measured: pd.Series  # per sample: genes with a value, over the whole file
    findings: pd.DataFrame
    name: str
    orientation: str  # "genes as rows" or "genes as columns"
    gene_kind: str
    scale: Scale
    sample_names: dict[str, list[str]] = field(default_factory=dict)  # sample -> other names (GEO titles ...)

    @property
    def samples(self) -> pd.Index:
        """Return the samples kept (empty and damaged ones left out)."""
        return self.tpm.columns

    @property
    def relative(self) -> bool:
        """Return whether the values are per-gene z-scores, relative to the uploaded samples."""
        return self.scale.kind == ZSCORE

    @property
    def panel(self) -> bool:
        """Return whether the file is a targeted panel (fewer than MIN_TRANSCRIPTOME_GENES genes measured)."""
        return len(self.genes_measured) > 0 and int(self.genes_measured.max()) < MIN_TRANSCRIPTOME_GENES

    @property
    def ranks_within_upload(self) -> bool:
        """Return whether the signatures can only be ranked within this upload: z-scores or a targeted panel,
        whose values are not on the reference cohorts' whole-transcriptome scale."""
        return self.relative or self.panel


def read_expression(data: bytes, name: str = "expression") -> ExpressionIntake:
    """Return the expression intake of a file given as bytes; raise IntakeError with the reason when unusable."""
    return read_expression_files([(name, data)])


def read_expression_files(files: list[tuple[str, bytes]]) -> ExpressionIntake:
    """Return one expression intake of several files (one sample each, as salmon, RSEM or kallisto write them,
    or matrices), samples side by side; raise IntakeError with the reason when unusable."""
    if not files:
        raise IntakeError("no expression file was given. Upload a matrix or one file per sample.")
    findings = Findings()
    tables = [table for name, data in files for table in read_tables(data, name, findings)]
    name = files[0][0] if len(files) == 1 else f"{len(files)} files"
    matrix = join_samples([orient(table, findings) for table in tables], name, findings)
    values = leave_out_damaged(matrix.values, findings)
    values = _drop_empty_samples(values, findings)
    mapping = map_gene_ids(values.index)
    _report_genes(mapping, matrix.label_column, findings)
    try:
        scale = decide_scale(values)
        if scale.kind == ZSCORE:
            return _relative(values, mapping, matrix, findings, name, scale)
        if scale.kind in (TPM, FPKM):
            values = leave_out_damaged(values, findings, MILLION * 1.001, unit=" (a TPM above a million)")
            if values.shape[1] == 0:
                raise IntakeError(
                    f"{name}: every sample holds a TPM above a million, which no gene can have. Check the export."
                )
        tpm_all = to_tpm(values, scale, matrix.lengths)
    except ScaleError as refusal:
        raise IntakeError(f"{name}: {refusal}") from None
    if matrix.lengths is not None and scale.kind == COUNTS:
        scale = replace(scale, kind=TPM, evidence=f"{scale.evidence}; made TPM through the file's gene lengths")
    _report_scale(scale, findings, matrix.lengths is not None)
    measured = pd.Series(np.isfinite(values.to_numpy(dtype="float64", copy=False)).sum(axis=0), index=values.columns)
    _report_panel(int(measured.max()), findings)
    del values  # the TPM copy is all that is needed from here
    tpm = _keep_descriptor_genes(tpm_all, mapping.symbols, findings)
    return ExpressionIntake(
        tpm, measured[tpm.columns], findings.frame(), name, matrix.orientation, mapping.kind, scale, matrix.sample_names
    )


def _keep_descriptor_genes(tpm_all: pd.DataFrame, symbols: pd.Series, findings: Findings) -> pd.DataFrame:
    wanted = symbols.isin(descriptor_genes()).to_numpy()
    kept = tpm_all[wanted]
    kept.index = symbols[wanted].to_numpy()
    kept = _resolve_repeats(kept, findings)
    other = pd.Series(np.nansum(tpm_all.to_numpy(), axis=0), index=tpm_all.columns) - kept.sum()
    return pd.concat([kept, other.to_frame(OTHER_GENES).T])


def _relative(values, mapping, matrix: Matrix, findings: Findings, name: str, scale: Scale) -> ExpressionIntake:
    """Return the intake of per-gene z-scores: kept as they are, their signatures relative to this upload."""
    findings.add(
        None,
        "",
        "",
        f"values read as {scale.kind}: {scale.evidence}",
        "Signatures are the mean z-score of their genes, ranked within this upload only; cell fractions need "
        "expression levels and are left out",
        WARNING,
        FindingCode.SCALE_DECIDED,
    )
    wanted = mapping.symbols.isin(descriptor_genes()).to_numpy()
    kept = values[wanted]
    kept.index = mapping.symbols[wanted].to_numpy()
    kept = _resolve_repeats(kept, findings)
    measured = pd.Series(np.isfinite(values.to_numpy(dtype="float64")).sum(axis=0), index=values.columns)
    return ExpressionIntake(
        kept, measured, findings.frame(), name, matrix.orientation, mapping.kind, scale, matrix.sample_names
    )


def _drop_empty_samples(values: pd.DataFrame, findings: Findings) -> pd.DataFrame:
    missing = values.columns[values.isna().all().to_numpy()]
    zeros = values.columns[((values.fillna(0) == 0).all() & values.notna().any()).to_numpy()]
    for sample in missing:
        findings.add(
            None,
            str(sample),
            "",
            "every value of this sample is missing",
            "Left out; check the export",
            WARNING,
            FindingCode.SAMPLE_EMPTY,
        )
    for sample in zeros:
        findings.add(
            None,
            str(sample),
            "0",
            "every value of this sample is 0",
            "Left out; check the sample's sequencing",
            WARNING,
            FindingCode.SAMPLE_EMPTY,
        )
    kept = values.drop(columns=[*missing, *zeros])
    if kept.shape[1] == 0:
        raise IntakeError(
            "no sample has a usable value: every sample is empty, all zeros or damaged (see the findings). "
            "Check the export."
        )
    repeated = kept.columns[kept.columns.duplicated()]
    if len(repeated):
        raise IntakeError(
            f"sample names repeat: {', '.join(map(str, repeated.unique()[:5]))}. Give each sample its own name."
        )
    return kept


def _report_genes(mapping, labels_column: str, findings: Findings) -> None:
    kept = int(mapping.symbols.notna().sum())
    version = " (versions set aside)" if mapping.versioned else ""
    findings.add(
        None,
        labels_column,
        "",
        f"genes named by {mapping.kind}{version}; {kept:,} of {len(mapping.symbols):,} labels are known genes",
        "",
        INFO,
        FindingCode.GENES_MAPPED,
    )
    shown = list(mapping.previous.items())
    if shown:
        examples = ", ".join(f"{label} as {symbol}" for label, symbol in shown[:5])
        findings.add(
            None,
            labels_column,
            ", ".join(label for label, _ in shown[:5]),
            f"{len(shown)} label(s) are previous or alias symbols of one gene each, such as {examples}",
            "Read as the current symbol",
            INFO,
            FindingCode.GENES_MAPPED,
        )
    if mapping.mangled:
        findings.add(
            None,
            labels_column,
            ", ".join(mapping.mangled[:6]),
            describe_mangled(mapping.mangled),
            "Not used. Re-export from the source, not through Excel, or format the column as text first",
            WARNING,
            FindingCode.GENES_MANGLED,
        )


def _report_scale(scale: Scale, findings: Findings, lengths: bool) -> None:
    findings.add(
        None,
        "",
        "",
        f"values read as {scale.kind}: {scale.evidence}",
        "Check the scale",
        INFO,
        FindingCode.SCALE_DECIDED,
    )
    if scale.kind == COUNTS and not lengths:
        findings.add(
            None,
            "",
            "",
            "raw counts have no gene lengths: counts per million are used in place of TPM",
            "Signatures move little; upload TPM, or counts with a gene-length column, for exact values",
            WARNING,
            FindingCode.SCALE_DECIDED,
        )


def _report_panel(genes: int, findings: Findings) -> None:
    if genes >= MIN_TRANSCRIPTOME_GENES:
        return
    findings.add(
        None,
        "",
        "",
        f"{genes:,} genes measured: a targeted panel (NanoString or the like), not a whole transcriptome "
        f"({MIN_TRANSCRIPTOME_GENES:,} genes or more). Its values are in the panel's own unit, not on the reference "
        "cohorts' scale, whatever the numbers look like",
        f"Signatures are ranked within this upload only ({MIN_COHORT_SAMPLES} samples or more); cell fractions are "
        "left out",
        WARNING,
        FindingCode.SCALE_DECIDED,
    )


def _resolve_repeats(kept: pd.DataFrame, findings: Findings) -> pd.DataFrame:
    """Keep, of rows naming one gene, the one with the highest mean (a probe or id that measured it best)."""
    repeated = kept.index[kept.index.duplicated()].unique()
    for gene in repeated:
        findings.add(
            None,
            "",
            gene,
            f"{gene} appears {int((kept.index == gene).sum())} times",
            "The row with the highest mean expression is kept",
            WARNING,
            FindingCode.GENES_REPEATED,
        )
    if len(repeated) == 0:
        return kept
    order = kept.mean(axis=1).to_numpy().argsort()[::-1]
    ranked = kept.iloc[order]
    return ranked[~ranked.index.duplicated(keep="first")]


def name_single_sample(intake: ExpressionIntake, sample: str) -> ExpressionIntake:
    """Return a one-sample intake with its sample renamed (to the patient it belongs to); refuses several samples."""
    if len(intake.samples) != 1:
        raise IntakeError(
            f"{intake.name} has {len(intake.samples)} samples; here it takes one patient's sample. Upload a whole "
            "cohort's matrix on the Cohort page instead."
        )
    if intake.ranks_within_upload:
        kind = "per-gene z-scores" if intake.relative else "a targeted panel, in the panel's own unit,"
        raise IntakeError(
            f"{intake.name} holds {kind} which mean something only ranked across many samples. Upload this "
            "patient's whole-transcriptome TPM or counts, or the whole cohort's file on the Cohort page."
        )
    return replace(
        intake, tpm=intake.tpm.set_axis([sample], axis=1), genes_measured=intake.genes_measured.set_axis([sample])
    )


def combine_expression(first: ExpressionIntake | None, second: ExpressionIntake) -> ExpressionIntake:
    """Return both intakes as one (the second's samples replace the first's of the same name), for patients
    whose samples arrive one by one; genes measured in only one of them are missing in the other's samples."""
    if first is None:
        return second
    if first.ranks_within_upload or second.ranks_within_upload:
        raise IntakeError(
            "z-scores and targeted panels cannot be joined with other samples: each is ranked within its own upload."
        )
    kept = [s for s in first.samples if s not in set(second.samples)]
    tpm = pd.concat([first.tpm[kept], second.tpm], axis=1)
    measured = pd.concat([first.genes_measured[kept], second.genes_measured])
    findings = pd.concat([first.findings, second.findings], ignore_index=True)
    name = f"{first.name} + {second.name}" if first.name != second.name else first.name
    scale = (
        second.scale
        if first.scale.kind == second.scale.kind
        else replace(second.scale, evidence="per sample, as uploaded")
    )
    return ExpressionIntake(
        tpm,
        measured,
        findings,
        name,
        second.orientation,
        second.gene_kind,
        scale,
        {**first.sample_names, **second.sample_names},
    )
