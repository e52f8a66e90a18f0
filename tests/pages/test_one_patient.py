"""The one-patient form: the same intake rules, the same Patient page, nothing in the URL."""

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from icilens.cli import main
from tests.conftest import ROOT

TIMEOUT = 120
APP = str(ROOT / "app.py")
VALUES = {"tmb": "12.5", "albumin": "39", "nlr": "4.2", "age": "67", "hgb": "7.5", "bmi": "24.1"}


def _form(at: AppTest, values: dict[str, str], units: dict[str, str], cancer: str = "NSCLC") -> AppTest:
    at.selectbox(key="icilens_entry_cancer_type").set_value(cancer)
    at.selectbox(key="icilens_entry_prior_systemic_therapy").set_value("no")
    for name, value in values.items():
        at.text_input(key=f"icilens_entry_{name}").input(value)
    for name, unit in units.items():
        at.selectbox(key=f"icilens_entry_unit_{name}").set_value(unit)
    return at


def _submit(at: AppTest) -> AppTest:
    at.button[[b.label for b in at.button].index("Predict")].click()
    return at.run()


def test_the_form_refuses_an_implausible_value_at_its_field_with_intakes_reason():
    at = AppTest.from_file(str(ROOT / "pages" / "one_patient.py"), default_timeout=TIMEOUT).run()
    _form(at, {**VALUES, "age": "467"}, {"albumin": "g/dL"})
    _submit(at)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("467: outside the plausible range 10 to 110 years" in e for e in errors), errors
    assert any("39 g/dL: value looks like g/L, not g/dL" in e for e in errors), errors
    assert at.session_state["icilens_cohort"] is None if "icilens_cohort" in at.session_state else True


def test_the_forms_prediction_equals_predict_on_a_one_row_file(tmp_path):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/one_patient.py").run()
    _form(at, VALUES, {"albumin": "g/L", "hgb": "mmol/L"})
    _submit(at)
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value.replace("\\", "").startswith("Patient entered-1")
    key = at.query_params["id"]  # an opaque key: neither a value nor the id enters the URL
    assert len(key) == 12 and "entered" not in key
    cohort = at.session_state["icilens_cohort"]
    assert cohort.entered and cohort.label == "Patients entered by hand"
    form_table = at.session_state["icilens_cached_predictions"][3]

    row = pd.DataFrame(
        [{"patient_id": "entered-1", "cancer_type": "NSCLC", "prior_systemic_therapy": "no", **VALUES}]
    ).rename(columns={"albumin": "albumin (g/L)", "hgb": "hgb (mmol/L)"})
    source, out = tmp_path / "one.csv", tmp_path / "out.csv"
    row.to_csv(source, index=False)
    # One value cannot tell 7.5 mmol/L from 7.5 g/dL, so intake waits for the word the form gives by its unit.
    assert main(["predict", str(source), "--out", str(out), "--explain", "--map", "hgb (mmol/L)=hgb"]) == 0
    file_table = pd.read_csv(out)
    for column in ("response_probability", "range_low", "range_high", "loris_probability", "shap_tmb"):
        assert np.abs(form_table[column].to_numpy() - file_table[column].to_numpy()).max() <= 1e-12, column


def test_a_second_patient_joins_the_first_and_both_are_compared():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/one_patient.py").run()
    _submit(_form(at, VALUES, {"albumin": "g/L"}))
    at.switch_page("pages/one_patient.py").run()
    _submit(_form(at, {**VALUES, "tmb": "1.0"}, {"albumin": "g/L"}, cancer="Melanoma"))
    assert at.title[0].value.replace("\\", "").startswith("Patient entered-2")
    at.switch_page("pages/one_patient.py").run()
    assert not at.exception
    compared = at.dataframe[0].value
    assert compared["Patient"].tolist() == ["entered-1", "entered-2"]
    assert compared["Predicted response"].nunique() == 2
    assert compared["Predicted response"].str.fullmatch(r"\d{1,3}%").all()  # whole percents, as on the Patient page
    assert not compared.isin(["None", "nan"]).any().any() and compared["LORIS (recalibrated)"].notna().all()


def test_a_patient_added_to_the_demo_cohort_keeps_the_demo():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.button(key="icilens_open_demo").click().run()
    at.switch_page("pages/one_patient.py").run()
    assert at.radio(key="icilens_entry_destination").value == "add"
    _submit(_form(at, VALUES, {"albumin": "g/L"}))
    assert not at.exception
    cohort = at.session_state["icilens_cohort"]
    assert len(cohort.result.frame) == 516 and cohort.is_demo and cohort.entered_ids == ["entered-1"]


@pytest.mark.parametrize("missing", ["cancer_type"])
def test_the_required_field_says_why(missing):
    at = AppTest.from_file(str(ROOT / "pages" / "one_patient.py"), default_timeout=TIMEOUT).run()
    at.text_input(key="icilens_entry_tmb").input("5")
    _submit(at)
    assert any("Cancer type is required: response rates differ" in e.value for e in at.error)
