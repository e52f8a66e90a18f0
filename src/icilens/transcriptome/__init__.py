"""The tumour's transcriptome: immune descriptors computed from bulk RNA-seq.

Each descriptor declared once (`catalogue`); immune cell fractions by the quanTIseq method with its TIL10
signature (`quantiseq`), published immune gene signatures scored by their authors' rules (`signatures`), both
together with coverage and reasons (`descriptors`); the bundled reference cohorts and percentile scales
(`reference_cohorts`); the candidate response models (`candidates`), the shipped transcriptome model
(`signature_model`) and leave-one-cohort-out validation (`loco`); expression intake (`expression` with
`genes`, `scale`, `linking`), a cohort's predictions (`rna_predictions`), their words (`wording`), one reading
per patient (`reading`) and the TMB x GEP quadrants (`quadrants`).
"""

from icilens.transcriptome.candidates import validation_cohorts
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
from icilens.transcriptome.loco import leave_one_cohort_out, with_ranks
from icilens.transcriptome.quantiseq import bounded_least_squares, estimate_cell_fractions, til10_signature
from icilens.transcriptome.reference_cohorts import (
    describe_reference_cohorts,
    descriptor_columns,
    load_reference_cohorts,
    rank_against_reference,
    rank_within_cohort,
)
from icilens.transcriptome.rna_predictions import (
    TranscriptomePredictions,
    add_transcriptome_columns,
    predict_for_cohort,
    predict_transcriptome,
)
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
