"""Intake speed: the 515-patient demo, a 100,000-row CSV, mapping a 200-column file; `import icilens` time.

Prints medians; targets: demo < 0.5 s, 100,000 rows < 3 s, mapping suggestions for 200 columns < 0.2 s
(header caches cleared before every run, so each run reads every header afresh), import < 1 s.
"""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pandas as pd
from _common import ROOT, large_cohort_csv, median_seconds

from icilens.intake import read_cohort, read_table
from icilens.intake.columns import match_columns
from icilens.intake.headers import _read_header
from icilens.intake.words import header_words


def wide_file(columns: int = 200, rows: int = 1000) -> bytes:
    """Return a CSV with `columns` realistic headers (from the header corpus) and numeric-looking values."""
    headers = pd.read_csv(ROOT / "tests" / "data" / "headers.csv")["header"].drop_duplicates().tolist()
    names = [headers[i % len(headers)] + ("" if i < len(headers) else f" {i}") for i in range(columns)]
    values = np.random.default_rng(0).uniform(0, 100, size=(rows, columns)).round(2)
    return pd.DataFrame(values, columns=names).to_csv(index=False).encode()


def suggest_afresh(table) -> None:
    _read_header.cache_clear()
    header_words.cache_clear()
    match_columns(table.cells, table.descriptions, table.decimal_comma, table.row_names)


def main() -> None:
    demo = (ROOT / "src" / "icilens" / "bundled" / "msk_icb_2022" / "chowell_test_2018.csv").read_bytes()
    read_cohort(demo, "warm-up.csv")
    print(
        f"intake, demo (515 patients):   {median_seconds(lambda: read_cohort(demo, 'demo.csv'), 7):.3f} s (median of 7)"
    )
    big = large_cohort_csv(100_000)
    print(
        f"intake, 100,000-row CSV ({len(big) / 1e6:.0f} MB): {median_seconds(lambda: read_cohort(big, 'big.csv'), 3):.3f} s (median of 3)"
    )
    comma = pd.read_csv(io.BytesIO(big)).to_csv(index=False, sep=";", decimal=",").encode()
    print(
        f"intake, the same rows with ';' and decimal commas: {median_seconds(lambda: read_cohort(comma, 'eu.csv'), 3):.3f} s (median of 3)"
    )
    wide = wide_file()
    table = read_table(wide, "wide.csv")
    suggest_afresh(table)
    mapping = median_seconds(lambda: suggest_afresh(table), 7)
    reading = median_seconds(lambda: read_table(wide, "wide.csv"), 7)
    print(
        f"mapping suggestions, 200 columns x 1,000 rows: {mapping:.3f} s (median of 7; "
        f"{mapping / reading:.2f}x the time to read the same file, {reading:.3f} s)"
    )
    command = [sys.executable, "-c", "import icilens"]
    seconds = median_seconds(lambda: subprocess.run(command, check=True), 5)
    baseline = median_seconds(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), 5)
    print(f"import icilens: {seconds - baseline:.3f} s beyond a bare interpreter ({seconds:.3f} s total, median of 5)")


if __name__ == "__main__":
    main()
