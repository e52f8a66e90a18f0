"""Builds the expression corpus: one public cohort's RNA-seq written the way other tools write it.

Run `python tests/data/build_expression_corpus.py` to rebuild `tests/data/expression/` and
`expression_expected.json`. Every file holds the same four tumours of the bundled RNA demo (Gide et al. 2019,
TPM), on the descriptor genes and 10,000 others (still a whole transcriptome for rescaling), gzipped; the
expected outcome of each is the plain TPM file's answer, or a refusal with its reason.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "expression"
DEMO = ROOT / "src" / "icilens" / "bundled" / "reference_cohorts" / "demo_expression.csv.gz"
SAMPLES = 4


def plain() -> pd.DataFrame:
    """Return the four tumours' TPM on the descriptor genes and 10,000 others, each sample summing to a million."""
    import sys

    sys.path.insert(0, str(ROOT / "src"))
    from icilens.transcriptome.genes import descriptor_genes

    demo = pd.read_csv(DEMO, index_col=0).iloc[:, :SAMPLES]
    wanted = demo.index.isin(descriptor_genes())
    others = np.flatnonzero(~wanted)[:10_000]
    kept = demo.iloc[np.sort(np.concatenate([np.flatnonzero(wanted), others]))]
    return (kept / kept.sum() * 1e6).round(2)  # two decimals keep the files small; the answer is this file's


def gene_table() -> pd.DataFrame:
    table = pd.read_csv(
        ROOT / "src" / "icilens" / "bundled" / "genes" / "genes.csv.gz", dtype=str, keep_default_na=False
    )
    return table[table["type"] == "protein-coding"].drop_duplicates("symbol").set_index("symbol")


def ids_of(tpm: pd.DataFrame, column: str) -> pd.Series:
    """Return each gene's id in the gene table's column (the first Ensembl id), "" where it has none."""
    return gene_table()[column].str.split("|").str[0].reindex(tpm.index).fillna("")


def with_ids(tpm: pd.DataFrame, column: str) -> pd.DataFrame:
    """Return the rows whose gene has an id in the gene table's column, indexed by it."""
    ids = ids_of(tpm, column)
    kept = tpm[(ids != "").to_numpy()]
    return kept.set_axis(ids[ids != ""].to_numpy())


def featurecounts(tpm: pd.DataFrame) -> str:
    by_ensembl = with_ids(tpm, "ensembl")
    lengths = pd.Series(np.random.default_rng(0).integers(300, 9000, len(by_ensembl)), index=by_ensembl.index)
    counts = (by_ensembl.mul(lengths / 1e3, axis=0) * 50).round().astype("int64")
    counts.columns = [f"/data/align/{s}.sorted.bam" for s in counts.columns]
    counts.insert(0, "Length", lengths)
    for column, value in (("Strand", "+"), ("End", "2000"), ("Start", "1000"), ("Chr", "chr1")):
        counts.insert(0, column, value)
    return '# Program:featureCounts v2.0.3; Command:"featureCounts" "-a" "genes.gtf"\n' + counts.to_csv(
        sep="\t", index_label="Geneid"
    )


def salmon(tpm: pd.Series) -> str:
    table = pd.DataFrame(
        {"Length": 1500, "EffectiveLength": 1350.5, "TPM": tpm.to_numpy(), "NumReads": (tpm * 3).round()},
        index=tpm.index,
    )
    return table.to_csv(sep="\t", index_label="Name")


