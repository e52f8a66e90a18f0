"""Charts and tables with their download buttons; files are made in memory when clicked."""

from __future__ import annotations

import datetime as dt
import logging
import re
import traceback
import uuid
from collections.abc import Callable
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from icilens import DISCLAIMER
from icilens.reports import (
    figure_to_html,
    figure_to_image,
    find_chromium,
    table_to_csv,
    table_to_xlsx,
    zip_files,
)
from icilens.ui.state import SESSION_MODEL, current_cohort, session_key

log = logging.getLogger("icilens")
NO_BROWSER = "PNG and SVG need Chromium on the server (Debian: apt-get install chromium); HTML works without it."
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_stem(name: str) -> str:
    """Return a safe file-name stem for user-supplied text (ids, chart names)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_").lower() or "chart"


def guard_download(action: str, make: Callable[[], bytes | str]) -> Callable[[], bytes | str]:
    """Return make() wrapped so a failure logs an error id and code path only, never the message or values.

    The browser shows Streamlit's 'Failed to generate file for download'; the error id is logged for support.
    """

    def guarded() -> bytes | str:
        try:
            return make()
        except Exception as exc:
            error_id = uuid.uuid4().hex[:8]
            log.error("error %s while building %s: %s\n%s", error_id, action, type(exc).__name__, code_path(exc))
            raise RuntimeError(f"{action} could not be built (error id {error_id})") from None

    return guarded


def code_path(exc: BaseException) -> str:
    """Return where an exception passed (file, line, function) for each exception in its chain, no values."""
    lines = []
    current: BaseException | None = exc
    while current is not None:
        lines.append(f"{type(current).__name__}")
        lines += [f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(current.__traceback__)]
        current = current.__cause__ or current.__context__
    return "\n".join(lines)


def chart(
    place, figure: go.Figure, key: str, name: str | None = None, on_point=None, patient_id: str | None = None
) -> None:
    """Show a plotly figure in place (st or a column) with PNG, SVG and interactive HTML downloads below it.

    on_point, when given, is called with the customdata of a clicked point (charts that let a user open it);
    patient_id, for a chart of one patient, is named in the exported picture beside the cohort.
    """
    stem = export_stem(name or key)
    caption = picture_caption(patient_id)
    key = session_key(key)
    if on_point is None:
        place.plotly_chart(figure, key=key)
    else:
        event = place.plotly_chart(figure, key=key, on_select="rerun", selection_mode="points")
        points = event.selection.points if event else []
        if points and points[0].get("customdata") is not None:
            on_point(points[0]["customdata"])
    has_browser = find_chromium() is not None
    tip = None if has_browser else NO_BROWSER
    with place.popover("Download chart", icon=":material/download:"):
        if not has_browser:
            st.caption(NO_BROWSER)
        for label, image_format, mime in (
            ("PNG (2x, white background)", "png", "image/png"),
            ("SVG (vector)", "svg", "image/svg+xml"),
        ):
            st.download_button(
                label,
                guard_download(
                    f"the {image_format.upper()} chart", partial(figure_to_image, figure, image_format, caption=caption)
                ),
                f"{stem}.{image_format}",
                mime,
                key=f"{key}_{image_format}",
                on_click="ignore",
                disabled=not has_browser,
                help=tip,
            )
        st.download_button(
            "HTML (interactive)",
            guard_download("the HTML chart", lambda: figure_to_html(figure, caption)),
            f"{stem}.html",
            "text/html",
            key=f"{key}_html",
            on_click="ignore",
        )


def model_name() -> str:
    """Return the name of the model this session uses, for exports."""

    model = st.session_state.get(SESSION_MODEL)
    return model.card["name"] if model is not None else "ICI Lens response model (bundled)"


def picture_caption(patient_id: str | None = None) -> str:
    """Return what an exported chart says it shows: the cohort, the patient when one, and today's date."""
    cohort = current_cohort()
    parts = [cohort.label if cohort else None, f"patient {patient_id}" if patient_id else None]
    return " · ".join([part for part in parts if part] + [dt.date.today().isoformat()])


def export_stem(name: str) -> str:
    """Return a download's file-name stem: ICI Lens, the cohort, what it is and today's date."""

    cohort = current_cohort()
    parts = ("icilens", file_stem(cohort.label) if cohort else "", file_stem(name), dt.date.today().isoformat())
    return "_".join(part for part in parts if part)


def table_downloads(
    place, table: pd.DataFrame, key: str, name: str, readable: pd.DataFrame | None = None, percent=()
) -> None:
    """Show CSV and XLSX downloads of a table in place (formula cells neutralised).

    readable, when given, is the same table with plain labels for the spreadsheet (percent: its percent columns);
    the CSV keeps the machine names that scripts read.
    """
    csv, xlsx, _ = place.columns([1, 1, 4])
    stem, key = export_stem(name), session_key(key)
    about = f"{DISCLAIMER} Model: {model_name()}. Made on {dt.date.today().isoformat()}."
    csv.download_button(
        "CSV",
        guard_download("the CSV table", lambda: table_to_csv(table)),
        f"{stem}.csv",
        "text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    xlsx.download_button(
        "XLSX",
        guard_download(
            "the XLSX table",
            lambda: table_to_xlsx(table if readable is None else readable, name, about, tuple(percent)),
        ),
        f"{stem}.xlsx",
        XLSX,
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/download:",
    )


def bulk_download(place, label: str, key: str, file_name: str, make_items) -> None:
    """Offer a ZIP built on request with a progress bar; make_items() returns (name, bytes or callable) pairs."""
    key = session_key(key)
    slot = f"{key}_zip"
    if place.button(label, key=f"{key}_prepare", icon=":material/folder_zip:"):
        bar = place.progress(0.0, text=f"{label}: preparing")
        st.session_state[slot] = zip_files(
            make_items(), progress=lambda done: bar.progress(done, text=f"{label}: {done:.0%}")
        )
        bar.empty()
    data = st.session_state.get(slot)
    if data:
        place.download_button(
            f"Download {file_name} ({len(data) / 1e6:.1f} MB)",
            lambda: data,  # built on click like every download, so each click gets its own single-use URL
            file_name,
            "application/zip",
            key=f"{key}_download",
            on_click="ignore",
            icon=":material/download:",
        )
