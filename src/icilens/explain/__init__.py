"""Why a prediction is what it is: one patient in words (`patient`), SHAP values read on measured inputs
only (`measured`), and the most similar patients with their outcomes (`similarity`). The TreeSHAP values and
the range from missing inputs come from the model's own package (`icilens.model`).
"""

from icilens.explain.measured import (
    MeasuredShap,
    describe_absent,
    describe_none_estimable,
    find_absent_inputs,
    keep_measured,
)
from icilens.explain.patient import (
    MISSING_NOTE,
    PatientExplanation,
    describe_drivers,
    describe_recorded,
    explain_patient,
    format_prediction,
    format_value,
    inputs_side_by_side,
    waterfall_bars,
    what_if_curve,
)
from icilens.explain.similarity import (
    HOW,
    describe_similar_patients,
    describe_similarity_limit,
    find_similar_patients,
    summarise_outcomes,
)

__all__ = [
    "HOW",
    "MISSING_NOTE",
    "MeasuredShap",
    "PatientExplanation",
    "describe_absent",
    "describe_drivers",
    "describe_none_estimable",
    "describe_recorded",
    "describe_similar_patients",
    "describe_similarity_limit",
    "explain_patient",
    "find_absent_inputs",
    "find_similar_patients",
    "format_prediction",
    "format_value",
    "inputs_side_by_side",
    "keep_measured",
    "summarise_outcomes",
    "waterfall_bars",
    "what_if_curve",
]
