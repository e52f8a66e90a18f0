"""The Streamlit-aware part of ICI Lens: session state, page setup, shared widgets."""

from icilens.ui.downloads import bulk_download, chart, export_stem, file_stem, guard_download, table_downloads
from icilens.ui.navigation import page_named
from icilens.ui.own_model import show_own_model
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
from icilens.ui.patient_form import show_patient_form
from icilens.ui.privacy import link_key, patient_file_stem, patient_for_key
from icilens.ui.resources import (
    INTERACTION_SAMPLE,
    active_model,
    cohort_interactions,
    cohort_predictions,
    default_model,
    patient_table,
    reference_scores,
    session_cached,
    training_probabilities,
    training_reference,
    validation_outcomes,
)
from icilens.ui.state import (
    clear_cohort,
    current_cohort,
    load_demo_cohort,
    load_rna_demo_cohort,
    load_uploaded_cohort,
    remap_cohort,
)
from icilens.ui.state import session_key as key
from icilens.ui.transcriptome import (
    cohort_transcriptome,
    show_descriptor_comparison,
    show_expression_section,
    show_patient_transcriptome,
    transcriptome_model,
)
from icilens.ui.whatif import what_if_inputs

__all__ = [
    "DEFAULT_THRESHOLD",
    "INTERACTION_SAMPLE",
    "LAST_PATIENT",
    "THRESHOLD",
    "active_model",
    "bulk_download",
    "chart",
    "clear_cohort",
    "cohort_interactions",
    "cohort_predictions",
    "cohort_transcriptome",
    "current_cohort",
    "decision_threshold",
    "default_model",
    "escape_markdown",
    "export_stem",
    "file_stem",
    "guard_download",
    "guarded",
    "key",
    "link_key",
    "load_demo_cohort",
    "load_rna_demo_cohort",
    "load_uploaded_cohort",
    "open_patient",
    "open_picked_patient",
    "page_named",
    "patient_file_stem",
    "patient_for_key",
    "patient_not_found",
    "patient_table",
    "reference_scores",
    "remap_cohort",
    "require_cohort",
    "session_cached",
    "setup_page",
    "show_descriptor_comparison",
    "show_expression_section",
    "show_own_model",
    "show_patient_form",
    "show_patient_transcriptome",
    "table_downloads",
    "template_bytes",
    "training_probabilities",
    "training_reference",
    "transcriptome_model",
    "validation_outcomes",
    "warn_missing_features",
    "what_if_inputs",
]
