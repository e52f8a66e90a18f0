"""Every page at the two laptop sizes of a meeting room, screenshotted for review; no request leaves the machine."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RESULTS, wait_until_drawn

pytestmark = pytest.mark.e2e

SIZES = ((1024, 768), (1440, 900))
PAGES = ("", "one_patient", "patients", "patient", "explanations", "compare", "performance", "model")
DEMO = "Open the demo cohort"


def test_every_page_at_laptop_sizes_makes_no_outside_request(server, browser):
    width, height = SIZES[0]
    context = browser.new_context(viewport={"width": width, "height": height})
    outside: list[str] = []
    app_host = urlparse(server.url).netloc
    context.on("request", lambda r: outside.append(r.url) if urlparse(r.url).netloc not in (app_host, "") else None)
    try:
        page = context.new_page()
        page.goto(server.url)
        page.get_by_role("button", name=DEMO).click()
        expect(page.get_by_test_id("stMetric").filter(has_text="Patients").first).to_be_visible(timeout=60_000)
        for path in PAGES:
            page.get_by_test_id("stSidebarNav").locator(f'a[href$="/{path}"]').first.click()
            # Each size lays out the page as loaded: the layout is the browser's, the page is run once.
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                wait_until_drawn(page)
                page.wait_for_timeout(300)  # plotly redraws its charts to the new size after a resize event
                assert "Traceback" not in page.content()
                expect(page.get_by_text("Something went wrong", exact=False)).to_have_count(0)
                name = f"layout_{width}x{height}_{path or 'cohort'}"
                page.screenshot(path=str(RESULTS / f"{name}.png"))
                # Streamlit scrolls inside the page: a tall window of the same width shows the whole page as laid out.
                page.set_viewport_size({"width": width, "height": 4000})
                wait_until_drawn(page)
                page.wait_for_timeout(300)
                page.screenshot(path=str(RESULTS / f"{name}_whole.png"))
            page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
    finally:
        context.close()
    assert outside == [], f"requests left the machine: {sorted(set(outside))[:5]}"
