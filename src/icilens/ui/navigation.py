"""The app's pages and their order; app.py only runs what this returns."""

from __future__ import annotations

import streamlit as st

PAGES = (
    ("pages/cohort.py", "Cohort", ":material/upload_file:", True),
    ("pages/patients.py", "Patients", ":material/groups:", False),
    ("pages/model.py", "Model", ":material/model_training:", False),
)


def build_navigation():
    """Return the navigation object for the app's pages (the Cohort page is home)."""
    pages = [st.Page(path, title=title, icon=icon, default=default) for path, title, icon, default in PAGES]
    return st.navigation(pages)
