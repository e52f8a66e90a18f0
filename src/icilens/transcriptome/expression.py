"""Expression intake: from an uploaded matrix to TPM of the descriptor genes, with every decision reported.

Reads CSV, TSV, GEO series matrix tables, GCT, XLSX and Parquet; decides from the content whether genes are
rows or columns, which identifiers name them and which scale the values are on; names repeated genes,
Excel's dates, empty samples and values that cannot be. What is kept is bounded: the genes a descriptor reads,
plus one row holding the rest of each sample's total (quanTIseq divides by the total over every gene).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import os
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from icilens.intake.errors import IntakeError
from icilens.intake.findings import INFO, WARNING, Findings
from icilens.intake.limits import check_bytes, current_limits
from icilens.transcriptome.genes import count_gene_like, describe_mangled, map_gene_ids
from icilens.transcriptome.scale import COUNTS, Scale, ScaleError, decide_scale, to_tpm
from icilens.vocabulary import FindingCode

OTHER_GENES = "(all other genes)"
MAX_CELLS = 40_000_000  # ICILENS_MAX_EXPRESSION_CELLS: genes x samples read into memory (about 320 MB)
# A table this wide is neither samples (a cohort) nor genes (a transcriptome) as columns; pandas would build
# one object per column, so a crafted one-row file of millions of columns is refused before parsing.
MAX_COLUMNS = 100_000
MIN_GENES_RECOGNISED = 2
GEO_BEGIN, GEO_END = "!series_matrix_table_begin", "!series_matrix_table_end"


@dataclass(frozen=True)
class ExpressionIntake:
    """An expression matrix as read: TPM of descriptor genes x samples, and what reading it found."""

    tpm: pd.DataFrame  # descriptor genes (HGNC symbols) + OTHER_GENES x samples
    genes_measured: pd.Series  # per sample: genes with a value, over the whole file
    findings: pd.DataFrame
    name: str
    orientation: str  # "genes as rows" or "genes as columns"
    gene_kind: str
    scale: Scale

    @property
    def samples(self) -> pd.Index:
        """Return the samples kept (empty ones left out)."""
        return self.tpm.columns


def max_cells() -> int:
    """Return the largest genes x samples matrix intake reads (ICILENS_MAX_EXPRESSION_CELLS overrides)."""
    raw = os.environ.get("ICILENS_MAX_EXPRESSION_CELLS")
    return int(raw) if raw and raw.isdigit() else MAX_CELLS


def read_expression(data: bytes, name: str = "expression") -> ExpressionIntake:
    """Return the expression intake of a file given as bytes; raise IntakeError with the reason when unusable."""
    check_bytes(len(data), name)
    data = _gunzip(data, name)
    if not data.strip():
        raise IntakeError(f"{name} is empty. Export the expression matrix with gene ids and one column per sample.")
    findings = Findings()
    frame = _read_frame(data, name, findings)
    values, orientation, labels_column = _orient(frame, name)
    _report_unreadable(frame, findings)
    findings.add(
        None,
        "",
        "",
        f"{name}: {orientation}, read from the labels; {values.shape[1]:,} samples",
        "Check the orientation",
        INFO,
        FindingCode.EXPRESSION_READ,
    )
    values = _drop_empty_samples(values, findings)
    mapping = map_gene_ids(values.index)
    _report_genes(mapping, labels_column, findings)
    try:
        scale = decide_scale(values)
        tpm_all = to_tpm(values, scale)
    except ScaleError as refusal:
        raise IntakeError(f"{name}: {refusal}") from None
    _report_scale(scale, findings)
    measured = pd.Series(np.isfinite(values.to_numpy(dtype="float64", copy=False)).sum(axis=0), index=values.columns)
    del values  # the TPM copy is all that is needed from here
    kept = tpm_all[mapping.symbols.notna().to_numpy()]
    kept.index = mapping.symbols.dropna().to_numpy()
    kept = _resolve_repeats(kept, findings)
    other = pd.Series(np.nansum(tpm_all.to_numpy(), axis=0), index=tpm_all.columns) - kept.sum()
    tpm = pd.concat([kept, other.to_frame(OTHER_GENES).T])
    return ExpressionIntake(tpm, measured, findings.frame(), name, orientation, mapping.kind, scale)


def _gunzip(data: bytes, name: str) -> bytes:
    """Return the bytes of a gzip file unpacked, refusing one that unpacks past the byte limit."""
    if data[:2] != b"\x1f\x8b":
        return data
    limit = current_limits().max_unpacked_bytes
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as packed:
        try:
            unpacked = packed.read(limit + 1)
        except (OSError, EOFError) as exc:
            raise IntakeError(
                f"{name} is a damaged gzip file ({exc}). Compress it again or upload it unpacked."
            ) from None
    if len(unpacked) > limit:
        raise IntakeError(
            f"{name} unpacks to more than {limit:,} bytes (ICILENS_MAX_UNPACKED_BYTES). Split the samples."
        )
    return unpacked


def _read_frame(data: bytes, name: str, findings: Findings) -> pd.DataFrame:
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, name)
    if data[:4] == b"PAR1":
        return _read_parquet(data, name)
    if b"\x00" in data[:4096]:
        raise IntakeError(f"{name} is not a text table, an .xlsx workbook or a Parquet file. Export CSV, TSV or XLSX.")
    # Read as bytes throughout: a decoded copy of a large matrix would cost several times its size.
    data = data.removeprefix(b"\xef\xbb\xbf")
    skip, rows = 0, None
    if data.startswith(b"#1."):  # GCT: version line, then "genes samples", then Name Description ...
        skip = 2
        findings.add(None, "", "", f"{name} is a GCT file", "", INFO, FindingCode.EXPRESSION_READ)
    elif data.lstrip().startswith(b"!") or GEO_BEGIN.encode() in data[:1_000_000]:
        begin = data.find(GEO_BEGIN.encode())
        if begin < 0:
            raise IntakeError(f"{name} is a GEO series matrix without its data table; download the full series matrix.")
        end = data.find(GEO_END.encode(), begin)
        skip = data.count(b"\n", 0, begin) + 1
        rows = data.count(b"\n", begin, end if end >= 0 else len(data)) - 2
        findings.add(
            None,
            "",
            "",
            f"{name} is a GEO series matrix: the table between its markers is read",
            "",
            INFO,
            FindingCode.EXPRESSION_READ,
        )
    header = _line(data, skip).decode("utf-8", errors="replace")
    delimiter = max(["\t", ",", ";"], key=header.count)
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    _check_cells(header.count(delimiter) + 1, (rows if rows is not None else lines - skip) - 1, name)
    try:
        return pd.read_csv(
            io.BytesIO(data),
            encoding="utf-8",
            encoding_errors="replace",
            sep=delimiter,
            skiprows=skip,
            nrows=rows,
            low_memory=False,
            na_values=["NA", "NaN", "nan", "null", "NULL", "-", ""],
            keep_default_na=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise IntakeError(
            f"{name} could not be read as a table ({str(exc).splitlines()[0]}). Export it as CSV or TSV."
        ) from None


def _line(data: bytes, index: int) -> bytes:
    """Return line index (0-based) of data without copying the rest."""
    start = 0
    for _ in range(index):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return b""
    end = data.find(b"\n", start)
    return data[start : end if end >= 0 else len(data)].rstrip(b"\r")


def _read_xlsx(data: bytes, name: str) -> pd.DataFrame:
    from icilens.intake.workbook import _check_zip, inspect_workbook  # the workbook guards are intake's

    _check_zip(data, name)
    sheets = [s for s in inspect_workbook(data) if s.visible and not s.chart]
    if not sheets:
        raise IntakeError(f"{name} has no visible sheet with cells. Save the matrix on the first sheet.")
    _check_cells(sheets[0].columns, sheets[0].rows, name, current_limits().max_sheet_cells)
    frame = pd.read_excel(io.BytesIO(data), sheet_name=sheets[0].name, engine="openpyxl")
    # Excel stores a date cell as a datetime; a gene label that became one is shown as Excel displays it
    return frame.map(lambda v: f"{v.day}-{v:%b}" if isinstance(v, dt.date) else v) if len(frame) else frame


def _read_parquet(data: bytes, name: str) -> pd.DataFrame:
    import pyarrow.parquet as pq  # pyarrow loads only for Parquet

    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
        _check_cells(parquet.metadata.num_columns, parquet.metadata.num_rows, name)
        frame = parquet.read().to_pandas()
    except IntakeError:
        raise
    except Exception as exc:
        raise IntakeError(
            f"{name} could not be read as Parquet ({str(exc).splitlines()[0]}). Export it again."
        ) from None
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    return frame


def _check_cells(columns: int, rows: int, name: str, sheet_cells: int | None = None) -> None:
    if columns > MAX_COLUMNS:
        raise IntakeError(
            f"{name} has {columns:,} columns; an expression matrix has at most {MAX_COLUMNS:,} (genes or samples). "
            "Check the delimiter, or split the file."
        )
    if sheet_cells is not None and columns * rows > sheet_cells:
        raise IntakeError(
            f"{name} declares {rows:,} rows x {columns:,} columns on its first sheet; a workbook sheet is read only "
            f"up to {sheet_cells:,} cells (ICILENS_MAX_SHEET_CELLS), as its cells are slow to parse. Save the sheet "
            "as CSV and upload that."
        )
    limit = max_cells()
    if columns * rows > limit:
        raise IntakeError(
            f"{name} has {rows:,} rows x {columns:,} columns = {rows * columns:,} cells; the limit is {limit:,} "
            "(ICILENS_MAX_EXPRESSION_CELLS). Split the samples into several files or keep fewer genes."
        )


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
    """Return whether a column of whole numbers is Entrez gene ids rather than a sample's values."""
    numbers = _numeric(column).dropna()
    if numbers.empty or not (numbers == numbers.round()).all():
        return False
    return count_gene_like(pd.Index(numbers.astype("int64").astype(str))) >= max(
        MIN_GENES_RECOGNISED, 0.01 * len(numbers)
    )


