"""What leaves the app as a document: the patient PDF, the cohort HTML report, charts and tables as files,
and the cohort template.
"""

from icilens.reports.documents import build_patient_report, cohort_report, input_notes, patient_reports
from icilens.reports.export import (
    figure_to_html,
    figure_to_image,
    find_chromium,
    table_to_csv,
    table_to_xlsx,
    zip_files,
)
from icilens.reports.template import build_template_csv, build_template_xlsx

__all__ = [
    "build_patient_report",
    "build_template_csv",
    "build_template_xlsx",
    "cohort_report",
    "figure_to_html",
    "figure_to_image",
    "find_chromium",
    "input_notes",
    "patient_reports",
    "table_to_csv",
    "table_to_xlsx",
    "zip_files",
]
