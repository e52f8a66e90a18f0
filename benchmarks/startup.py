"""Time from `streamlit run` to the first rendered Cohort page in headless Chromium (target < 5 s)."""

from __future__ import annotations

import statistics
import time

from _common import start_server
from playwright.sync_api import sync_playwright


def time_first_render(browser) -> float:
    """Return seconds from spawning the server to the Cohort title being visible."""
    start = time.perf_counter()
    server, url = start_server(wait=False)
    try:
        page = browser.new_page()
        while True:
            try:
                page.goto(url, timeout=2000)
                break
            except Exception:
                time.sleep(0.1)
        page.get_by_role("heading", name="Cohort").wait_for(timeout=30_000)
        elapsed = time.perf_counter() - start
        page.close()
        return elapsed
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        runs = [time_first_render(browser) for _ in range(3)]
        browser.close()
    print(
        f"streamlit run -> first rendered page: {statistics.median(runs):.2f} s (median of 3: {', '.join(f'{r:.2f}' for r in runs)})"
    )


if __name__ == "__main__":
    main()
