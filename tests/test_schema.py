"""The data dictionary covers every field of the design and maps real headers."""

import pytest

from icilens.intake import match_header
from icilens.schema import FEATURES, FIELD_BY_NAME, FIELDS, OUTCOMES, describe_fields, normalise_name


def test_seventeen_features_and_the_outcomes():
    assert len(FEATURES) == 17
    assert set(OUTCOMES) == {"response", "os_months", "os_event", "pfs_months", "pfs_event"}


def test_every_field_is_documented():
    for field in FIELDS:
        assert field.label and field.description and field.kind
        if field.kind == "numeric":
            assert field.low is not None and field.high > field.low
    assert len(describe_fields()) == len(FIELDS)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("TMB", "tmb"),
        ("TMB (mut/Mb)", "tmb"),
        ("tumor mutational burden", "tmb"),
        ("PD-L1 TPS", "pdl1_tps"),
        ("PDL1_TPS(%)", "pdl1_tps"),
        ("Systemic_therapy_history", "prior_systemic_therapy"),
        ("prior chemo", "prior_systemic_therapy"),
        ("Albumin (g/L)", "albumin"),
        ("CancerType", "cancer_type"),
        ("Gender", "sex"),
        ("HLA_LOH", "hla_loh"),
        ("Haemoglobin", "hgb"),
        ("Body mass index", "bmi"),
        ("SAMPLE_ID", "patient_id"),
        ("OS_Months", "os_months"),
        ("Best overall response", "response"),
        ("ANC", "neutrophils"),
    ],
)
def test_header_synonyms(header, field):
    assert match_header(header) == field


def test_unknown_header_is_not_guessed():
    assert match_header("Referring physician") is None


def test_normalise_values():
    assert normalise_name("  Head & Neck ") == "head and neck"


def test_every_feature_has_its_own_short_label():
    shorts = [FIELD_BY_NAME[f].short_label for f in FEATURES]
    assert all(shorts) and len(set(shorts)) == len(FEATURES)
    assert all(len(short) <= 13 for short in shorts)  # fits the interaction matrix's axis
