"""Every finding carries a machine-readable code, and the codes, not the words, say what it is about."""

from __future__ import annotations

from icilens.intake import read_cohort
from icilens.reports.patient_pdf import input_notes
from icilens.vocabulary import ABOUT_A_COLUMN, FindingCode

MESSY = (
    b"Patient,Age,TMB (mut/Mb),Albumin (g/L),Cancer,Response,Stage\n"
    b"A,61,12,38,NSCLC,PR,IV\n"
    b"A,70,abc,41,Melanoma,SD,4\n"
    b",467,3.5,35,Liver metastasis,PD,III\n"
    b"D,55,<1,3.9,Bladder,NE,IV\n"
    b"E,48,7,40,Kidney,CR,II\n"
)


def test_each_finding_has_a_known_code():
    findings = read_cohort(MESSY, "messy.csv").findings
    assert set(findings["code"]) <= set(FindingCode)
    expected = {
        FindingCode.DUPLICATE_ID,
        FindingCode.BLANK_ID,
        FindingCode.OUT_OF_RANGE,
        FindingCode.CELL_UNREADABLE,
        FindingCode.CELL_READ,
        FindingCode.CELL_UNIT_CONVERTED,
        FindingCode.NOT_EVALUABLE,
        FindingCode.COLUMN_READ,
        FindingCode.FEATURES_ABSENT,
    }
    assert expected <= set(findings["code"]), expected - set(findings["code"])


def test_report_notes_follow_codes_not_wording():
    result = read_cohort(MESSY, "messy.csv")
    findings = result.findings.copy()
    row = int(result.source_rows.iloc[2])  # the patient aged 467
    notes = input_notes(result.frame.iloc[[2]], findings, row, result.mapping)
    assert notes["age"].startswith("outside the plausible range")
    # The same finding re-coded as one about the column is no longer a note on the patient's value.
    age = (findings["row"] == row) & (findings["code"] == FindingCode.OUT_OF_RANGE)
    findings.loc[age, "code"] = next(iter(ABOUT_A_COLUMN))
    assert "age" not in input_notes(result.frame.iloc[[2]], findings, row, result.mapping)
