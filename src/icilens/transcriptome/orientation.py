"""Genes and samples told apart in a table: which axis holds genes, which column names them, which are samples.

Decided from the content: the labels that are known genes (symbols, Ensembl or Entrez ids), on either axis,
after the annotation columns tools write beside the samples are set aside by their headers. Tables of one
sample each (salmon, RSEM, kallisto) are joined side by side, each sample named by its file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from icilens.intake.errors import IntakeError
from icilens.intake.findings import INFO, WARNING, Findings
from icilens.transcriptome.annotation import (
    SUMMARY_ROW,
    clean_sample_name,
    find_annotation,
    sample_name_of_file,
)
from icilens.transcriptome.expression_files import ExpressionTable
from icilens.transcriptome.genes import count_gene_like
from icilens.vocabulary import FindingCode

MIN_GENES_RECOGNISED = 2
MIN_ENTREZ_ROWS = 100  # a few small whole numbers match Entrez ids by chance; a column of ids is long
ENSEMBL_TRANSCRIPT = re.compile(r"^ENST\d{11}", re.IGNORECASE)
ENSEMBL_GENE_FIELD = re.compile(r"ENSG\d{11}(?:\.\d+)?")


@dataclass(frozen=True)
class Matrix:
    """Numeric values, genes x samples, indexed by the file's gene labels; gene lengths when the file has them."""

    values: pd.DataFrame
    orientation: str
    label_column: str
    lengths: pd.Series | None = None
    sample_names: dict[str, list[str]] = field(default_factory=dict)


def _numeric(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column, errors="coerce")


