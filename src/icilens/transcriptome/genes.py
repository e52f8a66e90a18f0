"""Gene identifiers as other people's files write them, mapped to the HGNC symbols the descriptors read.

Recognised: HGNC symbols, Ensembl gene ids with or without their version (ENSG00000111537.5), Entrez ids,
previous symbols the bundled table records, and symbols Excel turned into dates (SEPT1 as 1-Sep, MARCH1 as
1-Mar). Only the genes a descriptor reads are mapped (bundled/genes/gene_ids.csv); other genes are counted,
since quanTIseq needs each sample's total over all genes, but not kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from icilens import BUNDLED

GENE_IDS = BUNDLED / "genes" / "gene_ids.csv"
ENSEMBL = re.compile(r"^ENSG\d{11}(\.\d+)?(_PAR_Y)?$", re.IGNORECASE)
ENTREZ = re.compile(r"^\d{1,9}$")
MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
# Excel's dates from gene symbols: 1-Sep, Sep-01, 01-Sep-2019, 2019-09-01, 9/1/2019, 1-Mar ...
EXCEL_DATE = re.compile(
    rf"^(\d{{1,2}}-({MONTHS})(-\d{{2,4}})?|({MONTHS})-\d{{1,2}}|\d{{4}}-\d{{2}}-\d{{2}}( 00:00:00)?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})$",
    re.IGNORECASE,
)
# The gene families Excel's month names came from, as symbols were before HGNC renamed them in 2020.
MONTH_FAMILIES = {"sep": "SEPTIN (was SEPT)", "mar": "MARCHF (was MARCH)", "dec": "DELEC1 (was DEC1)"}
SYMBOL = re.compile(r"^[A-Za-z][A-Za-z0-9@.\-_/]{0,29}$")


@dataclass(frozen=True)
class GeneMapping:
    """Each label's symbol (None when not a descriptor gene), the identifier kind and what needed care."""

    symbols: pd.Series  # label -> HGNC symbol or None
    kind: str  # "HGNC symbols", "Ensembl gene ids", "Entrez ids"
    recognised: int  # labels that look like gene identifiers of that kind
    previous: dict[str, str] = field(default_factory=dict)  # label -> current symbol
    mangled: list[str] = field(default_factory=list)  # labels Excel turned into dates
    versioned: bool = False  # Ensembl ids carried a version


@lru_cache(maxsize=1)
def load_gene_ids() -> pd.DataFrame:
    """Return the bundled table: symbol, ensembl ("|"-joined), entrez, previous_symbols, previous_symbol_source."""
    return pd.read_csv(GENE_IDS, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _lookups() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    table = load_gene_ids()
    symbols = {s.upper(): s for s in table["symbol"]}
    ensembl = {e: s for s, ids in zip(table["symbol"], table["ensembl"], strict=True) for e in ids.split("|") if e}
    entrez = {e: s for s, e in zip(table["symbol"], table["entrez"], strict=True) if e}
    previous = {
        p.upper(): s
        for s, ps in zip(table["symbol"], table["previous_symbols"], strict=True)
        for p in ps.split("|")
        if p
    }
    return symbols, ensembl, entrez, previous


def count_gene_like(labels: pd.Index) -> int:
    """Return how many labels look like gene identifiers (a descriptor gene's symbol, an Ensembl or an Entrez id)."""
    symbols, _, entrez, previous = _lookups()
    text = pd.Series(labels.astype(str)).str.strip()
    upper = text.str.upper()
    known = upper.isin(symbols.keys()) | upper.isin(previous.keys()) | text.isin(entrez.keys())
    return int((known | text.str.match(ENSEMBL.pattern, case=False)).sum())


def map_gene_ids(labels: pd.Index) -> GeneMapping:
    """Return each label's descriptor-gene symbol, deciding the identifier kind from the labels themselves."""
    symbols, ensembl, entrez, previous = _lookups()
    text = pd.Series(labels.astype(str), index=labels).str.strip()
    is_ensembl = text.str.match(ENSEMBL.pattern, case=False)
    is_entrez = text.str.match(ENTREZ.pattern)
    if is_ensembl.mean() > 0.5:
        stripped = text.str.upper().str.replace(r"\.\d+(_PAR_Y)?$", "", regex=True)
        mapped = stripped.map(ensembl)
        # the pseudo-autosomal copy of a gene on Y is not the gene's expression: left unmapped
        mapped[text.str.upper().str.endswith("_PAR_Y")] = None
        return GeneMapping(
            mapped.where(mapped.notna(), None),
            "Ensembl gene ids",
            int(is_ensembl.sum()),
            versioned=bool(text.str.contains(r"\.\d+", regex=True).any()),
        )
    if is_entrez.mean() > 0.5:
        mapped = text.map(entrez)
        return GeneMapping(mapped.where(mapped.notna(), None), "Entrez ids", int(is_entrez.sum()))
    upper = text.str.upper()
    mapped = upper.map(symbols)
    renamed = mapped.isna() & upper.isin(previous.keys())
    mapped[renamed] = upper[renamed].map(previous)
    mangled = text[text.str.match(EXCEL_DATE.pattern, case=False)].tolist()
    looks_like_symbol = text.str.match(SYMBOL.pattern)
    return GeneMapping(
        mapped.where(mapped.notna(), None),
        "HGNC symbols",
        int(looks_like_symbol.sum()),
        previous=dict(zip(text[renamed], mapped[renamed], strict=True)),
        mangled=mangled,
    )


def describe_mangled(labels: list[str]) -> str:
    """Return what the Excel dates among gene labels were, in words, for a finding."""
    families = sorted({MONTH_FAMILIES.get(m, "") for m in _months(labels)} - {""})
    shown = ", ".join(labels[:6]) + (" ..." if len(labels) > 6 else "")
    origin = f" (from the {' and '.join(families)} genes)" if families else ""
    return f"{len(labels)} gene label(s) are dates Excel made of gene symbols{origin}: {shown}"


def _months(labels: list[str]) -> set[str]:
    found = set()
    for label in labels:
        match = re.search(MONTHS, label, re.IGNORECASE)
        if match:
            found.add(match.group(0).lower())
    return found
