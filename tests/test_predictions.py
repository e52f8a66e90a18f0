"""The Patients table: patients ranked by the clinical prediction only where that prediction can be shown."""

from icilens.schema import FEATURES
from icilens.scoring.predictions import build_patient_table, describe_first_ranked, predict_cohort


def test_a_patient_whose_prediction_is_not_estimable_is_never_ranked_by_it(default_model, demo_frame):
    frame = demo_frame.head(8).reset_index(drop=True)
    bare = frame.copy()
    kept = {"cancer_type", "age", "sex"}
    for feature in (f for f in FEATURES if f not in kept):  # half the patients keep three inputs only
        bare[feature] = bare[feature].where(bare.index > 3)
    table = build_patient_table(bare, predict_cohort(default_model, bare))
    hidden = table["probability"].isna()
    assert hidden.iloc[:4].all() and not hidden.iloc[4:].any()
    assert table.loc[hidden, "rank"].isna().all() and table.loc[hidden, "percentile"].isna().all()
    assert sorted(table.loc[~hidden, "rank"]) == [1, 2, 3, 4]
    assert table.loc[~hidden, "percentile"].max() == 100
    first = table.sort_values("rank", kind="stable").iloc[0]
    assert first["rank"] == 1 and "highest-ranked" in describe_first_ranked(table)
    # with no estimable patient at all, the file's order stands, as the page says
    nothing = frame.copy()
    for feature in (f for f in FEATURES if f not in kept):
        nothing[feature] = nothing[feature].where(nothing.index < 0)
    table = build_patient_table(nothing, predict_cohort(default_model, nothing))
    assert table["rank"].isna().all()
    assert table.sort_values("rank", kind="stable")["patient_id"].tolist() == nothing["patient_id"].tolist()
    assert "first patient of the file" in describe_first_ranked(table)