def _numbers(frame: pd.DataFrame, columns: list) -> pd.DataFrame:
    """Return the columns as floats, converting only those not already numeric (no copy of a float matrix)."""
    values = frame[columns]
    text = [c for c in columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if text:
        values = values.copy()
        for column in text:
            values[column] = _numeric(frame[column])
    return values


def _entrez_column(column: pd.Series) -> bool:
    """Return whether a column of whole, distinct numbers is Entrez gene ids rather than a sample's values or
    gene lengths (which repeat, and are whole numbers too)."""
    numbers = _numeric(column).dropna()
    if (
        len(numbers) < MIN_ENTREZ_ROWS
        or not (numbers == numbers.round()).all()
        or numbers.nunique() < 0.99 * len(numbers)
    ):
        return False
    return count_gene_like(pd.Index(numbers.astype("int64").astype(str))) >= max(
        MIN_GENES_RECOGNISED, 0.8 * len(numbers)
    )


def orient(table: ExpressionTable, findings: Findings) -> Matrix:
    """Return the table's values as genes x samples, deciding the orientation from its labels."""
    frame, name = table.frame, table.name
    if frame.empty or frame.shape[1] < 2:
        raise IntakeError(f"{name} has no table of numbers under a header. Export genes and samples as a table.")
    annotation = find_annotation(frame)
    if annotation.set_aside:
        findings.add(
            None,
            ", ".join(map(str, annotation.set_aside[:8])),
            "",
            f"{name}: {len(annotation.set_aside)} column(s) describe genes, not samples: "
            f"{', '.join(map(str, annotation.set_aside[:8]))}",
            "Set aside" + (f"; gene lengths read from {annotation.lengths}" if annotation.lengths else ""),
            INFO,
            FindingCode.ANNOTATION_SET_ASIDE,
        )
    text_share = {
        c: 0.0 if pd.api.types.is_numeric_dtype(frame[c]) else (frame[c].notna() & _numeric(frame[c]).isna()).mean()
        for c in annotation.samples
    }
    first = annotation.samples[:1]  # an unnamed column of Entrez ids comes first, where gene labels go
    text = [c for c in annotation.samples if text_share[c] >= 0.5 or (c in first and _entrez_column(frame[c]))]
    numbers = [c for c in annotation.samples if c not in text]
    _report_unreadable(frame, numbers, findings)
    candidates = [*annotation.identifiers, *text]
    row_hits = {c: count_gene_like(pd.Index(_labels(frame[c]))) for c in candidates}
    best = max(row_hits, key=lambda c: row_hits[c], default=None)
    rows_score = row_hits.get(best, 0) if best is not None else 0
    columns_score = count_gene_like(pd.Index([str(c) for c in numbers]))
    if max(rows_score, columns_score) < MIN_GENES_RECOGNISED:
        return _refuse_unrecognised(frame, candidates, name)
    if rows_score >= columns_score and best is not None:
        return _genes_as_rows(table, annotation, numbers, best, findings)
    if not numbers:
        raise IntakeError(f"{name} has no column of numbers. Export genes and samples as a table of values.")
    sample_column = text[0] if text else None
    values = _numbers(frame, numbers).T
    values.index = pd.Index([str(c).strip() for c in numbers])
    values.columns = (
        frame[sample_column].astype(str).str.strip().to_numpy()
        if sample_column
        else [f"row {i + 2}" for i in range(len(frame))]
    )
    return Matrix(values, "genes as columns (samples as rows), turned", "header row")


def _labels(column: pd.Series) -> pd.Series:
    numbers = _numeric(column)
    if numbers.notna().all() and (numbers == numbers.round()).all():
        return numbers.astype("int64").astype(str)
    return column.astype(str).str.strip()


def _genes_as_rows(table: ExpressionTable, annotation, numbers: list, label: str, findings: Findings) -> Matrix:
    frame, name = table.frame, table.name
    if not numbers:
        raise IntakeError(f"{name} has gene labels but no column of numbers. Export one column per sample.")
    values = _numbers(frame, numbers)
    labels, per_transcript = _transcripts_to_genes(_labels(frame[label]), name, findings)
    values.index = pd.Index(labels.to_numpy())
    lengths = _numeric(frame[annotation.lengths]).set_axis(values.index) if annotation.lengths else None
    if annotation.single_sample:
        sample = sample_name_of_file(name)
        values.columns = [sample]
        findings.add(
            None,
            str(annotation.single_sample),
            "",
            f"{name}: one sample's output; its TPM column is read as sample {sample}",
            "",
            INFO,
            FindingCode.EXPRESSION_READ,
        )
    else:
        values.columns = _sample_names(numbers, name, findings)
    if per_transcript:  # a gene's TPM is the sum of its transcripts' TPM
        values = values.groupby(level=0, sort=False).sum(min_count=1)
        lengths = None
    values, lengths = _drop_summary_rows(values, lengths, name, findings)
    sample_names = {clean_sample_name(k): v for k, v in table.sample_names.items()}
    return Matrix(values, "genes as rows", str(label), lengths, sample_names)


def _transcripts_to_genes(labels: pd.Series, name: str, findings: Findings) -> tuple[pd.Series, bool]:
    """Return gene labels: transcripts written with their gene (GENCODE's 'ENST...|ENSG...|...') become the gene;
    bare transcript ids are refused, since no transcript-to-gene table is bundled."""
    transcripts = labels.str.match(ENSEMBL_TRANSCRIPT.pattern, case=False)
    if transcripts.mean() <= 0.5:
        return labels, False
    genes = labels.str.extract(f"({ENSEMBL_GENE_FIELD.pattern})", expand=False)
    if genes.isna().mean() > 0.5:
        raise IntakeError(
            f"{name} is quantified per transcript (ENST ids) without the gene of each transcript. Summarise to "
            "genes first (tximport, salmon's quant.genes.sf, RSEM's genes.results) and upload that."
        )
    findings.add(
        None,
        "",
        "",
        f"{name}: transcripts read with their gene, and summed per gene",
        "",
        INFO,
        FindingCode.EXPRESSION_READ,
    )
    return genes.fillna(labels).astype(str), True


def _sample_names(numbers: list, name: str, findings: Findings) -> list[str]:
    cleaned = [clean_sample_name(c) for c in numbers]
    changed = [(str(a), b) for a, b in zip(numbers, cleaned, strict=True) if str(a).strip() != b]
    if changed:
        findings.add(
            None,
            changed[0][0],
            changed[0][1],
            f"{name}: {len(changed)} sample name(s) are file paths; directories and alignment suffixes (.bam, "
            f".sorted.bam) set aside, such as {changed[0][0]} read as {changed[0][1]}",
            "Check the sample names",
            INFO,
            FindingCode.EXPRESSION_READ,
        )
    return cleaned


def _drop_summary_rows(values: pd.DataFrame, lengths, name: str, findings: Findings):
    summary = values.index.astype(str).str.match(SUMMARY_ROW.pattern)
    if not summary.any():
        return values, lengths
    findings.add(
        None,
        "",
        ", ".join(values.index[summary][:5].astype(str)),
        f"{name}: {int(summary.sum())} row(s) count reads no gene received (HTSeq's __no_feature, STAR's N_unmapped)",
        "Set aside; they are not a gene's expression",
        INFO,
        FindingCode.ANNOTATION_SET_ASIDE,
    )
    return values[~summary], (lengths[~summary] if lengths is not None else None)


def _refuse_unrecognised(frame: pd.DataFrame, candidates: list, name: str) -> Matrix:
    for column in candidates:
        _transcripts_to_genes(frame[column].astype(str), name, Findings())  # refuses bare transcript ids
    shown = ", ".join(str(c) for c in frame.columns[:4])
    raise IntakeError(
        f"{name}: no gene identifiers recognised in its rows or its columns (looked for gene symbols, Ensembl and "
        f"Entrez ids of every human gene; its first columns are {shown}). Check that the file is an expression "
        "matrix with gene ids in the first column or the header row."
    )


def _report_unreadable(frame: pd.DataFrame, numbers: list, findings: Findings) -> None:
    """Name, per column of numbers, the cells that are not numbers (read as missing)."""
    for column in numbers:
        cells = frame[column]
        if pd.api.types.is_numeric_dtype(cells):
            continue
        unreadable = cells.notna() & _numeric(cells).isna()
        if unreadable.sum() > 0:
            first = cells[unreadable].iloc[0]
            findings.add(
                None,
                str(column),
                first,
                f"{int(unreadable.sum())} cell(s) are not numbers, such as {first!r}",
                "Read as missing",
                WARNING,
                FindingCode.CELL_UNREADABLE,
            )


def join_samples(matrices: list[Matrix], name: str, findings: Findings) -> Matrix:
    """Return one matrix of several, samples side by side by gene label (one file per sample, as tools write)."""
    if len(matrices) == 1:
        return matrices[0]
    kinds = {m.orientation for m in matrices}
    if kinds != {"genes as rows"}:
        raise IntakeError(f"{name}: several files are joined only when each has genes as rows. Upload one matrix.")
    values = pd.concat([m.values[~m.values.index.duplicated()] for m in matrices], axis=1, join="outer")
    repeated = values.columns[values.columns.duplicated()].unique()
    if len(repeated):
        raise IntakeError(
            f"{name}: sample names repeat across files ({', '.join(map(str, repeated[:5]))}). Name each sample's "
            "file or folder by its sample."
        )
    findings.add(
        None,
        "",
        "",
        f"{name}: {len(matrices)} files joined into one matrix of {values.shape[1]} samples, each named by its file",
        "",
        INFO,
        FindingCode.EXPRESSION_READ,
    )
    names = {k: v for m in matrices for k, v in m.sample_names.items()}
    return Matrix(values, "genes as rows", matrices[0].label_column, None, names)
