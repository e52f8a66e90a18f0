"""The app's pages and their order; app.py only runs what this returns."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

ROOT = Path(__file__).resolve().parents[3]
FAVICON = ROOT / "assets" / "icon.png"
APP = ROOT / "app.py"
# No page icons: a page's icon becomes the tab's favicon, and Streamlit fetches Material favicons from a
# Google font server (a hospital deployment makes no outside request); emoji need a colour-emoji font
# that many hospital machines lack. The favicon is the app's own file (setup_page).
PAGES = (
    ("cohort", "Cohort"),
    ("one_patient", "One patient"),
    ("patients", "Patients"),
    ("patient", "Patient"),
    ("explanations", "Explanations"),
    ("compare", "Compare"),
    ("performance", "Performance"),
    ("model", "Model"),
)

_registered = False


def page_named(name: str) -> st.Page:
    """Return the st.Page of pages/<name>.py (the Cohort page is the default)."""
    for file_name, title in PAGES:
        if file_name == name:
            return st.Page(ROOT / "pages" / f"{name}.py", title=title, default=name == "cohort")
    raise ValueError(f"no page named {name!r}; pages are {', '.join(p[0] for p in PAGES)}")


def build_navigation():
    """Return the navigation object for the app's pages."""
    global _registered
    navigation = st.navigation([page_named(name) for name, _ in PAGES])
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
