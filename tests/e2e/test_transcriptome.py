"""The tumour's RNA-seq in a real browser: a hostile matrix refused in words, a real one linked and explained."""

import gzip
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.e2e.conftest import wait_until_drawn

pytestmark = pytest.mark.e2e
BUNDLED = ROOT / "src" / "icilens" / "bundled" / "reference_cohorts"


def _open(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()


def _words(page) -> str:
    """Return the page's words as a reader sees them once it has drawn (Material icons are ligatures, not words)."""
    for _ in range(20):
        wait_until_drawn(page)  # the rest of the page after its heading
        text = page.get_by_test_id("stMain").evaluate(
            "main => { const copy = main.cloneNode(true);"
            " copy.querySelectorAll('[data-testid=stIconMaterial]').forEach(icon => icon.remove());"
            " document.body.appendChild(copy); const text = copy.innerText; copy.remove(); return text; }"
        )
        if text.strip():
            return text
        # Read between the page before and this one's first element (the click's rerun began late): read again.
        page.wait_for_timeout(250)
    return text


def test_a_hostile_matrix_is_refused_then_a_real_one_is_linked_and_explained(server, page):
    page.goto(server.url)
    page.get_by_role("button", name="Open the demo cohort").wait_for()
    clinical = (BUNDLED / "demo_clinical.csv").read_bytes()
    page.locator("input[type=file]").first.set_input_files(
        files=[{"name": "cohort.csv", "mimeType": "text/csv", "buffer": clinical}]
    )
    expect(page.get_by_test_id("stMetric").filter(has_text="Patients").get_by_test_id("stMetricValue")).to_have_text(
        "41", timeout=60_000
    )
    mixed = b"gene,A,B\nGZMA,12.5,3.1\nPRF1,800,2.2\nCD8A,400,1.5\n"  # B log2, A linear
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Expression matrix")
    uploader.locator("input[type=file]").set_input_files(
        files=[{"name": "mixed.csv", "mimeType": "text/csv", "buffer": mixed}]
    )
    expect(page.get_by_text("The expression matrix was not used.", exact=False).first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("the samples are on different scales", exact=False).first).to_be_visible()

    real = gzip.decompress((BUNDLED / "demo_expression.csv.gz").read_bytes())
    uploader.locator("input[type=file]").set_input_files(
        files=[{"name": "rna.csv", "mimeType": "text/csv", "buffer": real}]
    )
    # The sentence is said on the page and again in the findings table, whose cells the grid may render too.
    expect(page.get_by_text("41 samples linked to patients", exact=False).first).to_be_visible(timeout=60_000)
    _open(page, "Patient")
    expect(page.get_by_text("Predicted response from the tumour's RNA", exact=False).first).to_be_visible(
        timeout=60_000
    )
    expect(page.get_by_text("Why this transcriptome prediction", exact=False).first).to_be_visible()
    assert server.process.poll() is None


def test_xlsx_tables_of_the_rna_demo_open_as_workbooks(server, page):
    page.goto(server.url)
    page.get_by_role("button", name="Open the RNA demo").click()
    expect(page.get_by_text("41 samples linked to patients", exact=False).first).to_be_visible(timeout=90_000)
    for name in ("Patients", "Compare"):
        _open(page, name)
        expect(page.get_by_role("heading", name=name, exact=True).first).to_be_visible(timeout=60_000)
        button = page.get_by_role("button", name="XLSX", exact=True).first
        button.wait_for(timeout=60_000)
        with page.expect_download(timeout=60_000) as started:
            button.click()
        workbook = load_workbook(io.BytesIO(Path(started.value.path()).read_bytes()))
        assert workbook.active.max_row > 1, name  # a header and rows, not a failed download


def test_the_rna_demo_reads_right_in_a_browser_on_every_page(server, page):
    from tests.style import style_problems

    page.goto(server.url)
    page.get_by_role("button", name="Open the RNA demo").click()
    expect(page.get_by_text("41 samples linked to patients", exact=False).first).to_be_visible(timeout=90_000)
    problems = []
    for name in ("Cohort", "Patients", "Patient", "Explanations", "Compare", "Performance", "Model"):
        _open(page, name)
        expect(page.get_by_role("heading", name=name, exact=False).first).to_be_visible(timeout=60_000)
        text = _words(page)
        assert name in text and len(text) > 300, f"{name}: the page's text was not read"
        problems += [f"{name}: {p}" for p in style_problems(text.splitlines(), allowed=["RNA demo: Gide et al. 2019"])]
        if name == "Patient":
            # no headline number for a clinical prediction its two measured inputs cannot carry
            headline = page.get_by_test_id("stMetric").filter(has_text="Predicted response")
            expect(headline.get_by_test_id("stMetricValue")).to_have_text("not estimable")
            expect(page.get_by_text("patients like this one respond", exact=False)).to_have_count(0)
    assert problems == [], problems
