"""Every transcriptome descriptor, declared once: what it is called, its unit, kind, source, genes and who reads it.

The published signatures' genes, weights, labels and citations are data (`bundled/signatures/signatures.json`);
the cell fractions are quanTIseq's TIL10 cell types. `ROLES` below is the one place that says, for each, whether
the shipped transcriptome model reads it, whether the candidate models compared in validation read it, and in
what order a reader sees it. Predictions, the Patient and Compare tables, the PDF, the reference-cohort build,
the validation benchmark and the tests all derive their lists from `list_descriptors()`.

To add a descriptor: add its genes to signatures.json (a signature) and one line to ROLES, then its worked
example to tests/transcriptome/test_signatures.py; tests/transcriptome/test_catalogue.py fails until every
place that shows descriptors shows it and the gene table knows its genes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from icilens.transcriptome.quantiseq import OTHER, til10_signature
from icilens.transcriptome.signatures import load_signatures

SIGNATURE_PREFIX = "signature_"
FRACTION_PREFIX = "fraction_"
SIGNATURE, CELL_FRACTION = "signature", "cell fraction"
QUANTISEQ = "quanTIseq TIL10 deconvolution: Finotello F. et al., Genome Medicine 11, 34 (2019). PMID 31126321"
PERCENT_OF_CELLS = "% of cells in the sample"

# What each scoring rule's number is, for the reader of a descriptor table.
RULE_UNITS = {
    "geometric_mean_tpm": "geometric mean TPM",
    "mean_log2_tpm": "mean log2(TPM + 1)",
    "weighted_log2_tpm_minus_housekeeping": "weighted log2 TPM, less housekeeping genes",
    "geometric_mean_log2_tpm": "2 to the mean log2(TPM + 1)",
    "first_principal_component": "principal-component score in this cohort",
}
CELL_LABELS = {
    "T.cells.CD8": "CD8 T cells",
    "Tregs": "Regulatory T cells",
    "B.cells": "B cells",
    "Macrophages.M2": "M2 macrophages",
    "NK.cells": "NK cells",
    "T.cells.CD4": "CD4 T cells",
    "Macrophages.M1": "M1 macrophages",
    "Monocytes": "Monocytes",
    "Neutrophils": "Neutrophils",
    "Dendritic.cells": "Dendritic cells",
    OTHER: "Other cells (tumour, stroma)",
}

# name: (read by the shipped transcriptome model, read by the candidate models of validation), in reading order
ROLES = {
    "signature_cyt": (True, True),
    "signature_ifng6": (True, True),
    "signature_immune18": (True, True),
    "signature_gep": (True, True),
    "signature_tls": (True, True),
    "signature_chemokine12": (False, True),
    "fraction_T.cells.CD8": (False, True),
    "fraction_Tregs": (False, True),
    "fraction_B.cells": (False, True),
    "fraction_Macrophages.M2": (False, True),
    "fraction_NK.cells": (False, True),
    "fraction_T.cells.CD4": (False, False),
    "fraction_Macrophages.M1": (False, False),
    "fraction_Monocytes": (False, False),
    "fraction_Neutrophils": (False, False),
    "fraction_Dendritic.cells": (False, False),
    "fraction_Other": (False, False),
}


@dataclass(frozen=True)
class Descriptor:
    """One descriptor of a tumour's transcriptome, as every page, report and benchmark names it."""

    name: str  # "signature_gep", "fraction_T.cells.CD8"
    label: str  # "GEP", "CD8 T cells"
    long_label: str  # "T-cell-inflamed gene expression profile (GEP)"
    unit: str
    kind: str  # SIGNATURE or CELL_FRACTION
    source: str  # the citation of the signature, or of quanTIseq
    genes: tuple[str, ...]
    in_model: bool
    in_candidates: bool

    @property
    def labelled_with_unit(self) -> str:
        """Return the label with its unit, as a table column or chart axis shows it: "CD8 T cells (% of cells)"."""
        return f"{self.label} ({'% of cells' if self.kind == CELL_FRACTION else self.unit})"


@lru_cache(maxsize=1)
def list_descriptors() -> tuple[Descriptor, ...]:
    """Return every descriptor in reading order, each declared by ROLES and described by its source data."""
    signatures = load_signatures()
    cell_genes = tuple(til10_signature()[0].index)
    declared = []
    for name, (in_model, in_candidates) in ROLES.items():
        if name.startswith(SIGNATURE_PREFIX):
            signature = signatures[name.removeprefix(SIGNATURE_PREFIX)]
            declared.append(
                Descriptor(
                    name,
                    signature.short,
                    signature.label,
                    RULE_UNITS[signature.rule],
                    SIGNATURE,
                    signature.citation,
                    signature.genes,
                    in_model,
                    in_candidates,
                )
            )
        else:
            cell = name.removeprefix(FRACTION_PREFIX)
            label = CELL_LABELS[cell]
            declared.append(
                Descriptor(
                    name,
                    label,
                    f"{label}, share of the sample's cells",
                    PERCENT_OF_CELLS,
                    CELL_FRACTION,
                    QUANTISEQ,
                    cell_genes,
                    in_model,
                    in_candidates,
                )
            )
    return tuple(declared)


def select_descriptors(
    kind: str | None = None, in_model: bool | None = None, in_candidates: bool | None = None
) -> list[str]:
    """Return the names of the descriptors matching every filter given, in reading order."""
    return [
        d.name
        for d in list_descriptors()
        if (kind is None or d.kind == kind)
        and (in_model is None or d.in_model == in_model)
        and (in_candidates is None or d.in_candidates == in_candidates)
    ]


def find_descriptor(name: str) -> Descriptor:
    """Return the declared descriptor of that name; raises KeyError naming the declared ones otherwise."""
    for descriptor in list_descriptors():
        if descriptor.name == name:
            return descriptor
    raise KeyError(f"{name!r} is not a declared descriptor; declared: {', '.join(ROLES)}")


def percentile_column(name: str) -> str:
    """Return the prediction table's column of a descriptor's percentile: 'percentile_gep'."""
    return "percentile_" + name.removeprefix(SIGNATURE_PREFIX).lower().replace(".", "_")
