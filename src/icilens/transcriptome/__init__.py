"""The tumour's transcriptome: immune descriptors computed from bulk RNA-seq.

Immune cell fractions by the quanTIseq method with its TIL10 signature (`quantiseq`), published immune
gene signatures scored by their authors' rules (`signatures`), both together with coverage and reasons
(`descriptors`); the bundled reference cohorts and percentile scales (`reference`); the candidate response
models (`response`), the shipped transcriptome model (`signature_model`) and leave-one-cohort-out validation
(`validation`).
"""

from typing import TYPE_CHECKING

from icilens.face import lazy_face

_HOMES = {
    "CELL_LABELS": "descriptors",
    "Descriptors": "descriptors",
    "FRACTION_PREFIX": "descriptors",
    "MIN_COHORT_SAMPLES": "signatures",
    "MIN_COVERAGE": "signatures",
    "MIN_TRANSCRIPTOME_GENES": "scale",
    "SIGNATURE_PREFIX": "descriptors",
    "Signature": "signatures",
    "SignatureModel": "signature_model",
    "bounded_least_squares": "quantiseq",
    "compute_descriptors": "descriptors",
    "describe_descriptor": "descriptors",
    "describe_reference_cohorts": "reference",
    "descriptor_columns": "reference",
    "estimate_cell_fractions": "quantiseq",
    "explain_response": "signature_model",
    "fit_signature_model": "signature_model",
    "leave_one_cohort_out": "validation",
    "load_reference_cohorts": "reference",
    "load_signature_model": "signature_model",
    "load_signatures": "signatures",
    "measure_signature_coverage": "signatures",
    "predict_response": "signature_model",
    "rank_against_reference": "reference",
    "rank_within_cohort": "reference",
    "save_signature_model": "signature_model",
    "score_signatures": "signatures",
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
    "Descriptors",
    "Signature",
    "SignatureModel",
    "bounded_least_squares",
    "compute_descriptors",
    "describe_descriptor",
    "describe_reference_cohorts",
    "descriptor_columns",
    "estimate_cell_fractions",
    "explain_response",
    "fit_signature_model",
    "leave_one_cohort_out",
    "load_reference_cohorts",
    "load_signature_model",
    "load_signatures",
    "measure_signature_coverage",
    "predict_response",
    "rank_against_reference",
    "rank_within_cohort",
    "save_signature_model",
    "score_signatures",
    "til10_signature",
    "validation_cohorts",
    "with_ranks",
]
__getattr__, __dir__ = lazy_face(__name__, _HOMES)

if TYPE_CHECKING:
    from icilens.transcriptome.descriptors import (
        CELL_LABELS,
        FRACTION_PREFIX,
        SIGNATURE_PREFIX,
        Descriptors,
        compute_descriptors,
        describe_descriptor,
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
