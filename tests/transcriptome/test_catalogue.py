"""The descriptor catalogue drives every list of descriptors: computed, shown, modelled, validated."""

import pandas as pd
import pytest

from icilens.transcriptome import compute_descriptors, load_signature_model
from icilens.transcriptome.candidates import CANDIDATE_DESCRIPTORS
from icilens.transcriptome.catalogue import (
    CELL_FRACTION,
    ROLES,
    SIGNATURE,
    find_descriptor,
    list_descriptors,
    select_descriptors,
)
from icilens.transcriptome.genes import load_gene_table
from icilens.transcriptome.wording import REPORTED_DESCRIPTORS, descriptor_table
from tests.conftest import ROOT

BUNDLED = ROOT / "src" / "icilens" / "bundled" / "reference_cohorts"


@pytest.fixture(scope="module")
def computed():
    tpm = pd.read_csv(BUNDLED / "demo_expression.csv.gz", index_col=0).iloc[:, :12]
    return compute_descriptors(tpm).values


def test_every_computed_descriptor_is_declared_and_every_declared_one_computed(computed):
    assert set(computed.columns) == set(ROLES)


def test_every_declared_descriptor_is_shown_where_descriptors_are_shown(computed):
    names = [d.name for d in list_descriptors()]
    assert names == REPORTED_DESCRIPTORS  # the Patient and Compare tables and the PDF read this list
    row = pd.Series({f"descriptor_{n.removeprefix('signature_').lower().replace('.', '_')}": 1.0 for n in names})
    table = descriptor_table(row, REPORTED_DESCRIPTORS)
    assert len(table) == len(names) and (table["unit"] != "").all()


def test_every_descriptor_has_a_label_unit_kind_source_and_genes():
    for descriptor in list_descriptors():
        assert descriptor.label and descriptor.long_label and descriptor.unit and descriptor.source
        assert descriptor.kind in (SIGNATURE, CELL_FRACTION) and len(descriptor.genes) >= 2


def test_every_gene_of_every_descriptor_is_in_the_gene_table():
    table = load_gene_table()
    known = set(table["symbol"]) | {a for aliases in table["aliases"] for a in aliases.split("|") if a}
    missing = {d.name: sorted(set(d.genes) - known) for d in list_descriptors() if set(d.genes) - known}
    assert not missing


def test_the_shipped_model_reads_exactly_the_descriptors_declared_as_its_inputs():
    assert list(load_signature_model().signatures) == select_descriptors(in_model=True)
    assert select_descriptors(in_candidates=True) == CANDIDATE_DESCRIPTORS
    assert set(select_descriptors(in_model=True)) <= set(CANDIDATE_DESCRIPTORS)


def test_the_reference_cohorts_carry_every_candidate_descriptor():
    header = pd.read_csv(BUNDLED / "descriptors.csv", nrows=0).columns
    assert set(CANDIDATE_DESCRIPTORS) <= set(header)


def test_an_undeclared_name_is_refused_with_the_declared_ones():
    with pytest.raises(KeyError, match="signature_gep"):
        find_descriptor("signature_impres")
