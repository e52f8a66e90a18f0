"""Build the bundled whole human gene table from Bioconductor's org.Hs.eg.db (NCBI Gene), as Debian ships it.

    apt-get download r-bioc-org.hs.eg.db && dpkg-deb -x r-bioc-org.hs.eg.db_*.deb /tmp/orghs
    python scripts/build_gene_table.py /tmp/orghs/usr/lib/R/site-library/org.Hs.eg.db/extdata/org.Hs.eg.sqlite

Writes src/icilens/bundled/genes/genes.csv.gz: one row per human Entrez gene with its official symbol (the
HGNC symbol for every gene HGNC has named; a few loci, such as tRNA copies, share one), gene type, Ensembl gene ids and alias symbols (previous symbols
included), each list "|"-joined. The descriptor genes' previous symbols recorded in gene_ids.csv are added as
aliases, so a file written before a renaming still reads. The script checks the table is whole before writing.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "icilens" / "bundled" / "genes"
MIN_PROTEIN_CODING = 19_000  # NCBI counts about 19,300 human protein-coding genes; fewer means a partial copy


def _joined(connection: sqlite3.Connection, table: str, column: str) -> pd.Series:
    pairs = pd.read_sql(f"SELECT g.gene_id, t.{column} FROM genes g JOIN {table} t USING (_id)", connection)
    return pairs.groupby("gene_id")[column].agg(lambda values: "|".join(sorted(set(values))))


def build(database: Path) -> pd.DataFrame:
    """Return the gene table read from an org.Hs.eg.db SQLite file."""
    with sqlite3.connect(database) as connection:
        genes = pd.read_sql(
            "SELECT g.gene_id AS entrez, i.symbol, t.gene_type AS type FROM genes g "
            "JOIN gene_info i USING (_id) JOIN genetype t USING (_id)",
            connection,
        )
        ensembl = _joined(connection, "ensembl", "ensembl_id")
        aliases = pd.read_sql("SELECT g.gene_id, a.alias_symbol FROM genes g JOIN alias a USING (_id)", connection)
    symbol_of = genes.set_index("entrez")["symbol"]
    aliases = aliases[aliases["alias_symbol"] != aliases["gene_id"].map(symbol_of)]
    previous = pd.read_csv(OUT / "gene_ids.csv", dtype=str, keep_default_na=False)
    extra = [
        (entrez, p)
        for s, ps in zip(previous["symbol"], previous["previous_symbols"], strict=True)
        for p in ps.split("|")
        if p
        for entrez in genes.loc[genes["symbol"] == s, "entrez"]
    ]
    aliases = pd.concat([aliases, pd.DataFrame(extra, columns=["gene_id", "alias_symbol"])])
    alias_text = aliases.groupby("gene_id")["alias_symbol"].agg(lambda values: "|".join(sorted(set(values))))
    genes["ensembl"] = genes["entrez"].map(ensembl).fillna("")
    # the descriptor genes' GENCODE ids (gene_ids.csv) include alternate-haplotype copies NCBI does not list
    for symbol, ids in zip(previous["symbol"], previous["ensembl"], strict=True):
        row = _row_of(genes, aliases, symbol)
        if ids and row is not None:
            merged = set(genes.at[row, "ensembl"].split("|")) | set(ids.split("|"))
            genes.at[row, "ensembl"] = "|".join(sorted(merged - {""}))
    genes["aliases"] = genes["entrez"].map(alias_text).fillna("")
    return genes.sort_values("symbol").reset_index(drop=True)


def _row_of(genes: pd.DataFrame, aliases: pd.DataFrame, symbol: str) -> int | None:
    """Return the row of a descriptor gene: by symbol, else by the one gene that has it as an alias."""
    rows = genes.index[genes["symbol"] == symbol]
    if len(rows) == 0:
        owners = aliases.loc[aliases["alias_symbol"] == symbol, "gene_id"].unique()
        rows = genes.index[genes["entrez"].isin(owners)] if len(owners) == 1 else rows
    return int(rows[0]) if len(rows) == 1 else None


def check_whole(table: pd.DataFrame) -> None:
    """Raise SystemExit unless the table has every human gene a complete copy has, and unique symbols."""
    coding = int((table["type"] == "protein-coding").sum())
    if coding < MIN_PROTEIN_CODING or len(table) < 60_000:
        raise SystemExit(f"only {len(table):,} genes ({coding:,} protein-coding): not a whole copy")
    if table["entrez"].duplicated().any():
        raise SystemExit("Entrez ids repeat: not an org.Hs.eg.db gene table")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="org.Hs.eg.sqlite from the r-bioc-org.hs.eg.db package")
    args = parser.parse_args()
    table = build(args.database)
    check_whole(table)
    table.to_csv(OUT / "genes.csv.gz", index=False, compression={"method": "gzip", "mtime": 0})
    print(
        f"{len(table):,} genes, {(table['type'] == 'protein-coding').sum():,} protein-coding, "
        f"{(table['ensembl'] != '').sum():,} with Ensembl ids, {(table['aliases'] != '').sum():,} with aliases"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