def _orient(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, str, str]:
    """Return (genes x samples numeric values indexed by the raw gene labels, orientation, label column)."""
    if frame.empty or frame.shape[1] < 2:
        raise IntakeError(f"{name} has no table of numbers under a header. Export genes and samples as a table.")
    text_share = {
        c: 0.0 if pd.api.types.is_numeric_dtype(frame[c]) else (frame[c].notna() & _numeric(frame[c]).isna()).mean()
        for c in frame.columns
    }
    labels = [c for c in frame.columns if text_share[c] >= 0.5 or _entrez_column(frame[c])]
    numbers = [c for c in frame.columns if c not in labels]
    row_hits = {c: count_gene_like(pd.Index(frame[c].astype(str))) for c in labels}
    best_label = max(row_hits, key=lambda c: row_hits[c], default=None)
    rows_score = row_hits.get(best_label, 0) if best_label is not None else 0
    columns_score = count_gene_like(pd.Index([str(c) for c in numbers]))
    if max(rows_score, columns_score) < MIN_GENES_RECOGNISED:
        raise IntakeError(
            f"{name}: no gene identifiers recognised in its rows or its columns (looked for HGNC symbols, Ensembl "
            "and Entrez ids of the genes the descriptors read). Check that the file is an expression matrix with "
            "gene ids in the first column or the header row."
        )
    if rows_score >= columns_score and best_label is not None:
        values = _numbers(frame, numbers)
        raw = frame[best_label]
        integers = _numeric(raw).notna().all() and _entrez_column(raw)
        values.index = pd.Index((raw.astype("int64") if integers else raw).astype(str).str.strip())
        values.columns = [str(c).strip() for c in numbers]
        return values, "genes as rows", str(best_label)
    sample_column = labels[0] if labels else None
    values = _numbers(frame, numbers).T
    values.index = pd.Index([str(c).strip() for c in numbers])
    values.columns = (
        frame[sample_column].astype(str).str.strip().to_numpy()
        if sample_column
        else [f"row {i + 2}" for i in range(len(frame))]
    )
    return values, "genes as columns (samples as rows), turned", "header row"


