"""Columns that describe genes rather than measure samples, as quantification tools write them.

featureCounts (Geneid, Chr, Start, End, Strand, Length), salmon (Name, Length, EffectiveLength, TPM, NumReads),
RSEM (gene_id, transcript_id(s), length, effective_length, expected_count, TPM, FPKM), kallisto (target_id,
length, eff_length, est_counts, tpm), nf-core/rnaseq (gene_id, gene_name) and GDC or cBioPortal tables
(Hugo_Symbol, Entrez_Gene_Id, Description) all put such columns beside the samples. They are recognised by
their header, set aside and named; a gene-length column is kept, since counts become TPM through it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

import pandas as pd

# Headers (lower case, letters and digits only) of columns that identify or place a gene.
IDENTIFIERS = frozenset(
    {
        "gene",
        "geneid",
        "genename",
        "genesymbol",
        "symbol",
        "hugosymbol",
        "hgncsymbol",
        "name",
        "targetid",
        "id",
        "entrezgeneid",
        "entrezid",
        "entrez",
        "ensemblid",
        "ensemblgeneid",
        "ensembl",
        "geneidversion",
        "transcriptid",
        "transcriptids",
        "description",
        "genetype",
        "genebiotype",
        "biotype",
        "chr",
        "chrom",
        "chromosome",
        "start",
        "end",
        "strand",
        "locus",
        "cytoband",
        "probe",
        "probeid",
        "idref",
    }
)
LENGTHS = frozenset({"length", "genelength", "efflength", "effectivelength", "efflen", "transcriptlength"})
# The per-sample quantities a single-sample tool output holds beside its TPM.
TOOL_QUANTITIES = frozenset(
    {"numreads", "expectedcount", "estcounts", "fpkm", "posteriormeancount", "pmetpm", "pmefpkm", "isopct"}
)
TPM_HEADERS = frozenset({"tpm"})
# Rows that count reads no gene received (HTSeq's __no_feature, STAR's N_unmapped), not a gene's expression.
SUMMARY_ROW = re.compile(r"^(__\w+|N_(unmapped|multimapping|noFeature|ambiguous))$")
ALIGNMENT_SUFFIX = re.compile(
    r"(\.Aligned\.sortedByCoord\.out|\.Aligned\.out|\.sorted|\.dedup|\.markdup)*\.(bam|sam|cram)$", re.IGNORECASE
)
TOOL_FILE = re.compile(
    r"(\.quant\.sf|\.genes\.results|\.isoforms\.results|\.abundance\.tsv|\.abundance\.h5|\.sf|\.tsv|\.txt|\.csv)"
    r"(\.gz)?$",
    re.IGNORECASE,
)
GENERIC_FILES = {"quant.sf", "quant.genes.sf", "abundance.tsv", "genes.results"}


def normalise_header(header: object) -> str:
    """Return a header as lower-case letters and digits only ('Entrez_Gene_Id' -> 'entrezgeneid')."""
    return re.sub(r"[^0-9a-z]", "", str(header).lower())


@dataclass(frozen=True)
class Annotation:
    """Which columns are gene annotation (set aside), which one holds gene lengths, and the sample columns."""

    set_aside: list[str]
    lengths: str | None
    samples: list[str]
    identifiers: list[str]  # the set-aside columns that may name genes (never lengths or counts)
    single_sample: str | None = None  # a tool's one-sample output: the column holding its TPM


def find_annotation(frame: pd.DataFrame) -> Annotation:
    """Return the annotation of a table whose columns are genes' descriptions and samples (genes as rows)."""
    headers = {c: normalise_header(c) for c in frame.columns}
    tpm = [c for c, h in headers.items() if h in TPM_HEADERS]
    tool = [c for c, h in headers.items() if h in TOOL_QUANTITIES]
    if len(tpm) == 1 and tool:
        aside = [c for c in frame.columns if c != tpm[0]]
        lengths = _length_column(headers)
        return Annotation(aside, lengths, [tpm[0]], _identifiers(headers), single_sample=tpm[0])
    aside = [c for c, h in headers.items() if h in IDENTIFIERS or h in LENGTHS]
    samples = [c for c in frame.columns if c not in aside]
    return Annotation(aside, _length_column(headers), samples, _identifiers(headers))


def _identifiers(headers: dict) -> list:
    return [c for c, h in headers.items() if h in IDENTIFIERS]


def _length_column(headers: dict) -> str | None:
    """Return the gene-length column, the effective length first (what salmon and RSEM use for TPM)."""
    for wanted in ("effectivelength", "efflength", "efflen", "length", "genelength", "transcriptlength"):
        for column, header in headers.items():
            if header == wanted:
                return column
    return None


def sample_name_of_file(name: str) -> str:
    """Return the sample a one-sample file is named for: 'run/S12/quant.sf' -> 'S12', 'S12.genes.results' -> 'S12'."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.name.lower() in GENERIC_FILES or path.name.lower().removesuffix(".gz") in GENERIC_FILES:
        return path.parent.name or path.name
    return TOOL_FILE.sub("", path.name) or path.name


def clean_sample_name(name: str) -> str:
    """Return a sample name without the directories and alignment suffixes a tool wrote into it."""
    text = str(name).strip()
    if "/" not in text and "\\" not in text and not ALIGNMENT_SUFFIX.search(text):
        return text
    return ALIGNMENT_SUFFIX.sub("", PurePosixPath(text.replace("\\", "/")).name)
