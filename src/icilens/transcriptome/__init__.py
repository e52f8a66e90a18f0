"""The tumour's transcriptome: immune descriptors computed from bulk RNA-seq.

So far, immune cell fractions by the quanTIseq method with its TIL10 signature (`quantiseq`).
"""

from typing import TYPE_CHECKING

from icilens.face import lazy_face

_HOMES = {
    "bounded_least_squares": "quantiseq",
    "estimate_cell_fractions": "quantiseq",
    "til10_signature": "quantiseq",
}
__all__ = [
    "bounded_least_squares",
    "estimate_cell_fractions",
    "til10_signature",
]
__getattr__, __dir__ = lazy_face(__name__, _HOMES)

if TYPE_CHECKING:
    from icilens.transcriptome.quantiseq import bounded_least_squares, estimate_cell_fractions, til10_signature
