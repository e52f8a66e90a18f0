"""Browser-test fixtures: a real `streamlit run` on a free port and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
RESULTS = ROOT / "test-results"


def pytest_collection_modifyitems(config, items):
    # The longest test (every page at two sizes) goes first, so that no worker is left alone with it at the end.
    items.sort(key=lambda item: item.path.name != "test_layout.py")
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            "CI must run the browser tests, but /usr/bin/chromium is missing (apt-get install chromium)"
        )
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (run the tests as root to install it)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A streamlit server of the app on localhost, with its log captured."""

    def __init__(self, env: dict | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = RESULTS / f"server-{self.port}.log"
        RESULTS.mkdir(exist_ok=True)
        self._log = self.log_path.open("w")
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "serve.py"),
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
        self._wait()

    def _wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"streamlit did not start within {timeout} s; see {self.log_path}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


@pytest.fixture(scope="session")
def server():
    running = Server()
    yield running
    running.stop()


@pytest.fixture
def fresh_server():
    running = Server()
    yield running
    running.stop()


# True once the app's script has stayed finished for half a second (a click's rerun may not have begun yet)
# and every chart on the page has drawn.
_DRAWN = """() => {
    const idle = document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === 'notRunning';
    const drawn = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'));
    if (!(idle && drawn)) { window.__icilensIdleSince = undefined; return false; }
    window.__icilensIdleSince ??= performance.now();
    return performance.now() - window.__icilensIdleSince > 500;
}"""


def wait_until_drawn(page) -> None:
    """Wait until the app's script has finished and every chart on the page has drawn."""
    page.wait_for_function(_DRAWN, polling=100)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # A fresh clone's first page loads import and compile everything: allow for it on a 2-core machine.
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def tabs(browser):
    """One browser profile for the tests that need a single session: each opens its own tab in it."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    yield context
    context.close()


@pytest.fixture
def page(tabs, request):
    # A tab of its own is a session of its own on the server (Streamlit keeps one per connection); what the tabs
    # share is the browser's cache of the app's scripts, as a returning user's browser does, which spares
    # compiling them again: a third of what opening a page costs. Tests of sessions kept apart open contexts.
    opened = tabs.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        RESULTS.mkdir(exist_ok=True)
        opened.screenshot(path=str(RESULTS / f"{request.node.name}.png"), full_page=True)
    opened.close()
