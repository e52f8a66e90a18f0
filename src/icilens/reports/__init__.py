"""What leaves the app as a document: the patient PDF (`patient_pdf`), the cohort HTML report (`cohort_html`),
the model card in words (`model_summary`), charts and tables as files (`export`),
and the cohort template.
"""

from icilens.reports.cohort_html import cohort_report
from icilens.reports.export import (
    figure_to_html,
    figure_to_image,
    find_chromium,
    table_to_csv,
    table_to_xlsx,
    zip_files,
)
from icilens.reports.patient_pdf import build_patient_report, input_notes, patient_reports
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
