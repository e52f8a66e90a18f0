"""Page tests with Streamlit's AppTest: the journeys a user takes through the app."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from icilens.ui.privacy import SECRET, key_for
from icilens.vocabulary import Score
from tests.conftest import CORPUS, ROOT

APP = str(ROOT / "app.py")
TIMEOUT = 120


def _page(path: str) -> AppTest:
    return AppTest.from_file(str(ROOT / path), default_timeout=TIMEOUT)


def _no_errors(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def test_home_is_the_cohort_page_and_offers_the_demo():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _no_errors(at)
    assert at.title[0].value == "Cohort"
    assert at.button(key="icilens_open_demo").label == "Open the demo cohort"
    assert any("MSK, treated in 2018, 515 patients" in c.value for c in at.caption)


def test_opening_the_demo_shows_the_cohort_summary():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.button(key="icilens_open_demo").click().run()
    _no_errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Patients"] == "515"
    assert metrics["Responders"] == "127 (25%)"
    assert metrics["Model features present"] == "17 of 17"


def test_uploading_a_messy_xlsx_shows_findings_and_a_fixable_mapping():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    data = (CORPUS / "36_messy_hospital_export.xlsx").read_bytes()
    at.file_uploader(key="icilens_upload").upload(
        "registry.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    at.run()
    _no_errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Patients"] == "12"
    assert metrics["Model features present"] == "13 of 17"  # no HED, HLA LOH, FCNA; PD-L1 empty
    warnings = next(c.value for c in at.caption if c.value.startswith("Intake: "))
    assert int(re.search(r"(\d+) warnings?", warnings).group(1)) >= 2
    findings = at.dataframe[-1].value
    assert findings["problem"].str.contains("unit from the values: g/L").any()
    assert at.selectbox(key="icilens_sheet").value == "Patients"

    # The user decides the 'NLR' column is not to be used, and the cohort is rebuilt without it.
    at.selectbox(key="icilens_fix_column").set_value("NLR").run()
    at.selectbox(key="icilens_fix_target_NLR").set_value("(not used)").run()
    at.button(key="icilens_apply_mapping").click().run()
    _no_errors(at)
    assert {m.label: m.value for m in at.metric}["Model features present"] == "12 of 17"


def test_suggestions_wait_for_the_user_and_a_value_can_be_set_for_everyone():
    frame = "Patient,Diagnosis Age,Albumin (g/L),NLR\nA,61,38,2.5\nB,70,41,4.1\nC,55,33,6.0\n"
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.file_uploader(key="icilens_upload").upload("clinic.csv", frame.encode(), "text/csv")
    at.run()
    _no_errors(at)
    assert {m.label: m.value for m in at.metric}["Model features present"] == "2 of 17"
    assert any("TMB missing for 100% of patients" in w.value for w in at.warning)  # what that costs, before predictions
    assert any("Diagnosis Age → Age at ICI start" in i.value for i in at.info)
    at.button(key="icilens_accept_suggestions").click().run()
    _no_errors(at)
    assert {m.label: m.value for m in at.metric}["Model features present"] == "3 of 17"
    at.selectbox(key="icilens_set_field").set_value("cancer_type").run()
    at.selectbox(key="icilens_set_value_cancer_type").set_value("Melanoma").run()
    at.button(key="icilens_set_for_all").click().run()
    _no_errors(at)
    assert {m.label: m.value for m in at.metric}["Model features present"] == "4 of 17"
    assert any("Cancer type = Melanoma for every patient" in c.value for c in at.caption)


def test_a_broken_upload_says_what_is_wrong_without_a_traceback():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.file_uploader(key="icilens_upload").upload(
        "broken.csv", (CORPUS / "42_binary_garbage.csv").read_bytes(), "text/csv"
    )
    at.run()
    _no_errors(at)
    assert "not a text table" in at.error[0].value


def test_patients_page_lists_every_demo_patient_and_filters():
    at = _page("pages/patients.py").run()
    at.button(key="icilens_gate_demo").click().run()
    _no_errors(at)
    table = at.dataframe[0].value
    assert len(table) == 515
    assert table["rank"].min() == 1
    at.multiselect(key="icilens_patient_types").set_value(["Melanoma"]).run()
    assert set(at.dataframe[0].value["cancer_type"]) == {"Melanoma"}
    at.text_input(key="icilens_patient_query").input("12").run()
    assert all("12" in pid for pid in at.dataframe[0].value["patient_id"])


def test_model_page_shows_the_card_without_a_cohort():
    at = _page("pages/model.py").run()
    _no_errors(at)
    assert at.title[0].value == "Model card"
    overall = next(d.value for d in at.dataframe if "score" in d.value.columns)
    assert list(overall["score"])[:2] == ["ICI Lens model", "LORIS (recalibrated)"]
    assert any(m.label == "Calibration slope" for m in at.metric)


def _with_demo(path: str, patient: str | None = None) -> AppTest:
    """Open the demo on a page; with patient, follow that patient's link as the session knows it."""
    at = _page(path)
    at.run()
    at.button(key="icilens_gate_demo").click().run()
    _no_errors(at)
    if patient is not None:
        at.query_params["id"] = _key(at, patient)
        at.run()
        _no_errors(at)
    return at


