"""Exports: formula neutralisation on hostile cells, valid files, nothing written to disk."""

import io

import numpy as np
import pandas as pd
import pytest

from icilens import plots
from icilens.plots import plot_icon_array
from icilens.reports import export
from icilens.spreadsheet_cells import neutralise_formulas

HOSTILE = ['=HYPERLINK("http://x","click")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "plain", "a=b"]


def test_formula_cells_are_neutralised_and_numbers_stay_numbers():
    table = pd.DataFrame({"patient_id": HOSTILE, "value": np.arange(8.0) - 3})
    safe = neutralise_formulas(table)
    assert safe["patient_id"].tolist()[:6] == ["'" + v for v in HOSTILE[:6]]
    assert safe["patient_id"].tolist()[6:] == ["plain", "a=b"]
    assert safe["value"].tolist() == table["value"].tolist()


def test_csv_and_xlsx_carry_the_neutralised_cells():
    table = pd.DataFrame({"=cmd()": HOSTILE, "value": np.arange(8.0) - 3})
    text = export.table_to_csv(table).decode()
    assert "\"'=HYPERLINK" in text and '"\'+1+1"' in text and ",-3" in text
    workbook = pd.read_excel(
        io.BytesIO(export.table_to_xlsx(table, "data", "note")), sheet_name=None, engine="openpyxl"
    )
    data = workbook["data"]
    assert data.columns[0] == "'=cmd()"
    assert data["value"].dtype.kind in "if" and data["value"].iloc[0] == -3
    assert workbook["about"]["note"].iloc[0] == "note"


@pytest.mark.parametrize("look_alike", ["＝HYPERLINK(1)", "﹦1+1", "＋1", "－2", "−2+3", "＠SUM(A1)"])
def test_unicode_look_alikes_of_formula_signs_are_neutralised(look_alike):
    safe = neutralise_formulas(pd.DataFrame({look_alike: [look_alike, "ok"]}))
    assert safe.iloc[0, 0] == "'" + look_alike and safe.iloc[1, 0] == "ok"
    assert safe.columns[0] == "'" + look_alike


def test_xlsx_holds_ids_with_control_characters():
    table = pd.DataFrame({"patient_id": ["MRN\x07-1", "MRN-2"], "value": [1.0, 2.0]})
    data = pd.read_excel(io.BytesIO(export.table_to_xlsx(table)), engine="openpyxl")
    assert data["patient_id"].tolist() == ["MRN\ufffd-1", "MRN-2"]


def test_html_is_self_contained():
    html = export.figure_to_html(plot_icon_array(0.3))
    assert b"<html>" in html[:100] and b"plotly" in html and len(html) > 1_000_000


@pytest.mark.skipif(export.find_chromium() is None, reason="Debian's chromium is not installed")
@pytest.mark.slow
def test_png_and_svg_are_rendered_by_chromium():
    figure = plot_icon_array(0.3)
    png = export.figure_to_image(figure, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width == 2 * 420  # the icon array is exported square, at scale 2
    svg = export.figure_to_image(figure, "svg")
    assert svg.lstrip().startswith(b"<svg") and b"30 of 100 respond" in svg


def test_bad_image_format_is_refused():
    with pytest.raises(ValueError, match="png"):
        export.figure_to_image(plot_icon_array(0.1), "gif")


def test_xlsx_is_fit_to_hand_over():
    from openpyxl import load_workbook

    from icilens.scoring.predictions import readable_predictions

    table = pd.DataFrame(
        {
            "patient_id": ["A"],
            "response_probability": [0.4321],
            "range_low": [0.3],
            "range_high": [0.5],
            "probability_low": [0.35],
            "probability_high": [0.45],
            "loris_score": [0.6],
            "loris_probability": [0.4],
            "tmb_high": [True],
            "missing_features": ["tmb;albumin"],
        }
    )
    readable, percent = readable_predictions(table)
    sheet = load_workbook(io.BytesIO(export.table_to_xlsx(readable, "predictions", "note", percent)))["predictions"]
    headers = [cell.value for cell in sheet[1]]
    assert "Predicted response" in headers and not any(str(h).startswith("shap_") for h in headers)
    probability = sheet.cell(row=2, column=headers.index("Predicted response") + 1)
    assert probability.value == 0.4321 and probability.number_format == "0.0%"
    assert sheet.freeze_panes == "A2" and sheet.cell(row=1, column=1).font.bold
    missing = sheet.cell(row=2, column=headers.index("Missing inputs") + 1).value
    assert missing == "Tumour mutational burden, Serum albumin"


@pytest.mark.skipif(export.find_chromium() is None, reason="Debian's chromium is not installed")
@pytest.mark.slow
def test_square_charts_are_exported_square_not_stretched():
    from PIL import Image

    y = np.array([0, 1] * 20, dtype="float64")
    roc = plots.plot_roc(y, {"model": np.linspace(0, 1, 40)})
    width, height = Image.open(io.BytesIO(export.figure_to_image(roc, "png", scale=1))).size
    assert 0.9 < width / (height - 20 * len(roc.data)) < 1.6 and width < 800


def test_xlsx_holds_columns_without_a_value_and_negative_text():
    table = pd.DataFrame(
        {
            "patient_id": ["A", "B"],
            "descriptor_chemokine12": pd.array([pd.NA, pd.NA], dtype="Float64"),
            "note": pd.array([pd.NA, pd.NA], dtype="string"),
            "median": ["-0.94 [-1.20, 0.30]", "0.10 [0.00, 0.20]"],
        }
    )
    data = pd.read_excel(io.BytesIO(export.table_to_xlsx(table)), engine="openpyxl")
    assert data["patient_id"].tolist() == ["A", "B"] and data["descriptor_chemokine12"].isna().all()
    assert data["note"].isna().all()


@pytest.mark.skipif(export.find_chromium() is None, reason="Debian's chromium is not installed")
@pytest.mark.slow
def test_exported_pictures_have_a_border_and_say_whom_they_show():
    from PIL import Image

    figure = plots.plot_waterfall(["Age 70 years", "TMB 12 mut/Mb"], [0.05, -0.02], 0.3, 0.33, title="Why")
    caption = "Gide 2019 · patient PD1_12 · 2026-12-07"
    svg = export.figure_to_image(figure, "svg", caption=caption)
    assert caption.encode() in svg
    picture = np.asarray(Image.open(io.BytesIO(export.figure_to_image(figure, "png", scale=1))).convert("L"))
    border = export.EXPORT_MARGIN - 4
    # Nothing is drawn in the blank border: no text at the picture's left or right edge.
    assert picture[:, :border].min() == 255 and picture[:, -border:].min() == 255
    assert picture.min() < 100  # while the chart itself is drawn


def test_a_crafted_patient_id_in_a_picture_caption_stays_text():
    caption = 'cohort.csv · patient <a href="http://example.org/x">click</a>'
    html = export.figure_to_html(plot_icon_array(0.3), caption)
    assert b'href="http://example.org' not in html and b"&lt;a href=" in html
