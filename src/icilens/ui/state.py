"""Session state in one place. Patient data lives here, in this session's memory only."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from icilens.datasets import demo_path
from icilens.intake import IntakeResult, build_cohort, read_table

_KEY = "icilens_cohort"


@dataclass
class Cohort:
    """The loaded cohort: its intake result, where it came from, and the raw bytes for re-mapping."""

    result: IntakeResult
    label: str
    is_demo: bool
    data: bytes


def current_cohort() -> Cohort | None:
    """Return the cohort loaded in this session, or None."""
    return st.session_state.get(_KEY)


def load_demo_cohort() -> Cohort:
    """Load the bundled demo cohort into the session and return it."""
    data = demo_path().read_bytes()
    return _store(data, demo_path().name, None, None, "MSK demo cohort, treated in 2018", is_demo=True)


def load_uploaded_cohort(data: bytes, name: str, sheet: str | None = None) -> Cohort:
    """Load an uploaded file into the session and return it; raises IntakeError when unusable."""
    return _store(data, name, sheet, None, name, is_demo=False)


def remap_cohort(mapping: dict[str, str | None], sheet: str | None = None) -> Cohort:
    """Rebuild the current cohort with a user-edited column mapping (or another sheet)."""
    cohort = current_cohort()
    if cohort is None:
        raise RuntimeError("remap_cohort needs a loaded cohort")
    same_sheet = sheet is None or sheet == cohort.result.table.sheet
    return _store(
        cohort.data, cohort.result.table.name, sheet, mapping if same_sheet else None, cohort.label, cohort.is_demo
    )


def clear_cohort() -> None:
    """Forget the session's cohort and everything derived from it."""
    for key in [k for k in st.session_state if str(k).startswith("icilens_")]:
        del st.session_state[key]


def _store(data: bytes, name: str, sheet, mapping, label: str, is_demo: bool) -> Cohort:
    table = read_table(data, name, sheet)
    result = build_cohort(table, mapping)
    clear_cohort()
    cohort = Cohort(result=result, label=label, is_demo=is_demo, data=data)
    st.session_state[_KEY] = cohort
    return cohort
