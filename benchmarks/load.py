"""Load: N concurrent sessions drive the demo journey over Streamlit's own WebSocket protocol, no browser.

Each session connects to `/_stcore/stream` like the web client, runs the Cohort page, clicks "Open the
demo cohort", then opens the Patients, Patient and Compare pages. A step's time is from the message that
starts the run to the server's "script finished": server-side time, since no browser shares the cores.
Prints, for 1, 5 and 20 sessions at once, the medians over several runs of the server's CPU seconds per
journey, p50 and p95 per step, and the server's resident memory. To compare with an earlier commit, run
this same script against it: `git worktree add /tmp/before REV`, copy this file into it, then
`PYTHONPATH=/tmp/before/src python /tmp/before/benchmarks/load.py`.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path

import websockets
from _common import start_server
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

DEMO = "Open the demo cohort"
RERUN = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
STEPS = ("cohort page", "open demo", "patients page", "patient page", "compare page")


class Session:
    """One client of the app over its WebSocket: runs pages, clicks buttons, waits for each run to end."""

    def __init__(self, socket) -> None:
        self.socket = socket
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page_hash = ""
        self.buttons: dict[str, str] = {}  # label -> widget id, from the last run

    async def run(self, page: str | None = None, clicked: str | None = None) -> float:
        """Rerun a page (by url path) or click a button of the current page; return the seconds to the end."""
        message = BackMsg()
        state = message.rerun_script
        if page is not None:
            self.page_hash = self.pages.get(page, "")
        state.page_script_hash = self.page_hash
        if clicked is not None:
            widget = state.widget_states.widgets.add()
            widget.id, widget.trigger_value = self.buttons[clicked], True
        self.buttons = {}
        start = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await self.socket.recv())
            self._read(forward)
            # A run that ends early for a rerun (st.rerun, a page switch) is followed by the run the user waits for.
            if forward.WhichOneof("type") == "script_finished" and forward.script_finished != RERUN:
                return time.perf_counter() - start

    def _read(self, forward: ForwardMsg) -> None:
        kind = forward.WhichOneof("type")
        if kind == "new_session":
            self.page_hash = forward.new_session.page_script_hash
            self._learn_pages(forward.new_session.app_pages)
        elif kind == "navigation":
            self.page_hash = forward.navigation.page_script_hash
            self._learn_pages(forward.navigation.app_pages)
        elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            element = forward.delta.new_element
            if element.WhichOneof("type") == "button":
                self.buttons[element.button.label] = element.button.id

    def _learn_pages(self, pages) -> None:
        self.pages.update({page.url_pathname: page.page_script_hash for page in pages})


async def journey(url: str, times: dict[str, list[float]], errors: list[str]) -> None:
    try:
        async with websockets.connect(url.replace("http", "ws") + "/_stcore/stream", max_size=None) as socket:
            session = Session(socket)
            times["cohort page"].append(await session.run(page=""))
            times["open demo"].append(await session.run(clicked=DEMO))
            times["patients page"].append(await session.run(page="patients"))
            times["patient page"].append(await session.run(page="patient"))
            times["compare page"].append(await session.run(page="compare"))
    except Exception as exc:  # a benchmark reports failures and goes on
        errors.append(f"{type(exc).__name__}: {exc}")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime in clock ticks (USER_HZ = 100)


def _resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run(sessions: int, url: str, pid: int) -> dict:
    """Run `sessions` journeys at once; return p50 and p95 per step, server CPU per journey and resident memory."""
    times: dict[str, list[float]] = {step: [] for step in STEPS}
    errors: list[str] = []
    cpu_before = _cpu_seconds(pid)
    await asyncio.gather(*(journey(url, times, errors) for _ in range(sessions)))
    journeys = sessions - len(errors)
    steps = {
        step: (statistics.median(values), statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0])
        for step, values in times.items()
        if values
    }
    cpu = (_cpu_seconds(pid) - cpu_before) / max(journeys, 1)
    return {"steps": steps, "cpu": cpu, "memory": _resident_mb(pid), "errors": errors}


def report(sessions: int, runs: list[dict]) -> None:
    """Print, for one number of sessions, the median over runs of each figure."""
    cells = [
        f"{step} p50 {statistics.median(r['steps'][step][0] for r in runs):.2f} s / "
        f"p95 {statistics.median(r['steps'][step][1] for r in runs):.2f} s"
        for step in STEPS
        if all(step in r["steps"] for r in runs)
    ]
    cpu = [r["cpu"] for r in runs]
    errors = [e for r in runs for e in r["errors"]]
    print(
        f"N={sessions:2d} (median of {len(runs)} runs): server CPU per journey {statistics.median(cpu):.3f} s "
        f"(runs {', '.join(f'{c:.3f}' for c in cpu)}); {'; '.join(cells)}; resident memory "
        f"{max(r['memory'] for r in runs):.0f} MB; errors: {errors or 'none'}"
    )


def main() -> None:
    server, url = start_server()
    try:
        asyncio.run(run(1, url, server.pid))  # the first journey of a process computes the shared demo results
        for sessions, repeats in ((1, 7), (5, 5), (20, 3)):
            report(sessions, [asyncio.run(run(sessions, url, server.pid)) for _ in range(repeats)])
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
