"""The tumour's transcriptome: immune descriptors computed from bulk RNA-seq.

Immune cell fractions by the quanTIseq method with its TIL10 signature (`quantiseq`), published immune
gene signatures scored by their authors' rules (`signatures`), both together with coverage and reasons
(`descriptors`), each declared once in the catalogue (`catalogue`); the bundled reference cohorts and percentile scales (`reference`); the candidate response
models (`response`), the shipped transcriptome model (`signature_model`) and leave-one-cohort-out validation
(`validation`); expression intake (`expression` with `genes`, `scale`, `linking`), a cohort's predictions
(`prediction`) and their words (`words`).
"""

from typing import TYPE_CHECKING

from icilens.face import lazy_face

_HOMES = {
    "CELL_LABELS": "catalogue",
    "Descriptor": "catalogue",
    "Descriptors": "descriptors",
    "ExpressionIntake": "expression",
    "FRACTION_PREFIX": "catalogue",
    "MIN_COHORT_SAMPLES": "signatures",
    "MIN_COVERAGE": "signatures",
    "MIN_TRANSCRIPTOME_GENES": "scale",
    "SIGNATURE_PREFIX": "catalogue",
    "Signature": "signatures",
    "SignatureModel": "signature_model",
    "TranscriptomePredictions": "prediction",
    "add_transcriptome_columns": "prediction",
    "bounded_least_squares": "quantiseq",
    "compute_descriptors": "descriptors",
    "describe_descriptor": "descriptors",
    "describe_reference_cohorts": "reference",
    "descriptor_columns": "reference",
    "estimate_cell_fractions": "quantiseq",
    "explain_response": "signature_model",
    "find_descriptor": "catalogue",
    "fit_signature_model": "signature_model",
    "leave_one_cohort_out": "validation",
    "list_descriptors": "catalogue",
    "load_reference_cohorts": "reference",
    "load_signature_model": "signature_model",
    "load_signatures": "signatures",
    "measure_signature_coverage": "signatures",
    "percentile_column": "catalogue",
    "predict_for_cohort": "prediction",
    "predict_response": "signature_model",
    "predict_transcriptome": "prediction",
    "rank_against_reference": "reference",
    "rank_within_cohort": "reference",
    "read_expression": "expression",
    "save_signature_model": "signature_model",
    "score_signatures": "signatures",
    "select_descriptors": "catalogue",
    "til10_signature": "quantiseq",
    "validation_cohorts": "response",
    "with_ranks": "validation",
}
__all__ = [
    "CELL_LABELS",
    "FRACTION_PREFIX",
    "MIN_COHORT_SAMPLES",
    "MIN_COVERAGE",
    "MIN_TRANSCRIPTOME_GENES",
    "SIGNATURE_PREFIX",
    "Descriptor",
    "Descriptors",
    "ExpressionIntake",
    "Signature",
    "SignatureModel",
    "TranscriptomePredictions",
    "add_transcriptome_columns",
    "bounded_least_squares",
    "compute_descriptors",
    "describe_descriptor",
    "describe_reference_cohorts",
    "descriptor_columns",
    "estimate_cell_fractions",
    "explain_response",
    "find_descriptor",
    "fit_signature_model",
    "leave_one_cohort_out",
    "list_descriptors",
    "load_reference_cohorts",
    "load_signature_model",
    "load_signatures",
    "measure_signature_coverage",
    "percentile_column",
    "predict_for_cohort",
    "predict_response",
    "predict_transcriptome",
    "rank_against_reference",
    "rank_within_cohort",
    "read_expression",
    "save_signature_model",
    "score_signatures",
    "select_descriptors",
    "til10_signature",
    "validation_cohorts",
    "with_ranks",
]
__getattr__, __dir__ = lazy_face(__name__, _HOMES)

if TYPE_CHECKING:
    from icilens.transcriptome.catalogue import (
        CELL_LABELS,
        FRACTION_PREFIX,
        SIGNATURE_PREFIX,
        Descriptor,
        find_descriptor,
        list_descriptors,
        percentile_column,
        select_descriptors,
    )
    from icilens.transcriptome.descriptors import Descriptors, compute_descriptors, describe_descriptor
    from icilens.transcriptome.expression import ExpressionIntake, read_expression
    from icilens.transcriptome.prediction import (
        TranscriptomePredictions,
        add_transcriptome_columns,
        predict_for_cohort,
        predict_transcriptome,
    )
    from icilens.transcriptome.quantiseq import bounded_least_squares, estimate_cell_fractions, til10_signature
    from icilens.transcriptome.reference import (
        describe_reference_cohorts,
        descriptor_columns,
        load_reference_cohorts,
        rank_against_reference,
        rank_within_cohort,
    )
    from icilens.transcriptome.response import validation_cohorts
    from icilens.transcriptome.scale import MIN_TRANSCRIPTOME_GENES
    from icilens.transcriptome.signature_model import (
        SignatureModel,
        explain_response,
        fit_signature_model,
        load_signature_model,
        predict_response,
        save_signature_model,
    )
    from icilens.transcriptome.signatures import (
        MIN_COHORT_SAMPLES,
        MIN_COVERAGE,
        Signature,
        load_signatures,
        measure_signature_coverage,
        score_signatures,
    )
    from icilens.transcriptome.validation import leave_one_cohort_out, with_ranks
