"""Load: N concurrent browser sessions (headless Chromium tabs) drive the demo journey against one
`streamlit run` on localhost: open the demo, the Patients table, a Patient, the Compare page.
Prints p50/p95 of page times and the errors for N = 1, 5 and 20 (bounded: one journey per session)."""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import time
from pathlib import Path

from _common import start_server
from playwright.async_api import async_playwright, expect

DEMO = "Open the demo cohort (MSK, treated in 2018, 515 patients)"


async def journey(browser, url: str, times: dict[str, list[float]], errors: list[str]) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    page.set_default_timeout(240_000)  # 20 browsers share 2 cores with the server: clicks wait their turn
    nav = page.get_by_test_id("stSidebarNav")
    steps = [
        (
            "open demo",
            lambda: page.get_by_role("button", name=DEMO).click(),
            lambda: expect(page.get_by_text("Model features present")).to_be_visible(timeout=240_000),
        ),
        (
            "patients",
            lambda: nav.get_by_role("link", name="Patients", exact=True).click(),
            lambda: expect(page.get_by_text("515 of 515 patients")).to_be_visible(timeout=240_000),
        ),
        (
            "patient",
            lambda: nav.get_by_role("link", name="Patient", exact=True).click(),
            lambda: expect(page.get_by_text(re.compile("Why this prediction"))).to_be_visible(timeout=240_000),
        ),
        (
            "compare",
            lambda: nav.get_by_role("link", name="Compare", exact=True).click(),
            lambda: expect(page.get_by_text("Feature by feature")).to_be_visible(timeout=240_000),
        ),
    ]
    try:
        await page.goto(url, timeout=180_000)
        await expect(page.get_by_role("button", name=DEMO)).to_be_visible(timeout=240_000)
        for name, act, done in steps:
            start = time.perf_counter()
            await act()
            await done()
            times[name].append(time.perf_counter() - start)
        if await page.get_by_text("Traceback").count():
            errors.append("traceback on page")
    except Exception as exc:  # a failed journey is a figure to report, not a crash of the benchmark
        errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
    finally:
        await context.close()


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(sessions: int, url: str, server_pid: int) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        times: dict[str, list[float]] = {"open demo": [], "patients": [], "patient": [], "compare": []}
        errors: list[str] = []
        start, server_cpu = time.perf_counter(), cpu_seconds(server_pid)
        await asyncio.gather(*(journey(browser, url, times, errors) for _ in range(sessions)))
        wall, server_cpu = time.perf_counter() - start, cpu_seconds(server_pid) - server_cpu
        await browser.close()
    cells = []
    for step, values in times.items():
        if values:
            p95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
            cells.append(f"{step} p50 {statistics.median(values):.2f} s / p95 {p95:.2f} s")
    print(
        f"N={sessions:2d}: {'; '.join(cells)}; journeys {sessions - len(errors)}/{sessions} ok in {wall:.1f} s "
        f"(server CPU {server_cpu:.1f} s of {2 * wall:.0f} core-seconds; the rest is the browsers on the same 2 cores); "
        f"errors: {errors or 'none'}"
    )


def main() -> None:
    server, url = start_server()
    try:
        for sessions in (1, 5, 20):
            asyncio.run(run(sessions, url, server.pid))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
