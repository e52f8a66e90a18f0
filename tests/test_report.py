"""The patient report: a valid one- or two-page A4 PDF with the facts a tumour board needs."""

import io

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from icilens.cli import main
from icilens.intake import read_cohort
from icilens.reports.patient_pdf import build_patient_report, input_notes
from tests.conftest import CORPUS
from tests.style import style_problems


def _text(pdf: bytes) -> tuple[int, str, tuple[float, float]]:
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    return (
        len(reader.pages),
        " ".join(" ".join(page.extract_text().split()) for page in reader.pages),  # lines joined as read
        (float(box.width), float(box.height)),
    )


def test_report_carries_id_probability_references_and_disclaimer(default_model, demo_frame):
    pdf = build_patient_report(default_model, demo_frame.iloc[[4]], cohort_label="MSK demo")
    assert pdf[:5] == b"%PDF-"
    pages, text, size = _text(pdf)
    probability = default_model.predict(demo_frame.iloc[[4]]).probability[0]
    assert 1 <= pages <= 2 and round(size[0]) == 595 and round(size[1]) == 842  # A4 in points
    for expected in (
        "patient 5",
        f"{probability:.0%}",
        "About",
        "of 100 patients",
        "LORIS",
        "TMB ≥ 10",
        "Tumour mutational burden = 32.5 mut/Mb",
        "Research use only",
        "not a medical device",
        "How well it ranks patients it had not seen",
        "from 515 patients it did not see",
        "Before clinical use",
    ):
        assert expected in text, expected


def test_report_says_what_intake_did_and_what_is_missing(default_model):
    result = read_cohort(CORPUS / "10_units_g_per_l.csv")
    notes = input_notes(result.frame.iloc[[0]], result.findings, int(result.source_rows.iloc[0]), result.mapping)
    assert "albumin" in notes and "g/L" in notes["albumin"]
    pdf = build_patient_report(default_model, result.frame.iloc[[0]], notes=notes)
    _, text, _ = _text(pdf)
    assert "g/L" in text and "missing" in text


def test_report_command(tmp_path, capsys):
    out = tmp_path / "report.pdf"
    assert main(["report", str(CORPUS / "01_clean_human_headers.csv"), "--patient", "MRN-1003", "--out", str(out)]) == 0
    assert "MRN-1003" in _text(out.read_bytes())[1]
    assert (
        main(
            [
                "report",
                str(CORPUS / "01_clean_human_headers.csv"),
                "--patient",
                "nobody",
                "--out",
                str(tmp_path / "nobody.pdf"),
            ]
        )
        == 2
    )
    assert "no patient with id 'nobody'" in capsys.readouterr().err


def test_cohort_report_is_self_contained_and_escapes_hostile_text(default_model, demo_frame):
    from icilens.reports.cohort_html import cohort_report
    from icilens.scoring.predictions import predict_cohort

    result = read_cohort(CORPUS / "01_clean_human_headers.csv")
    result.frame.loc[0, "patient_id"] = "<script>alert(1)</script>"
    html = cohort_report(result, predict_cohort(default_model, result.frame, explain=True), "<b>ward 3</b>").decode()
    assert html.count("<script>alert(1)</script>") == 0 and "&lt;b&gt;ward 3&lt;/b&gt;" in html
    assert "Performance on this cohort" in html and "Responders against non-responders" in html
    assert "Research use only" in html and html.count("plotly.js v") <= 2  # plotly.js inlined once


@pytest.mark.slow
def test_cohort_report_has_no_empty_markers(default_model):
    import re

    from icilens.datasets import demo_path
    from icilens.reports.cohort_html import cohort_report
    from icilens.scoring.predictions import predict_cohort

    result = read_cohort(demo_path())
    text = cohort_report(result, predict_cohort(default_model, result.frame, explain=True), "demo").decode()
    body = re.sub(r"<script.*?</script>", "", text, flags=re.S)
    for marker in ("&lt;NA&gt;", ">None<", ">nan<", ">NaN<", "'-<"):
        assert marker not in body, marker


MARGIN = 10 / 25.4 * 72 - 1  # the report's 10 mm margins in points, less a point for glyph overhang
CODE_WORDS = ("exp(", "ensemble.files", "draw level", ".csv", "_", ">=", "None", "nan", "TreeSHAP", "log-odds")


@pytest.mark.parametrize("row", [4, 290])
def test_every_character_of_the_report_lies_inside_the_page_margins(default_model, demo_frame, row):
    patient = demo_frame.iloc[[row]].copy()
    patient["platelets"] = None  # a missing input, as in most real patients
    pdf = build_patient_report(default_model, patient, cohort_label="A cohort whose name is long enough to wrap " * 3)
    document = pdfium.PdfDocument(pdf)
    for page in document:
        width, _ = page.get_size()
        text = page.get_textpage()
        for index in range(text.count_chars()):
            left, _, right, _ = text.get_charbox(index)
            if right > left:  # spaces and line ends have no box
                assert left >= MARGIN and right <= width - MARGIN, (index, text.get_text_range(index, 1))


def test_the_report_reads_as_plain_words_for_a_tumour_board(default_model, demo_frame):
    patient = demo_frame.iloc[[290]].copy()
    patient["platelets"] = None
    _, text, _ = _text(build_patient_report(default_model, patient, cohort_label="MSK demo"))
    for word in CODE_WORDS:
        assert word not in text, word
    assert not style_problems(text.split(". "))
    assert "Platelets = missing" not in text  # a missing input is never a bar or a driver


def test_characters_the_font_lacks_print_as_a_question_mark_and_never_fail(default_model, demo_frame):
    pdf = build_patient_report(default_model, demo_frame.iloc[[4]], cohort_label="病院 cohort 🙂 ≥ γ")
    _, text, _ = _text(pdf)
    assert "?? cohort ? ≥ γ" in text