def _open_section(at: AppTest, name: str) -> AppTest:
    """Open one of the page's collapsed sections, as a click on its title does, and rerun."""
    at.session_state[f"icilens_open_{name}"] = True
    at.run()
    _no_errors(at)
    return at


def _key(at: AppTest, patient: str) -> str:
    return key_for(at.session_state[SECRET], patient)


def test_patient_page_opens_the_patient_named_in_the_url():
    at = _with_demo("pages/patient.py", patient="5")
    assert at.title[0].value == "Patient 5"
    assert at.query_params["id"] == _key(at, "5") and _key(at, "5") != "5"
    assert any("raised the predicted chance" in m.value for m in at.markdown)
    labels = {m.label for m in at.metric}
    assert {"Predicted response", "LORIS (recalibrated)", "TMB ≥ 10 mut/Mb"} <= labels
    # What a user opens on purpose is drawn only once opened: no page visit pays for it otherwise.
    assert "Responded" not in labels and not any(n.key == "icilens_whatif_5_albumin" for n in at.number_input)
    _open_section(at, "similar_patients")
    assert "Responded" in {m.label for m in at.metric}


def test_patient_page_next_switches_patient_and_url():
    at = _with_demo("pages/patient.py")
    first = at.title[0].value
    at.button(key="icilens_next_patient").click().run()
    _no_errors(at)
    assert at.title[0].value != first
    assert at.query_params["id"] == _key(at, at.title[0].value.removeprefix("Patient "))


def test_picking_a_patient_in_either_list_opens_it():
    at = _with_demo("pages/patient.py", patient="5")
    at.selectbox(key="icilens_pick_5").set_value("291").run()
    _no_errors(at)
    assert at.title[0].value == "Patient 291"
    at.query_params["id"] = "no-such-key"
    at.run()
    at.text_input(key="icilens_patient_search").input("12").run()
    at.selectbox(key="icilens_patient_search_pick").set_value("12").run()
    _no_errors(at)
    assert at.title[0].value == "Patient 12"


def test_what_if_moves_the_prediction_and_resets():
    at = _open_section(_with_demo("pages/patient.py", patient="5"), "what_if")
    key = "icilens_whatif_5_albumin"
    at.number_input(key=key).set_value(2.0).run()
    _no_errors(at)
    what_if = {m.label: m for m in at.metric}["What if"]
    assert what_if.delta.startswith("-")
    at.button(key="icilens_whatif_5_reset").click().run()
    assert "What if" not in {m.label for m in at.metric}


def test_explanations_page_for_one_cancer_type():
    at = _with_demo("pages/explanations.py")
    at.selectbox(key="icilens_explain_scope").set_value("Melanoma").run()
    _no_errors(at)
    assert any("patients. Exact TreeSHAP" in c.value for c in at.caption)
    at.selectbox(key="icilens_dependence_feature").set_value("albumin").run()
    _no_errors(at)
    assert any("Colour picked automatically" in c.value for c in at.caption)


def test_compare_page_on_the_demo():
    at = _with_demo("pages/compare.py")
    assert at.selectbox(key="icilens_compare_by").value == "Observed response"
    stats = at.dataframe[0].value
    assert stats.iloc[0]["q"] == "<0.001"  # sorted by q; written as a journal writes it
    assert stats["q"].str.fullmatch(r"<0\.001|[01]\.\d{3}|").all()  # one format, no None, nan or 1.4e-7
    assert not stats.isin(["None", "nan", "<NA>"]).any().any()
    assert {"n responder", "n non-responder", "test", "estimate", "q"} <= set(stats.columns)
    order = next(c.value for c in at.caption if "patients" in c.value and " · " in c.value)
    assert order.index("responder:") < order.index("non-responder:")  # the table's order, responders first
    assert any("Cliff's delta (responder against non-responder" in c.value for c in at.caption)
    at.selectbox(key="icilens_compare_by").set_value("Predicted response").run()
    _no_errors(at)
    assert any("predicted responder" in c.value for c in at.caption)
    at.selectbox(key="icilens_compare_scope").set_value("Melanoma").run()
    _no_errors(at)


