"""The app's pages and their order; app.py only runs what this returns."""

from __future__ import annotations

import streamlit as st

PAGES = (
    ("pages/cohort.py", "Cohort", ":material/upload_file:", True),
    ("pages/patients.py", "Patients", ":material/groups:", False),
    ("pages/model.py", "Model", ":material/model_training:", False),
)


_registered = False


def build_navigation():
    """Return the navigation object for the app's pages (the Cohort page is home)."""
    global _registered
    pages = [st.Page(path, title=title, icon=icon, default=default) for path, title, icon, default in PAGES]
    navigation = st.navigation(pages)
    _registered = True
    return navigation


def ensure_navigation() -> None:
    """Register the navigation when a deep link ran a page before app.py ever ran, then rerun.

    A fresh server that first receives /patients runs pages/patients.py on its own, and Streamlit
    would list the raw pages/ folder in the sidebar; registering st.navigation once switches the
    whole server to the app's navigation, and the rerun goes through app.py.
    """
    if not _registered:
        build_navigation()
        st.rerun()
