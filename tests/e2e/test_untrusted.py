"""An attacker beside real users: a poller on a download's address, a model that aborts LightGBM, a beacon card."""

import hashlib
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from icilens.model import default_model_dir
from tests.e2e.conftest import Server
from tests.pages.test_untrusted_text import BEACON, hostile_zip

pytestmark = pytest.mark.e2e


class Poller:
    """A client without cookies that fetches every address it is given, every 20 ms, and counts what it gets."""

    def __init__(self) -> None:
        self.addresses: list[str] = []
        self.got = 0
        self.tries = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            for address in list(self.addresses):
                self.tries += 1
                try:
                    with urllib.request.urlopen(address, timeout=5):
                        self.got += 1
                except urllib.error.HTTPError as exc:
                    assert exc.code == 404
            time.sleep(0.02)


def _open(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()


def _model_zip_input(page):
    """Return the Model page's model-zip uploader once it is on screen: never another page's, mid-navigation."""
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="upload a model zip")
    expect(uploader).to_be_visible(timeout=60_000)
    return uploader.locator("input[type=file]")


def test_only_the_session_that_clicked_gets_its_download(server, browser):
    a_context, b_context = browser.new_context(accept_downloads=True), browser.new_context()
    try:
        a, b = a_context.new_page(), b_context.new_page()
        b.goto(server.url)
        a.goto(server.url)
        a.get_by_role("button", name="Open the demo cohort").click()
        expect(a.get_by_test_id("stMetric").filter(has_text="Patients").get_by_test_id("stMetricValue")).to_have_text(
            "515", timeout=60_000
        )
        _open(a, "Patients")
        csv_button = a.get_by_role("button", name="CSV", exact=True)
        expect(csv_button).to_be_visible(timeout=60_000)
        with Poller() as poller:
            a.on("request", lambda r: poller.addresses.append(r.url) if "/media/" in urlparse(r.url).path else None)
            files = []
            for _ in range(2):  # the user's own click always succeeds, and a second click too
                with a.expect_download() as started:
                    csv_button.click()
                files.append(Path(started.value.path()).read_bytes())
                # The address a content hash would give: the same in every session for the demo's table.
                name = started.value.suggested_filename
                hashed = hashlib.sha224(files[-1] + b"text/csv" + name.encode()).hexdigest()
                poller.addresses.append(f"{server.url}/media/{hashed}.csv")
            addresses = sorted({u for u in poller.addresses if "/media/" in u})
            for address in addresses:  # session B, with its own cookie, during
                assert b.request.get(address).status == 404
            time.sleep(0.5)
        assert files[0] == files[1] and files[0].startswith(b'"patient_id",')
        assert poller.tries > 20 and poller.got == 0, (poller.tries, poller.got)
        assert len({urlparse(u).path for u in addresses}) >= 3  # two random addresses, one per click, and the hash
        for address in addresses:  # after: nobody, not even A, finds the file again
            assert b.request.get(address).status == 404
            assert a.request.get(address).status == 404
    finally:
        a_context.close()
        b_context.close()


def test_a_model_that_used_to_abort_the_server_is_refused_while_another_session_works(browser, tmp_path):
    import io
    import zipfile

    server = Server()
    text = (default_model_dir() / "model_00.txt").read_text()
    crashing = text.replace("Tree=3\nnum_leaves=8", "Tree=3\nnum_leaves=2000000000", 1)
    # tree_sizes made to agree, so only LightGBM's own parser (in the separate process) meets the edit
    sizes = [str(len(block.encode())) for block in _tree_blocks(crashing)]
    crashing = "\n".join(
        ("tree_sizes=" + " ".join(sizes)) if line.startswith("tree_sizes=") else line for line in crashing.split("\n")
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("model_00.txt", crashing)
    contexts = [browser.new_context(), browser.new_context()]
    try:
        attacker, user = (c.new_page() for c in contexts)
        user.goto(server.url)
        user.get_by_role("button", name="Open the demo cohort").click()
        expect(
            user.get_by_test_id("stMetric").filter(has_text="Patients").get_by_test_id("stMetricValue")
        ).to_have_text("515", timeout=60_000)
        attacker.goto(server.url)
        _open(attacker, "Model")
        _model_zip_input(attacker).set_input_files(
            files=[{"name": "crash.zip", "mimeType": "application/zip", "buffer": buffer.getvalue()}]
        )
        expect(attacker.get_by_text("tree 3", exact=False).first).to_be_visible(timeout=60_000)
        with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=5) as health:
            assert health.status == 200
        _open(user, "Patients")
        expect(user.get_by_text("515 of 515 patients")).to_be_visible()
        assert server.process.poll() is None
    finally:
        for context in contexts:
            context.close()
        server.stop()


def _tree_blocks(text: str) -> list[str]:
    body = text[text.index("Tree=0") : text.index("end of trees")]
    return ["Tree=" + block for block in body.split("Tree=")[1:]]


def test_a_hostile_card_makes_the_browser_call_no_outside_server(server, browser, default_model):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []
    context.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname != "127.0.0.1" else None)
    try:
        page = context.new_page()
        page.goto(server.url)
        _open(page, "Model")
        _model_zip_input(page).set_input_files(
            files=[{"name": "ours.zip", "mimeType": "application/zip", "buffer": hostile_zip(default_model)}]
        )
        expect(page.get_by_text("checked and ready", exact=False)).to_be_visible(timeout=60_000)
        page.get_by_role("button", name="Use this model for this session").click()
        expect(page.get_by_text("198.51.100.7/x.png", exact=False).first).to_be_visible()  # shown as typed
        expect(page.locator(f"img[src='{BEACON}']")).to_have_count(0)
        expect(page.locator("a[href^='http://198.51.100.7']")).to_have_count(0)
        page.wait_for_timeout(1000)
    finally:
        context.close()
    assert outside == [], outside
