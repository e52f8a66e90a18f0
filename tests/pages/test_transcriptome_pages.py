"""The tumour transcriptome through the pages: the RNA demo, an uploaded matrix, Patients, Patient, Compare, Model."""

import gzip

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from icilens.transcriptome.candidates import SHIPPED
from icilens.transcriptome.catalogue import list_descriptors
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
TIMEOUT = 180
BUNDLED = ROOT / "src" / "icilens" / "bundled" / "reference_cohorts"


def _no_errors(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def _open_rna_demo() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.button(key="icilens_open_rna_demo").click().run()
    _no_errors(at)
    return at


@pytest.mark.slow
def test_the_rna_demo_opens_with_its_expression_read_and_linked():
    at = _open_rna_demo()
    assert {m.label: m.value for m in at.metric}["Patients"] == "41"
    summary = next(m.value.replace("\\", "") for m in at.markdown if "demo\\_expression" in m.value)
    assert "41 samples, genes as rows" in summary and "41 patients have a transcriptome prediction" in summary
    assert "against the reference cohorts" in summary


def test_patients_show_the_transcriptome_beside_the_clinical_prediction():
    at = _open_rna_demo()
    at.switch_page("pages/patients.py").run()
    _no_errors(at)
    table = at.dataframe[0].value
    assert table["transcriptome"].between(0, 100).all() and table["transcriptome"].nunique() > 10


def test_a_patient_page_explains_the_transcriptome_prediction_in_words():
    at = _open_rna_demo()
    at.switch_page("pages/patient.py").run()
    _no_errors(at)
    assert any(s.value == "Tumour transcriptome" for s in at.subheader)
    text = " ".join(m.value for m in at.markdown)
    assert "Predicted response from the tumour's RNA" in text
    assert "percentiles are taken among the reference cohorts" in text
    assert "a ranking, not a chance of response" in text
    assert "for the reference cohorts," in text or "of the reference cohorts," in text  # a signature and its level
    descriptors = next(d.value for d in at.dataframe if "descriptor" in d.value.columns)
    assert "CD8 T cells fraction" in descriptors["descriptor"].tolist()
    assert "T-cell-inflamed gene expression profile (GEP)" in descriptors["descriptor"].tolist()


def test_compare_tests_every_descriptor_between_responders_and_non_responders():
    at = _open_rna_demo()
    at.switch_page("pages/compare.py").run()
    _no_errors(at)
    assert any(s.value.startswith("Tumour transcriptome") for s in at.subheader)
    # the clinical features' table comes first; the descriptors' table is the one that lists GEP
    compared = next(d.value for d in at.dataframe if d.value.get("feature", pd.Series()).str.startswith("GEP").any())
    assert len(compared) == len(list_descriptors()) and set(compared["effect"]) == {"Cliff's delta"}
    # every descriptor is labelled with its unit; cell fractions read as percentages of cells, as on Patient
    assert compared["feature"].str.endswith(")").all()
    cd8 = compared.set_index("feature").loc["CD8 T cells (% of cells)"]
    assert 1 < float(cd8["responder"].split(" ")[0]) < 100
    assert {"responder", "non-responder"} <= set(compared.columns)
    assert compared["q"].str.fullmatch(r"<0\.001|[01]\.\d{3}").all()


def test_an_expression_matrix_that_cannot_be_used_is_refused_and_the_cohort_stays():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.button(key="icilens_open_demo").click().run()
    bad = b"probe,s1,s2\np1,1,2\np2,3,4\n"
    at.file_uploader(key="icilens_expression_upload").upload("probes.csv", bad, "text/csv").run()
    _no_errors(at)
    assert any("no gene identifiers recognised" in e.value for e in at.error)
    assert {m.label: m.value for m in at.metric}["Patients"] == "515"


def test_an_uploaded_matrix_links_to_the_cohort_file_by_its_sample_column():
    clinical = pd.read_csv(BUNDLED / "demo_clinical.csv")
    cohort = clinical.assign(patient=[f"P{i:03d}" for i in range(len(clinical))])  # sample ids only in 'sample'
    expression = gzip.decompress((BUNDLED / "demo_expression.csv.gz").read_bytes())
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.file_uploader(key="icilens_upload").upload("cohort.csv", cohort.to_csv(index=False).encode(), "text/csv").run()
    at.file_uploader(key="icilens_expression_upload").upload("rna.csv", expression, "text/csv").run()
    _no_errors(at)
    summary = next(m.value.replace("\\", "") for m in at.markdown if "rna\\.csv" in m.value)
    assert "41 samples linked to patients" in summary


def test_the_model_page_shows_the_transcriptome_card_cohort_by_cohort():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/model.py").run()
    _no_errors(at)
    assert any(s.value == "The transcriptome model" for s in at.subheader)
    table = next(d.value for d in at.dataframe if "patients (responders)" in d.value.columns)
    assert len(table) == 12 and table.iloc[-1]["cohort"] == "mean"
    assert table["ICI Lens transcriptome model"].str.match(r"0\.\d\d").all()
    assert any("Of the other trained models compared" in m.value for m in at.markdown)

    # The evidence on every endpoint: a forest plot of the chosen figure and score, and every pooled figure.
    pooled = next(d.value for d in at.dataframe if "pooled (95% CI)" in d.value.columns)
    model_os = pooled[
        (pooled["score"] == "ICI Lens transcriptome model") & (pooled["figure"].str.startswith("Overall"))
    ]
    assert len(model_os) == 2 and (model_os["cohorts"] >= 10).all()
    forest = at.get("plotly_chart")[-1].proto.spec
    assert "Response: ROC AUC" in forest and "Pooled (random effects)" in forest
    at.selectbox(key="icilens_evidence_figure").set_value("Overall survival: hazard ratio per SD").run()
    at.selectbox(key="icilens_evidence_score").set_value("IFN-gamma 6").run()
    _no_errors(at)
    forest = at.get("plotly_chart")[-1].proto.spec
    assert "IFN-gamma 6: Overall survival: hazard ratio per SD" in forest and '"type":"log"' in forest

    # How the model was chosen: every declared candidate with its inner and outer figures, then the rule itself.
    chosen = next(d.value for d in at.dataframe if "chosen in outer folds" in d.value.columns)
    assert chosen["candidate"].iloc[0] == "current model" and len(chosen) == 6
    assert chosen["outer: pooled ROC AUC (95% CI)"].str.match(r"0\.\d{3} \(95% CI 0\.\d{3} to 0\.\d{3}\)").all()
    assert any(f"the same rule chose on every training cohort: {SHIPPED}" in c.value for c in at.caption)
    folds = next(d.value for d in at.dataframe if "chosen by the other cohorts" in d.value.columns)
    assert len(folds) == 11 and "Prat" in folds["held-out cohort"].tolist()


def test_performance_scores_the_transcriptome_on_the_cohort_beside_single_signatures():
    at = _open_rna_demo()
    at.switch_page("pages/performance.py").run()
    _no_errors(at)
    table = next(d.value for d in at.dataframe if "ROC AUC (95% CI)" in d.value.columns)
    assert table["score"].tolist() == ["ICI Lens transcriptome model", "CYT", "IFN-gamma 6", "GEP"]
    assert (table["patients"] == 41).all() and (table["responders"] == 19).all()
    assert table["ROC AUC (95% CI)"].str.match(r"0\.\d\d \(0\.\d\d to [01]\.\d\d\)").all()
    # the RNA demo is Gide 2019, a training cohort of the model: said, with its out-of-fold figure
    overlap = next(w.value for w in at.warning if "the transcriptome model was fitted on" in w.value)
    assert "41 of these samples" in overlap and "scored by the model fitted without it: 0.83" in overlap


@pytest.mark.slow
def test_one_entered_patient_gets_a_transcriptome_prediction_from_one_sample():
    from tests.pages.test_one_patient import VALUES, _form, _submit

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/one_patient.py").run()
    _form(at, VALUES, {"albumin": "g/L", "hgb": "mmol/L"}, cancer="Melanoma")
    _submit(at)
    at.switch_page("pages/one_patient.py").run()
    _no_errors(at)
    one = pd.read_csv(BUNDLED / "demo_expression.csv.gz", index_col=0).iloc[:, [3]]
    at.file_uploader(key="icilens_patient_expression_upload").upload("tumour.csv", one.to_csv().encode(), "text/csv")
    at.run()
    _no_errors(at)
    two = pd.read_csv(BUNDLED / "demo_expression.csv.gz", index_col=0).iloc[:, [3, 4]]
    at.switch_page("pages/patient.py").run()
    _no_errors(at)
    text = " ".join(m.value for m in at.markdown)
    assert "Predicted response from the tumour's RNA" in text and "among the reference cohorts" in text
    descriptors = next(d.value for d in at.dataframe if "descriptor" in d.value.columns)
    chemokine = descriptors.set_index("descriptor").loc["Chemokine 12", "value"]
    assert chemokine == "not computed"  # a cohort score: one sample has no cohort
    at.switch_page("pages/one_patient.py").run()
    at.file_uploader(key="icilens_patient_expression_upload").upload("two.csv", two.to_csv().encode(), "text/csv")
    at.run()
    assert any("has 2 samples; here it takes one patient's sample" in e.value for e in at.error)


@pytest.mark.slow
def test_the_transcriptome_model_refits_on_the_cohort_only_when_chosen_and_can_go_back():
    at = _open_rna_demo()
    at.switch_page("pages/model.py").run()
    _no_errors(at)
    keep = at.button(key="icilens_transcriptome_keep")
    assert keep.proto.type == "primary"  # keeping the validated model is the emphasised action
    assert any("Refitted on 41 patients of this cohort (19 responders)" in m.value for m in at.markdown)
    at.button(key="icilens_transcriptome_use").click().run()
    _no_errors(at)
    assert at.session_state["icilens_transcriptome_model"].card["training"]["patients"] == 41
    at.switch_page("pages/patients.py").run()
    refitted = at.dataframe[0].value["transcriptome"]
    at.switch_page("pages/model.py").run()
    at.button(key="icilens_transcriptome_bundled").click().run()
    at.switch_page("pages/patients.py").run()
    bundled = at.dataframe[0].value["transcriptome"]
    assert not refitted.equals(bundled)
    assert refitted.corr(bundled, method="spearman") > 0.999  # the same ranking: only the probabilities move


def test_explanations_show_each_signatures_share_across_the_cohort():
    at = _open_rna_demo()
    at.switch_page("pages/explanations.py").run()
    _no_errors(at)
    assert any(s.value == "Tumour transcriptome" for s in at.subheader)
    assert any("shares of one patient add up" in c.value for c in at.caption)


def test_a_clinical_prediction_from_two_inputs_is_not_a_headline():
    at = _open_rna_demo()
    at.switch_page("pages/patient.py").run()
    _no_errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Predicted response"] == "not estimable"
    assert any("2 of 17 inputs measured" in w.value for w in at.warning)
    assert not any("patients like this one respond" in m.value for m in at.markdown)


def test_explanations_of_the_rna_demo_withhold_the_clinical_drivers_and_keep_the_signatures():
    at = _open_rna_demo()
    at.switch_page("pages/explanations.py").run()
    _no_errors(at)
    note = next(i.value for i in at.info if "not estimable for any of these 41 patients" in i.value)
    assert "at most 2 of 17 inputs measured" in note
    assert not [s for s in at.selectbox if s.key == "icilens_dependence_feature"]
    assert any(s.value.startswith("Tumour transcriptome") for s in at.subheader)


def test_explanations_read_measured_inputs_only_where_the_model_is_estimable():
    from tests.pages.test_every_page import _reduced_cohort

    at = AppTest.from_file(str(ROOT / "pages" / "explanations.py"), default_timeout=180)
    at.session_state["icilens_cohort"] = _reduced_cohort()
    at.run()
    _no_errors(at)
    note = next(i.value for i in at.info if "Left out, as no patient here has them measured" in i.value)
    assert "Serum albumin" in note and "PD-L1 tumour proportion score" in note
    options = at.selectbox(key="icilens_dependence_feature").options
    assert "Serum albumin" not in options and "Age at ICI start" in options


def test_compare_on_the_rna_demo_leaves_out_inputs_nobody_has():
    at = _open_rna_demo()
    at.switch_page("pages/compare.py").run()
    _no_errors(at)
    table = next(d.value for d in at.dataframe if "feature" in d.value.columns and "q" in d.value.columns)
    assert "Age at ICI start" not in table["feature"].tolist() and len(table) <= 2
    assert any("Left out, as no patient here has them measured" in i.value for i in at.info)
    assert "tmb" not in at.selectbox(key="icilens_compare_feature").options
    assert any("not estimable for any of these 41 patients" in i.value for i in at.info)


@pytest.mark.slow
def test_a_zip_of_salmon_outputs_one_per_sample_becomes_one_matrix():
    import io
    import zipfile

    tpm = pd.read_csv(BUNDLED / "demo_expression.csv.gz", index_col=0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for sample in tpm.columns[:12]:
            table = pd.DataFrame(
                {"Length": 1500, "EffectiveLength": 1350.0, "TPM": tpm[sample], "NumReads": tpm[sample] * 3}
            )
            archive.writestr(f"salmon/{sample}/quant.sf", table.to_csv(sep="\t", index_label="Name"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    clinical = (BUNDLED / "demo_clinical.csv").read_bytes()
    at.file_uploader(key="icilens_upload").upload("cohort.csv", clinical, "text/csv").run()
    at.file_uploader(key="icilens_expression_upload").upload("salmon.zip", buffer.getvalue(), "application/zip").run()
    _no_errors(at)
    summary = next(m.value.replace("\\", "") for m in at.markdown if "salmon" in m.value)
    assert "12 samples, genes as rows" in summary and "12 samples linked to patients" in summary


def test_the_first_patient_shown_says_why_when_no_prediction_ranks_first():
    at = _open_rna_demo()
    at.switch_page("pages/patient.py").run()
    _no_errors(at)
    assert any("no clinical prediction here is estimable, so none ranks first" in c.value for c in at.caption)


@pytest.mark.parametrize("page", ["pages/performance.py", "pages/compare.py"])
def test_survival_by_transcriptome_group_on_the_rna_demo(page):
    at = _open_rna_demo()
    at.switch_page(page).run()
    _no_errors(at)
    assert any(s.value == "Survival by transcriptome group" for s in at.subheader)
    charts = [c.proto.spec for c in at.get("plotly_chart") if "by transcriptome group" in c.proto.spec]
    assert len(charts) == 1 and "lower third of the reference" in charts[0] and "at risk" in charts[0]
    tests = [m.value for m in at.markdown if m.value.startswith("Log-rank")]
    assert any("Cox hazard ratio per third" in t for t in tests)
    # the groups are the card's fixed cuts, said with the numbers
    assert any("fixed when the model was fitted" in c.value for c in at.caption)
    if page == "pages/performance.py":
        # no curves by a clinical prediction that two measured inputs cannot carry
        assert any("survival by clinical prediction group is not shown" in i.value for i in at.info)
        assert len(tests) == 1


def test_the_reference_thirds_are_thirds_of_the_reference_and_fixed_in_the_card():
    from icilens.transcriptome import load_signature_model
    from icilens.transcriptome.endpoints import THIRDS, cut_reference_thirds, group_by_reference_third

    model = load_signature_model()
    cuts = model.card["survival_groups"]["cuts"]
    assert cuts == pytest.approx(cut_reference_thirds(model)) and cuts[0] < cuts[1]
    groups = group_by_reference_third([cuts[0] - 0.01, cuts[0], cuts[1] + 0.01, float("nan")], cuts)
    assert groups.tolist() == [THIRDS[0], THIRDS[1], THIRDS[2], None]
