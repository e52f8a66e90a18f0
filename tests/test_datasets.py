"""The bundled MSK files load as canonical frames with the counts of their README."""

import pandas as pd
import pytest

from icilens import datasets
from icilens.intake import read_cohort
from icilens.schema import CANCER_TYPES, CANONICAL_COLUMNS


@pytest.mark.parametrize(
    ("loader", "patients", "responders"),
    [(datasets.load_training, 964, 282), (datasets.load_demo, 515, 127)],
)
def test_counts_match_the_data_readme(loader, patients, responders):
    frame = loader()
    assert len(frame) == patients
    assert int((frame["response"] == 1).sum()) == responders
    assert int((frame["response"] == 0).sum()) == patients - responders
    assert list(frame.columns) == list(CANONICAL_COLUMNS)


def test_codings_become_labelled_categories():
    frame = pd.concat([datasets.load_training(), datasets.load_demo()])
    assert set(frame["sex"].astype(str)) == {"female", "male"}
    assert set(frame["drug_class"].astype(str)) == {"PD-1/PD-L1", "Combination", "CTLA-4"}
    assert set(frame["stage"].astype(str)) == {"I-III", "IV"}
    assert set(frame["msi"].astype(str)) == {"MSS", "MSI-H"}
    assert set(frame["cancer_type"].astype(str)) == set(CANCER_TYPES)
    # 1,479 patients, 16 cancer types, NSCLC the largest group (538).
    assert len(frame) == 1479
    assert frame["cancer_type"].value_counts().idxmax() == "NSCLC"
    assert int((frame["cancer_type"] == "NSCLC").sum()) == 538
    # Sex is coded 1 = male: 54.8% of the cohort.
    assert round(float((frame["sex"] == "male").mean()), 3) == 0.548


def test_pdl1_is_mostly_missing_as_documented():
    frame = pd.concat([datasets.load_training(), datasets.load_demo()])
    assert int(frame["pdl1_tps"].notna().sum()) == 404


# Written here from the data README, independently of the data dictionary, to check intake against.
MSK_COLUMNS = {
    "patient_id": "SAMPLE_ID",
    "tmb": "TMB",
    "pdl1_tps": "PDL1_TPS(%)",
    "prior_systemic_therapy": "Systemic_therapy_history",
    "albumin": "Albumin",
    "cancer_type": "CancerType",
    "nlr": "NLR",
    "age": "Age",
    "fcna": "FCNA",
    "drug_class": "Drug",
    "sex": "Sex",
    "msi": "MSI",
    "stage": "Stage",
    "hla_loh": "HLA_LOH",
    "hed": "HED",
    "platelets": "Platelets",
    "hgb": "HGB",
    "bmi": "BMI",
    "response": "Response",
    "os_months": "OS_Months",
    "os_event": "OS_Event",
    "pfs_months": "PFS_Months",
    "pfs_event": "PFS_Event",
}
YES_NO = {0: "no", 1: "yes"}
DOCUMENTED_CODES = {
    "prior_systemic_therapy": YES_NO,
    "hla_loh": YES_NO,
    "drug_class": {0: "PD-1/PD-L1", 1: "Combination", 2: "CTLA-4"},
    "sex": {0: "female", 1: "male"},
    "msi": {0: "MSS", 1: "MSI-H"},
    "stage": {0: "I-III", 1: "IV"},
}


@pytest.mark.parametrize("file_name", [datasets.TRAINING_FILE, datasets.DEMO_FILE])
def test_intake_reads_the_msk_files_as_their_readme_documents(file_name):
    raw = pd.read_csv(datasets.data_dir() / file_name)
    expected = pd.DataFrame({name: raw[column] for name, column in MSK_COLUMNS.items()})
    for name, codes in DOCUMENTED_CODES.items():
        expected[name] = expected[name].map(codes)
    expected["patient_id"] = expected["patient_id"].astype(str)
    expected["ecog"] = float("nan")  # the MSK files do not record ECOG performance status
    frame = read_cohort(datasets.data_dir() / file_name).frame
    expected = expected[list(CANONICAL_COLUMNS)].astype(frame.dtypes.to_dict())
    pd.testing.assert_frame_equal(frame, expected)


def test_provenance_and_licence_travel_with_the_data():
    folder = datasets.data_dir()
    assert (folder / "LICENSE-GPL-3.0.txt").exists()
    readme = (folder / "README.md").read_text()
    assert "Chowell" in readme and "rootchang/LORIS" in readme
