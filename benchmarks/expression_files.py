"""Expression files, hostile and ordinary, through `icilens validate --expression`, each in its own process.

    python benchmarks/expression_files.py

Per file: exit code, seconds, peak resident memory, and for accepted files the peak over the file's unpacked
size above the same command without --expression, its gene table loaded (what any run costs). The target:
refusals before parsing cost no more than the import; an accepted matrix peaks within 6x its unpacked size
above that baseline.
"""

from __future__ import annotations

import gzip
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from _common import ROOT

DEMO = ROOT / "src" / "icilens" / "bundled" / "reference_cohorts" / "demo_expression.csv.gz"
CLINICAL = ROOT / "src" / "icilens" / "bundled" / "reference_cohorts" / "demo_clinical.csv"


def tpm(samples: int) -> pd.DataFrame:
    demo = pd.read_csv(DEMO, index_col=0)
    columns = [demo.columns[i % demo.shape[1]] for i in range(samples)]
    frame = demo[columns]
    frame.columns = [f"{c}_{i}" if i >= demo.shape[1] else c for i, c in enumerate(columns)]
    return frame / frame.sum() * 1e6


def long_label_gzip() -> bytes:
    text = b"gene,S1\n" + b"G" * 50_000_000 + b",1\n"
    return gzip.compress(text, 9)


def featurecounts(samples: int) -> bytes:
    values = tpm(samples)
    lengths = pd.Series(np.random.default_rng(0).integers(300, 9000, len(values)), index=values.index)
    counts = (values.mul(lengths / 1e3, axis=0) * 50).round().astype("int64")
    counts.columns = [f"/data/{c}.sorted.bam" for c in counts.columns]
    counts.insert(0, "Length", lengths)
    for column, value in (("Strand", "+"), ("End", "2"), ("Start", "1"), ("Chr", "chr1")):
        counts.insert(0, column, value)
    return ("# Program:featureCounts v2.0.3\n" + counts.to_csv(sep="\t", index_label="Geneid")).encode()


def salmon_zip(samples: int) -> bytes:
    values = tpm(samples)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for sample in values.columns:
            table = pd.DataFrame(
                {"Length": 1500, "EffectiveLength": 1350.0, "TPM": values[sample], "NumReads": values[sample] * 3}
            )
            archive.writestr(f"{sample}/quant.sf", table.to_csv(sep="\t", index_label="Name"))
    return buffer.getvalue()


def with_inf(samples: int) -> bytes:
    values = tpm(samples)
    values.iloc[0, 0] = np.inf
    return values.to_csv(index_label="gene").encode()


def zscores(samples: int) -> bytes:
    logged = np.log2(tpm(samples) + 1)
    return logged.sub(logged.mean(axis=1), axis=0).div(logged.std(axis=1).replace(0, 1), axis=0).to_csv().encode()


def rcc_zip(samples: int) -> bytes:
    """NanoString RCC files, one per tumour, zipped: raw counts of an immune panel (the descriptor genes and ten
    housekeeping genes), each lane with its own yield, and the control probes."""
    from icilens.transcriptome.genes import descriptor_genes

    housekeeping = ["ACTB", "GAPDH", "GUSB", "HPRT1", "PGK1", "POLR2A", "RPL19", "SDHA", "TBP", "TUBB"]
    values = tpm(samples)
    values = values.loc[sorted((set(descriptor_genes()) | set(housekeeping)) & set(values.index))]
    counts = (values * 200 * np.random.default_rng(0).uniform(0.3, 3.0, samples)).round().astype("int64")
    controls = [
        f"Positive,POS_{x}({c}),ERCC_00117.1,{c * 300:g}"
        for x, c in zip("ABCDEF", [128, 32, 8, 2, 0.5, 0.125], strict=True)
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for sample in counts.columns:
            kinds = ["Housekeeping" if g in housekeeping else "Endogenous" for g in counts.index]
            rows = [f"{k},{g},NM_000001.1,{v}" for k, g, v in zip(kinds, counts.index, counts[sample], strict=True)]
            text = [
                f"<Sample_Attributes>\nID,{sample}\n</Sample_Attributes>\n<Code_Summary>",
                "CodeClass,Name,Accession,Count",
            ]
            archive.writestr(f"{sample}.RCC", "\n".join([*text, *rows, *controls, "</Code_Summary>"]) + "\n")
    return buffer.getvalue()


CASES = {
    "gzip of 50 KB holding one 50 MB gene label": ("label.csv.gz", long_label_gzip),
    "2 GB file (sparse)": ("huge.csv", None),
    "TPM matrix, 41 samples": ("tpm.csv", lambda: tpm(41).to_csv(index_label="gene").encode()),
    "TPM matrix, 400 samples": ("tpm400.csv", lambda: tpm(400).to_csv(index_label="gene").encode()),
    "featureCounts, 200 samples": ("counts.txt", lambda: featurecounts(200)),
    "salmon quant.sf x 41, zipped": ("salmon.zip", lambda: salmon_zip(41)),
    "one sample with an infinite value, 41 samples": ("inf.csv", lambda: with_inf(41)),
    "per-gene z-scores, 41 samples": ("z.csv", lambda: zscores(41)),
    "NanoString RCC x 41, zipped (raw counts)": ("rcc.zip", lambda: rcc_zip(41)),
    "RCC of 2 million unclosed tags": ("bad.RCC", lambda: ("<Code_Summary>\n" + "<a>\n" * 2_000_000).encode()),
}

_MEASURED = (
    "import resource, sys\n"
    "import pandas, icilens.transcriptome.expression, icilens.transcriptome.rna_predictions\n"
    "from icilens.transcriptome.genes import count_gene_like\n"
    "count_gene_like(pandas.Index(['GZMA']))  # the gene table, loaded once per process\n"
    "from icilens.cli import main\n"
    "code = main(sys.argv[1:]) if len(sys.argv) > 1 else 0\n"
    "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def run(arguments: list[str]) -> tuple[int, str, float, float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURED, *arguments], capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    lines = done.stderr.strip().splitlines()
    peak_mb = int(lines[-1].split()[1]) / 1024 if lines and lines[-1].startswith("PEAK") else float("nan")
    answer = [line for line in lines if not line.startswith("PEAK")] or done.stdout.strip().splitlines()
    return done.returncode, (answer[0] if answer else "")[:90], seconds, peak_mb


def unpacked_size(data: bytes) -> int:
    if data[:2] == b"\x1f\x8b":
        return len(gzip.decompress(data))
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    return len(data)


def main() -> None:
    _, _, _, baseline = run(["validate", str(CLINICAL)])
    print(f"the same command without --expression: {baseline:.0f} MB\n")
    print(f"{'file':46} {'MB':>7} {'exit':>4} {'seconds':>7} {'peak MB':>7} {'x size':>6}  first line of the answer")
    with tempfile.TemporaryDirectory() as folder:
        for label, (name, build) in CASES.items():
            path = Path(folder) / name
            if build is None:
                with open(path, "wb") as handle:
                    handle.truncate(2 * 1024**3)
                size = os.path.getsize(path)
            else:
                data = build()
                path.write_bytes(data)
                size = unpacked_size(data)
            code, first, seconds, peak = run(["validate", str(CLINICAL), "--expression", str(path)])
            ratio = (peak - baseline) / (size / 1e6) if code == 0 else float("nan")
            print(f"{label:46} {size / 1e6:>7.1f} {code:>4} {seconds:>7.1f} {peak:>7.0f} {ratio:>6.1f}  {first}")
            path.unlink()


if __name__ == "__main__":
    main()
