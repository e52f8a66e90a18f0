"""Server time of the Compare and Performance pages on the 515-patient demo (Compare target < 1 s),
measured with Streamlit's AppTest: the first render after the cohort is scored, then reruns that
reuse the session's cached statistics and bootstrap CIs."""

from __future__ import annotations

import statistics
import time

from _common import ROOT
from streamlit.testing.v1 import AppTest


def measure(page: str) -> None:
    app = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=120)
    app.run()
    app.button(key="gate_demo").click().run()  # loads and scores the cohort, fills the caches
    first = []
    for _ in range(3):  # a new grouping each time: statistics recomputed, scoring reused
        app.session_state["icilens_compare_table"] = None
        app.session_state["icilens_score_summary"] = None
        start = time.perf_counter()
        app.run()
        first.append(time.perf_counter() - start)
    cached = []
    for _ in range(5):
        start = time.perf_counter()
        app.run()
        cached.append(time.perf_counter() - start)
    assert not app.exception, app.exception
    print(
        f"{page:16} uncached statistics: median {statistics.median(first):.2f} s   "
        f"cached: median {statistics.median(cached):.2f} s (x{statistics.median(cached) / statistics.median(first):.2f})"
    )


if __name__ == "__main__":
    measure("compare.py")
    measure("performance.py")
