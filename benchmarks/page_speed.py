"""Server time of every page, cold and warm, on the clinical demo (515 patients) and the RNA demo (41 patients
with tumour RNA-seq), measured with Streamlit's AppTest in a fresh process per demo and run.

Per run, in a new Python process (nothing imported, nothing cached): the landing page's first render (cold
start: the app's imports and the Cohort page), opening the demo, then each page in the sidebar's order: its
first visit (cold: the page's own computations) and three reruns (warm: what every later click costs).
Figures are medians over RUNS processes. Targets: every page under 1 s warm, the first page under 3 s cold.

    .venv/bin/python benchmarks/page_speed.py            # both demos, 3 runs
    .venv/bin/python benchmarks/page_speed.py --runs 1
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from _common import ROOT

PAGES = ("cohort", "patients", "patient", "explanations", "compare", "performance", "model")
DEMOS = {"clinical": "icilens_open_demo", "rna": "icilens_open_rna_demo"}
WARM_RERUNS = 3


def journey(demo: str) -> dict[str, float]:
    """Return the seconds of one cold journey through every page of a demo, in this (fresh) process."""
    from streamlit.testing.v1 import AppTest

    times: dict[str, float] = {}
    start = time.perf_counter()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    times["landing (cold start)"] = time.perf_counter() - start
    start = time.perf_counter()
    app.button(key=DEMOS[demo]).click().run()
    times["open the demo"] = time.perf_counter() - start
    for page in PAGES:
        start = time.perf_counter()
        app.switch_page(f"pages/{page}.py").run()
        times[f"{page} cold"] = time.perf_counter() - start
        warm = []
        for _ in range(WARM_RERUNS):
            start = time.perf_counter()
            app.run()
            warm.append(time.perf_counter() - start)
        times[f"{page} warm"] = statistics.median(warm)
        if app.exception:
            raise SystemExit(f"{page} raised: {app.exception[0].message}")
    return times


def measure(demo: str, runs: int) -> dict[str, float]:
    """Return the median of each figure over runs fresh processes."""
    results = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, __file__, "--journey", demo], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--journey", choices=sorted(DEMOS), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.journey:
        print(json.dumps(journey(arguments.journey)))
        return
    figures = {demo: measure(demo, arguments.runs) for demo in DEMOS}
    print(f"median of {arguments.runs} fresh processes per demo, seconds of server time")
    print(f"{'':24} {'clinical demo':>14} {'RNA demo':>10}")
    for key in figures["clinical"]:
        print(f"{key:24} {figures['clinical'][key]:14.2f} {figures['rna'][key]:10.2f}")
    warm = [v for demo in figures.values() for k, v in demo.items() if k.endswith("warm")]
    print(f"slowest warm page: {max(warm):.2f} s (target < 1 s)")
    landing = max(demo["landing (cold start)"] for demo in figures.values())
    print(f"first page, cold: {landing:.2f} s (target < 3 s)")


if __name__ == "__main__":
    main()
