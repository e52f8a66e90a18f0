"""Real browser journeys against `streamlit run`: what a clinician clicks, as they click it."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import CORPUS

pytestmark = pytest.mark.e2e

DEMO_BUTTON = "Open the demo cohort"


def _metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_open_the_demo_and_see_every_patient(server, page):
    page.goto(server.url)
    page.get_by_role("button", name=DEMO_BUTTON).click()
    expect(_metric(page, "Patients")).to_have_text("515")
    expect(_metric(page, "Responders")).to_have_text("127 (25%)")
    page.get_by_role("link", name="Patients").first.click()
    expect(page.get_by_text("515 of 515 patients")).to_be_visible(timeout=60_000)
    assert "Traceback" not in page.content()


def test_upload_a_messy_xlsx_and_review_the_findings(server, page):
    page.goto(server.url)
    page.locator("input[type=file]").set_input_files(str(CORPUS / "36_messy_hospital_export.xlsx"))
    expect(_metric(page, "Patients")).to_have_text("12")
    expect(_metric(page, "Model features present")).to_have_text("13 of 17")
    page.get_by_role("tab", name="Findings").click()
    expect(page.get_by_text("2 warning", exact=False).first).to_be_visible()
    # Fix the mapping: the NLR column is not to be used; the cohort is rebuilt without it.
    page.get_by_role("tab", name="Column mapping").click()
    page.get_by_label("Column in the file").click()
    page.keyboard.type("NLR")  # the list is long and virtual: filter it, then pick the option
    page.get_by_role("option", name="NLR", exact=True).click()
    page.wait_for_timeout(2000)  # the rerun replaces 'Maps to' with the widget of the chosen column
    page.get_by_label("Maps to").click()
    page.keyboard.type("(not used)")
    page.get_by_role("option", name="(not used)", exact=True).click()
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(_metric(page, "Model features present")).to_have_text("12 of 17")
    # And the predictions follow.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Patients", exact=True).click()
    expect(page.get_by_text("12 of 12 patients")).to_be_visible()


def test_deep_link_on_a_fresh_server_uses_the_app_navigation(fresh_server, page):
    page.goto(f"{fresh_server.url}/patients")
    expect(page.get_by_text("Load a cohort first", exact=False)).to_be_visible(timeout=60_000)
    navigation = page.get_by_test_id("stSidebarNav")
    expect(navigation.get_by_role("link", name="Model")).to_be_visible()
    expect(navigation.get_by_role("link", name="app", exact=True)).to_have_count(0)
    page.get_by_role("button", name=DEMO_BUTTON).click()
    expect(page.get_by_text("515 of 515 patients")).to_be_visible(timeout=60_000)
    assert "Traceback" not in fresh_server.log()


def test_open_a_patient_from_the_table_and_switch_to_log_odds(server, page):
    page.goto(f"{server.url}/patients")
    page.get_by_role("button", name=DEMO_BUTTON).click()
    expect(page.get_by_text("515 of 515 patients")).to_be_visible(timeout=60_000)
    grid = page.get_by_test_id("stDataFrameResizable").first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 10, box["y"] + 55)  # the selection cell of the first row
    page.wait_for_url("**/patient?id=*", timeout=30_000)
    expect(page.get_by_text("Why this prediction", exact=False).first).to_be_visible(timeout=30_000)
    page.get_by_text("Log-odds", exact=True).click()
    expect(page.get_by_text("model output (log-odds)").first).to_be_visible(timeout=30_000)
    assert "Traceback" not in page.content()


def test_the_patient_pages_sections_open_when_clicked(server, page):
    page.goto(f"{server.url}/patient")
    page.get_by_role("button", name=DEMO_BUTTON).click()
    expect(page.get_by_text("Why this prediction", exact=False).first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("What-if curve", exact=False)).to_have_count(0)  # drawn only once opened
    page.get_by_text("What if: change inputs", exact=False).click()
    expect(page.get_by_text("What-if curve", exact=False).first).to_be_visible(timeout=60_000)
    page.get_by_text("Similar patients in the training cohort", exact=False).click()
    expect(_metric(page, "Responded")).to_be_visible(timeout=60_000)
    assert "Traceback" not in page.content()


def test_compare_page_shows_statistics_and_charts(server, page):
    page.goto(f"{server.url}/compare")
    page.get_by_role("button", name=DEMO_BUTTON).click()
    expect(page.get_by_text("responder: 127 patients · non-responder: 388 patients")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("What drives the model in each group").first).to_be_visible()
    assert "Traceback" not in page.content()


def test_download_the_waterfall_as_png(server, page):
    page.goto(f"{server.url}/patient")
    page.get_by_role("button", name=DEMO_BUTTON).click()
    expect(page.get_by_text("Why this prediction", exact=False).first).to_be_visible()
    page.get_by_role("button", name="Download chart").first.click()  # the waterfall comes first
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="PNG (2x, white background)").click()
    data = Path(download.value.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # ICI Lens, the cohort, the patient by its private key, the chart and the date; never the patient id.
    name = download.value.suggested_filename
    assert re.fullmatch(
        r"icilens_msk_demo_cohort_treated_in_2018_patient_[0-9a-f]{12}_waterfall_\d{4}-\d{2}-\d{2}\.png", name
    )


def test_a_zip_bomb_is_refused_and_the_server_stays_up(server, page):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (600 * 1024 * 1024))
    page.goto(server.url)
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "bomb.xlsx", "mimeType": "application/octet-stream", "buffer": buffer.getvalue()}]
    )
    expect(page.get_by_text("possible zip bomb", exact=False)).to_be_visible()
    page.get_by_role("button", name=DEMO_BUTTON).click()
    expect(_metric(page, "Patients")).to_have_text("515")


def _open_demo_seconds(browser, url: str) -> float:
    import time

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url)
        page.get_by_role("button", name=DEMO_BUTTON).click()
        expect(_metric(page, "Patients")).to_have_text("515", timeout=60_000)
        return time.perf_counter() - start
    finally:
        context.close()


# The worst files of the corpus: each would take the server's memory if read before its size is checked.
HOSTILE_UPLOADS = {
    "56_stray_cell.xlsx": "stray cell",
    "65_thirty_million_rows.parquet": "30,000,000 rows",
    "61_hundred_thousand_columns.csv": "100,000 columns",
}


def test_the_worst_uploads_are_refused_and_another_session_stays_fast(server, browser):
    """Uploads that would take the server's memory are refused early; another user's demo opens as fast."""
    _open_demo_seconds(browser, server.url)  # warm the server once
    before = _open_demo_seconds(browser, server.url)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(server.url)
        for name, message in HOSTILE_UPLOADS.items():
            page.locator("input[type=file]").set_input_files(str(CORPUS / name))
            expect(page.get_by_text(message, exact=False).first).to_be_visible(timeout=60_000)
        after = _open_demo_seconds(browser, server.url)
    finally:
        context.close()
    assert after <= 2 * before + 5, f"demo took {after:.1f} s after the uploads against {before:.1f} s before"
    assert "Traceback" not in server.log()


def test_a_refresh_clears_the_cohort_as_the_page_says_before_upload(server, page):
    page.goto(server.url)
    expect(page.get_by_text("a refresh or closing the tab clears it", exact=False)).to_be_visible()
    page.locator("input[type=file]").set_input_files(str(CORPUS / "01_clean_human_headers.csv"))
    expect(_metric(page, "Patients")).to_have_text("12")
    page.reload()
    expect(page.get_by_text("Open the demo cohort or upload a file to begin", exact=False)).to_be_visible()
    expect(_metric(page, "Patients")).to_have_count(0)


def test_an_unknown_patient_link_shows_no_patient(server, page):
    page.goto(f"{server.url}/patient?id=no-such-id")
    page.get_by_role("button", name=DEMO_BUTTON).click()
    expect(page.get_by_text("names no patient of the cohort", exact=False)).to_be_visible(timeout=60_000)
    expect(_metric(page, "Predicted response")).to_have_count(0)


def test_one_patient_by_hand_is_refused_when_implausible_then_predicted_with_its_report(server, page):
    page.goto(f"{server.url}/one_patient")
    page.get_by_role("combobox", name="Cancer type (required)").click()
    page.get_by_role("option", name="Melanoma", exact=True).click()
    page.get_by_role("textbox", name="Tumour mutational burden (mut/Mb)").fill("18")
    page.get_by_role("textbox", name="Serum albumin").fill("41")
    page.get_by_role("textbox", name="Age at ICI start (years)").fill("467")
    page.get_by_role("button", name="Predict").click()
    expect(page.get_by_text("467: outside the plausible range 10 to 110 years.")).to_be_visible()
    expect(page.get_by_text("41 g/dL: value looks like g/L, not g/dL")).to_be_visible()
    assert "/patient" not in page.url

    page.get_by_role("textbox", name="Age at ICI start (years)").fill("71")
    page.get_by_role("combobox", name="Unit").nth(2).click()  # PD-L1's, FCNA's, then albumin's unit
    page.get_by_role("option", name="g/L", exact=True).click()
    page.get_by_role("button", name="Predict").click()
    expect(page.get_by_role("heading", name="Patient entered-1")).to_be_visible()
    assert re.search(r"/patient\?id=[0-9a-f]{12}$", page.url)  # an opaque key: no value, not even the id
    expect(page.get_by_text("Why this prediction", exact=False).first).to_be_visible()
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Patient report (PDF)").click()
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    assert "Traceback" not in page.content()
