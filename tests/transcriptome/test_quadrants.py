"""TMB and the GEP read together: four quadrants, their counts and response rates, the patient placed."""

import gzip

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from icilens.plots import plot_tmb_gep_quadrants
from icilens.transcriptome.quadrants import TMB_CUT, count_quadrants, place_in_quadrant, reference_gep_cut
from tests.conftest import ROOT

BUNDLED = ROOT / "src" / "icilens" / "bundled" / "reference_cohorts"


def test_patients_fall_into_quadrants_with_their_response_rates():
    tmb = pd.Series([20.0, 20.0, 2.0, 2.0, np.nan])
    gep = pd.Series([1.0, -1.0, 1.0, -1.0, 1.0])
    response = pd.Series([1, 0, 1, np.nan, 1])
    counts = count_quadrants(tmb, gep, response, 0.0).set_index("quadrant")
    assert counts["patients"].sum() == 4  # no TMB, not placed
    assert counts.loc["TMB high, GEP high", "response rate"] == 1.0
    assert np.isnan(counts.loc["TMB low, GEP low", "response rate"])  # its one patient has no observed response
    assert place_in_quadrant(12.0, -2.0, 0.0) == "TMB high, GEP low" and place_in_quadrant(np.nan, 1, 0) is None
    figure = plot_tmb_gep_quadrants(tmb, gep, response, counts.reset_index(), TMB_CUT, 0.0, highlight=(20.0, 1.0))
    assert any(t.name == "this patient" for t in figure.data)
    assert -5 < reference_gep_cut() < 5


@pytest.mark.slow
def test_an_upload_with_tmb_and_rna_shows_the_quadrants_on_compare_and_places_the_patient():
    clinical = pd.read_csv(BUNDLED / "demo_clinical.csv")
    clinical["TMB (mut/Mb)"] = np.random.default_rng(0).gamma(1.5, 8, len(clinical)).round(1)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.file_uploader[0].upload("cohort.csv", clinical.to_csv(index=False).encode(), "text/csv").run()
    expression = gzip.decompress((BUNDLED / "demo_expression.csv.gz").read_bytes())
    at.file_uploader(key="icilens_expression_upload").upload("rna.csv", expression, "text/csv").run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    assert any(s.value == "TMB and the T-cell-inflamed GEP together" for s in at.subheader)
    assert any("the median of the treated reference patients" in c.value for c in at.caption)  # drawn
    at.switch_page("pages/patient.py").run()
    assert any(s.value == "TMB and the T-cell-inflamed GEP together" for s in at.subheader)
