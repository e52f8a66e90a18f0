"""Hostile and oversized files through `icilens validate`, each in its own process: outcome, time and peak memory.

Targets (per file): a clear refusal or a read with findings, never 'unexpected'; under 90 s and 3 GB.
The largest accepted inputs sit just under the default limits, to show what a limit costs at its edge.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import ROOT


def cohort_csv(rows: int) -> bytes:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "Patient ID": [f"P{i}" for i in range(rows)],
            "TMB": rng.gamma(1.5, 6, rows).round(2),
            "Albumin": rng.normal(3.9, 0.5, rows).round(1),
            "NLR": rng.gamma(2, 2.5, rows).round(2),
            "Age": rng.normal(63, 12, rows).round(1),
            "Cancer type": rng.choice(["NSCLC", "Melanoma", "Renal", "Bladder"], rows),
        }
    )
    return frame.to_csv(index=False).encode()


def sheet_xlsx(rows: int, columns: int) -> bytes:
    frame = pd.DataFrame(np.random.default_rng(1).uniform(0, 100, (rows, columns)).round(2))
    frame.columns = ["TMB", *[f"value {i}" for i in range(1, columns)]]
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


CORPUS = ROOT / "tests" / "data" / "corpus"
CASES = {
    "stray cell at XFD1048576 (xlsx)": ("bomb.xlsx", lambda: (CORPUS / "56_stray_cell.xlsx").read_bytes()),
    "30,000,000-row Parquet": ("rows.parquet", lambda: (CORPUS / "65_thirty_million_rows.parquet").read_bytes()),
    "100,000-column CSV": ("wide.csv", lambda: (CORPUS / "61_hundred_thousand_columns.csv").read_bytes()),
    "50 MB single line": ("line.csv", lambda: b"x" * 50_000_000),
    "unbalanced quote": ("quote.csv", lambda: (CORPUS / "53_unbalanced_quote.csv").read_bytes()),
    "999,000-row CSV (under the row limit)": ("big.csv", lambda: cohort_csv(999_000)),
    "1,480,000-cell sheet (under the sheet limit)": ("sheet.xlsx", lambda: sheet_xlsx(74_000, 20)),
}


# Runs the CLI and reports the process's own peak resident memory (kB) as the last line of stderr.
_MEASURED = (
    "import resource, sys\n"
    "from icilens.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def run(path: Path) -> tuple[int, str, float, float]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, "validate", str(path)], capture_output=True, text=True, cwd=ROOT
    )
    seconds = time.perf_counter() - start
    lines = done.stderr.strip().splitlines()
    peak_mb = int(lines[-1].split()[1]) / 1024 if lines and lines[-1].startswith("PEAK") else float("nan")
    answer = [line for line in lines if not line.startswith("PEAK")] or done.stdout.strip().splitlines()
    return done.returncode, answer[0][:110], seconds, peak_mb


def main() -> None:
    print(f"{'file':46} {'exit':>4} {'seconds':>8} {'peak MB':>8}  first line of the answer")
    with tempfile.TemporaryDirectory() as folder:
        for label, (name, build) in CASES.items():
            path = Path(folder) / name
            path.write_bytes(build())
            code, first, seconds, peak_mb = run(path)
            print(f"{label:46} {code:>4} {seconds:>8.1f} {peak_mb:>8.0f}  {first}")
            path.unlink()


if __name__ == "__main__":
    main()
