import pytest

from icilens.cli import main
from icilens.intake import read_cohort
from icilens.intake.by_hand import append_patients, check_patient, next_entry_id, parse_patient_option
from tests.conftest import CORPUS

PATIENT = {"patient_id": "entered-1", "cancer_type": "Melanoma", "tmb": "20", "albumin": "4.1", "age": "70"}


def test_an_entered_patient_is_read_by_intake_in_the_chosen_units():
    check = check_patient({**PATIENT, "albumin": "41", "hgb": "8"}, {"albumin": "g/L", "hgb": "mmol/L"})
    assert check.problems == {}
    row = check.result.frame.iloc[0]
    assert row["albumin"] == pytest.approx(4.1) and row["hgb"] == pytest.approx(8 * 1.611)
    assert row["cancer_type"] == "Melanoma" and row["tmb"] == 20


@pytest.mark.parametrize(
    ("field", "value", "units", "reason"),
    [
        ("age", "467", {}, "467: outside the plausible range 10 to 110 years"),
        ("albumin", "41", {"albumin": "g/dL"}, "41 g/dL: value looks like g/L, not g/dL; choose the unit"),
        ("tmb", "twelve", {}, "twelve: text in a number column"),
        ("msi", "maybe", {}, "maybe: not a recognised value"),
    ],
)
def test_a_value_intake_would_change_or_drop_is_refused_with_its_reason(field, value, units, reason):
    check = check_patient({**PATIENT, field: value}, units)
    assert check.result is None
    assert check.problems[field].startswith(reason)


def test_the_cancer_type_is_required_and_says_why():
    check = check_patient({"patient_id": "entered-1", "tmb": "5"})
    assert "Cancer type is required" in check.problems["cancer_type"]


def test_unknown_fields_are_a_caller_error():
    with pytest.raises(ValueError, match="model features only"):
        check_patient({**PATIENT, "response": "yes"})


def test_ids_and_options():
    assert next_entry_id(["entered-1", "entered-3"]) == "entered-2"
    values, units = parse_patient_option("tmb=12.5, albumin=39 g/L ,cancer_type=NSCLC")
    assert values == {"tmb": "12.5", "albumin": "39", "cancer_type": "NSCLC"} and units == {"albumin": "g/L"}
    with pytest.raises(ValueError, match="takes the units g/dL, g/L"):
        parse_patient_option("albumin=39 mg")
    with pytest.raises(ValueError, match="FEATURE=VALUE"):
        parse_patient_option("weight=70")


def test_an_added_patient_joins_a_file_cohort_without_a_file_row():
    cohort = read_cohort(CORPUS / "26_duplicate_ids.csv")
    added = append_patients(cohort, check_patient(PATIENT).result, from_file=True)
    assert len(added.frame) == len(cohort.frame) + 1
    assert added.frame["patient_id"].iloc[-1] == "entered-1" and added.source_rows.iloc[-1] == 0
    assert (added.frame.dtypes == cohort.frame.dtypes).all()


def test_cli_predicts_one_patient_and_explains(capsys):
    assert main(["predict", "--patient", "cancer_type=NSCLC,tmb=12.5,albumin=39 g/L,nlr=4.2", "--explain"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Predicted response: ")
    assert "Had the 13 missing inputs been measured" in out
    assert "Contributions, from the average patient" in out and "Tumour mutational burden = 12.5 mut/Mb" in out


def test_cli_refuses_an_implausible_patient(capsys):
    assert main(["predict", "--patient", "cancer_type=NSCLC,age=467"]) == 2
    assert "age: 467: outside the plausible range" in capsys.readouterr().err
