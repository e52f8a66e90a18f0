"""What leaves the app as a document: the patient PDF, the cohort HTML report, charts and tables as files,
and the cohort template.
"""

from typing import TYPE_CHECKING

from icilens.face import lazy_face

_HOMES = {
    "build_patient_report": "documents",
    "build_template_csv": "template",
    "build_template_xlsx": "template",
    "cohort_report": "documents",
    "figure_to_html": "export",
    "figure_to_image": "export",
    "find_chromium": "export",
    "input_notes": "documents",
    "patient_reports": "documents",
    "table_to_csv": "export",
    "table_to_xlsx": "export",
    "zip_files": "export",
}
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
__getattr__, __dir__ = lazy_face(__name__, _HOMES)

if TYPE_CHECKING:
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