def _report_unreadable(frame: pd.DataFrame, findings: Findings) -> None:
    """Name, per column of numbers, the cells that are not numbers (read as missing)."""
    for column in frame.columns:
        cells = frame[column]
        if pd.api.types.is_numeric_dtype(cells):
            continue
        unreadable = cells.notna() & _numeric(cells).isna()
        if 0 < unreadable.sum() < 0.5 * len(cells):
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
        raise IntakeError("no sample has a value: every sample is empty or all zeros. Check the export.")
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
        f"genes named by {mapping.kind}{version}; {kept} of them are genes the descriptors read",
        "",
        INFO,
        FindingCode.GENES_MAPPED,
    )
    for label, symbol in mapping.previous.items():
        findings.add(
            None,
            labels_column,
            label,
            f"{label} is a previous symbol of {symbol}",
            f"Read as {symbol}",
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


def _report_scale(scale: Scale, findings: Findings) -> None:
    findings.add(
        None,
        "",
        "",
        f"values read as {scale.kind}: {scale.evidence}",
        "Check the scale",
        INFO,
        FindingCode.SCALE_DECIDED,
    )
    if scale.kind == COUNTS:
        findings.add(
            None,
            "",
            "",
            "raw counts have no gene lengths: counts per million are used in place of TPM",
            "Within a cohort the signatures' percentiles are nearly unchanged; upload TPM for cell fractions",
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
    return replace(
        intake, tpm=intake.tpm.set_axis([sample], axis=1), genes_measured=intake.genes_measured.set_axis([sample])
    )


def combine_expression(first: ExpressionIntake | None, second: ExpressionIntake) -> ExpressionIntake:
    """Return both intakes as one (the second's samples replace the first's of the same name), for patients
    whose samples arrive one by one; genes measured in only one of them are missing in the other's samples."""
    if first is None:
        return second
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
    return ExpressionIntake(tpm, measured, findings, name, second.orientation, second.gene_kind, scale)
