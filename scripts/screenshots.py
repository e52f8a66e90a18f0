"""Refresh the README's screenshots: the demo cohort's Cohort, Patient and Compare pages at 1440x900, and the
RNA demo's Patient page (its one reading) at 1440x900 and 1024x768 with its Explanations and Compare.

Run with the project's Python (`.venv/bin/python scripts/screenshots.py`); it starts the app on a free port,
drives Debian's Chromium with Playwright and writes assets/screenshots/{cohort,patient,compare}.png.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "assets" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port)]
    app = subprocess.Popen([*command, "--server.headless", "true"], cwd=ROOT, stdout=subprocess.DEVNULL)
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return app
        except OSError:
            time.sleep(0.5)
    app.kill()
    raise SystemExit("the app did not start within a minute")


def open_page(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state("networkidle")


def take(page, name: str, full_page: bool = False) -> None:
    page.wait_for_timeout(2500)  # charts finish drawing
    page.screenshot(path=OUT / f"{name}.png", full_page=full_page)
    print(f"wrote {OUT / name}.png")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    app = start_app(port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.set_default_timeout(60_000)
            page.goto(f"http://127.0.0.1:{port}")
            page.get_by_role("button", name="Open the demo cohort").click()
            expect(page.get_by_test_id("stMetricValue").first).to_have_text("515")
            take(page, "cohort")
            open_page(page, "Patient")
            expect(page.get_by_role("heading", name="Patient", exact=False).first).to_be_visible()
            take(page, "patient")
            open_page(page, "Compare")
            expect(page.get_by_role("heading", name="Compare", exact=True).first).to_be_visible()
            take(page, "compare")
            for width, height, suffix in ((1440, 900, ""), (1024, 768, "_1024")):
                rna = browser.new_page(viewport={"width": width, "height": height})
                rna.set_default_timeout(90_000)
                rna.goto(f"http://127.0.0.1:{port}")
                rna.get_by_role("button", name="Open the RNA demo").click()
                expect(rna.get_by_text("41 samples linked to patients", exact=False).first).to_be_visible()
                open_page(rna, "Patient")
                expect(rna.get_by_text("One reading", exact=False).first).to_be_visible()
                take(rna, f"rna_patient{suffix}")
                for name in ("Explanations", "Compare"):
                    open_page(rna, name)
                    expect(rna.get_by_role("heading", name=name, exact=True).first).to_be_visible()
                    take(rna, f"rna_{name.lower()}{suffix}")
                rna.close()
            browser.close()
    finally:
        app.terminate()
        app.wait(timeout=20)


if __name__ == "__main__":
    main()
