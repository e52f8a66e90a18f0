"""The app's pages and their order; app.py only runs what this returns."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

ROOT = Path(__file__).resolve().parents[3]
APP = ROOT / "app.py"
PAGES = (
    ("cohort", "Cohort", ":material/upload_file:"),
    ("one_patient", "One patient", ":material/person_add:"),
    ("patients", "Patients", ":material/groups:"),
    ("patient", "Patient", ":material/person:"),
    ("explanations", "Explanations", ":material/insights:"),
    ("compare", "Compare", ":material/compare_arrows:"),
    ("performance", "Performance", ":material/monitoring:"),
    ("model", "Model", ":material/model_training:"),
)

_registered = False


def page(name: str) -> st.Page:
    """Return the st.Page of pages/<name>.py (the Cohort page is the default)."""
    for file_name, title, icon in PAGES:
        if file_name == name:
            return st.Page(ROOT / "pages" / f"{name}.py", title=title, icon=icon, default=name == "cohort")
    raise ValueError(f"no page named {name!r}; pages are {', '.join(p[0] for p in PAGES)}")


def build_navigation():
    """Return the navigation object for the app's pages."""
    global _registered
    navigation = st.navigation([page(name) for name, _, _ in PAGES])
    _registered = True
    return navigation


def ensure_navigation() -> None:
    """Register the app's navigation when a page runs without app.py.

    A fresh server that first receives a deep link (/patients) may run pages/patients.py on its
    own and list the raw pages/ folder in the sidebar: registering st.navigation once switches the
    server to the app's navigation, and the rerun then goes through app.py. A page run as the main
    script (a page test) registers the navigation and simply carries on.
    """
    ctx = get_script_run_ctx()
    main_is_app = ctx is not None and Path(ctx.main_script_path).resolve() == APP
    if not main_is_app:
        build_navigation()
    elif not _registered:
        build_navigation()
        st.rerun()
