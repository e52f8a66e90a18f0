"""Intake speed: the 515-patient demo and a 100,000-row CSV; `import icilens` time.

Prints medians; targets: demo < 0.5 s, 100,000 rows < 5 s, import < 1 s.
"""

from __future__ import annotations

import subprocess
import sys

from _common import ROOT, large_cohort_csv, median_seconds

from icilens.intake import read_cohort


def main() -> None:
    demo = (ROOT / "assets" / "data" / "msk_icb_2022" / "chowell_test_2018.csv").read_bytes()
    read_cohort(demo, "warm-up.csv")
    print(
        f"intake, demo (515 patients):   {median_seconds(lambda: read_cohort(demo, 'demo.csv'), 7):.3f} s (median of 7)"
    )
    big = large_cohort_csv(100_000)
    print(
        f"intake, 100,000-row CSV ({len(big) / 1e6:.0f} MB): {median_seconds(lambda: read_cohort(big, 'big.csv'), 3):.3f} s (median of 3)"
    )
    command = [sys.executable, "-c", "import icilens"]
    seconds = median_seconds(lambda: subprocess.run(command, check=True), 5)
    baseline = median_seconds(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), 5)
    print(f"import icilens: {seconds - baseline:.3f} s beyond a bare interpreter ({seconds:.3f} s total, median of 5)")


if __name__ == "__main__":
    main()
