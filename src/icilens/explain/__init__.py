"""Why a prediction is what it is: exact TreeSHAP, one patient in words, the range from missing inputs,
and the most similar patients with their outcomes.
"""

from typing import TYPE_CHECKING

from icilens.face import lazy_face

_HOMES = {
    "MeasuredShap": "measured",
    "describe_absent": "measured",
    "describe_none_estimable": "measured",
    "find_absent_inputs": "measured",
    "keep_measured": "measured",
    "DRAWS": "uncertainty",
    "HOW": "similarity",
    "MAX_SPLITS": "treeshap",
    "MISSING_NOTE": "patient",
    "PatientExplanation": "patient",
    "SMALL_BATCH": "treeshap",
    "TreeExplainer": "treeshap",
    "card_draw_level": "uncertainty",
    "inputs_side_by_side": "patient",
    "describe_drivers": "patient",
    "describe_estimability": "uncertainty",
    "describe_range": "uncertainty",
    "describe_similar_patients": "similarity",
    "describe_similarity_limit": "similarity",
    "describe_uncertainty": "uncertainty",
    "drop_features": "uncertainty",
    "estimate_ranges": "uncertainty",
    "explain_patient": "patient",
    "find_similar_patients": "similarity",
    "format_prediction": "patient",
    "format_value": "patient",
    "interaction_values": "treeshap",
    "measure_coverage": "uncertainty",
    "pick_interacting_feature": "treeshap",
    "rank_interaction_pairs": "treeshap",
    "summarise_outcomes": "similarity",
    "waterfall_bars": "patient",
    "what_if_curve": "patient",
}
__all__ = [
    "DRAWS",
    "HOW",
    "MAX_SPLITS",
    "MISSING_NOTE",
    "SMALL_BATCH",
    "MeasuredShap",
    "PatientExplanation",
    "TreeExplainer",
    "card_draw_level",
    "describe_absent",
    "describe_drivers",
    "describe_estimability",
    "describe_none_estimable",
    "describe_range",
    "describe_similar_patients",
    "describe_similarity_limit",
    "describe_uncertainty",
    "drop_features",
    "estimate_ranges",
    "explain_patient",
    "find_absent_inputs",
    "find_similar_patients",
    "format_prediction",
    "format_value",
    "inputs_side_by_side",
    "interaction_values",
    "keep_measured",
    "measure_coverage",
    "pick_interacting_feature",
    "rank_interaction_pairs",
    "summarise_outcomes",
    "waterfall_bars",
    "what_if_curve",
]
__getattr__, __dir__ = lazy_face(__name__, _HOMES)

if TYPE_CHECKING:
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
    from icilens.explain.treeshap import (
        MAX_SPLITS,
        SMALL_BATCH,
        TreeExplainer,
        interaction_values,
        pick_interacting_feature,
        rank_interaction_pairs,
    )
    from icilens.explain.uncertainty import (
        DRAWS,
        card_draw_level,
        describe_estimability,
        describe_range,
        describe_uncertainty,
        drop_features,
        estimate_ranges,
        measure_coverage,
    )
