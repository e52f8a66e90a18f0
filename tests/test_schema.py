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


def _plausible_column(field, n: int) -> list[str]:
    """Return n plausible cells of a field, as a file writes them: its categories in turn, or numbers in range."""
    if field.categories:
        return [field.categories[i % len(field.categories)] for i in range(n)]
    low, high = field.bounds
    steps = [low + (high - low) * (i % 5) / 4 for i in range(n)]
    return [f"{round(v):d}" if field.whole else f"{v:.3g}" for v in steps]


def test_every_modelled_or_compared_field_reaches_the_frame_and_the_comparison():
    # One check over every field that has those roles: a new field is held by it without a new test.
    import io

    import pandas as pd

    from icilens.analysis import compare_groups, group_by_observed_response
    from icilens.intake import read_cohort
    from icilens.schema import COMPARED_FIELDS

    n = 20
    cells = {name: _plausible_column(FIELD_BY_NAME[name], n) for name in COMPARED_FIELDS}
    cells["patient_id"] = [f"P{i}" for i in range(n)]
    cells["response"] = ["1", "0"] * (n // 2)
    result = read_cohort(io.BytesIO(pd.DataFrame(cells).to_csv(index=False).encode()), "every_field.csv")
    unread = [name for name in COMPARED_FIELDS if result.frame[name].isna().all()]
    assert unread == [], f"fields that never reach the frame: {unread}"
    compared = compare_groups(result.frame, group_by_observed_response(result.frame))
    assert set(compared["field"]) == set(COMPARED_FIELDS)


def test_ecog_is_compared_and_in_the_template_but_never_a_model_input():
    from icilens.schema import CANONICAL_COLUMNS, COMPARED_ONLY

    ecog = FIELD_BY_NAME["ecog"]
    assert ecog.role == "compared" and "ecog" in COMPARED_ONLY and "ecog" in CANONICAL_COLUMNS
    assert "ecog" not in FEATURES and ecog.bounds == (0.0, 4.0) and ecog.whole
