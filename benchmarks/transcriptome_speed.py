"""Speed and memory of the transcriptome: descriptors of 1,000 x 20,000, intake of a workbook and of a 10,000-sample
matrix.

    python benchmarks/transcriptome_speed.py

Matrices are made from the RNA demo's 41 tumours (19,817 genes), resampled with noise, so every gene a
descriptor reads has realistic values. Times are medians of 3 runs; the peak memory of the 10,000-sample
intake is the child process's maximum resident size, beside a child that only imports the package.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from _common import ROOT, median_seconds

from icilens.transcriptome import compute_descriptors
from icilens.transcriptome.expression import read_expression

DEMO = ROOT / "src" / "icilens" / "bundled" / "reference_cohorts" / "demo_expression.csv.gz"


def resampled(samples: int, genes: int | None = None, seed: int = 0) -> pd.DataFrame:
    """Return genes x samples TPM drawn from the demo's tumours, each with its own log-normal noise."""
    demo = pd.read_csv(DEMO, index_col=0)
    if genes is not None:
        demo = demo.iloc[:genes]
    rng = np.random.default_rng(seed)
    picks = demo.to_numpy()[:, rng.integers(0, demo.shape[1], samples)]
    noisy = picks * np.exp(rng.normal(0, 0.2, picks.shape))
    return pd.DataFrame(noisy, index=demo.index, columns=[f"S{i:05d}" for i in range(samples)])


PEAK = "; import re; print('peak', re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))"


def peak_rss_mb(code: str) -> float:
    """Return the peak resident memory (MB) of a child Python running code (its own high-water mark)."""
    output = subprocess.run([sys.executable, "-c", code + PEAK], check=True, cwd=ROOT, capture_output=True, text=True)
    lines = output.stdout.splitlines()
    print("\n".join(line for line in lines if not line.startswith("peak")))
    return int(lines[-1].split()[1]) / 1024


def main() -> None:
    big = resampled(1_000)
    small = big.iloc[:, :100]
    compute_descriptors(small)  # warm-up: signatures, TIL10 and SciPy loaded
    thousand = median_seconds(lambda: compute_descriptors(big), 3)
    hundred = median_seconds(lambda: compute_descriptors(small), 3)
    print(
        f"descriptors, 1,000 samples x {big.shape[0]:,} genes: {thousand:.2f} s (median of 3; target under 5 s); "
        f"100 samples: {hundred:.2f} s, so {thousand / hundred:.1f}x for 10x the samples"
    )
    data = big.to_csv(float_format="%.4g").encode()
    reading = median_seconds(lambda: read_expression(data, "big.csv"), 3)
    print(f"expression intake of that matrix as CSV ({len(data) / 1e6:.0f} MB): {reading:.2f} s (median of 3)")

    workbook = io.BytesIO()
    resampled(41).round(4).to_excel(workbook, index_label="gene", engine="openpyxl")
    book = workbook.getvalue()
    ours = median_seconds(lambda: read_expression(book, "tumours.xlsx"), 3)
    by_openpyxl = median_seconds(lambda: pd.read_excel(io.BytesIO(book), engine="openpyxl"), 3)
    print(
        f"expression intake of 41 samples x {big.shape[0]:,} genes as an XLSX workbook: {ours:.2f} s (median of 3); "
        f"openpyxl alone only parsing it: {by_openpyxl:.2f} s, {by_openpyxl / ours:.1f}x as long"
    )

    path = "/tmp/icilens_10000_samples.csv"
    resampled(10_000, genes=2_000, seed=1).to_csv(path, float_format="%.4g")
    code = (
        "import sys; sys.path.insert(0, 'src'); from pathlib import Path; import time; "
        "from icilens.transcriptome.expression import read_expression; "
        "from icilens.transcriptome import compute_descriptors; t = time.perf_counter(); "
        f"x = read_expression(Path('{path}').read_bytes(), 'wide.csv'); d = compute_descriptors(x.tpm, x.genes_measured); "
        "print(f'  {x.tpm.shape[1]:,} samples read and described in {time.perf_counter() - t:.1f} s', flush=True)"
    )
    baseline = peak_rss_mb("import sys; sys.path.insert(0, 'src'); import icilens.transcriptome.expression")
    peak = peak_rss_mb(code)
    size = Path(path).stat().st_size / 1e6
    print(
        f"10,000 samples x 2,000 genes ({size:.0f} MB CSV, 20 million cells, within the 40 million-cell limit): "
        f"peak memory {peak:.0f} MB against {baseline:.0f} MB for the import alone ({(peak - baseline) * 1e6 / 20e6:.0f} bytes per cell)"
    )


if __name__ == "__main__":
    main()