def test_compare_says_why_when_one_group_is_empty():
    at = _with_demo("pages/compare.py")
    at.selectbox(key="icilens_compare_by").set_value("Predicted response").run()
    at.slider(key="icilens_compare_threshold").set_value(80).run()
    _no_errors(at)
    assert "nothing to compare" in at.warning[0].value


def test_performance_page_on_the_demo():
    at = _with_demo("pages/performance.py")
    scores = at.dataframe[0].value
    assert list(scores["score"]) == [Score.MODEL, Score.LORIS, Score.TMB]
    assert scores.iloc[1]["ROC AUC [95% CI]"].startswith("0.754")
    assert any(re.search(r"Log-rank \*\*p [<=] 0\.\d{3}\*\*", m.value) for m in at.markdown)
    at.slider(key="icilens_performance_threshold").set_value(50).run()
    _no_errors(at)
    assert any(h.value == "At the decision threshold" for h in at.subheader)


def test_one_decision_threshold_for_the_session():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.button(key="icilens_open_demo").click().run()
    at.switch_page("pages/performance.py").run()
    at.slider(key="icilens_performance_threshold").set_value(50).run()
    at.switch_page("pages/compare.py").run()
    assert at.slider(key="icilens_compare_threshold").value == 50
    at.switch_page("pages/patients.py").run()
    _no_errors(at)
    assert at.slider(key="icilens_patients_threshold").value == 50
    flags = at.dataframe[0].value
    assert set(flags.loc[flags["probability"] >= 50, "flag"]) == {"yes"}
    assert set(flags.loc[flags["probability"] < 50, "flag"]) == {"no"}


def test_performance_without_outcomes_explains_why():
    from icilens.intake import read_cohort
    from icilens.ui.state import Cohort

    data = (CORPUS / "29_hospital_subset.csv").read_bytes()
    at = _page("pages/performance.py")
    at.session_state["icilens_cohort"] = Cohort(read_cohort(data, "subset.csv"), "subset.csv", False, data)
    at.run()
    _no_errors(at)
    texts = " ".join(i.value for i in at.info)
    assert "no observed response column" in texts and "no overall or progression-free survival" in texts


def test_download_buttons_are_offered_for_charts_tables_and_the_report():
    at = _with_demo("pages/patient.py", patient="5")
    labels = [button.proto.label for button in at.get("download_button")]
    assert "Patient report (PDF)" in labels
    assert {"PNG (2x, white background)", "SVG (vector)", "HTML (interactive)"} <= set(labels)
    at = _with_demo("pages/patients.py")
    assert {"CSV", "XLSX"} <= {button.proto.label for button in at.get("download_button")}


@pytest.mark.slow
def test_bulk_export_of_every_patient_report():
    # Forty demo patients: one report each is what is tested; the time of all 515 is benchmarks/report_speed.py's
    import io
    import zipfile

    import pandas as pd

    from icilens.datasets import demo_path
    from icilens.intake import read_cohort
    from icilens.ui.state import Cohort

    data = pd.read_csv(demo_path()).head(40).to_csv(index=False).encode()
    at = _page("pages/patients.py")
    at.session_state["icilens_cohort"] = Cohort(
        result=read_cohort(io.BytesIO(data), "forty.csv"), label="forty.csv", is_demo=False, data=data
    )
    at.run()
    at.button(key="icilens_patient_reports_prepare").click().run()
    _no_errors(at)
    archive = zipfile.ZipFile(io.BytesIO(at.session_state["icilens_patient_reports_zip"]))
    names = archive.namelist()
    assert len(names) == 40 and all(name.endswith(".pdf") for name in names)
    assert archive.read(names[0])[:5] == b"%PDF-"


@pytest.mark.slow
@pytest.mark.skipif(not __import__("shutil").which("chromium"), reason="Debian's chromium is not installed")
def test_bulk_export_of_the_explanation_charts():
    import io
    import zipfile

    at = _with_demo("pages/explanations.py")
    at.button(key="icilens_explanation_charts_prepare").click().run()
    _no_errors(at)
    archive = zipfile.ZipFile(io.BytesIO(at.session_state["icilens_explanation_charts_zip"]))
    assert sorted(archive.namelist()) == ["beeswarm.png", "dependence.png", "importance.png"]
    assert all(archive.read(name)[:4] == b"\x89PNG" for name in archive.namelist())