def salmon_zip(tpm: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for sample in tpm.columns:
            archive.writestr(f"salmon/{sample}/quant.sf", salmon(tpm[sample]))
    return buffer.getvalue()


def rsem(tpm: pd.Series) -> str:
    table = pd.DataFrame(
        {
            "transcript_id(s)": "T1",
            "length": 1500.0,
            "effective_length": 1300.0,
            "expected_count": tpm * 2,
            "TPM": tpm,
            "FPKM": tpm * 0.8,
        },
        index=tpm.index,
    )
    return table.to_csv(sep="\t", index_label="gene_id")


def nf_core(tpm: pd.DataFrame) -> str:
    ids = ids_of(tpm, "ensembl")
    keep = (ids != "").to_numpy()
    table = tpm[keep].copy()
    table.insert(0, "gene_name", table.index)
    table.index = ids[keep].to_numpy()
    return table.to_csv(sep="\t", index_label="gene_id")


def geo(tpm: pd.DataFrame) -> str:
    accessions = [f"GSM{1000 + i}" for i in range(tpm.shape[1])]
    head = '!Series_title\t"a study"\n!Sample_title\t' + "\t".join(f'"{s}"' for s in tpm.columns) + "\n"
    head += "!Sample_geo_accession\t" + "\t".join(f'"{a}"' for a in accessions) + "\n"
    body = tpm.set_axis(accessions, axis=1).to_csv(sep="\t", index_label="ID_REF")
    return head + "!series_matrix_table_begin\n" + body + "!series_matrix_table_end\n"


def zscores(tpm: pd.DataFrame) -> str:
    logged = np.log2(tpm + 1)
    return logged.sub(logged.mean(axis=1), axis=0).div(logged.std(axis=1).replace(0, 1), axis=0).to_csv()


def damaged(tpm: pd.DataFrame) -> str:
    broken = tpm.copy()
    broken.iloc[0, 0] = np.inf
    return broken.to_csv(index_label="gene")


def transcripts(tpm: pd.DataFrame) -> str:
    return tpm.set_axis([f"ENST{i:011d}" for i in range(len(tpm))]).to_csv(sep="\t", index_label="target_id")


def build() -> dict[str, dict]:
    """Return file name -> (bytes, what intake must make of it)."""
    tpm = plain()
    first = tpm.columns[0]
    # answer: "same" (the plain run's signatures), "same genes" (the plain run on the genes the file keeps),
    # "relative" (z-scores), "left out" (that sample out, the others the plain run's), "refused" (with match)
    return {
        "tpm.csv": (tpm.to_csv(index_label="gene"), {"answer": "same"}),
        "featurecounts.txt": (featurecounts(tpm), {"answer": "same genes", "ids": "ensembl", "tolerance": 0.01}),
        "salmon.zip": (salmon_zip(tpm), {"answer": "same"}),
        f"{first}.genes.results": (rsem(tpm[first]), {"answer": "same", "samples": [first]}),
        "salmon.merged.gene_tpm.tsv": (nf_core(tpm), {"answer": "same genes", "ids": "ensembl"}),
        "entrez.csv": (with_ids(tpm, "entrez").to_csv(index_label=""), {"answer": "same genes", "ids": "entrez"}),
        "semicolons_decimal_commas.csv": (tpm.to_csv(sep=";", decimal=",", index_label="gene"), {"answer": "same"}),
        "unicode_text.txt": (tpm.to_csv(sep="\t", index_label="gene").encode("utf-16"), {"answer": "same"}),
        "GSE1_series_matrix.txt": (geo(tpm), {"answer": "same", "samples": [f"GSM{1000 + i}" for i in range(SAMPLES)]}),
        "zscores.csv": (zscores(tpm), {"answer": "relative"}),
        "one_infinite_value.csv": (damaged(tpm), {"answer": "left out", "left_out": first}),
        "abundance.tsv": (transcripts(tpm), {"answer": "refused", "match": "per transcript"}),
    }


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    expected = {}
    for name, (content, outcome) in build().items():
        data = content if isinstance(content, bytes) else content.encode()
        stored = name if name.endswith(".zip") else f"{name}.gz"
        (OUT / stored).write_bytes(data if name.endswith(".zip") else gzip.compress(data, 9, mtime=0))
        expected[stored] = outcome
    (OUT.parent / "expression_expected.json").write_text(json.dumps(expected, indent=2) + "\n")
    print(f"{len(expected)} files in {OUT}")


if __name__ == "__main__":
    main()
