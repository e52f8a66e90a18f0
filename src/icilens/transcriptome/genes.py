"""Gene identifiers as other people's files write them, mapped to one symbol per gene over the whole genome.

The bundled table (bundled/genes/genes.csv.gz, NCBI Gene through Bioconductor's org.Hs.eg.db) holds every
human gene's official symbol, Entrez id, Ensembl ids and alias symbols (previous symbols among them).
Recognised: symbols, Ensembl gene ids with or without their version (ENSG00000111537.5), Entrez ids, alias
and previous symbols that name one gene only, and symbols Excel turned into dates (SEPT1 as 1-Sep). Every gene
is kept, so a whole transcriptome keeps its total; the few descriptor genes whose published lists use an older
symbol (GUCY1A3 for GUCY1A1) are named as the descriptor names them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from icilens import BUNDLED
from icilens.transcriptome.catalogue import list_descriptors

GENE_TABLE = BUNDLED / "genes" / "genes.csv.gz"
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
_VERSION = re.compile(r"\.\d+(_PAR_Y)?$")
SYMBOL = re.compile(r"^[A-Za-z][A-Za-z0-9@.\-_/]{0,29}$")
# Protein-coding first: where NCBI gives two loci one symbol (HBD, TEC), the coding gene is the one measured.
TYPE_ORDER = {"protein-coding": 0, "ncRNA": 1}


@dataclass(frozen=True)
class GeneMapping:
    """Each label's symbol (None when not a known gene), the identifier kind and what needed care."""

    symbols: pd.Series  # label -> symbol or None
    kind: str  # "HGNC symbols", "Ensembl gene ids", "Entrez ids"
    recognised: int  # labels that are known genes of that kind
    previous: dict[str, str] = field(default_factory=dict)  # label -> current symbol (alias or previous symbol)
    mangled: list[str] = field(default_factory=list)  # labels Excel turned into dates
    versioned: bool = False  # Ensembl ids carried a version


@dataclass(frozen=True)
class _Lookups:
    symbols: dict[str, str]  # upper-case symbol -> symbol
    ensembl: dict[str, str]
    entrez: dict[str, str]
    aliases: dict[str, str]  # upper-case alias naming one gene only -> symbol


@lru_cache(maxsize=1)
def load_gene_table() -> pd.DataFrame:
    """Return the bundled gene table: entrez, symbol, type, ensembl ("|"-joined), aliases ("|"-joined)."""
    table = pd.read_csv(GENE_TABLE, dtype=str, keep_default_na=False)
    order = table["type"].map(TYPE_ORDER).fillna(2)
    return table.assign(_order=order).sort_values(["_order", "symbol"], kind="stable").drop(columns="_order")


@lru_cache(maxsize=1)
def _lookups() -> _Lookups:
    table = load_gene_table()
    # Plain lists: iterating pandas' Arrow-backed strings one by one costs more than building the dictionaries.
    names, ensembl_ids, entrez_ids, alias_lists = (
        table[c].tolist() for c in ("symbol", "ensembl", "entrez", "aliases")
    )
    symbols: dict[str, str] = {}
    for symbol in names:
        symbols.setdefault(symbol.upper(), symbol)
    ensembl = {e: s for s, ids in zip(names, ensembl_ids, strict=True) for e in ids.split("|") if e}
    entrez = dict(zip(entrez_ids, names, strict=True))
    owners: dict[str, set[str]] = {}
    for symbol, aliases in zip(names, alias_lists, strict=True):
        for alias in aliases.split("|"):
            if alias:
                owners.setdefault(alias.upper(), set()).add(symbol)
    unique = {a: next(iter(s)) for a, s in owners.items() if len(s) == 1 and a not in symbols}
    return _Lookups(symbols, ensembl, entrez, unique)


@lru_cache(maxsize=1)
def descriptor_genes() -> frozenset[str]:
    """Return every gene a declared descriptor reads (signature genes, housekeeping genes, TIL10), as the
    descriptors name them."""
    return frozenset(gene for descriptor in list_descriptors() for gene in descriptor.genes)


@lru_cache(maxsize=1)
def descriptor_names() -> dict[str, str]:
    """Return current symbol -> the older symbol a descriptor's gene list uses, for the genes renamed since."""
    lookups = _lookups()
    renamed = {}
    for gene in descriptor_genes():
        if gene.upper() not in lookups.symbols and gene.upper() in lookups.aliases:
            renamed[lookups.aliases[gene.upper()]] = gene
    return renamed


def count_gene_like(labels: pd.Index) -> int:
    """Return how many labels are known genes: a symbol, an Ensembl id or an Entrez id of the gene table."""
    lookups = _lookups()
    count = 0
    for label in labels.astype(str):
        if not isinstance(label, str):  # pandas keeps an empty cell missing through astype(str)
            continue
        text = label.strip()
        upper = text.upper()
        count += upper in lookups.symbols or text in lookups.entrez or _VERSION.sub("", upper) in lookups.ensembl
    return count


def map_gene_ids(labels: pd.Index) -> GeneMapping:
    """Return each label's gene symbol, deciding the identifier kind from the labels themselves."""
    lookups = _lookups()
    text = pd.Series(labels.astype(str), index=labels).str.strip()
    is_ensembl = text.str.match(ENSEMBL.pattern, case=False)
    if is_ensembl.mean() > 0.5:
        stripped = text.str.upper().str.replace(r"\.\d+(_PAR_Y)?$", "", regex=True)
        mapped = stripped.map(lookups.ensembl)
        # the pseudo-autosomal copy of a gene on Y is not the gene's expression: left unmapped
        mapped[text.str.upper().str.endswith("_PAR_Y")] = None
        return _named(
            GeneMapping(
                mapped, "Ensembl gene ids", int(mapped.notna().sum()), versioned=bool(text.str.contains(r"\.\d+").any())
            )
        )
    if text.str.match(ENTREZ.pattern).mean() > 0.5:
        mapped = text.map(lookups.entrez)
        return _named(GeneMapping(mapped, "Entrez ids", int(mapped.notna().sum())))
    upper = text.str.upper()
    mapped = upper.map(lookups.symbols)
    aliased = upper.map(lookups.aliases)
    renamed = mapped.isna() & aliased.notna()
    mapped[renamed] = aliased[renamed]
    mangled = text[text.str.match(EXCEL_DATE.pattern, case=False)].tolist()
    return _named(
        GeneMapping(
            mapped,
            "HGNC symbols",
            int(mapped.notna().sum()),
            previous=dict(zip(text[renamed], mapped[renamed], strict=True)),
            mangled=mangled,
        )
    )


def _named(mapping: GeneMapping) -> GeneMapping:
    """Return the mapping with missing symbols as None and renamed descriptor genes as their descriptors name them."""
    symbols = mapping.symbols.replace(descriptor_names())
    symbols = symbols.astype(object).where(symbols.notna(), None)
    return GeneMapping(symbols, mapping.kind, mapping.recognised, mapping.previous, mapping.mangled, mapping.versioned)


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
