"""The Streamlit-aware part of ICI Lens: session state, page setup, shared widgets."""

from icilens.ui.downloads import bulk_download, chart, export_stem, file_stem, guard_download, table_downloads
from icilens.ui.page import (
    DEFAULT_THRESHOLD,
    LAST_PATIENT,
    THRESHOLD,
    decision_threshold,
    escape_markdown,
    guarded,
    open_patient,
    open_picked_patient,
    patient_not_found,
    require_cohort,
    setup_page,
    template_bytes,
    warn_missing_features,
)
from icilens.ui.privacy import link_key, patient_file_stem, patient_for_key
from icilens.ui.state import clear_cohort, current_cohort, load_demo_cohort, load_uploaded_cohort, remap_cohort
from icilens.ui.state import session_key as key

__all__ = [
    "DEFAULT_THRESHOLD",
    "LAST_PATIENT",
    "THRESHOLD",
    "bulk_download",
    "chart",
    "clear_cohort",
    "current_cohort",
    "decision_threshold",
    "escape_markdown",
    "export_stem",
    "file_stem",
    "guard_download",
    "guarded",
    "key",
    "link_key",
    "load_demo_cohort",
    "load_uploaded_cohort",
    "open_patient",
    "open_picked_patient",
    "patient_file_stem",
    "patient_for_key",
    "patient_not_found",
    "remap_cohort",
    "require_cohort",
    "setup_page",
    "table_downloads",
    "template_bytes",
    "warn_missing_features",
]
