"""Privacy and hostile input in a real browser: sessions stay apart, nothing is written, nothing runs."""

import io
import os
import re
import tempfile
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.conftest import CORPUS, ROOT
from tests.e2e.conftest import Server

pytestmark = pytest.mark.e2e

SENTINEL = "SENTINEL" + uuid.uuid4().hex.upper()  # made per run, so no file of the project can hold it
HOSTILE_ID = "<img src=x onerror=window.__xss=1>"
HOSTILE_COLUMN = "<script>window.__xss=2</script>"


def _cohort_bytes(**changes) -> bytes:
    frame = pd.read_csv(CORPUS / "01_clean_human_headers.csv")
    for column, value in changes.items():
        frame.loc[0, column] = value
    return frame.to_csv(index=False).encode()


def _upload(page, url: str, name: str, data: bytes) -> None:
    page.goto(url)
    page.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    expect(page.get_by_test_id("stMetric").filter(has_text="Patients").get_by_test_id("stMetricValue")).to_have_text(
        "12"
    )


def _open(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()


def test_two_sessions_see_only_their_own_patients(server, browser):
    first, second = browser.new_context(), browser.new_context()
    try:
        a, b = first.new_page(), second.new_page()
        uploads = (
            (a, "ward_a.csv", _cohort_bytes(**{"Patient ID": "ONLY-IN-A"}), 12),
            (
                b,
                "ward_b.csv",
                (ROOT / "src" / "icilens" / "bundled" / "msk_icb_2022" / "chowell_test_2018.csv").read_bytes(),
                515,
            ),
        )
        for page, _, _, _ in uploads:
            page.goto(server.url)
        for page, name, data, _ in uploads:  # both wards upload at the same time
            page.locator("input[type=file]").set_input_files(
                files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
            )
        for page, _, _, count in uploads:
            metric = page.get_by_test_id("stMetric").filter(has_text="Patients").get_by_test_id("stMetricValue")
            expect(metric).to_have_text(str(count))
        for page, count in ((a, 12), (b, 515)):
            _open(page, "Patients")
            expect(page.get_by_text(f"{count} of {count} patients")).to_be_visible()
        _open(a, "Patient")
        _open(b, "Patient")
        ids_a = {"ONLY-IN-A", *(f"MRN-{1000 + i}" for i in range(1, 12))}
        for page, belongs in ((a, lambda pid: pid in ids_a), (b, lambda pid: pid.isdigit() and int(pid) <= 515)):
            heading = page.get_by_role("heading", name=re.compile(r"^Patient \S")).first
            expect(heading).to_be_visible()
            assert belongs(heading.inner_text().removeprefix("Patient ").strip())
        expect(b.get_by_text("ONLY-IN-A")).to_have_count(0)
        expect(b.get_by_text("MRN-1001")).to_have_count(0)
    finally:
        first.close()
        second.close()


def _private_download(page, click, stranger, timeout: int = 30_000):
    """Download through click(); check the file is named without the id and served to nobody after the user."""
    with page.expect_download(timeout=timeout) as started:
        click()
    download = started.value
    data = Path(download.path()).read_bytes()
    assert SENTINEL not in download.suggested_filename
    with pytest.raises(urllib.error.HTTPError) as refused:  # a client without the session's cookie
        urllib.request.urlopen(download.url, timeout=10)
    assert refused.value.code == 404
    assert stranger.request.get(download.url).status == 404  # another browser session
    return data


def _holds(path: Path, text: bytes) -> bool:
    """Return whether a file holds text; a file Chromium removes while the folder is read held nothing to find."""
    try:
        return path.is_file() and text in path.read_bytes()
    except FileNotFoundError:
        return False


def test_no_patient_value_reaches_disk_urls_file_names_or_logs(browser, tmp_path):
    server_tmp = Path(tempfile.mkdtemp(prefix="icilens-server-tmp-"))
    server = Server(env={"TMPDIR": str(server_tmp)})
    context = browser.new_context(accept_downloads=True)
    stranger = browser.new_context().new_page()
    hostile_id = f"{SENTINEL}\x07=cmd"  # a control character XLSX cannot hold, and a formula
    try:
        page = context.new_page()
        _upload(page, server.url, "sentinel.csv", _cohort_bytes(**{"Patient ID": hostile_id, "Cancer type": SENTINEL}))
        for name in ("Patients", "Explanations", "Compare", "Performance"):
            _open(page, name)
            expect(page.get_by_role("heading", name=name, exact=True).first).to_be_visible()
        _open(page, "Patients")
        csv = _private_download(page, lambda: page.get_by_role("button", name="CSV", exact=True).click(), stranger)
        assert SENTINEL in csv.decode()  # the user gets the data...
        xlsx = _private_download(page, lambda: page.get_by_role("button", name="XLSX", exact=True).click(), stranger)
        assert xlsx[:2] == b"PK"
        _open(page, "Patient")
        expect(page.get_by_text("Why this prediction", exact=False).first).to_be_visible()
        pdf = _private_download(page, lambda: page.get_by_role("button", name="Patient report (PDF)").click(), stranger)
        assert pdf[:5] == b"%PDF-"
        for label in ("PNG (2x, white background)", "HTML (interactive)"):  # a chart, through the shared Chromium
            page.get_by_role("button", name="Download chart").nth(1).click()
            _private_download(
                page, lambda label=label: page.get_by_role("button", name=label).click(), stranger, 60_000
            )
            page.keyboard.press("Escape")
        assert SENTINEL not in page.url
        _open(page, "Cohort")
        report = _private_download(
            page, lambda: page.get_by_role("button", name="Cohort report (HTML)").click(), stranger, 60_000
        )
        assert b"ICI Lens cohort report" in report
    finally:
        context.close()
        stranger.context.close()
        log = server.log()
        server.stop()
    # ...and the server keeps nothing: not in its temp folder, its working tree or its log.
    # os.walk, not rglob: the export Chromium's profile folder may vanish mid-walk as the server stops.
    kept = [Path(folder, name) for folder, _, names in os.walk(server_tmp) for name in names]
    hits = [p for p in kept if _holds(p, SENTINEL.encode())]
    skip = {".venv", ".git", "test-results"}
    tree = [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]
    hits += [p for p in tree if p.stat().st_size < 50_000_000 and SENTINEL.encode() in p.read_bytes()]
    assert hits == []
    assert SENTINEL not in log and "Traceback" not in log


def test_every_response_refuses_framing_and_the_metrics_are_closed(server):
    with urllib.request.urlopen(server.url, timeout=10) as response:
        headers = response.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    with pytest.raises(urllib.error.HTTPError) as closed:
        urllib.request.urlopen(f"{server.url}/_stcore/metrics", timeout=10)
    assert closed.value.code == 404


def test_hostile_ids_and_headers_render_as_text(server, page):
    frame = pd.read_csv(io.BytesIO(_cohort_bytes(**{"Patient ID": HOSTILE_ID})))
    frame[HOSTILE_COLUMN] = "1"
    _upload(page, server.url, "hostile.csv", frame.to_csv(index=False).encode())
    page.get_by_role("tab", name="Column mapping").click()
    page.get_by_label("Column in the file").click()
    page.keyboard.type("<script>")  # the list is virtual: filter it to the hostile header
    expect(page.get_by_role("option", name=HOSTILE_COLUMN)).to_be_visible()  # listed as text
    page.keyboard.press("Escape")
    _open(page, "Patient")
    page.get_by_label("Open patient (ranked by predicted probability)").click()
    page.keyboard.type("<img")
    page.get_by_role("option", name=HOSTILE_ID).click()
    expect(page.get_by_role("heading", name=f"Patient {HOSTILE_ID}")).to_be_visible()
    assert page.evaluate("window.__xss") is None
