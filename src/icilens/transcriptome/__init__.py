"""The tumour's transcriptome: immune descriptors computed from bulk RNA-seq.

Immune cell fractions by the quanTIseq method with its TIL10 signature (`quantiseq`) published immune
gene signatures scored by their authors' rules (`signatures`), and both together with coverage and reasons
(`descriptors`).
"""

from typing import TYPE_CHECKING

from icilens.face import lazy_face

_HOMES = {
    "CELL_LABELS": "descriptors",
    "Descriptors": "descriptors",
    "FRACTION_PREFIX": "descriptors",
    "MIN_TRANSCRIPTOME_GENES": "descriptors",
    "SIGNATURE_PREFIX": "descriptors",
    "compute_descriptors": "descriptors",
    "describe_descriptor": "descriptors",
    "MIN_COHORT_SAMPLES": "signatures",
    "MIN_COVERAGE": "signatures",
    "Signature": "signatures",
    "bounded_least_squares": "quantiseq",
    "estimate_cell_fractions": "quantiseq",
    "load_signatures": "signatures",
    "measure_signature_coverage": "signatures",
    "score_signatures": "signatures",
    "til10_signature": "quantiseq",
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
    "bounded_least_squares",
    "compute_descriptors",
    "describe_descriptor",
    "estimate_cell_fractions",
    "load_signatures",
    "measure_signature_coverage",
    "score_signatures",
    "til10_signature",
]
__getattr__, __dir__ = lazy_face(__name__, _HOMES)

if TYPE_CHECKING:
    from icilens.transcriptome.descriptors import (
        CELL_LABELS,
        FRACTION_PREFIX,
        MIN_TRANSCRIPTOME_GENES,
        SIGNATURE_PREFIX,
        Descriptors,
        compute_descriptors,
        describe_descriptor,
    )
    from icilens.transcriptome.quantiseq import bounded_least_squares, estimate_cell_fractions, til10_signature
    from icilens.transcriptome.signatures import (
        MIN_COHORT_SAMPLES,
        MIN_COVERAGE,
        Signature,
        load_signatures,
        measure_signature_coverage,
        score_signatures,
    )
