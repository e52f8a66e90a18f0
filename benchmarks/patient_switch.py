"""Server time to re-render the Patient page for another patient (target < 0.3 s), measured with
Streamlit's AppTest on the demo cohort after the cohort's SHAP values are computed once; the
first render (which scores the cohort) is shown as the baseline."""

from __future__ import annotations

import statistics
import time

from _common import ROOT
from streamlit.testing.v1 import AppTest


def main() -> None:
    app = AppTest.from_file(str(ROOT / "pages" / "patient.py"), default_timeout=120)
    app.run()
    start = time.perf_counter()
    app.button(key="gate_demo").click().run()
    first = time.perf_counter() - start
    times = []
    for _ in range(10):
        start = time.perf_counter()
        app.button(key="next_patient").click().run()
        times.append(time.perf_counter() - start)
    assert not app.exception, app.exception
    print(f"first render with scoring of 515 patients: {first:.2f} s")
    print(
        f"switch to the next patient: median {statistics.median(times):.3f} s, max {max(times):.3f} s over 10 switches "
        f"({statistics.median(times) / first:.2f} of the first render)"
    )


if __name__ == "__main__":
    main()