def test_an_unexpected_error_shows_an_id_not_a_traceback():
    from icilens.intake import read_cohort
    from icilens.ui.state import Cohort

    result = read_cohort(CORPUS / "01_clean_human_headers.csv")
    result.frame = result.frame.drop(columns=["tmb"])  # a broken cohort the model cannot score
    at = _page("pages/patients.py")
    at.session_state["icilens_cohort"] = Cohort(result, "broken.csv", False, b"")
    at.run()
    _no_errors(at)
    message = at.error[0].value
    assert message.startswith("Something went wrong while scoring the cohort (error id ") and "Traceback" not in message


def test_an_unknown_patient_id_never_shows_another_patient():
    at = _with_demo("pages/patient.py")
    at.query_params["id"] = "no-such-key"
    at.run()
    assert at.title[0].value == "Patient not found"
    assert "names no patient of the cohort open in this session" in at.error[0].value
    assert not any(m.label == "Predicted response" for m in at.metric)
    at.text_input(key="icilens_patient_search").input("12").run()
    assert "12" in at.selectbox(key="icilens_patient_search_pick").options[0]


def test_the_patient_page_reopens_the_patient_last_viewed():
    at = _with_demo("pages/patient.py", patient="5")
    at.query_params.clear()
    at.run()
    _no_errors(at)
    assert at.title[0].value == "Patient 5"


def test_model_page_says_how_often_each_feature_was_measured_and_how_it_compares_with_loris():
    at = _page("pages/model.py").run()
    _no_errors(at)
    availability = next(d.value for d in at.dataframe if "share measured" in d.value.columns)
    pdl1 = availability.set_index("feature").loc["PD-L1 tumour proportion score"]
    assert pdl1["measured in training"] == 217 and pdl1["share measured"] == "23%"
    assert any("not distinguishable from zero" in m.value for m in at.markdown)


def test_two_patients_side_by_side():
    at = _open_section(_with_demo("pages/patient.py", patient="5"), "side_by_side")
    at.selectbox(key="icilens_side_by_side_5").set_value("291").run()
    _no_errors(at)
    table = next(d.value for d in at.dataframe if "feature" in d.value.columns and "5: points" in d.value.columns)
    assert {"291", "291: points"} <= set(table.columns) and len(table) == 17
    assert {m.label for m in at.metric} >= {"Patient 5", "Patient 291"}


def test_what_an_upload_gives_stays_in_its_session_while_the_demo_is_shared():
    from icilens.ui import resources

    demo = _with_demo("pages/patients.py")
    assert ("patient_table",) in resources._PUBLIC  # the demo as shipped: computed once for every session
    assert "icilens_cached_patient_table" not in demo.session_state

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    data = (CORPUS / "01_clean_human_headers.csv").read_bytes()
    at.file_uploader(key="icilens_upload").upload("ward.csv", data, "text/csv").run()
    for page in ("pages/patients.py", "pages/patient.py", "pages/compare.py"):
        at.switch_page(page).run()
        _no_errors(at)
    kept = {str(key) for key in at.session_state}
    assert {"icilens_cached_patient_table", "icilens_cached_summary", "icilens_cached_compare_table"} <= kept
    shared = " ".join(v.to_csv() if hasattr(v, "to_csv") else repr(v) for v in resources._PUBLIC.values())
    assert "MRN-10" not in shared and "ward.csv" not in shared


def test_ecog_is_compared_on_compare_and_shown_on_the_patient_page():
    # ECOG performance status: kept and compared, never a model input
    import io

    import pandas as pd

    from icilens.datasets import demo_path
    from icilens.intake import read_cohort
    from icilens.ui.state import Cohort

    demo = pd.read_csv(demo_path()).head(60)
    demo["ECOG PS"] = [i % 3 for i in range(len(demo))]
    data = demo.to_csv(index=False).encode()
    cohort = Cohort(
        result=read_cohort(io.BytesIO(data), "with_ecog.csv"), label="with_ecog.csv", is_demo=False, data=data
    )
    compare = _page("pages/compare.py")
    compare.session_state["icilens_cohort"] = cohort
    compare.run()
    _no_errors(compare)
    table = next(d.value for d in compare.dataframe if "feature" in d.value.columns and "q" in d.value.columns)
    row = table.set_index("feature").loc["ECOG performance status"]
    assert row["test"] == "Mann-Whitney U" and re.fullmatch(r"\d \[\d, \d\]", row["responder"])
    patient = _page("pages/patient.py")
    patient.session_state["icilens_cohort"] = cohort
    patient.run()
    _no_errors(patient)
    assert any(
        c.value.startswith("Also recorded, not a model input: ECOG performance status ") for c in patient.caption
    )
