"""Every page works whatever a cohort lacks: LORIS inputs, TMB, outcomes or survival; it says why when it cannot."""

import io

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from icilens.datasets import demo_path
from icilens.intake import read_cohort
from icilens.ui.state import Choices, Cohort
from tests.conftest import ROOT

PAGES = [
    "pages/cohort.py",
    "pages/patients.py",
    "pages/patient.py",
    "pages/explanations.py",
    "pages/compare.py",
    "pages/performance.py",
]
VARIANTS = {
    "no LORIS input (albumin)": ["Albumin"],
    "no TMB": ["TMB"],
    "no outcome": ["Response", "OS_Months", "OS_Event", "PFS_Months", "PFS_Event"],
    "no survival": ["OS_Months", "OS_Event", "PFS_Months", "PFS_Event"],
}


def _cohort(dropped: list[str]) -> Cohort:
    raw = pd.read_csv(demo_path()).drop(columns=dropped).head(120)
    data = raw.to_csv(index=False).encode()
    result = read_cohort(io.BytesIO(data), "variant.csv")
    return Cohort(result=result, label="variant.csv", is_demo=False, data=data, choices=Choices())


@pytest.mark.slow
@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("path", PAGES)
def test_page_runs_on_a_cohort_without(path, variant):
    at = AppTest.from_file(str(ROOT / path), default_timeout=180)
    at.session_state["icilens_cohort"] = _cohort(VARIANTS[variant])
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not [e.value for e in at.error if "error id" in e.value.lower() or "went wrong" in e.value.lower()]
